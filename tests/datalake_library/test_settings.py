"""settings: one table of environment variables, one parser, errors that name the variable."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

from datalake_library import settings
from datalake_library.errors import ConfigurationError
from datalake_library.settings import SettingError

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ["datalake_library", "letsdata_interfaces", "letsdata_service", "letsdata_utils", "letsdata_local",
           "letsdata_lambda_function.py"]


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    for name in ("LOG_LEVEL", "AWS_LAMBDA_LOG_LEVEL", "DATALAKE_MAX_ATTEMPTS", "DATALAKE_SSM_CACHE_TTL",
                 "LETSDATA_SECRETS_CACHE_TTL_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    settings._warned.clear()


def test_defaults_when_unset_or_blank(monkeypatch) -> None:
    assert settings.get("DATALAKE_MAX_ATTEMPTS") == 5
    assert settings.get("DATALAKE_SSM_CACHE_TTL") == 300.0
    assert settings.get("SPARK_MASTER") == "local[*]"
    assert settings.get("AWS_ENDPOINT_URL") is None
    monkeypatch.setenv("DATALAKE_MAX_ATTEMPTS", "   ")
    assert settings.get("DATALAKE_MAX_ATTEMPTS") == 5
    assert settings.get("DATALAKE_MAX_ATTEMPTS", 9) == 9


def test_values_are_parsed(monkeypatch) -> None:
    monkeypatch.setenv("DATALAKE_MAX_ATTEMPTS", " 7 ")
    monkeypatch.setenv("DATALAKE_SSM_CACHE_TTL", "0.5")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    assert settings.get("DATALAKE_MAX_ATTEMPTS") == 7
    assert settings.get("DATALAKE_SSM_CACHE_TTL") == 0.5
    assert settings.get("LOG_LEVEL") == logging.DEBUG


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("DATALAKE_MAX_ATTEMPTS", "five", "a whole number >= 1"),
        ("DATALAKE_MAX_ATTEMPTS", "0", "a whole number >= 1"),
        ("DATALAKE_MAX_ATTEMPTS", "2.5", "a whole number >= 1"),
        ("DATALAKE_SSM_CACHE_TTL", "soon", "a number of seconds"),
        ("DATALAKE_SSM_CACHE_TTL", "-1", "a number of seconds >= 0"),
        ("DATALAKE_SSM_CACHE_TTL", "nan", "a finite number of seconds"),
        ("LETSDATA_SECRETS_CACHE_TTL_SECONDS", "inf", "a finite number of seconds"),
        ("LOG_LEVEL", "loud", "one of DEBUG, INFO, WARNING, ERROR, CRITICAL (any case) or a number"),
    ],
)
def test_a_bad_value_names_the_variable_and_the_value(monkeypatch, name, raw, expected) -> None:
    monkeypatch.setenv(name, raw)
    with pytest.raises(SettingError) as info:
        settings.get(name)
    assert str(info.value) == f"environment variable {name}={raw!r} is not valid: expected {expected}"
    assert (info.value.variable, info.value.value) == (name, raw)
    assert isinstance(info.value, ValueError) and isinstance(info.value, ConfigurationError)


def test_a_bad_max_attempts_never_fails_at_import_but_where_a_client_is_configured() -> None:
    code = (
        "import datalake_library.aws.config as c, datalake_library.aws.session, letsdata_lambda_function\n"
        "try:\n    c.build_config()\nexcept Exception as e:\n    print(type(e).__name__, e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "DATALAKE_MAX_ATTEMPTS": "five"})
    assert out.stdout.strip() == (
        "SettingError environment variable DATALAKE_MAX_ATTEMPTS='five' is not valid: expected a whole number >= 1"
    )


def test_build_config_uses_the_setting(monkeypatch) -> None:
    from datalake_library.aws.config import build_config

    monkeypatch.setenv("DATALAKE_MAX_ATTEMPTS", "3")
    assert build_config().retries == {"mode": "standard", "max_attempts": 3}
    monkeypatch.delenv("DATALAKE_MAX_ATTEMPTS")
    assert build_config().retries == {"mode": "standard", "max_attempts": 5}


def test_get_or_default_warns_once_and_falls_back(monkeypatch, caplog) -> None:
    monkeypatch.setenv("LOG_LEVEL", "loud")
    with caplog.at_level(logging.WARNING, logger="datalake_library.settings"):
        assert settings.get_or_default("LOG_LEVEL") == logging.INFO
        assert settings.get_or_default("LOG_LEVEL") == logging.INFO
    warnings = [r.getMessage() for r in caplog.records if r.name == "datalake_library.settings"]
    assert warnings == ["environment variable LOG_LEVEL='loud' is not valid: expected one of DEBUG, INFO, "
                        "WARNING, ERROR, CRITICAL (any case) or a number; using INFO"]


@pytest.mark.parametrize(
    ("lambda_level", "log_level", "expected"),
    [
        (None, None, logging.INFO),
        (None, "error", logging.ERROR),
        ("DEBUG", "error", logging.DEBUG),  # Lambda's advanced logging controls win
        ("WARN", None, logging.WARNING),
        ("FATAL", "debug", logging.CRITICAL),
        ("TRACE", None, logging.DEBUG),  # Python has nothing below DEBUG
        ("noisy", "error", logging.ERROR),  # a bad Lambda value is skipped (with a warning)
        (None, "noisy", logging.INFO),
    ],
)
def test_effective_log_level_precedence(monkeypatch, lambda_level, log_level, expected) -> None:
    if lambda_level is not None:
        monkeypatch.setenv("AWS_LAMBDA_LOG_LEVEL", lambda_level)
    if log_level is not None:
        monkeypatch.setenv("LOG_LEVEL", log_level)
    assert settings.effective_log_level() == expected


def test_unknown_names_are_a_programming_error() -> None:
    with pytest.raises(KeyError, match="not named in datalake_library/settings.py"):
        settings.get("SOMETHING_ELSE")


def test_family_names_resolve(monkeypatch) -> None:
    monkeypatch.setenv("LETSDATA_IMPL_SINGLEFILEPARSER", " pkg.mod:Parser ")
    assert settings.get("LETSDATA_IMPL_SINGLEFILEPARSER") == "pkg.mod:Parser"
    assert settings.get("AWS_ENDPOINT_URL_EVENTBRIDGE") is None


def test_the_table_names_each_variable_once_with_a_meaning() -> None:
    assert all(name == s.name and s.meaning for name, s in settings.SETTINGS.items())
    assert {"LOG_LEVEL", "AWS_LAMBDA_LOG_LEVEL", "DATALAKE_MAX_ATTEMPTS", "DATALAKE_SSM_CACHE_TTL",
            "LETS_DATA_STAGE", "LETSDATA_IMPL_", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_"} <= set(settings.SETTINGS)


def test_product_code_reads_the_environment_only_through_settings() -> None:
    direct = re.compile(r"os\.environ\.get\(|os\.getenv\(|(?<!del )os\.environ\[[^]]+\](?!\s*=)")
    offenders = []
    for source in PRODUCT:
        path = ROOT / source
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            rel = file.relative_to(ROOT)
            if rel.as_posix() == "datalake_library/settings.py" or "testing" in rel.parts:
                continue
            for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                if direct.search(line):
                    offenders.append(f"{rel}:{number}: {line.strip()}")
    assert not offenders, "read the environment through datalake_library.settings:\n" + "\n".join(offenders)


def test_settings_imports_only_the_standard_library() -> None:
    code = ("import sys; import datalake_library.settings; "
            "print(sorted(m for m in ('boto3', 'botocore', 'dataclasses') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "[]"
