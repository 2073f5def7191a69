"""Envelopes, the stage lookup and the wire serialiser (docs/letsdata-wire-contract.md)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import namedtuple
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from letsdata_utils import request_utils
from letsdata_utils.errors import (
    LetsDataAssertionError,
    LetsDataImplementationError,
    LetsDataRequestError,
    LetsDataSerializationError,
)
from letsdata_utils.request_utils import (
    getJsonObject,
    getLambdaStageFromEnvironment,
    return200Response,
    return500ResponseFromException,
)
from letsdata_utils.stage import Stage


def original_getJsonObject(value: Any) -> Any:
    """Reference: the original algorithm as docs/letsdata-wire-contract.md describes it (for the values it handled)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    try:
        json.dumps(value)
        return value
    except TypeError:
        return {k: original_getJsonObject(v) for k, v in value.__dict__.items()}


class Color(str, Enum):  # noqa: UP042 - the str-mixin enums users write
    RED = "red"


class Level(Enum):
    HIGH = 3


class Plain:
    def __init__(self, a: Any, b: Any) -> None:
        self.a = a
        self.b = b


class WithPrivate:
    def __init__(self) -> None:
        self.visible = 1
        self._cache = {"x": 1}
        self.__mangled = 2
        self.after = Color.RED


class Slotted:
    __slots__ = ("x", "y", "_hidden", "unset")

    def __init__(self) -> None:
        self.x = 1
        self.y = [Plain(1, 2)]
        self._hidden = "no"


class SlottedChild(Slotted):
    __slots__ = ("z",)

    def __init__(self) -> None:
        super().__init__()
        self.z = dt.date(2024, 2, 2)


Point = namedtuple("Point", "x y")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_plain_json_values_serialise_exactly_as_the_original(value: Any) -> None:
    assert json.dumps(getJsonObject(value)) == json.dumps(original_getJsonObject(value))


@settings(max_examples=200, deadline=None)
@given(json_values, json_values)
def test_objects_serialise_exactly_as_the_original(a: Any, b: Any) -> None:
    value = Plain(Plain(a, Color.RED), b)
    assert json.dumps(getJsonObject(value)) == json.dumps(original_getJsonObject(value))


@pytest.mark.parametrize(("value", "expected"), [
    ([Plain(1, 2), Plain("x", None)], [{"a": 1, "b": 2}, {"a": "x", "b": None}]),
    ((Plain(1, 2),), [{"a": 1, "b": 2}]),
    ({"k": Plain(1, [Plain(2, 3)])}, {"k": {"a": 1, "b": [{"a": 2, "b": 3}]}}),
    ({3, 1, 2}, [1, 2, 3]),
    (frozenset({"b", "a"}), ["a", "b"]),
    (dt.datetime(2024, 2, 2, 10, 30, tzinfo=dt.UTC), "2024-02-02T10:30:00+00:00"),
    (dt.date(2024, 2, 2), "2024-02-02"),
    (Decimal("5"), 5),
    (Decimal("5.000"), 5),
    (Decimal("2.5"), 2.5),
    (Color.RED, "red"),
    (Level.HIGH, 3),
    ({Color.RED: Level.HIGH}, {"red": 3}),
    ({1: "a", None: "b", (1, 2): "c"}, {1: "a", None: "b", "(1, 2)": "c"}),
    (WithPrivate(), {"visible": 1, "after": "red"}),
    (Slotted(), {"x": 1, "y": [{"a": 1, "b": 2}]}),
    (SlottedChild(), {"x": 1, "y": [{"a": 1, "b": 2}], "z": "2024-02-02"}),
    (Point(1, Plain(2, 3)), [1, {"a": 2, "b": 3}]),
])
def test_section_5_2_table(value: Any, expected: Any) -> None:
    assert json.dumps(getJsonObject(value)) == json.dumps(expected)


def test_set_of_unorderable_values_keeps_all_elements() -> None:
    assert sorted(getJsonObject({1, "a"}), key=str) == [1, "a"]


def test_decimal_infinity_and_nan_do_not_crash() -> None:
    assert getJsonObject(Decimal("Infinity")) == float("inf")


