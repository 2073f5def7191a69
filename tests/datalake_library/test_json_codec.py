"""The one strict JSON encoder (datalake_library/json_codec.py): tables, strictness, paths, nesting."""

from __future__ import annotations

import base64
import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest

from datalake_library.errors import InvalidArgumentTypeError
from datalake_library.interfaces.sqs_interface import _encode_body
from datalake_library.interfaces.states_interface import StatesInterface
from datalake_library.json_codec import WIRE, JsonCodecError, dumps, encode_strict, to_json_value


class Tier(Enum):
    GOLD = "gold"


class Box:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self._private = "never on the wire"


def nested_lists(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


# -- the WIRE table (bridge results) ----------------------------------------------------------------
@pytest.mark.parametrize(("value", "expected_text"), [
    ({"when": dt.datetime(2025, 1, 2, 3, 4, 5)}, '{"when": "2025-01-02T03:04:05"}'),
    ([dt.date(2025, 1, 2), dt.time(7, 8)], '["2025-01-02", "07:08:00"]'),
    ([Decimal("7"), Decimal("7.00"), Decimal("0.25")], "[7, 7, 0.25]"),
    ({"s": {3, 1, 2}, "f": frozenset({"b", "a"})}, '{"s": [1, 2, 3], "f": ["a", "b"]}'),
    ({Tier.GOLD: [Tier.GOLD]}, '{"gold": ["gold"]}'),
    (Box(Box((1, 2))), '{"inner": {"inner": [1, 2]}}'),
    ({1: "int key", None: "none key", 2.5: "float key"}, '{"1": "int key", "null": "none key", "2.5": "float key"}'),
])
def test_wire_table_conversions(value: Any, expected_text: str) -> None:
    assert json.dumps(to_json_value(value, WIRE)) == expected_text


def test_scalar_subclasses_become_the_exact_builtin_values() -> None:
    class Loud(str):
        def __str__(self) -> str:
            return "LOUD"

    class Count(int):
        def __repr__(self) -> str:
            return "Count!"

    converted = to_json_value({"s": Loud("quiet"), "n": Count(3), "f": type("F", (float,), {})(1.5)})
    assert [type(v) for v in converted.values()] == [str, int, float]
    assert json.dumps(converted) == '{"s": "quiet", "n": 3, "f": 1.5}'


def test_input_is_never_modified() -> None:
    inner = {"d": Decimal("1.5")}
    value = {"list": [inner], "obj": Box(inner)}
    to_json_value(value)
    assert inner == {"d": Decimal("1.5")} and isinstance(value["obj"], Box)


@pytest.mark.parametrize(("value", "message"), [
    ({"a": [1, {"b": b"raw"}]}, "cannot serialise bytes at $.a[1].b: decode it to str"),
    ([Box(object())], "cannot serialise object at $[0].inner: it has no attributes"),
    ({"k": {b"key": 1}}, "cannot use a bytes dict key at $.k"),
])
def test_wire_refusals_name_the_path(value: Any, message: str) -> None:
    with pytest.raises(JsonCodecError) as info:
        to_json_value(value, WIRE)
    assert str(info.value).startswith(message)


def test_cycles_are_named_but_shared_references_are_fine() -> None:
    loop: dict[str, Any] = {"x": []}
    loop["x"].append(loop)
    with pytest.raises(JsonCodecError, match=r"^circular reference at \$\.x\[0\]: a dict contains itself$"):
        to_json_value(loop)
    shared = {"v": 1}
    assert to_json_value([shared, {"again": shared}]) == [{"v": 1}, {"again": {"v": 1}}]
    me = Box(None)
    me.inner = me
    with pytest.raises(JsonCodecError, match=r"circular reference at \$\.inner"):
        to_json_value(me)


def test_nesting_far_deeper_than_the_recursion_limit_converts() -> None:
    depth = sys.getrecursionlimit() * 5
    converted = to_json_value(nested_lists(depth))
    for _ in range(depth):
        converted = converted[0]
    assert converted == "leaf"


# -- strict encoding ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("data", "message"), [
    ({"v": [1.0, float("nan")]}, "cannot serialise non-finite float nan at $.v[1]: JSON has no NaN or Infinity"),
    ({"v": {"w": float("-inf")}}, "cannot serialise non-finite float -inf at $.v.w: JSON has no NaN or Infinity"),
    ([0, 10**4300], "cannot serialise int with more than 4300 digits at $[1]: the interpreter's limit"),
    ([-(10**5000)], "cannot serialise int with more than 4300 digits at $[0]"),
    ({"body": {"data": b"raw"}}, "cannot serialise bytes value at $.body.data: JSON has no form for it"),
    ([True, None, {1, 2}], "cannot serialise set value at $[2]"),
])
def test_strict_encoding_refuses_what_json_cannot_carry_naming_the_path(data: Any, message: str) -> None:
    with pytest.raises(JsonCodecError) as info:
        encode_strict(data)
    assert str(info.value).startswith(message)


