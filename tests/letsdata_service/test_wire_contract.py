"""The LetsData wire contract, written out by hand (docs/letsdata-wire-contract.md).

Nothing here is read from ``letsdata_service.function_table``: the expectations below are typed in
from the contract and the captured platform requests, so changing what the bridge accepts (a field
made optional, nullable, of another type, renamed, or passed in another position) turns a test red.
Every request goes through ``letsdata_lambda_function.lambda_handler`` and the envelope it returns,
as the platform sees it; the error messages are compared whole, because users match on them.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import pytest

from letsdata_lambda_function import lambda_handler
from tests.letsdata_service.payloads import valid_request
from tests.letsdata_service.recording_impls import RECORDERS

pytestmark = pytest.mark.usefixtures("recording_impls")


class Key(NamedTuple):
    """One key of a function's ``data``, as the contract defines it."""

    name: str
    type: str  # "str" | "int" | "dict" | "list"
    required: bool = True  # the key must be present
    nullable: bool = False  # null is accepted
    where: str = "data"  # "data" or the nested "data.data"
    passed: bool = True  # False: a container, validated but not passed to the user method
    absent_as: Any = None  # what the user method receives when the key is absent or null


S, N, D, L = "str", "int", "dict", "list"
_SPARK_TAIL = [Key("readFormat", S), Key("readOptions", D), Key("writeDestination", S), Key("writeUri", S),
               Key("writeFormat", S), Key("writeMode", S), Key("writeOptions", D), Key("sparkCredentialsSecretArn", S)]

#: Interface.function -> the keys of ``data`` in the order the user method receives them.
CONTRACT: dict[str, list[Key]] = {
    "SingleFileParser.getS3FileType": [],
    "SingleFileParser.getResolvedS3FileName": [Key("s3FileType", S), Key("fileName", S)],
    "SingleFileParser.getRecordStartPattern": [Key("s3FileType", S)],
    "SingleFileParser.getRecordEndPattern": [Key("s3FileType", S)],
    "SingleFileParser.parseDocument": [
        Key("s3FileType", S), Key("fileName", S), Key("offsetBytes", N), Key("content", S),
        Key("startIndex", N), Key("endIndex", N)],
    "KinesisRecordReader.parseMessage": [
        Key("streamArn", S), Key("shardId", S), Key("partitionKey", S), Key("sequenceNumber", S),
        Key("approximateArrivalTimestamp", N), Key("data", S)],
    "QueueMessageReader.parseMessage": [
        Key("messageId", S), Key("messageGroupId", S, required=False, nullable=True),
        Key("messageDeduplicationId", S, required=False, nullable=True), Key("messageAttributes", D),
        Key("messageBody", S)],
    "DynamoDBStreamsRecordReader.parseRecord": [
        Key("streamArn", S), Key("shardId", S), Key("eventId", S), Key("eventName", S),
        Key("identityPrincipalId", S, nullable=True), Key("identityType", S, nullable=True),
        Key("sequenceNumber", S), Key("sizeBytes", N), Key("streamViewType", S),
        Key("approximateCreationDateTime", N), Key("data", D, passed=False),
        Key("keys", D, where="data.data"),
        Key("oldImage", D, required=False, nullable=True, where="data.data", absent_as={}),
        Key("newImage", D, required=False, nullable=True, where="data.data", absent_as={})],
    "DynamoDBTableItemReader.parseDynamoDBItem": [
        Key("tableName", S), Key("segmentNumber", N), Key("data", D, passed=False),
        Key("keys", D, where="data.data"), Key("item", D, where="data.data")],
    "SagemakerVectorsInterface.extractDocumentElementsForVectorization": [Key("document", D)],
    "SagemakerVectorsInterface.constructVectorDoc": [Key("documentInterface", D), Key("vectorsMap", D)],
    "SparkMapperInterface.mapper": [Key("appName", S), Key("readDestination", S), Key("readUri", S), *_SPARK_TAIL],
    "SparkReducerInterface.reducer": [Key("appName", S), Key("readDestination", S), Key("readUris", L),
                                      *_SPARK_TAIL],
}
#: Keys whose text reaches the user as a UTF-8 ``bytearray`` (parseDocument's content, Kinesis data).
AS_BYTEARRAY = {("SingleFileParser.parseDocument", "content"), ("KinesisRecordReader.parseMessage", "data")}
#: A value of the wrong type for each contract type, and its Python type name in the message.
WRONG = {S: [(7, "int"), (True, "bool"), (["x"], "list")], N: [("7", "str"), (True, "bool"), (7.5, "float")],
         D: [([], "list"), ("x", "str")], L: [({}, "dict"), ("x", "str")]}

