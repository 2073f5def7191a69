"""Every data-validation rule of every function, driven by the function table (docs/letsdata-wire-contract.md)."""

from __future__ import annotations

from typing import Any

import pytest

from letsdata_service.function_table import FUNCTIONS, FieldSpec, FunctionSpec, lookup
from letsdata_service.RequestParser import getServiceRequest
from letsdata_service.Service import InterfaceNames
from letsdata_utils.errors import LetsDataAssertionError, LetsDataRequestError
from tests.letsdata_service.payloads import ALL_FUNCTIONS, envelope, parse_document_data, valid_request
from tests.letsdata_service.recording_impls import RECORDERS

pytestmark = pytest.mark.usefixtures("recording_impls")

ALL_SPECS: list[FunctionSpec] = [s for by_fn in FUNCTIONS.values() for s in by_fn.values()]
FIELD_CASES = [(spec, f) for spec in ALL_SPECS for f in spec.fields]


def _ids(case: tuple[FunctionSpec, FieldSpec]) -> str:
    return f"{case[0].label}:{case[1].parent}.{case[1].key}"


def _container(event: dict[str, Any], f: FieldSpec) -> dict[str, Any]:
    data = event["data"]
    return data if f.parent == "data" else data["data"]


def _run(event: dict[str, Any]) -> Any:
    return getServiceRequest(event).execute()


def _wrong_values(f: FieldSpec) -> list[Any]:
    return {str: [1, 1.5, True, ["x"], {"a": 1}], int: [True, False, 1.5, "1", [1], {"a": 1}],
            dict: [[], "x", 1, True], list: [{}, "x", 1, True]}[f.type]


def test_table_covers_exactly_the_eleven_wire_functions_plus_single_file_helpers() -> None:
    assert sorted(s.label for s in ALL_SPECS) == ALL_FUNCTIONS
    assert len(ALL_SPECS) == 13
    assert {s.interface for s in ALL_SPECS} == set(InterfaceNames)


def test_table_argument_order_matches_the_interface_signatures() -> None:
    """The table's arg names are the stub methods' positional parameter names, in order."""
    import inspect

    from letsdata_service.registry import DEFAULT_IMPLEMENTATIONS, load_class

    for spec in ALL_SPECS:
        stub = load_class(DEFAULT_IMPLEMENTATIONS[spec.interface], "test")
        params = list(inspect.signature(getattr(stub, spec.function)).parameters)[1:]
        assert [f.arg for f in spec.fields if f.arg is not None] == params, spec.label


@pytest.mark.parametrize("name", ALL_FUNCTIONS)
def test_valid_request_passes_validation_and_reaches_the_implementation(name: str) -> None:
    event = valid_request(name)
    _run(event)
    iface, fn = name.split(".")
    calls = RECORDERS[iface].calls
    assert [c[0] for c in calls] == [fn]


@pytest.mark.parametrize(("spec", "f"), FIELD_CASES, ids=[_ids(c) for c in FIELD_CASES])
def test_missing_field(spec: FunctionSpec, f: FieldSpec) -> None:
    event = valid_request(spec.label)
    if spec.label == "SingleFileParser.parseDocument" and f.key == "content":
        event["data"]["endIndex"] = 0
    _container(event, f).pop(f.key, None)
    if f.required:
        path = "data" if f.parent == "data" else "data.data"
        with pytest.raises(LetsDataAssertionError) as info:
            _run(event)
        assert str(info.value) == f"letsdata assert - missing key '{f.key}' in {path} for {spec.label}"
    else:
        _run(event)
        args = RECORDERS[spec.interface.name].calls[-1][1]
        position = [x.arg for x in spec.fields if x.arg is not None].index(f.arg)
        assert args[position] == (f.default() if f.default else None)