def test_the_largest_allowed_int_is_fine() -> None:
    biggest = 10**4300 - 1  # 4,300 digits
    text, size = encode_strict([biggest])
    assert size == 4302 and text == f"[{biggest}]"


def test_lone_surrogates_are_refused_only_when_the_text_is_sent_as_utf8() -> None:
    assert encode_strict({"s": "a\ud800"}, ensure_ascii=True) == ('{"s": "a\\ud800"}', 16)
    with pytest.raises(JsonCodecError, match=r"str holding a lone surrogate at \$\.s"):
        encode_strict({"s": "a\ud800"}, ensure_ascii=False)


def test_size_counts_utf8_bytes_of_the_text_the_runtime_sends() -> None:
    assert encode_strict("é€😀", ensure_ascii=False) == ('"é€😀"', 2 + 2 + 3 + 4)
    assert encode_strict("é€😀", ensure_ascii=True) == ('"\\u00e9\\u20ac\\ud83d\\ude00"', 26)
    data = {"a": [1, 2.5, None, True, "x"], "b": {}}
    assert encode_strict(data) == (json.dumps(data), len(json.dumps(data)))


def test_too_deep_for_the_encoder_names_the_deepest_path() -> None:
    with pytest.raises(JsonCodecError) as info:
        encode_strict(to_json_value(nested_lists(sys.getrecursionlimit() + 100)))
    text = str(info.value)
    assert text.startswith(f"cannot serialise value nested {sys.getrecursionlimit() + 100} levels deep at $[0][0]")
    assert "characters of path" in text and len(text) < 600


def test_nesting_json_dumps_manages_a_fresh_interpreter_manages_too() -> None:
    """Depth json.dumps reaches from a shallow stack, encoded from the same kind of stack."""
    code = (
        "import json, sys\n"
        "from datalake_library.json_codec import encode_strict, to_json_value\n"
        "v = 'x'\n"
        "for _ in range(950): v = [v]\n"
        "json.dumps(v)\n"
        "text, size = encode_strict(to_json_value(v))\n"
        "print(size)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == str(950 * 2 + 3)


# -- the PAYLOAD table (Step Functions / SQS) -----------------------------------------------------------
def test_payload_dumps_converts_with_the_table() -> None:
    message = {"when": dt.date(2025, 8, 14), "n": Decimal("12"), "r": Decimal("0.5"), "keys": {"b", "a"},
               "raw": b"\x00\xff"}
    assert dumps(message) == ('{"when": "2025-08-14", "n": 12, "r": 0.5, "keys": ["a", "b"], "raw": "'
                              + base64.b64encode(b"\x00\xff").decode() + '"}')


@pytest.mark.parametrize(("message", "text"), [
    ({"limit": Decimal("Infinity")}, "cannot serialise non-finite float inf at $.limit: JSON has no NaN"),
    ({"x": [Decimal("NaN")]}, "cannot serialise non-finite float nan at $.x[0]"),
    ({"x": [Decimal("sNaN")]}, "cannot serialise non-finite float nan at $.x[0]"),
    ({"score": float("nan")}, "cannot serialise non-finite float nan at $.score"),
    ({"a": {"b": object()}}, "Type <class 'object'> not serializable at $.a.b"),
    ({"e": Tier.GOLD}, "Type <enum 'Tier'> not serializable at $.e"),
])
def test_payload_dumps_is_strict_and_names_the_path(message: Any, text: str) -> None:
    with pytest.raises(JsonCodecError) as info:
        dumps(message)
    assert str(info.value).startswith(text)
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)


