"""The serialiser's and the stage lookup's exact messages and edge cases (docs/letsdata-wire-contract.md).

Users and operators match on these texts, so they are compared whole. Written by hand from the
contract; they complement tests/letsdata_utils/test_request_utils.py and run per mutant in
``make mutation`` (docs/mutation.md).
"""

from __future__ import annotations

import logging
import traceback
from enum import Enum
from typing import Any

import pytest

from letsdata_utils import request_utils
from letsdata_utils.errors import LetsDataSerializationError
from letsdata_utils.request_utils import (
    getJsonObject,
    getLambdaStageFromEnvironment,
    return500ResponseFromException,
)
from letsdata_utils.stage import Stage


class Plain:
    def __init__(self, a: Any, b: Any = None) -> None:
        self.a = a
        self.b = b


class Slotted:
    __slots__ = ("a", "_hidden", "__weakref__")

    def __init__(self, a: Any) -> None:
        self.a = a
        self._hidden = "never on the wire"


class MixedSlots(Slotted):
    __slots__ = ("c", "__dict__")

    def __init__(self, a: Any, c: Any) -> None:
        super().__init__(a)
        self.c = c
        self.extra = "from __dict__"


class Label(str):
    pass


class Count(int):
    pass


class Colour(Enum):
    RED = "red"


def _message(value: Any) -> str:
    with pytest.raises(LetsDataSerializationError) as info:
        getJsonObject(value)
    return str(info.value)


def test_bytes_are_refused_with_the_whole_message() -> None:
    assert _message({"document": {"raw": b"\x00"}}) == (
        "getJsonObject - cannot serialise bytes at $.document.raw: decode it to str (or base64-encode it) in "
        "your implementation; binary data is never converted implicitly")
    assert _message([1, bytearray(b"x")]).startswith("getJsonObject - cannot serialise bytearray at $[1]: ")


def test_a_cycle_is_refused_with_the_whole_message() -> None:
    loop: dict[str, Any] = {}
    loop["self"] = loop
    assert _message(loop) == "getJsonObject - circular reference at $.self: a dict contains itself"


def test_an_opaque_object_is_refused_with_the_whole_message() -> None:
    assert _message(Plain(object())) == (
        "getJsonObject - cannot serialise object at $.a: it has no attributes (no __dict__ or __slots__) and is "
        "not a JSON type")


def test_a_bytes_dict_key_is_refused_with_the_whole_message() -> None:
    assert _message({"m": {b"k": 1}}) == "getJsonObject - cannot use a bytes dict key at $.m"


def test_the_same_container_or_object_twice_is_not_a_cycle() -> None:
    shared_dict = {"x": [1, Plain(2)]}
    shared_object = Plain(3)
    expected = {"x": [1, {"a": 2, "b": None}]}
    assert getJsonObject([shared_dict, shared_dict]) == [expected, expected]
    assert getJsonObject({"p": shared_object, "q": [shared_object]}) == {
        "p": {"a": 3, "b": None}, "q": [{"a": 3, "b": None}]}


def test_str_and_int_subclasses_and_enums_serialise_as_their_values() -> None:
    assert getJsonObject(Label("x")) == "x"
    assert getJsonObject([Label("y"), Count(3), Colour.RED]) == ["y", 3, "red"]
    assert getJsonObject({"k": Count(4)}) == {"k": 4}


def test_slots_public_only_base_first_and_stable_across_calls() -> None:
    expected = {"a": 1}
    assert getJsonObject(Slotted(1)) == expected
    assert getJsonObject(Slotted(1)) == expected  # the per-class slot cache must not lose them
    mixed = {"a": 1, "c": 2, "extra": "from __dict__"}
    assert getJsonObject(MixedSlots(1, 2)) == mixed
    assert getJsonObject([MixedSlots(1, 2)]) == [mixed]


def test_the_wire_check_hook_of_a_result_runs_before_it_is_emitted() -> None:
    from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult

    result = ParseDocumentResult(None, None, "MAYBE")  # accepted when built, refused when emitted
    assert _message(result) == ("ParseDocumentResult - invalid status 'MAYBE': expected a ParseDocumentResultStatus "
                                "or one of 'SUCCESS', 'ERROR', 'SKIP'")
    assert getJsonObject(ParseDocumentResult(None, None, "SKIP")) == {
        "nextRecordType": None, "document": None, "status": "SKIP"}


def test_the_stack_trace_is_exactly_the_formatted_exception() -> None:
    try:
        raise KeyError("k")
    except KeyError as caught:
        err = caught
    trace = return500ResponseFromException(err, None)["body"]["exception"]["stackTrace"]
    assert trace == "".join(traceback.format_exception(type(err), err, err.__traceback__))
    assert trace.startswith("Traceback (most recent call last):\n") and trace.endswith("KeyError: 'k'\n")


@pytest.mark.parametrize(
    ("raw", "expected", "message"),
    [
        (None, None, "letsdata stage - LETS_DATA_STAGE is not set; continuing without a stage"),
        ("prod", Stage.Prod, "letsdata stage - LETS_DATA_STAGE='prod' is not exact-case; using Prod"),
        ("qa", None, "letsdata stage - LETS_DATA_STAGE='qa' is not one of Test, Prod; continuing without a stage"),
        ("Test", Stage.Test, None),
    ],
)
def test_stage_warnings_are_exact(monkeypatch, caplog, raw, expected, message) -> None:
    monkeypatch.setattr(request_utils, "_stage_cache", {})
    if raw is None:
        monkeypatch.delenv("LETS_DATA_STAGE", raising=False)
    else:
        monkeypatch.setenv("LETS_DATA_STAGE", raw)
    with caplog.at_level(logging.WARNING, logger="letsdata"):
        assert getLambdaStageFromEnvironment() is expected
    warnings = [r.getMessage() for r in caplog.records if r.getMessage().startswith("letsdata stage")]
    assert warnings == ([message] if message else [])


def test_the_stage_lookup_works_with_the_module_cache_as_shipped(monkeypatch) -> None:
    monkeypatch.setenv("LETS_DATA_STAGE", "Prod")
    assert getLambdaStageFromEnvironment() is Stage.Prod
    assert getLambdaStageFromEnvironment() is Stage.Prod


def test_a_cycle_through_objects_is_refused_naming_the_object() -> None:
    node = Plain(1)
    node.b = node
    assert _message(node) == "getJsonObject - circular reference at $.b: a Plain contains itself"
    outer = Plain(Plain(2))
    outer.a.b = outer
    assert _message([outer]) == "getJsonObject - circular reference at $[0].a.b: a Plain contains itself"