KEY_CASES = [(fn, key) for fn, keys in CONTRACT.items() for key in keys]


def _id(case: tuple[str, Key]) -> str:
    return f"{case[0]}:{case[1].where}.{case[1].name}"


def _container(event: dict[str, Any], key: Key) -> dict[str, Any]:
    return event["data"] if key.where == "data" else event["data"]["data"]


def _invoke(event: dict[str, Any]) -> dict[str, Any]:
    response = lambda_handler(event, None)
    json.dumps(response)  # the envelope is always JSON
    return response


def _error(response: dict[str, Any]) -> str:
    assert response["StatusCode"] == 500, response
    body = response["body"]
    assert body["statusCode"] == "EXCEPTION" and body["exception"]["errorType"] == "Exception"
    assert body["errorMessage"] == body["exception"]["errorMessage"]
    return body["errorMessage"]


def _last_call(function: str) -> tuple[str, tuple[Any, ...]]:
    interface = function.split(".")[0]
    calls = RECORDERS[interface].calls
    assert calls, f"{function} was not called"
    return calls[-1]


def _expected_args(function: str, event: dict[str, Any]) -> list[Any]:
    args = []
    for key in CONTRACT[function]:
        if not key.passed:
            continue
        value = _container(event, key).get(key.name)
        if value is None:
            value = key.absent_as
        elif (function, key.name) in AS_BYTEARRAY:
            value = bytearray(value, "utf-8")
        args.append(value)
    return args


def test_the_contract_lists_thirteen_functions_of_eight_interfaces() -> None:
    assert len(CONTRACT) == 13 and len({f.split(".")[0] for f in CONTRACT}) == 8


@pytest.mark.parametrize("function", sorted(CONTRACT))
def test_a_valid_request_reaches_the_user_method_with_the_contract_arguments_in_order(function: str) -> None:
    event = valid_request(function)
    response = _invoke(event)
    assert response["StatusCode"] == 200, response
    assert response["body"]["statusCode"] == "SUCCESS"
    name, args = _last_call(function)
    assert name == function.split(".")[1]
    assert list(args) == _expected_args(function, event)


@pytest.mark.parametrize("case", [c for c in KEY_CASES if c[1].required], ids=_id)
def test_a_required_key_missing_is_refused_naming_it(case: tuple[str, Key]) -> None:
    function, key = case
    event = valid_request(function)
    del _container(event, key)[key.name]
    assert _error(_invoke(event)) == f"letsdata assert - missing key '{key.name}' in {key.where} for {function}"


@pytest.mark.parametrize("case", [c for c in KEY_CASES if not c[1].required], ids=_id)
def test_an_optional_key_may_be_absent(case: tuple[str, Key]) -> None:
    function, key = case
    event = valid_request(function)
    _container(event, key).pop(key.name, None)
    assert _invoke(event)["StatusCode"] == 200
    position = [k for k in CONTRACT[function] if k.passed].index(key)
    assert _last_call(function)[1][position] == key.absent_as


@pytest.mark.parametrize("case", KEY_CASES, ids=_id)
def test_null_is_accepted_only_where_the_contract_allows_it(case: tuple[str, Key]) -> None:
    function, key = case
    event = valid_request(function)
    _container(event, key)[key.name] = None
    response = _invoke(event)
    if key.nullable:
        assert response["StatusCode"] == 200, response
        position = [k for k in CONTRACT[function] if k.passed].index(key)
        assert _last_call(function)[1][position] == key.absent_as
    else:
        assert _error(response) == (f"letsdata assert - invalid {key.name} - None - {function} requires "
                                    f"{key.where}.{key.name} to be a non-null {key.type}")


@pytest.mark.parametrize("case", KEY_CASES, ids=_id)
def test_a_value_of_the_wrong_type_is_refused_naming_both_types(case: tuple[str, Key]) -> None:
    function, key = case
    for wrong, type_name in WRONG[key.type]:
        event = valid_request(function)
        _container(event, key)[key.name] = wrong
        assert _error(_invoke(event)) == (f"letsdata assert - invalid {key.name} - {function} requires "
                                          f"{key.where}.{key.name} value to be {key.type}, got {type_name}")


