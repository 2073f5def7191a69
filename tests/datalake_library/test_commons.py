"""commons: init_logger level handling and DynamoDB (de)serialisation."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest

from datalake_library.commons import (
    deserialize_dynamodb_item,
    floats_to_decimals,
    init_logger,
    normalize_log_level,
    serialize_dynamodb_item,
)
from datalake_library.errors import InvalidArgumentTypeError, InvalidLogLevelError


@pytest.mark.parametrize(
    ("given", "expected"),
    [("DEBUG", 10), ("info", 20), (" Warning ", 30), ("warn", 30), ("error", 40), ("CRITICAL", 50), (15, 15)],
)
def test_levels_are_case_insensitive(given, expected) -> None:
    assert init_logger(f"test.level.{given}", given).level == expected


def test_default_level_comes_from_log_level_env(monkeypatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "debug")
    assert init_logger("test.env").level == logging.DEBUG
    monkeypatch.delenv("LOG_LEVEL")
    assert init_logger("test.env.default").level == logging.INFO


@pytest.mark.parametrize("bad", ["bogus", "TRACE", "inf0"])
def test_unknown_level_is_rejected_with_a_clear_message(bad, monkeypatch) -> None:
    with pytest.raises(InvalidLogLevelError) as info:
        init_logger("test.bad", bad)
    assert repr(bad) in str(info.value) and "DEBUG, INFO, WARNING" in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("bad", ["bogus", "inf0"])
def test_a_bad_log_level_env_warns_naming_it_and_falls_back_to_info(bad, monkeypatch, caplog) -> None:
    """The environment must never make logging set-up raise (the Lambda handler never raises)."""
    from datalake_library import settings

    settings._warned.clear()
    monkeypatch.delenv("AWS_LAMBDA_LOG_LEVEL", raising=False)
    monkeypatch.setenv("LOG_LEVEL", bad)
    with caplog.at_level(logging.WARNING):
        assert init_logger("test.bad.env").level == logging.INFO
    assert any(f"LOG_LEVEL={bad!r}" in r.getMessage() and "using INFO" in r.getMessage() for r in caplog.records)


def test_lambda_advanced_logging_level_wins_over_log_level(monkeypatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "error")
    monkeypatch.setenv("AWS_LAMBDA_LOG_LEVEL", "DEBUG")
    assert init_logger("test.alc").level == logging.DEBUG


def test_wrong_type_level() -> None:
    with pytest.raises(InvalidArgumentTypeError):
        normalize_log_level(["INFO"])  # type: ignore[arg-type]


def test_root_set_up_once_and_boto_quietened() -> None:
    init_logger("test.once.a")
    handlers = list(logging.getLogger().handlers)
    for _ in range(5):
        init_logger("test.once.b", "debug")
    assert logging.getLogger().handlers == handlers
    assert logging.getLogger("botocore").level >= logging.WARNING
    assert logging.getLogger("urllib3").level >= logging.WARNING


def test_serialize_round_trip() -> None:
    item = {
        "id": "s3://b/k",
        "size": Decimal("12"),
        "tags": ["a", 1],
        "nested": {"x": Decimal("1.5")},
        "n": None,
    }
    wire = serialize_dynamodb_item(item)
    assert wire["id"] == {"S": "s3://b/k"} and wire["size"] == {"N": "12"}
    assert deserialize_dynamodb_item(wire) == item


def test_serialize_rejects_floats_and_non_mappings_with_library_errors() -> None:
    with pytest.raises(InvalidArgumentTypeError, match="cannot be stored"):
        serialize_dynamodb_item({"x": 1.5})
    with pytest.raises(InvalidArgumentTypeError, match="mapping"):
        serialize_dynamodb_item([("x", 1)])  # type: ignore[arg-type]


def test_floats_to_decimals_is_deep_and_non_mutating() -> None:
    original: dict[str, Any] = {"a": 0.1, "b": [1.5, {"c": 2.25}], "d": True, "e": 3, "f": (0.5,)}
    converted = floats_to_decimals(original)
    assert converted == {
        "a": Decimal("0.1"),
        "b": [Decimal("1.5"), {"c": Decimal("2.25")}],
        "d": True,
        "e": 3,
        "f": [Decimal("0.5")],
    }
    assert original["a"] == 0.1 and original["b"][1] == {"c": 2.25}
    with pytest.raises(InvalidArgumentTypeError):
        floats_to_decimals({"x": float("nan")})
