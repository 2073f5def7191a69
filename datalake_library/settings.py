"""Every environment variable the product code reads, named in one table and parsed by one function.

Why: the variables used to be read where they were needed, each with its own parser, and they
disagreed (``DATALAKE_MAX_ATTEMPTS=five`` failed at import time with a bare ``ValueError`` while its
neighbours named the variable; a bad ``LOG_LEVEL`` raised in one half of the project and fell back in
the other). Here:

* :data:`SETTINGS` names each variable with its parser, default and meaning (the README documents
  the same list; ``tests/test_readme.py`` checks that it does).
* :func:`get` reads and parses one variable at the moment it is used — never at import time. A bad
  value raises :class:`SettingError`, which names the variable, the value and what was expected.
* :func:`get_or_default` is for code that must not raise (logging set-up, the Lambda handler's
  path): a bad value logs one warning naming the variable and the default is used instead.

Standard library only: this module is imported on the Lambda hot path.
"""

from __future__ import annotations

import logging
import math
import os
import threading
from typing import TYPE_CHECKING, Any

from datalake_library.errors import ConfigurationError, InvalidArgumentError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from collections.abc import Callable

__all__ = [
    "SETTINGS",
    "Setting",
    "SettingError",
    "effective_log_level",
    "effective_log_level_name",
    "get",
    "get_or_default",
    "is_set",
    "parse_log_level",
]

_logger = logging.getLogger("datalake_library.settings")


class SettingError(ConfigurationError, InvalidArgumentError):
    """An environment variable holds a value its parser refuses.

    ``variable`` is the variable's name, ``value`` the raw text found. Also a ``ValueError`` (through
    :class:`~datalake_library.errors.InvalidArgumentError`) and a
    :class:`~datalake_library.errors.ConfigurationError`, so existing ``except`` clauses keep working.
    """

    def __init__(self, variable: str, value: str, expected: str) -> None:
        message = f"environment variable {variable}={value!r} is not valid: expected {expected}"
        ConfigurationError.__init__(self, message, parameter=variable)
        self.argument = variable
        self.variable = variable
        self.value = value
        self.expected = expected


# -- parsers: text -> value; ValueError(expected) when the text is refused ------------------------
def _text(raw: str) -> str:
    return raw.strip()


def _positive_int(raw: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise ValueError("a whole number >= 1") from None
    if value < 1:
        raise ValueError("a whole number >= 1")
    return value


def _finite_float(raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise ValueError("a number of seconds") from None
    if not math.isfinite(value):
        raise ValueError("a finite number of seconds")
    return value


def _non_negative_seconds(raw: str) -> float:
    value = _finite_float(raw)
    if value < 0:
        raise ValueError("a number of seconds >= 0")
    return value


#: Python's level names and the aliases the standard library accepts (case-insensitive).
LEVEL_NAMES: dict[str, int] = {
    "CRITICAL": logging.CRITICAL,
    "FATAL": logging.CRITICAL,
    "ERROR": logging.ERROR,
    "WARNING": logging.WARNING,
    "WARN": logging.WARNING,
    "INFO": logging.INFO,
    "DEBUG": logging.DEBUG,
    "NOTSET": logging.NOTSET,
}
#: Lambda's advanced logging controls use TRACE, DEBUG, INFO, WARN, ERROR, FATAL; Python has no
#: TRACE, so it is the most verbose level Python has (DEBUG).
LAMBDA_LEVEL_NAMES: dict[str, int] = {**LEVEL_NAMES, "TRACE": logging.DEBUG}
_LEVEL_EXPECTED = "one of DEBUG, INFO, WARNING, ERROR, CRITICAL (any case) or a number"


def parse_log_level(raw: str, names: dict[str, int] = LEVEL_NAMES) -> int:
    """``"debug"`` -> 10, ``"15"`` -> 15; anything else raises ``ValueError(expected)``."""
    name = raw.strip().upper()
    if name in names:
        return names[name]
    if name.isdigit():
        return int(name)
    raise ValueError(_LEVEL_EXPECTED)


def _lambda_log_level(raw: str) -> int:
    return parse_log_level(raw, LAMBDA_LEVEL_NAMES)


class Setting:
    """One environment variable: its ``name`` (a prefix when ``family``), parser, default, meaning.

    ``family`` marks a prefix (``LETSDATA_IMPL_<INTERFACE>``, ``AWS_ENDPOINT_URL_<SERVICE>``). A plain
    class rather than a dataclass: ``dataclasses`` would add milliseconds to every cold start.
    """

    __slots__ = ("default", "family", "meaning", "name", "parse")

    def __init__(
        self, name: str, parse: Callable[[str], Any], default: Any, meaning: str, family: bool = False
    ) -> None:
        self.name = name
        self.parse = parse
        self.default = default
        self.meaning = meaning
        self.family = family

    def __repr__(self) -> str:
        return f"Setting({self.name!r}, default={self.default!r})"


#: Every environment variable the product code reads. Keep the README's table in step.
SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        # -- logging (both halves) --
        Setting("LOG_LEVEL", parse_log_level, logging.INFO,
                "level of the library's and the bridge's loggers (a bad value: one warning, then INFO)"),
        Setting("AWS_LAMBDA_LOG_LEVEL", _lambda_log_level, None,
                "set by Lambda's advanced logging controls; when set it governs the level, before LOG_LEVEL"),
        # -- AWS session layer --
        Setting("AWS_REGION", _text, None, "region (set by Lambda); first choice"),
        Setting("AWS_DEFAULT_REGION", _text, None, "region when AWS_REGION is not set"),
        Setting("AWS_ENDPOINT_URL", _text, None, "endpoint for every AWS service (moto, LocalStack)"),
        Setting("AWS_ENDPOINT_URL_", _text, None,
                "endpoint for one service, named by botocore's service id (AWS_ENDPOINT_URL_EVENTBRIDGE)",
                family=True),
        Setting("DATALAKE_MAX_ATTEMPTS", _positive_int, 5,
                "botocore standard-mode attempts per AWS call (first try included)"),
        # -- datalake_library --
        Setting("DATALAKE_SSM_CACHE_TTL", _non_negative_seconds, 300.0,
                "seconds an SSM parameter value stays cached (0: no caching)"),
        Setting("DATALAKE_DOWNLOAD_DIR", _text, None, "directory S3Interface.download_object writes under"),
        # 256 MiB: half of Lambda's default 512 MB /tmp; SDLF stage code writes its output next to
        # each download (about as large), so the other half is left for those files.
        Setting("DATALAKE_DOWNLOAD_BUDGET_BYTES", _positive_int, 256 * 1024 * 1024,
                "bytes of downloads a process keeps on disk; its oldest are deleted beyond that"),
        Setting("BUCKET_TARGET", _text, None, "S3Configuration.destination_bucket (legacy SDLF)"),
        Setting("TARGET_ENCRYPTION_KEY", _text, None,
                "S3Configuration.destination_encryption_key (legacy SDLF)"),
        Setting("AWS_ACCESS_KEY", _text, None,
                "access key of OctagonClient().with_run_fargate(True) / sdlf PipelineExecutionHistoryAPI('FARGATE') (legacy SDLF)"),
        Setting("AWS_SECRET_ACCESS_KEY", _text, None, "the secret key that goes with AWS_ACCESS_KEY (legacy SDLF Fargate)"),
        # -- LetsData bridge --
        Setting("LETS_DATA_STAGE", _text, None, "Test or Prod (set by LetsData; unset or unknown: a warning)"),
        Setting("LETSDATA_IMPL_", _text, None,
                "module:Class implementing one interface (LETSDATA_IMPL_<INTERFACE NAME UPPER-CASE>)",
                family=True),
        Setting("LETSDATA_SECRETS_CACHE_TTL_SECONDS", _finite_float, 300.0,
                "seconds Spark credentials stay cached (clamped to 0..300)"),
        Setting("SPARK_MASTER", _text, "local[*]", "Spark master URL"),
        Setting("SPARK_S3A_ENDPOINT", _text, None, "S3-compatible endpoint for s3a (before AWS_ENDPOINT_URL_S3)"),
        Setting("SPARK_JARS_DIR", _text, None, "directory holding the hadoop-aws and aws-java-sdk-bundle jars"),
        Setting("SPARK_TMP_ROOT", _text, "/tmp/spark", "root of Spark's scratch and warehouse directories"),
    )
}