@pytest.mark.parametrize("function", sorted(CONTRACT))
def test_unknown_keys_are_tolerated(function: str) -> None:
    event = valid_request(function)
    if event.get("data") is None:
        event["data"] = {}
    event["data"]["addedByANewerPlatform"] = 1
    assert _invoke(event)["StatusCode"] == 200


def test_get_s3_file_type_takes_no_data_absent_null_or_empty() -> None:
    for data in ("absent", None, {}):
        event = valid_request("SingleFileParser.getS3FileType")
        if data == "absent":
            event.pop("data", None)
        else:
            event["data"] = data
        assert _invoke(event)["body"] == {"statusCode": "SUCCESS", "data": "WET"}


@pytest.mark.parametrize("function", sorted(f for f in CONTRACT if f != "SingleFileParser.getS3FileType"))
def test_data_is_required_by_every_other_function(function: str) -> None:
    event = valid_request(function)
    event["data"] = None
    names = ", ".join(k.name for k in CONTRACT[function])
    assert _error(_invoke(event)) == f"letsdata assert - invalid data - None - {function} requires data keys [{names}]"
    event["data"] = ["not", "a", "dict"]
    assert _error(_invoke(event)) == f"letsdata assert - invalid data - {function} requires data to be a dict, got list"


# -- parseDocument's index rules (exact messages users match on) ------------------------------------
def test_parse_document_start_index_must_be_zero() -> None:
    event = valid_request("SingleFileParser.parseDocument")
    event["data"]["startIndex"] = 3
    assert _error(_invoke(event)) == (
        "SingleFileParser_ParseDocument - invalid startIndex for byteArray - expected: 0, actual: 3")


def test_parse_document_end_index_must_be_the_utf8_length() -> None:
    event = valid_request("SingleFileParser.parseDocument")
    event["data"].update(content="héllo", endIndex=5)
    assert _error(_invoke(event)) == (
        "SingleFileParser_ParseDocument - invalid endIndex for byteArray - expected: 6, actual: 5")
    event["data"]["endIndex"] = 6
    assert _invoke(event)["StatusCode"] == 200
    assert _last_call("SingleFileParser.parseDocument")[1][3:] == (bytearray("héllo", "utf-8"), 0, 6)


def test_the_captured_parse_document_is_4202_utf8_bytes() -> None:
    event = valid_request("SingleFileParser.parseDocument")
    assert event["data"]["endIndex"] == 4202 and len(event["data"]["content"]) == 2039
    assert _invoke(event)["StatusCode"] == 200


# -- the envelope: order of checks and their messages ---------------------------------------------
ENVELOPE_ERRORS = [
    (lambda e: e.pop("requestId"), "letsdata assert - missing key 'requestId' in lambda event"),
    (lambda e: e.__setitem__("requestId", 5),
     "letsdata assert - invalid requestId - lambda event requires requestId to be a str, got int"),
    (lambda e: e.pop("letsdataAuth"), "letsdata assert - missing key 'letsdataAuth' in lambda event"),
    (lambda e: e.__setitem__("letsdataAuth", "x"),
     "letsdata assert - invalid letsdataAuth - lambda event requires letsdataAuth to be a dict, got str"),
    (lambda e: e["letsdataAuth"].pop("tenantId"), "letsdata assert - missing key 'tenantId' in letsdataAuth"),
    (lambda e: e["letsdataAuth"].pop("userId"), "letsdata assert - missing key 'userId' in letsdataAuth"),
    (lambda e: e["letsdataAuth"].pop("datasetName"), "letsdata assert - missing key 'datasetName' in letsdataAuth"),
    (lambda e: e["letsdataAuth"].pop("datasetId"), "letsdata assert - missing key 'datasetId' in letsdataAuth"),
    (lambda e: e.pop("interface"), "letsdata assert - missing key 'interface' in lambda event"),
    (lambda e: e.__setitem__("interface", 3),
     "letsdata assert - invalid interface - lambda event requires interface to be a str, got int"),
    (lambda e: e.__setitem__("interface", "Nope"),
     "letsdata assert - invalid interface 'Nope' - expected one of SingleFileParser, QueueMessageReader, "
     "SagemakerVectorsInterface, KinesisRecordReader, DynamoDBStreamsRecordReader, DynamoDBTableItemReader, "
     "SparkMapperInterface, SparkReducerInterface (case-insensitive)"),
    (lambda e: e.pop("function"), "letsdata assert - missing key 'function' in lambda event"),
    (lambda e: e.__setitem__("function", None),
     "letsdata assert - invalid function - lambda event requires function to be a str, got NoneType"),
    (lambda e: e.__setitem__("function", "parsemessage"),
     "letsdata assert - lambda event - invalid functionName parsemessage for interface KinesisRecordReader "
     "(expected one of parseMessage)"),
]


