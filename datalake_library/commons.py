"""Helpers stage Lambdas import directly: logging set-up and DynamoDB (de)serialisation.

Kept import-light: ``boto3.dynamodb.types`` is imported only when an item is (de)serialised.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from datalake_library import settings
from datalake_library.errors import InvalidArgumentTypeError, InvalidLogLevelError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

__all__ = [
    "deserialize_dynamodb_item",
    "floats_to_decimals",
    "init_logger",
    "normalize_log_level",
    "serialize_dynamodb_item",
]

#: Chatty third-party loggers set to WARNING once (unless the application already chose a level).
_NOISY_LOGGERS = ("boto3", "botocore", "s3transfer", "urllib3")
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_setup_lock = threading.Lock()
_root_configured = False


def normalize_log_level(log_level: str | int | None = None) -> int:
    """Numeric level for ``log_level``; case-insensitive.

    Without an argument the level comes from the environment
    (:func:`datalake_library.settings.effective_log_level`: ``AWS_LAMBDA_LOG_LEVEL``, else
    ``LOG_LEVEL``, else ``INFO``; a bad environment value warns once and falls back, never raises).
    An unknown *argument* raises :class:`InvalidLogLevelError` naming the value and the accepted
    names: the original crashed with an ``AttributeError`` from ``getattr(logging, level)``.
    """
    if log_level is None or log_level == "":
        return settings.effective_log_level()
    if isinstance(log_level, bool):
        raise InvalidArgumentTypeError(f"log_level must be a level name or int, got {log_level!r}")
    if isinstance(log_level, int):
        return log_level
    if not isinstance(log_level, str):
        raise InvalidArgumentTypeError(
            f"log_level must be a level name or int, got {type(log_level).__name__}", argument="log_level"
        )
    try:
        return settings.parse_log_level(log_level)
    except ValueError:
        raise InvalidLogLevelError(
            f"unknown log level {log_level!r}; expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL "
            "(case-insensitive)",
            argument="log_level",
        ) from None


def _configure_root_once() -> None:
    """Give the root logger a handler if nobody did (Lambda's runtime already does), and quieten
    boto's loggers. Runs once per process instead of ``basicConfig`` on every call."""
    global _root_configured
    if _root_configured:
        return
    with _setup_lock:
        if _root_configured:
            return
        root = logging.getLogger()
        if not root.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter(_FORMAT))
            root.addHandler(handler)
        for name in _NOISY_LOGGERS:
            noisy = logging.getLogger(name)
            if noisy.level == logging.NOTSET:
                noisy.setLevel(logging.WARNING)
        _root_configured = True


def init_logger(file_name: str, log_level: str | int | None = None) -> logging.Logger:
    """The logger named ``file_name`` at ``log_level`` (default: the environment's, see
    :func:`normalize_log_level`).

    Same signature as the original; lower-case names work, unknown ones raise
    :class:`~datalake_library.errors.InvalidLogLevelError`.
    """
    level = normalize_log_level(log_level)
    _configure_root_once()
    logger = logging.getLogger(file_name)
    logger.setLevel(level)
    return logger


def floats_to_decimals(value: Any) -> Any:
    """A copy of ``value`` with every ``float`` (nested in dicts, lists, tuples, sets) as ``Decimal``.

    DynamoDB's serializer refuses floats; ``Decimal(str(f))`` keeps the printed value (0.1 stays
    0.1). NaN and infinity cannot be stored and raise ``InvalidArgumentTypeError``.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise InvalidArgumentTypeError(f"DynamoDB cannot store the number {value!r}")
        return Decimal(str(value))
    if isinstance(value, Mapping):
        return {k: floats_to_decimals(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [floats_to_decimals(v) for v in value]
    if isinstance(value, set | frozenset):
        return {floats_to_decimals(v) for v in value}
    return value


def serialize_dynamodb_item(
    item: Mapping[str, Any], serializer: TypeSerializer | None = None
) -> dict[str, Any]:
    """Plain Python item -> DynamoDB attribute-value map (``TypeSerializer`` on each top-level value)."""
    if not isinstance(item, Mapping):
        raise InvalidArgumentTypeError(f"a DynamoDB item must be a mapping, got {type(item).__name__}")
    if serializer is None:
        from boto3.dynamodb.types import TypeSerializer

        serializer = TypeSerializer()
    try:
        return {key: serializer.serialize(value) for key, value in item.items()}
    except TypeError as exc:
        raise InvalidArgumentTypeError(f"item cannot be stored in DynamoDB: {exc}") from exc


def deserialize_dynamodb_item(
    item: Mapping[str, Any], deserializer: TypeDeserializer | None = None
) -> dict[str, Any]:
    """DynamoDB attribute-value map -> plain Python item (``TypeDeserializer``; numbers are Decimal)."""
    if deserializer is None:
        from boto3.dynamodb.types import TypeDeserializer

        deserializer = TypeDeserializer()
    return {key: deserializer.deserialize(value) for key, value in item.items()}
