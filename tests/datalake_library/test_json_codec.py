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

from datalake_library import json_codec
from datalake_library.errors import InvalidArgumentTypeError
from datalake_library.interfaces.sqs_interface import _encode_body
from datalake_library.interfaces.states_interface import StatesInterface
from datalake_library.json_codec import (
    PAYLOAD,
    WIRE,
    JsonCodecError,
    dumps,
    encode_strict,
    find_strict_violation,
    to_json_value,
)


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


# -- exact texts, attributes and edge cases (each pins one documented rule) ---------------------------


def test_error_text_and_attributes() -> None:
    bare = JsonCodecError("broken")
    assert (str(bare), bare.reason, bare.path, bare.type_name, bare.advice) == ("broken at $", "broken", "$", "", "")
    full = JsonCodecError("broken", "$.a", "Thing", "fix it")
    assert (str(full), full.path, full.type_name, full.advice) == ("broken at $.a: fix it", "$.a", "Thing", "fix it")


def refusal(value: Any, conversions: Any = WIRE) -> JsonCodecError:
    with pytest.raises(JsonCodecError) as info:
        to_json_value(value, conversions)
    return info.value


def bury(value: Any, depth: int) -> Any:
    for _ in range(depth):
        value = [value]
    return value


DEEP = 150  # deeper than the recursion hand-over (100 levels): the explicit stack walks it


class Slotted:
    __slots__ = ("b", "_hidden", "unset")

    def __init__(self) -> None:
        self.b = 2
        self._hidden = 3


class SlottedChild(Slotted):
    __slots__ = "a"

    def __init__(self) -> None:
        super().__init__()
        self.a = 1


class SlotsAndDict:
    __slots__ = ("s", "__dict__", "__weakref__")

    def __init__(self) -> None:
        self.s = "slot"
        self.z = "late"
        self.y = "dict"
        self._p = "private"


class Color(Enum):
    RED = [1, Decimal("2")]


class Checked:
    def __init__(self) -> None:
        self.v = 1

    @staticmethod
    def _letsdata_wire_check(value: Any) -> None:
        raise ValueError(f"checked {type(value).__name__}")


class BadStr:
    def __str__(self) -> str:
        raise RuntimeError("no text")


class HashableBytes(bytearray):
    def __hash__(self) -> int:  # type: ignore[override]
        return 1


class NiceKey:
    def __str__(self) -> str:
        return "nice"


@pytest.mark.parametrize("depth", [0, 1, DEEP])
@pytest.mark.parametrize(("value", "expected"), [
    (SlottedChild(), {"b": 2, "a": 1}),
    (SlotsAndDict(), {"s": "slot", "z": "late", "y": "dict"}),
    (Color.RED, [1, 2]),
    ({Color.RED.name: Tier.GOLD}, {"RED": "gold"}),
    ({Tier.GOLD: 1, True: 2, NiceKey(): 3, type("S", (str,), {})("k"): 4}, {"gold": 1, True: 2, "nice": 3, "k": 4}),
    ([Decimal("-Infinity")], [float("-inf")]),
    ([Decimal("3.50")], [3.5]),
    ({1, "a"}, [1, "a"]),
    ((dt.time(1, 2, 3), bytearray()), None),
    ({"a": [], "b": {}, "c": ()}, {"a": [], "b": {}, "c": []}),
])
def test_wire_conversions_at_every_depth(value: Any, expected: Any, depth: int) -> None:
    if expected is None:  # binary refused at any depth, with the path
        error = refusal(bury(value, depth))
        assert error.path == "$" + "[0]" * depth + "[1]"
        assert (error.reason, error.type_name) == ("cannot serialise bytearray", "bytearray")
        assert error.advice == ("decode it to str (or base64-encode it) in your implementation; binary data is "
                                "never converted implicitly")
        return
    converted = to_json_value(bury(value, depth))
    for _ in range(depth):
        assert type(converted) is list and len(converted) == 1
        converted = converted[0]
    if isinstance(value, set):
        assert sorted(converted, key=str) == [1, "a"] and type(converted) is list
        return
    assert converted == expected
    assert [type(k) for k in (converted if isinstance(converted, dict) else {})] == [
        type(k) for k in expected if isinstance(expected, dict)]
    if isinstance(expected, list):
        assert [type(v) for v in converted] == [type(v) for v in expected]