@pytest.mark.parametrize(("breaks", "message"), ENVELOPE_ERRORS, ids=[m for _, m in ENVELOPE_ERRORS])
def test_envelope_errors_have_exact_messages(breaks, message: str) -> None:
    event = valid_request("KinesisRecordReader.parseMessage")
    breaks(event)
    assert _error(_invoke(event)) == message


def test_the_interface_is_matched_case_insensitively_and_the_function_case_sensitively() -> None:
    event = valid_request("KinesisRecordReader.parseMessage")
    event["interface"] = "KINESISRECORDREADER"
    assert _invoke(event)["StatusCode"] == 200


def test_the_single_file_parser_functions_are_listed_in_the_unknown_function_message() -> None:
    event = valid_request("SingleFileParser.getS3FileType")
    event["function"] = "getS3Filetype"
    assert _error(_invoke(event)) == (
        "letsdata assert - lambda event - invalid functionName getS3Filetype for interface SingleFileParser "
        "(expected one of getS3FileType, getResolvedS3FileName, getRecordStartPattern, getRecordEndPattern, "
        "parseDocument)")


def test_a_stub_reports_not_yet_implemented(monkeypatch) -> None:
    from letsdata_service import registry

    registry.reset_implementations()
    response = _invoke(valid_request("KinesisRecordReader.parseMessage"))
    assert _error(response) == "Not Yet Implemented"


# -- batchedData: each element validated on its own, errors name the element ----------------------
def test_batched_data_errors_name_the_element_and_the_others_still_run() -> None:
    import copy

    event = valid_request("DynamoDBStreamsRecordReader.parseRecord")
    good = event.pop("data")
    missing, wrong = copy.deepcopy(good), copy.deepcopy(good)
    del missing["data"]["keys"]
    wrong["data"]["oldImage"] = "x"
    event["batchedData"] = [good, missing, None, wrong]
    response = _invoke(event)
    assert response["StatusCode"] == 200
    items = response["body"]["data"]
    assert [item["statusCode"] for item in items] == ["SUCCESS", "EXCEPTION", "EXCEPTION", "EXCEPTION"]
    label = "DynamoDBStreamsRecordReader.parseRecord"
    assert [item["errorMessage"] for item in items[1:]] == [
        f"letsdata assert - missing key 'keys' in batchedData[1].data for {label}",
        f"letsdata assert - invalid batchedData[2] - None - {label} requires batchedData[2] keys [streamArn, "
        "shardId, eventId, eventName, identityPrincipalId, identityType, sequenceNumber, sizeBytes, "
        "streamViewType, approximateCreationDateTime, data, keys, oldImage, newImage]",
        f"letsdata assert - invalid oldImage - {label} requires batchedData[3].data.oldImage value to be dict, "
        "got str",
    ]


# -- what the bridge logs about a request's data --------------------------------------------------
def _letsdata_records(caplog, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("letsdata") and r.levelno == level
            and r.getMessage().startswith("letsdata request - ")]


@pytest.mark.parametrize("function", sorted(CONTRACT))
def test_a_valid_request_logs_no_warning_about_its_data(function: str, caplog) -> None:
    import logging

    with caplog.at_level(logging.DEBUG, logger="letsdata"):
        assert _invoke(valid_request(function))["StatusCode"] == 200
    assert _letsdata_records(caplog, logging.WARNING) == []
    assert _letsdata_records(caplog, logging.DEBUG) == []  # no unknown keys in the captured requests


@pytest.mark.parametrize(
    ("function", "extra_at", "message"),
    [
        ("KinesisRecordReader.parseMessage", "data",
         "letsdata request - KinesisRecordReader.parseMessage: ignoring unknown keys ['extraKey'] in data"),
        ("DynamoDBTableItemReader.parseDynamoDBItem", "data.data",
         "letsdata request - DynamoDBTableItemReader.parseDynamoDBItem: ignoring unknown keys ['extraKey'] in "
         "data.data"),
    ],
)
def test_unknown_keys_are_logged_at_debug_naming_them(function: str, extra_at: str, message: str, caplog) -> None:
    import logging

    event = valid_request(function)
    (event["data"] if extra_at == "data" else event["data"]["data"])["extraKey"] = 1
    with caplog.at_level(logging.DEBUG, logger="letsdata"):
        assert _invoke(event)["StatusCode"] == 200
    assert _letsdata_records(caplog, logging.DEBUG) == [message]
    assert _letsdata_records(caplog, logging.WARNING) == []


