"""The Lambda handler end to end: captured requests, success/error envelopes as JSON text, hygiene."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from letsdata_lambda_function import lambda_handler
from letsdata_service import registry
from tests.conftest import EVENTS_DIR
from tests.letsdata_service.conftest import CAPTURED_NAMES, captured
from tests.letsdata_service.conftest import clean_registry as clean_registry  # noqa: F401 - autouse fixture
from tests.letsdata_service.conftest import recording_impls as recording_impls  # noqa: F401 - fixture
from tests.letsdata_service.payloads import ALL_FUNCTIONS, envelope, valid_request
from tests.letsdata_service.recording_impls import RECORDERS

HEADERS = {"Content-Type": "application/json"}


def _success_text(data: Any) -> str:
    return json.dumps({"StatusCode": 200, "headers": HEADERS, "body": {"statusCode": "SUCCESS", "data": data}})


def _assert_error_envelope(response: dict[str, Any], message: str, error_type: str = "Exception") -> None:
    assert list(response) == ["StatusCode", "headers", "body"]
    assert response["StatusCode"] == 500 and response["headers"] == HEADERS
    body = response["body"]
    assert list(body) == ["statusCode", "errorMessage", "exception"] and body["statusCode"] == "EXCEPTION"
    assert list(body["exception"]) == ["errorMessage", "errorType", "stackTrace"]
    assert body["errorMessage"] == body["exception"]["errorMessage"] == message
    assert body["exception"]["errorType"] == error_type
    trace = body["exception"]["stackTrace"]
    assert isinstance(trace, str) and trace.startswith("Traceback (most recent call last):") and trace.endswith("\n")
    assert "NoneType: None" not in trace


def test_nine_captured_requests_are_present_with_expectations() -> None:
    assert len(CAPTURED_NAMES) == 9
    for name in CAPTURED_NAMES:
        expected = (EVENTS_DIR / f"{name}.expected").read_text(encoding="utf-8")
        assert expected == "Not Yet Implemented\n"


@pytest.mark.parametrize("name", CAPTURED_NAMES)
def test_captured_request_with_shipped_stub_returns_not_yet_implemented(name: str) -> None:
    expected = (EVENTS_DIR / f"{name}.expected").read_text(encoding="utf-8").strip()
    response = lambda_handler(captured(name), None)
    assert expected in json.dumps(response)
    _assert_error_envelope(response, "Not Yet Implemented")
    assert f"{name.split('.')[1]}\n    raise Exception(\"Not Yet Implemented\")" in response["body"]["exception"]["stackTrace"]


@pytest.mark.parametrize("name", [n for n in ALL_FUNCTIONS if n not in CAPTURED_NAMES])
def test_synthesised_single_file_requests_with_stub_return_not_yet_implemented(name: str) -> None:
    _assert_error_envelope(lambda_handler(valid_request(name), None), "Not Yet Implemented")


def _expected_data(name: str, event: dict[str, Any]) -> Any:
    """The serialised result of the recording implementation, derived from the request independently."""
    data = event.get("data") or {}

    def echo(kind: str, *args: Any) -> dict[str, Any]:
        return {"nextRecordType": None,
                "document": {"documentType": "Document", "documentId": str(args[0]), "recordType": kind,
                             "partitionKey": str(args[0]), "documentMetadata": {},
                             "documentKeyValuesMap": {"args": list(args)}},
                "status": "SUCCESS"}

    if name == "SingleFileParser.getS3FileType":
        return "WET"
    if name == "SingleFileParser.getResolvedS3FileName":
        return f"resolved/{data['s3FileType']}/{data['fileName']}"
    if name == "SingleFileParser.getRecordStartPattern":
        return {"recordHintType": "PATTERN", "pattern": "START-" + data["s3FileType"], "offset": -1}
    if name == "SingleFileParser.getRecordEndPattern":
        return {"recordHintType": "OFFSET", "pattern": None, "offset": len(data["s3FileType"])}
    if name == "SingleFileParser.parseDocument":
        return {"nextRecordType": None,
                "document": {"documentType": "Document", "documentId": data["fileName"], "recordType": "Content",
                             "partitionKey": data["s3FileType"], "documentMetadata": {"offsetBytes": data["offsetBytes"]},
                             "documentKeyValuesMap": {"chars": len(data["content"]), "bytes": data["endIndex"]}},
                "status": "SUCCESS"}
    if name == "KinesisRecordReader.parseMessage":
        return echo("Kinesis", data["sequenceNumber"], data["shardId"], data["approximateArrivalTimestamp"],
                    len(data["data"].encode("utf-8")))
    if name == "QueueMessageReader.parseMessage":
        return echo("SQS", data["messageId"], None, None, len(data["messageBody"]))
    if name == "DynamoDBStreamsRecordReader.parseRecord":
        nested = data["data"]
        return echo("DDBStream", data["eventId"], data["eventName"], data["sizeBytes"], nested["keys"],
                    nested["oldImage"], nested["newImage"])
    if name == "DynamoDBTableItemReader.parseDynamoDBItem":
        return echo("DDBTable", data["tableName"], data["segmentNumber"], data["data"]["keys"], data["data"]["item"])
    if name == "SagemakerVectorsInterface.extractDocumentElementsForVectorization":
        return {"docText": data["document"]["docText"][:50]}
    if name == "SagemakerVectorsInterface.constructVectorDoc":
        doc = data["documentInterface"]
        return {"documentType": "Document", "documentId": doc["documentId"], "recordType": "Vector",
                "partitionKey": doc["partitionKey"], "documentMetadata": {},
                "documentKeyValuesMap": {k: len(v) for k, v in data["vectorsMap"].items()}}
    assert name in ("SparkMapperInterface.mapper", "SparkReducerInterface.reducer")
    return None


@pytest.mark.usefixtures("recording_impls")
@pytest.mark.parametrize("name", ALL_FUNCTIONS)
def test_every_function_with_a_registered_implementation_returns_the_exact_success_text(name: str) -> None:
    event = valid_request(name)
    response = lambda_handler(event, None)
    assert json.dumps(response) == _success_text(_expected_data(name, event))
    assert json.dumps(response, ensure_ascii=False) == json.dumps(json.loads(json.dumps(response)), ensure_ascii=False)
    assert len(RECORDERS[name.split(".")[0]].calls) == 1


@pytest.mark.usefixtures("recording_impls")
def test_error_doc_result_serialises_with_the_wire_offset_key_spelling() -> None:
    from tests.letsdata_service.payloads import parse_document_data

    response = lambda_handler(envelope("SingleFileParser", "parseDocument", parse_document_data("BAD")), None)
    assert json.dumps(response["body"]["data"]) == json.dumps({
        "nextRecordType": None,
        "document": {"documentType": "ErrorDoc", "documentId": "crawl/file1.wet.gz", "recordType": "Content",
                     "partitionKey": "crawl/file1.wet.gz", "documentMetadata": {}, "documentKeyValuesMap": {},
                     "errorStartoffsetMap": {"WET": "1024"}, "errorEndoffsetMap": {"WET": "1027"},
                     "errorMessage": "bad record"},
        "status": "ERROR"})


class _Raising:
    def getS3FileType(self) -> str:
        raise KeyError("boom")


class _ReturnsBytes:
    def getS3FileType(self) -> bytes:
        return b"WET"


class _Exits:
    def getS3FileType(self) -> str:
        raise SystemExit(3)


def test_user_exception_keeps_its_type_and_own_traceback() -> None:
    registry.register_implementation("SingleFileParser", _Raising)
    response = lambda_handler(envelope("SingleFileParser", "getS3FileType"), None)
    _assert_error_envelope(response, "'boom'", "KeyError")
    assert "in getS3FileType\n    raise KeyError(\"boom\")" in response["body"]["exception"]["stackTrace"]


def test_unserialisable_return_value_is_an_error_envelope_naming_the_path() -> None:
    registry.register_implementation("SingleFileParser", _ReturnsBytes)
    response = lambda_handler(envelope("SingleFileParser", "getS3FileType"), None)
    assert response["StatusCode"] == 500
    assert response["body"]["errorMessage"].startswith("getJsonObject - cannot serialise bytes at $:")


def test_user_sys_exit_does_not_escape_the_handler() -> None:
    registry.register_implementation("SingleFileParser", _Exits)
    response = lambda_handler(envelope("SingleFileParser", "getS3FileType"), None)
    _assert_error_envelope(response, "3", "SystemExit")


@pytest.mark.parametrize("event", [None, 0, "", "garbage", [], [1, 2], {}, {"requestId": None}, {"requestId": 5},
                                   {"requestId": "r"}, {"requestId": "r", "letsdataAuth": []}, b"bytes", 3.5, True,
                                   {"requestId": "r", "letsdataAuth": {}, "interface": "x", "function": "y"}])
def test_garbage_never_raises_and_returns_an_assertion_envelope(event: Any) -> None:
    response = lambda_handler(event, None)
    assert response["StatusCode"] == 500
    assert response["body"]["errorMessage"].startswith("letsdata assert - ")
    _assert_error_envelope(response, response["body"]["errorMessage"])


def test_unknown_interface_is_an_assertion_not_value_error() -> None:
    response = lambda_handler(envelope("FooReader", "parseMessage", {}), None)
    _assert_error_envelope(response, "letsdata assert - invalid interface 'FooReader' - expected one of "
                                     "SingleFileParser, QueueMessageReader, SagemakerVectorsInterface, "
                                     "KinesisRecordReader, DynamoDBStreamsRecordReader, DynamoDBTableItemReader, "
                                     "SparkMapperInterface, SparkReducerInterface (case-insensitive)")


def test_missing_data_key_is_an_assertion_not_key_error() -> None:
    event = valid_request("SingleFileParser.parseDocument")
    del event["data"]["fileName"]
    _assert_error_envelope(lambda_handler(event, None),
                           "letsdata assert - missing key 'fileName' in data for SingleFileParser.parseDocument")


@pytest.mark.parametrize("stage", [None, "Test", "Prod", "test", "PROD", "staging"])
def test_stage_is_optional_and_any_case(monkeypatch: pytest.MonkeyPatch, stage: str | None) -> None:
    if stage is None:
        monkeypatch.delenv("LETS_DATA_STAGE", raising=False)
    else:
        monkeypatch.setenv("LETS_DATA_STAGE", stage)
    registry.register_implementation("SingleFileParser", "tests.letsdata_service.recording_impls:RecordingSingleFileParser")
    assert json.dumps(lambda_handler(envelope("SingleFileParser", "getS3FileType"), None)) == _success_text("WET")


@pytest.mark.usefixtures("recording_impls")
def test_successful_requests_log_nothing_at_info_and_ids_and_payload_only_at_debug(
        caplog: pytest.LogCaptureFixture) -> None:
    event = valid_request("KinesisRecordReader.parseMessage")
    secret_fragment = event["data"]["data"][40:90]
    ids = f"requestId={event['requestId']}, interface=KinesisRecordReader, function=parseMessage"
    lambda_handler(event, None)  # first use: the one-off "implementation loaded" line
    caplog.clear()
    with caplog.at_level("INFO", logger="letsdata"):
        for _ in range(3):
            lambda_handler(event, None)
    assert [r.getMessage() for r in caplog.records] == []  # no per-request line at INFO
    caplog.clear()
    with caplog.at_level("DEBUG", logger="letsdata"):
        lambda_handler(event, None)
    id_records = [r for r in caplog.records if ids in r.getMessage()]
    assert id_records and all(r.levelname == "DEBUG" for r in id_records)
    debug_records = [r for r in caplog.records if secret_fragment in r.getMessage()]
    assert debug_records and all(r.levelname == "DEBUG" for r in debug_records)


@pytest.mark.usefixtures("recording_impls")
def test_a_failed_request_is_one_warning_with_its_id_and_no_payload(caplog: pytest.LogCaptureFixture) -> None:
    event = valid_request("KinesisRecordReader.parseMessage")
    event["data"]["shardId"] = 5
    secret_fragment = event["data"]["data"][40:90]
    with caplog.at_level("INFO", logger="letsdata"):
        lambda_handler(event, None)
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", f"letsdata_lambda_function error - requestId={event['requestId']}, errorType=Exception "
                    "(LetsDataAssertionError)")]
    assert secret_fragment not in caplog.text


def test_importing_the_handler_loads_neither_pyspark_boto3_nor_moto() -> None:
    code = ("import sys, json, letsdata_lambda_function\n"
            "r = letsdata_lambda_function.lambda_handler(json.load(open(sys.argv[1])), None)\n"
            "print(json.dumps({'heavy': sorted(m for m in ('pyspark', 'py4j', 'boto3', 'botocore', 'moto') "
            "if m in sys.modules), 'msg': r['body']['errorMessage']}))\n")
    for name in ("SingleFileParser.parseDocument", "SparkMapperInterface.mapper"):
        out = subprocess.run([sys.executable, "-c", code, str(EVENTS_DIR / f"{name}.json")], capture_output=True,
                             text=True, check=True, cwd=str(EVENTS_DIR.parent.parent)).stdout
        assert json.loads(out) == {"heavy": [], "msg": "Not Yet Implemented"}


STATE_MACHINE_MODULES = (
    "letsdata_utils.matcher", "letsdata_local", "letsdata_interfaces.documents.CompositeDoc",
    "letsdata_interfaces.documents.SingleDoc", "letsdata_interfaces.readers.SystemFileReader",
    "letsdata_interfaces.readers.SingleFileStateMachineReader",
    "letsdata_interfaces.readers.MultipleFileStateMachineReader",
    "letsdata_interfaces.readers.parsers.SingleFileStateMachineParser",
    "letsdata_interfaces.readers.model.ParseCompositeDocumentResult",
    "letsdata_interfaces.readers.model.SingleFileReaderState",
)


def test_importing_the_handler_loads_no_state_machine_reader_code() -> None:
    # the platform never calls the state-machine interfaces over the bridge: a request must not pay for them
    code = ("import sys, json, letsdata_lambda_function\n"
            "letsdata_lambda_function.lambda_handler(json.load(open(sys.argv[1])), None)\n"
            f"print(json.dumps(sorted(m for m in {STATE_MACHINE_MODULES!r} if m in sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code, str(EVENTS_DIR / "SingleFileParser.parseDocument.json")],
                         capture_output=True, text=True, check=True, cwd=str(EVENTS_DIR.parent.parent)).stdout
    assert json.loads(out) == []


def test_handler_module_never_prints() -> None:
    import ast
    from pathlib import Path

    for path in [Path("letsdata_lambda_function.py"), *Path("letsdata_service").glob("*.py"),
                 *Path("letsdata_interfaces").rglob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "print"], path