@pytest.mark.parametrize("depth", [0, DEEP])
@pytest.mark.parametrize(("value", "path", "reason", "type_name", "advice"), [
    (Checked(), "", None, None, None),
    ({"k": object()}, ".k", "cannot serialise object", "object",
     "it has no attributes (no __dict__ or __slots__) and is not a JSON type"),
    ({BadStr(): 1}, "", "cannot use a BadStr dict key (RuntimeError in __str__)", "BadStr", ""),
    ({"x": {HashableBytes(b"k"): 1}}, ".x", "cannot use a HashableBytes dict key", "HashableBytes", ""),
    ({"x": {b"k": 1}}, ".x", "cannot use a bytes dict key", "bytes", ""),
    ([1, memoryview(b"m")], "[1]", "cannot serialise memoryview", "memoryview",
     "decode it to str (or base64-encode it) in your implementation; binary data is never converted implicitly"),
])
def test_wire_refusals_exactly(value: Any, path: str, reason: Any, type_name: Any, advice: Any, depth: int) -> None:
    if reason is None:  # the type's own wire check runs first and its error propagates unchanged
        with pytest.raises(ValueError, match=r"^checked Checked$"):
            to_json_value(bury(value, depth))
        return
    error = refusal(bury(value, depth))
    assert error.path == "$" + "[0]" * depth + path
    assert (error.reason, error.type_name, error.advice) == (reason, type_name, advice)
    expected = f"{reason} at {error.path}: {advice}" if advice else f"{reason} at {error.path}"
    assert str(error) == expected


def test_unset_and_private_slots_and_non_str_attribute_names_are_skipped() -> None:
    assert to_json_value(SlottedChild()) == {"b": 2, "a": 1}  # slot "unset" never assigned, "_hidden" private
    odd = Box(1)
    attributes: dict[Any, Any] = odd.__dict__
    attributes[5] = "int-named attribute"
    assert to_json_value(odd) == {"inner": 1}


@pytest.mark.parametrize("depth", [0, 1, DEEP])
def test_cycle_texts_for_every_container_kind(depth: int) -> None:
    listed: list[Any] = []
    listed.append(listed)
    error = refusal(bury(listed, depth))
    assert (error.path, error.type_name, error.advice) == ("$" + "[0]" * (depth + 1), "list", "a list contains itself")
    assert str(error) == f"circular reference at {error.path}: a list contains itself"
    keyed: dict[str, Any] = {"n": 1}
    keyed["me"] = keyed
    error = refusal(bury(keyed, depth))
    assert (error.path, error.type_name, error.advice) == ("$" + "[0]" * depth + ".me", "dict", "a dict contains itself")
    me = Box(None)
    me.inner = [me]
    error = refusal(bury(me, depth))
    assert (error.path, error.type_name, error.advice) == ("$" + "[0]" * depth + ".inner[0]", "Box", "a Box contains itself")


def test_an_enum_whose_value_contains_it_is_a_cycle() -> None:
    class Loop(Enum):
        ME = ["start"]

    members: list[Any] = Loop.ME.value
    members.append(Loop.ME)
    try:
        for depth in (0, DEEP):
            error = refusal(bury(Loop.ME, depth))
            assert (error.path, error.type_name, error.advice) == ("$" + "[0]" * depth + "[1]", "Loop",
                                                                   "a Loop contains itself")
    finally:
        members.pop()


@pytest.mark.parametrize("depth", [0, DEEP])
def test_shared_references_at_every_depth_are_not_cycles(depth: int) -> None:
    shared_list = [[1]]
    shared_dict = {"d": [2]}
    shared_obj = Box([3])
    value = [shared_list, shared_list, shared_dict, {"again": shared_dict}, shared_obj, shared_obj,
             Color.RED, Color.RED, {"x": 1, "y": shared_list}, {"y": shared_list}]
    converted = to_json_value(bury(value, depth))
    for _ in range(depth):
        converted = converted[0]
    assert converted == [[[1]], [[1]], {"d": [2]}, {"again": {"d": [2]}}, {"inner": [3]}, {"inner": [3]},
                         [1, 2], [1, 2], {"x": 1, "y": [[1]]}, {"y": [[1]]}]