@pytest.mark.parametrize(("spec", "f"), FIELD_CASES, ids=[_ids(c) for c in FIELD_CASES])
def test_null_field(spec: FunctionSpec, f: FieldSpec) -> None:
    event = valid_request(spec.label)
    _container(event, f)[f.key] = None
    if f.nullable:
        _run(event)
        args = RECORDERS[spec.interface.name].calls[-1][1]
        position = [x.arg for x in spec.fields if x.arg is not None].index(f.arg)
        assert args[position] == (f.default() if f.default else None)
    else:
        path = "data" if f.parent == "data" else "data.data"
        with pytest.raises(LetsDataAssertionError) as info:
            _run(event)
        message = str(info.value)
        assert message.startswith(f"letsdata assert - invalid {f.key} - None - {spec.label} requires {path}.{f.key}")
        assert RECORDERS[spec.interface.name].calls == []


@pytest.mark.parametrize(("spec", "f"), FIELD_CASES, ids=[_ids(c) for c in FIELD_CASES])
def test_wrong_typed_field(spec: FunctionSpec, f: FieldSpec) -> None:
    for wrong in _wrong_values(f):
        event = valid_request(spec.label)
        _container(event, f)[f.key] = wrong
        with pytest.raises(LetsDataAssertionError) as info:
            _run(event)
        path = "data" if f.parent == "data" else "data.data"
        assert str(info.value) == (f"letsdata assert - invalid {f.key} - {spec.label} requires {path}.{f.key} "
                                   f"value to be {f.type_name}, got {type(wrong).__name__}")
    assert RECORDERS[spec.interface.name].calls == []


@pytest.mark.parametrize("name", ALL_FUNCTIONS)
def test_unknown_extra_keys_are_tolerated_and_logged_at_debug(name: str, caplog: pytest.LogCaptureFixture) -> None:
    event = valid_request(name)
    event.setdefault("data", {})["futurePlatformField"] = {"x": 1}
    event["someNewTopLevelKey"] = 7
    spec = lookup(InterfaceNames.fromValue(name.split(".")[0]), name.split(".")[1])
    if any(f.parent == "data.data" for f in spec.fields):
        event["data"]["data"]["alsoNew"] = 1
    with caplog.at_level("DEBUG", logger="letsdata"):
        _run(event)
    assert len(RECORDERS[spec.interface.name].calls) == 1
    logged = [r.getMessage() for r in caplog.records if "unknown" in r.getMessage() and "keys" in r.getMessage()]
    assert any("someNewTopLevelKey" in m and "lambda event" in m for m in logged)
    assert any("futurePlatformField" in m for m in logged)
    assert all(r.levelname == "DEBUG" for r in caplog.records if "unknown keys" in r.getMessage())


@pytest.mark.parametrize("name", [n for n in ALL_FUNCTIONS if n != "SingleFileParser.getS3FileType"])
def test_data_absent_null_or_not_a_dict_is_rejected(name: str) -> None:
    spec = lookup(InterfaceNames.fromValue(name.split(".")[0]), name.split(".")[1])
    for value in ("absent", None, [], "text", 5):
        event = valid_request(name)
        if value == "absent":
            del event["data"]
        else:
            event["data"] = value
        with pytest.raises(LetsDataAssertionError) as info:
            _run(event)
        if value in ("absent", None):
            assert str(info.value).startswith(f"letsdata assert - invalid data - None - {spec.label} requires data keys")
        else:
            assert str(info.value) == (f"letsdata assert - invalid data - {spec.label} requires data to be a dict, "
                                       f"got {type(value).__name__}")


@pytest.mark.parametrize("data", ["absent", None, {}, {"ignored": 1}])
def test_getS3FileType_accepts_absent_null_or_empty_data(data: Any) -> None:
    event = envelope("SingleFileParser", "getS3FileType")
    if data != "absent":
        event["data"] = data
    assert _run(event) == "WET"


def test_parse_document_passes_utf8_bytearray_and_byte_indexes() -> None:
    content = "héllo 世界"
    _run(envelope("SingleFileParser", "parseDocument", parse_document_data(content)))
    (_, args), = RECORDERS["SingleFileParser"].calls
    assert args[:3] == ("WET", "crawl/file1.wet.gz", 1024)
    assert isinstance(args[3], bytearray) and bytes(args[3]) == content.encode("utf-8")
    assert args[4:] == (0, len(content.encode("utf-8")))
    assert args[5] == 13 != len(content)