@pytest.mark.parametrize("function", ["DynamoDBStreamsRecordReader.parseRecord",
                                      "DynamoDBTableItemReader.parseDynamoDBItem"])
def test_empty_dynamodb_keys_are_accepted_with_a_warning(function: str, caplog) -> None:
    import logging

    event = valid_request(function)
    event["data"]["data"]["keys"] = {}
    with caplog.at_level(logging.INFO, logger="letsdata"):
        assert _invoke(event)["StatusCode"] == 200
    assert _letsdata_records(caplog, logging.WARNING) == [f"letsdata request - {function}: data.data.keys is empty"]


def test_other_empty_dicts_are_accepted_silently(caplog) -> None:
    import logging

    event = valid_request("DynamoDBTableItemReader.parseDynamoDBItem")
    event["data"]["data"]["item"] = {}
    with caplog.at_level(logging.INFO, logger="letsdata"):
        assert _invoke(event)["StatusCode"] == 200
    assert _letsdata_records(caplog, logging.WARNING) == []


# -- the user methods' parameter names (docs/letsdata-wire-contract.md, Interfaces and functions) -----
_SPARK_ARGS = ["readFormat", "readOptions", "writeDestination", "writeUri", "writeFormat", "writeMode",
               "writeOptions", "spark_credentials_secret_arn"]
USER_ARGUMENTS: dict[str, list[str]] = {
    "SingleFileParser.getS3FileType": [],
    "SingleFileParser.getResolvedS3FileName": ["s3FileType", "fileName"],
    "SingleFileParser.getRecordStartPattern": ["s3FileType"],
    "SingleFileParser.getRecordEndPattern": ["s3FileType"],
    "SingleFileParser.parseDocument": ["s3FileType", "s3Filename", "offsetBytes", "byteArr", "startIndex",
                                       "endIndex"],
    "KinesisRecordReader.parseMessage": ["streamArn", "shardId", "partitionKey", "sequenceNumber",
                                         "approximateArrivalTimestamp", "data"],
    "QueueMessageReader.parseMessage": ["messageId", "messageGroupId", "messageDeduplicationId",
                                        "messageAttributes", "messageBody"],
    "DynamoDBStreamsRecordReader.parseRecord": [
        "streamArn", "shardId", "eventId", "eventName", "identityPrincipalId", "identityType", "sequenceNumber",
        "sizeBytes", "streamViewType", "approximateCreationDateTime", "keys", "oldImage", "newImage"],
    "DynamoDBTableItemReader.parseDynamoDBItem": ["tableName", "segmentNumber", "keys", "item"],
    "SagemakerVectorsInterface.extractDocumentElementsForVectorization": ["document"],
    "SagemakerVectorsInterface.constructVectorDoc": ["documentInterface", "vectorsMap"],
    "SparkMapperInterface.mapper": ["appName", "readDestination", "readUri", *_SPARK_ARGS],
    "SparkReducerInterface.reducer": ["appName", "readDestination", "readUris", *_SPARK_ARGS],
}


@pytest.mark.parametrize("function", sorted(USER_ARGUMENTS))
def test_the_table_names_the_user_methods_parameters(function: str) -> None:
    """The table documents which wire key becomes which user parameter; the stubs declare the same."""
    import inspect

    from letsdata_service.function_table import FUNCTIONS
    from letsdata_service.interface_table import INTERFACES
    from letsdata_service.registry import load_class
    from letsdata_service.Service import InterfaceNames

    interface, name = function.split(".")
    spec = FUNCTIONS[InterfaceNames.fromValue(interface)][name]
    assert [f.arg for f in spec.fields if f.arg is not None] == USER_ARGUMENTS[function]
    stub = load_class(INTERFACES[InterfaceNames.fromValue(interface)].stub, "test")
    assert list(inspect.signature(getattr(stub, name)).parameters)[1:] == USER_ARGUMENTS[function]


def test_the_table_cannot_be_changed_at_run_time() -> None:
    import dataclasses

    from letsdata_service.function_table import FUNCTIONS
    from letsdata_service.Service import InterfaceNames

    spec = FUNCTIONS[InterfaceNames.KinesisRecordReader]["parseMessage"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.data_required = False  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.fields[0].required = False  # type: ignore[misc]