def test_containers_are_rebuilt_not_shared() -> None:
    inner = [1, 2]
    keyed = {"a": 1}
    converted = to_json_value([inner, keyed, (inner,)])
    assert converted == [[1, 2], {"a": 1}, [[1, 2]]]
    assert converted[0] is not inner and converted[1] is not keyed
    deep = to_json_value(bury([inner, keyed], DEEP))
    for _ in range(DEEP):
        deep = deep[0]
    assert deep == [[1, 2], {"a": 1}] and deep[0] is not inner and deep[1] is not keyed


def test_recursion_hands_over_to_the_explicit_stack_after_100_levels(monkeypatch: pytest.MonkeyPatch) -> None:
    handed: list[Any] = []
    real = json_codec._iterative

    def spy(value: Any, conversions: Any, active: Any) -> Any:
        handed.append(value)
        return real(value, conversions, active)

    monkeypatch.setattr(json_codec, "_iterative", spy)
    assert to_json_value(bury("leaf", 100)) == bury("leaf", 100)
    assert handed == []
    assert to_json_value(bury("leaf", 101)) == bury("leaf", 101)
    assert handed == [["leaf"]]  # the list at depth 100 is the first one the stack walks
    handed.clear()
    to_json_value(bury(Box("x"), 130))
    assert len(handed) == 1
    walked = handed[0]
    levels = 0
    while isinstance(walked, list):
        walked = walked[0]
        levels += 1
    assert levels == 30 and isinstance(walked, Box)


def test_payload_table_exactly() -> None:
    assert dumps({"t": dt.datetime(2025, 1, 2, 3, 4)}) == '{"t": "2025-01-02T03:04:00"}'
    assert dumps([bytearray(b"ab"), memoryview(b"cd")]) == '["YWI=", "Y2Q="]'
    assert dumps({1: True, None: 2.5, 1.5: None}) == '{"1": true, "null": 2.5, "1.5": null}'
    for value, text in [(dt.time(1, 2), "Type <class 'datetime.time'> not serializable at $[0]"),
                        (Box(1), f"Type {Box} not serializable at $[0]")]:
        with pytest.raises(JsonCodecError) as info:
            dumps([value])
        assert str(info.value) == text and info.value.type_name == type(value).__name__
    error = refusal({"m": {(1, 2): "tuple key"}}, PAYLOAD)
    assert str(error) == "keys must be str, int, float, bool or None, not tuple at $.m"
    assert error.type_name == "tuple"
    assert to_json_value({type("K", (int,), {})(7): "k"}, PAYLOAD) == {7: "k"}
    with pytest.raises(JsonCodecError) as info:
        dumps({"m": {(1, 2): 1}})
    assert str(info.value) == "keys must be str, int, float, bool or None, not tuple at $.m"


def test_default_hook_refusals() -> None:
    with pytest.raises(TypeError) as info:
        WIRE.default(b"x")
    assert str(info.value) == "cannot serialise bytes" and not isinstance(info.value, JsonCodecError)
    with pytest.raises(TypeError, match=r"^Type <class 'dict'> not serializable$"):
        WIRE.default({})
    with pytest.raises(ValueError, match=r"^cannot serialise non-finite Decimal -Infinity: JSON has no NaN or "
                                         r"Infinity$"):
        PAYLOAD.default(Decimal("-Infinity"))
    assert PAYLOAD.default(Decimal("1E+2")) == 100 and type(PAYLOAD.default(Decimal("1E+2"))) is int
    assert PAYLOAD.default(frozenset({2, 1})) == [1, 2]


def test_find_strict_violation_exactly() -> None:
    assert find_strict_violation({"a": [1, float("inf")], "b": float("nan")}) == (
        "$.a[1]", "non-finite float inf", "JSON has no NaN or Infinity")
    assert find_strict_violation({"ok": [1, "é", None, True, 2.5, (3,)]}) is None
    assert find_strict_violation({"s": ["\ud800"]}) is None
    assert find_strict_violation({"s": ["é", "\ud800"]}, ensure_ascii=False) == (
        "$.s[1]", "str holding a lone surrogate", "it cannot be sent as UTF-8")
    assert find_strict_violation([{"k": {3}}]) == ("$[0].k", "set value", "JSON has no form for it; convert it first")
    assert find_strict_violation([type("S", (str,), {})("x")]) is None
    assert find_strict_violation([10**4300]) == ("$[0]", "int with more than 4300 digits", (
        "the interpreter's limit for int-to-text conversion (sys.get_int_max_str_digits()); return it as a str"))
    assert find_strict_violation([10**4300 - 1, -(10**4300) + 1, 2**14284]) is None
    deep_advice = "more than the JSON encoder manages (about sys.getrecursionlimit() levels)"
    assert find_strict_violation([[1], [[2]], [[3]]], too_deep=True) == (
        "$[1][0]", "value nested 3 levels deep", deep_advice)
    assert find_strict_violation({"a": {}, "b": {}}, too_deep=True) == ("$.a", "value nested 2 levels deep", deep_advice)
    assert find_strict_violation([], too_deep=True) == ("$", "value nested 1 levels deep", deep_advice)
    assert find_strict_violation("text", too_deep=True) is None
    assert find_strict_violation([[1]], too_deep=False) is None