def test_parse_document_captured_payload_has_byte_length_end_index() -> None:
    event = valid_request("SingleFileParser.parseDocument")
    _run(event)
    (_, args), = RECORDERS["SingleFileParser"].calls
    assert len(event["data"]["content"]) == 2039 and args[5] == 4202 == len(args[3])


@pytest.mark.parametrize("start", [1, -1, 5])
def test_parse_document_rejects_nonzero_start_index(start: int) -> None:
    event = envelope("SingleFileParser", "parseDocument", parse_document_data("abc", startIndex=start))
    with pytest.raises(LetsDataRequestError) as info:
        _run(event)
    assert str(info.value) == ("SingleFileParser_ParseDocument - invalid startIndex for byteArray - expected: 0, "
                               f"actual: {start}")


def test_parse_document_rejects_character_count_as_end_index() -> None:
    content = "héllo"
    event = envelope("SingleFileParser", "parseDocument", parse_document_data(content, endIndex=len(content)))
    with pytest.raises(LetsDataRequestError) as info:
        _run(event)
    assert str(info.value) == ("SingleFileParser_ParseDocument - invalid endIndex for byteArray - expected: 6, "
                               "actual: 5")


def test_kinesis_rejects_float_timestamp_and_passes_bytearray() -> None:
    event = valid_request("KinesisRecordReader.parseMessage")
    _run(event)
    (_, args), = RECORDERS["KinesisRecordReader"].calls
    assert args[4] == 1701785944187 and isinstance(args[5], bytearray)
    assert bytes(args[5]) == event["data"]["data"].encode("utf-8")
    event["data"]["approximateArrivalTimestamp"] = 1701785944187.0
    with pytest.raises(LetsDataAssertionError, match="approximateArrivalTimestamp value to be int, got float"):
        _run(event)


def test_sqs_optional_fifo_fields_default_to_none_and_are_passed_when_present() -> None:
    event = valid_request("QueueMessageReader.parseMessage")
    _run(event)
    event["data"].update(messageGroupId="g1", messageDeduplicationId="d1")
    _run(event)
    first, second = RECORDERS["QueueMessageReader"].calls
    assert first[1][1:3] == (None, None)
    assert second[1][1:3] == ("g1", "d1")


def test_ddb_streams_passes_nested_images_and_empty_dicts_for_missing_images() -> None:
    event = valid_request("DynamoDBStreamsRecordReader.parseRecord")
    nested = event["data"]["data"]
    expected = (dict(nested["keys"]), dict(nested["oldImage"]), dict(nested["newImage"]))
    _run(event)
    del nested["oldImage"]
    nested["newImage"] = None
    _run(event)
    first, second = RECORDERS["DynamoDBStreamsRecordReader"].calls
    assert first[1][10:] == expected and expected[1] != expected[2]
    assert second[1][11:] == ({}, {})


def test_ddb_empty_keys_is_accepted_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    event = valid_request("DynamoDBTableItemReader.parseDynamoDBItem")
    event["data"]["data"]["keys"] = {}
    with caplog.at_level("WARNING", logger="letsdata"):
        _run(event)
    assert RECORDERS["DynamoDBTableItemReader"].calls[0][1][2] == {}
    assert any("data.data.keys is empty" in r.getMessage() for r in caplog.records)


def test_spark_credentials_arn_is_passed_as_last_positional_argument() -> None:
    event = valid_request("SparkReducerInterface.reducer")
    assert _run(event) is None
    (_, args), = RECORDERS["SparkReducerInterface"].calls
    data = event["data"]
    assert args == (data["appName"], data["readDestination"], data["readUris"], data["readFormat"],
                    data["readOptions"], data["writeDestination"], data["writeUri"], data["writeFormat"],
                    data["writeMode"], data["writeOptions"], data["sparkCredentialsSecretArn"])