@pytest.mark.parametrize(("value", "path"), [
    (b"raw", "$"),
    (bytearray(b"raw"), "$"),
    ({"document": {"documentKeyValuesMap": {"raw": b"x"}}}, "$.document.documentKeyValuesMap.raw"),
    ([1, Plain(1, memoryview(b"x"))], "$[1].b"),
])
def test_bytes_raise_naming_the_path(value: Any, path: str) -> None:
    with pytest.raises(LetsDataSerializationError) as info:
        getJsonObject(value)
    assert f" at {path}:" in str(info.value) and "decode it to str" in str(info.value)
    assert isinstance(info.value, TypeError)


def test_cycles_and_opaque_objects_raise_clear_errors() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(LetsDataSerializationError, match=r"circular reference at \$\[0\]"):
        getJsonObject(loop)
    with pytest.raises(LetsDataSerializationError, match=r"cannot serialise object at \$\.a: it has no attributes"):
        getJsonObject(Plain(object(), 1))


def test_shared_non_cyclic_references_are_fine() -> None:
    shared = Plain(1, 2)
    assert getJsonObject([shared, shared]) == [{"a": 1, "b": 2}] * 2


def _raise(exc: BaseException) -> BaseException:
    try:
        try:
            raise ValueError("inner cause")
        except ValueError as inner:
            raise exc from inner
    except BaseException as caught:
        return caught


def test_500_envelope_formats_the_given_exception_outside_an_except_block() -> None:
    err = _raise(RuntimeError("outer"))
    response = return500ResponseFromException(err, {})
    expected_prefix = {"StatusCode": 500, "headers": {"Content-Type": "application/json"},
                       "body": {"statusCode": "EXCEPTION", "errorMessage": "outer",
                                "exception": {"errorMessage": "outer", "errorType": "RuntimeError"}}}
    trace = response["body"]["exception"].pop("stackTrace")
    assert json.dumps(response) == json.dumps(expected_prefix)
    assert "ValueError: inner cause" in trace and "direct cause" in trace and trace.endswith("RuntimeError: outer\n")


def test_500_envelope_fills_the_given_response_dict_and_tolerates_none() -> None:
    target: dict[str, Any] = {"stale": 1}
    assert return500ResponseFromException(Exception("x"), target) is target
    assert list(target) == ["StatusCode", "headers", "body"]
    assert return500ResponseFromException(Exception("y"), None)["body"]["errorMessage"] == "y"


@pytest.mark.parametrize("err", [LetsDataAssertionError("letsdata assert - a"), LetsDataRequestError("b"),
                                 LetsDataImplementationError("c"), LetsDataSerializationError("d")])
def test_bridge_errors_are_reported_as_exception_on_the_wire(err: Exception) -> None:
    assert return500ResponseFromException(err, None)["body"]["exception"]["errorType"] == "Exception"


def test_unprintable_exception_still_gives_an_envelope() -> None:
    class Weird(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no str")

    body = return500ResponseFromException(Weird(), None)["body"]
    assert body["errorMessage"] == "<unprintable Weird: RuntimeError>"


def test_200_envelope_key_order() -> None:
    assert json.dumps(return200Response(None)) == (
        '{"StatusCode": 200, "headers": {"Content-Type": "application/json"}, '
        '"body": {"statusCode": "SUCCESS", "data": null}}')


@pytest.mark.parametrize(("raw", "expected", "warns"), [
    ("Test", Stage.Test, False), ("Prod", Stage.Prod, False), ("test", Stage.Test, True),
    ("PROD", Stage.Prod, True), (None, None, True), ("qa", None, True),
])
def test_stage_is_tolerant(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, raw: str | None,
                           expected: Stage | None, warns: bool) -> None:
    monkeypatch.setattr(request_utils, "_stage_cache", {})
    if raw is None:
        monkeypatch.delenv("LETS_DATA_STAGE", raising=False)
    else:
        monkeypatch.setenv("LETS_DATA_STAGE", raw)
    with caplog.at_level(logging.WARNING, logger="letsdata"):
        assert getLambdaStageFromEnvironment() is expected
        assert getLambdaStageFromEnvironment() is expected
    warnings = [r for r in caplog.records if "LETS_DATA_STAGE" in r.getMessage()]
    assert len(warnings) == (1 if warns else 0)  # warned once, then cached


def test_stage_enum() -> None:
    assert Stage.fromValue("Test") is Stage.Test
    with pytest.raises(ValueError):
        Stage.fromValue("test")