def test_unlimited_int_digits_are_fine(monkeypatch: pytest.MonkeyPatch) -> None:
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        assert find_strict_violation([10**5000]) is None
    finally:
        sys.set_int_max_str_digits(old)
    sys.set_int_max_str_digits(640)
    try:
        assert find_strict_violation([10**639]) is None
        assert find_strict_violation([10**640]) == ("$[0]", "int with more than 640 digits", (
            "the interpreter's limit for int-to-text conversion (sys.get_int_max_str_digits()); return it as a str"))
    finally:
        sys.set_int_max_str_digits(old)


def test_long_paths_are_shortened_keeping_both_ends() -> None:
    key = "k" * 298  # path "$." + key: exactly 300 characters, kept whole
    with pytest.raises(JsonCodecError) as info:
        encode_strict({key: float("nan")})
    assert info.value.path == "$." + key
    key = "a" * 100 + "b" * 119 + "c" * 80  # 301 characters of path
    with pytest.raises(JsonCodecError) as info:
        encode_strict({key: float("nan")})
    assert info.value.path == "$." + "a" * 100 + "b" * 98 + "...(21 characters of path)..." + "c" * 80


def test_encode_strict_text_options_and_sizes() -> None:
    assert encode_strict({"b": 1, "a": [1, 2]}) == ('{"b": 1, "a": [1, 2]}', 21)
    assert encode_strict({1: "x", None: "é"}, ensure_ascii=False) == ('{"1": "x", "null": "é"}', 24)
    assert encode_strict({1: "x", None: "é"}) == ('{"1": "x", "null": "\\u00e9"}', 28)
    with pytest.raises(JsonCodecError) as info:
        encode_strict({(1,): 1})
    assert str(info.value) == ("cannot encode as JSON (TypeError: keys must be str, int, float, bool or None, "
                               "not tuple) at $")
    with pytest.raises(JsonCodecError) as info:
        encode_strict({"tuple": (float("nan"),)})
    assert str(info.value).startswith("cannot encode as JSON (ValueError: Out of range float values are not JSON "
                                      "compliant") and info.value.path == "$"


def test_encode_strict_names_the_path_inside_diagnose() -> None:
    result = {"r": [float("inf")]}
    with pytest.raises(JsonCodecError) as info:
        encode_strict({"envelope": result}, diagnose=result)
    assert str(info.value) == "cannot serialise non-finite float inf at $.r[0]: JSON has no NaN or Infinity"
    with pytest.raises(JsonCodecError) as info:
        encode_strict({"envelope": result})
    assert info.value.path == "$.envelope.r[0]"


def test_dumps_options() -> None:
    value = {"a": ["é", 1], "b": {"c": None}}
    assert dumps(value) == '{"a": ["\\u00e9", 1], "b": {"c": null}}'
    assert dumps(value, compact=True) == '{"a":["\\u00e9",1],"b":{"c":null}}'
    assert dumps(value, ensure_ascii=False) == '{"a": ["é", 1], "b": {"c": null}}'
    assert dumps(value, ensure_ascii=False, compact=True) == '{"a":["é",1],"b":{"c":null}}'
    assert dumps({"b": 1, "a": 2}, WIRE) == '{"b": 1, "a": 2}'
    assert dumps([Tier.GOLD, dt.time(5, 6)], WIRE) == '["gold", "05:06:00"]'


def test_dumps_names_non_finite_values_before_surrogates() -> None:
    with pytest.raises(JsonCodecError) as info:
        dumps({"s": "\ud800", "x": float("nan")}, ensure_ascii=False)
    assert str(info.value) == "cannot serialise non-finite float nan at $.x: JSON has no NaN or Infinity"