def test_json_serial_keeps_the_upstream_contract() -> None:
    """SDLF's json_serial: a json.dumps default hook; dates as isoformat, TypeError for the rest."""
    serial = StatesInterface.json_serial
    assert serial(dt.datetime(2025, 8, 14, 10, 0)) == "2025-08-14T10:00:00"
    assert serial(dt.date(2025, 8, 14)) == "2025-08-14"
    assert json.dumps({"d": dt.date(2025, 1, 1)}, default=serial) == '{"d": "2025-01-01"}'
    with pytest.raises(TypeError, match=r"^Type <class 'complex'> not serializable$"):
        serial(1j)
    assert StatesInterface.json_serial(Decimal("2")) == 2 and StatesInterface.json_serial(Decimal("-0.5")) == -0.5
    with pytest.raises(ValueError, match=r"^cannot serialise non-finite Decimal Infinity: JSON has no NaN"):
        serial(Decimal("Infinity"))  # was an OverflowError from int(Decimal('Infinity'))
    with pytest.raises(ValueError, match=r"^cannot serialise non-finite Decimal NaN"):
        json.dumps({"x": Decimal("NaN")}, default=serial)


@pytest.mark.parametrize("message", [{"limit": Decimal("Infinity")}, {"vector": [0.1, float("inf")]}])
def test_step_functions_and_sqs_payloads_refuse_non_finite_numbers_clearly(message: Any) -> None:
    states = StatesInterface.__new__(StatesInterface)  # encode_input needs no AWS state
    with pytest.raises(InvalidArgumentTypeError, match=r"message cannot be JSON-encoded: cannot serialise "
                                                       r"non-finite float inf at \$\."):
        states.encode_input(message)
    with pytest.raises(InvalidArgumentTypeError, match=r"cannot serialise non-finite float inf"):
        _encode_body(message)


def test_no_other_json_encoder_in_product_code() -> None:
    """Every JSON default hook / encoder class of the package lives in json_codec."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for package in ("datalake_library", "letsdata_service", "letsdata_utils", "letsdata_interfaces",
                    "letsdata_local"):
        for path in (root / package).rglob("*.py"):
            if path.name == "json_codec.py" or "testing" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if "JSONEncoder" in text or "json.dumps(" in text and "default=" in text.split("json.dumps(", 1)[1][:200]:
                offenders.append(str(path.relative_to(root)))
    assert offenders == []


@pytest.mark.parametrize("depth", [3, 99, 100, 101, 350])
def test_paths_and_cycles_are_found_at_any_depth(depth: int) -> None:
    """Shallow levels are walked by recursion, deeper ones on an explicit stack: both name paths."""
    bottom: Any = {"raw": b"x"}
    value: Any = bottom
    for i in range(depth):
        value = {"k": [value]} if i % 2 else [Box(value)]
    with pytest.raises(JsonCodecError) as info:
        to_json_value(value)
    expected = "".join("[0].inner" if i % 2 == 0 else ".k[0]" for i in reversed(range(depth)))
    assert info.value.path == "$" + expected + ".raw"

    head: list[Any] = []
    link = head
    for _ in range(depth):
        link.append([])
        link = link[0]
    link.append(head)
    with pytest.raises(JsonCodecError) as cycle:
        to_json_value(head)
    assert cycle.value.reason == "circular reference" and cycle.value.path == "$" + "[0]" * (depth + 1)