def _setting(name: str) -> Setting:
    setting = SETTINGS.get(name)
    if setting is not None:
        return setting
    families = [s for s in SETTINGS.values() if s.family and name.startswith(s.name) and name != s.name]
    if families:
        return max(families, key=lambda s: len(s.name))
    raise KeyError(f"{name} is not named in datalake_library/settings.py SETTINGS; add it there first")


def _raw(name: str) -> str | None:
    raw = os.environ.get(name)
    return None if raw is None or raw.strip() == "" else raw


def is_set(name: str) -> bool:
    """True when ``name`` (a named setting) holds a non-blank value."""
    _setting(name)
    return _raw(name) is not None


def get(name: str, default: Any = None) -> Any:
    """The parsed value of the environment variable ``name``; its default when unset or blank.

    ``default`` overrides the table's default. A value the parser refuses raises
    :class:`SettingError` naming the variable and the value.
    """
    setting = _setting(name)
    raw = _raw(name)
    if raw is None:
        return setting.default if default is None else default
    try:
        return setting.parse(raw)
    except ValueError as exc:
        raise SettingError(name, raw, str(exc)) from None


_warned: set[tuple[str, str]] = set()
_warned_lock = threading.Lock()


def _warn_once(exc: SettingError, using: str) -> None:
    key = (exc.variable, exc.value)
    with _warned_lock:
        first = key not in _warned
        _warned.add(key)
    if first:
        _logger.warning("%s; using %s", exc, using)


def get_or_default(name: str, default: Any = None) -> Any:
    """Like :func:`get`, but a bad value logs one warning (per variable and value) and yields the default.

    For code that must never raise because of its environment (logging set-up, the Lambda handler).
    """
    try:
        return get(name, default)
    except SettingError as exc:
        fallback = _setting(name).default if default is None else default
        _warn_once(exc, logging.getLevelName(fallback) if name == "LOG_LEVEL" else repr(fallback))
        return fallback


def effective_log_level() -> int:
    """The level both halves log at: ``AWS_LAMBDA_LOG_LEVEL`` when set, else ``LOG_LEVEL``, else INFO.

    Lambda's advanced logging controls set ``AWS_LAMBDA_LOG_LEVEL`` and drop records below it
    anyway, so when it is set it wins. A bad value of either variable warns once and is skipped.
    """
    try:
        lambda_level = get("AWS_LAMBDA_LOG_LEVEL")
    except SettingError as exc:
        _warn_once(exc, "LOG_LEVEL")
        lambda_level = None
    if lambda_level is not None:
        return int(lambda_level)
    return int(get_or_default("LOG_LEVEL"))


def effective_log_level_name() -> str:
    """:func:`effective_log_level` as a name (``"INFO"``), for attributes that kept the original's string."""
    return logging.getLevelName(effective_log_level())