def test_dumps_of_nesting_too_deep_for_json_names_the_deepest_path() -> None:
    depth = sys.getrecursionlimit() + 50
    with pytest.raises(JsonCodecError) as info:
        dumps(bury("leaf", depth))
    assert info.value.reason == f"cannot serialise value nested {depth} levels deep"
    assert info.value.path.startswith("$[0][0]") and "characters of path" in info.value.path


def test_tables_are_named() -> None:
    assert (WIRE.name, PAYLOAD.name) == ("wire", "payload")


def nested(kind: str, levels: int, leaf: Any) -> Any:
    for _ in range(levels):
        leaf = {"k": leaf} if kind == "dict" else Box(leaf)
    return leaf


def levels_of(value: Any) -> int:
    count = 0
    while isinstance(value, dict | Box):  # converted objects are {"inner": ...}
        value = value.inner if isinstance(value, Box) else value.get("k", value.get("inner"))
        count += 1
    return count


@pytest.mark.parametrize("kind", ["dict", "object"])
def test_hand_over_depth_through_dicts_and_objects(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    handed: list[Any] = []
    real = json_codec._iterative

    def spy(value: Any, conversions: Any, active: Any) -> Any:
        handed.append(value)
        return real(value, conversions, active)

    monkeypatch.setattr(json_codec, "_iterative", spy)
    to_json_value(nested(kind, 130, [1]))
    assert len(handed) == 1 and levels_of(handed[0]) == 30  # levels 0..99 recursed, the rest on the stack
    converted = to_json_value(nested(kind, sys.getrecursionlimit() * 3, "leaf"))
    assert levels_of(converted) == sys.getrecursionlimit() * 3


class Pair(Enum):
    ONE_TWO = [1, 2]


def test_hand_over_depth_through_an_enum_value(monkeypatch: pytest.MonkeyPatch) -> None:
    handed: list[Any] = []
    real = json_codec._iterative

    def spy(value: Any, conversions: Any, active: Any) -> Any:
        handed.append(value)
        return real(value, conversions, active)

    monkeypatch.setattr(json_codec, "_iterative", spy)
    assert to_json_value(bury(Pair.ONE_TWO, 98)) == bury([1, 2], 98)  # its value list is at depth 99: recursed
    assert handed == []
    assert to_json_value(bury(Pair.ONE_TWO, 99)) == bury([1, 2], 99)  # its value list is at depth 100: stack
    assert handed == [[1, 2]]


def test_types_first_met_deep_in_the_stack_walk() -> None:
    class FreshStr(str):
        pass

    class FreshBox(Box):
        pass

    converted = to_json_value(bury([FreshStr("a"), {"d": Decimal("1")}, FreshBox(FreshStr("b"))], DEEP))
    for _ in range(DEEP):
        converted = converted[0]
    assert converted == ["a", {"d": 1}, {"inner": "b"}]
    assert [type(converted[0]), type(converted[1]["d"]), type(converted[2]["inner"])] == [str, int, str]


def test_encoding_without_the_c_accelerator_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_codec._json_encoder, "c_make_encoder", None)
    monkeypatch.setattr(json_codec, "_encoders", {})
    assert encode_strict({"a": ["é", 1]}) == ('{"a": ["\\u00e9", 1]}', 20)
    assert encode_strict({"a": ["é", 1]}, ensure_ascii=False) == ('{"a": ["é", 1]}', 16)
    with pytest.raises(JsonCodecError) as info:
        encode_strict({"a": [float("nan")]})
    assert str(info.value) == "cannot serialise non-finite float nan at $.a[0]: JSON has no NaN or Infinity"


def test_strict_encoding_names_a_cycle_instead_of_looping() -> None:
    """encode_strict takes plain data; a caller handing it a cycle gets an error naming where."""
    looped: list[Any] = [1, {"k": []}]
    looped[1]["k"].append(looped)
    with pytest.raises(JsonCodecError) as info:
        encode_strict({"root": looped})
    assert str(info.value).startswith("cannot serialise circular reference to a list at $.root[1].k[0]")
    shared = [1, 2]
    assert encode_strict({"a": shared, "b": shared}) == ('{"a": [1, 2], "b": [1, 2]}', 26)
