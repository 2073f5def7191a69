"""batchedData: one call per item, per-item results in order, a bad item never fails the batch."""

from __future__ import annotations

import json
from typing import Any

import pytest

from letsdata_lambda_function import lambda_handler
from tests.letsdata_service.payloads import envelope, parse_document_data
from tests.letsdata_service.recording_impls import RECORDERS

pytestmark = pytest.mark.usefixtures("recording_impls")

HEADERS = {"Content-Type": "application/json"}


def _doc_result(data: dict[str, Any]) -> dict[str, Any]:
    text_bytes = data["content"].encode("utf-8")
    return {"nextRecordType": None,
            "document": {"documentType": "Document", "documentId": data["fileName"], "recordType": "Content",
                         "partitionKey": data["s3FileType"], "documentMetadata": {"offsetBytes": data["offsetBytes"]},
                         "documentKeyValuesMap": {"chars": len(data["content"]), "bytes": len(text_bytes)}},
            "status": "SUCCESS"}


def test_mixed_batch_returns_one_entry_per_item_in_order() -> None:
    good1 = parse_document_data("first record")
    bad_type = parse_document_data("x", offsetBytes="12")
    good2 = parse_document_data("second ✓ record", offsetBytes=99)
    bad_index = parse_document_data("abc", endIndex=2)
    bad_record = parse_document_data("BAD record")
    items = [good1, bad_type, good2, None, bad_index, "not a dict", bad_record]
    response = lambda_handler(envelope("SingleFileParser", "parseDocument", batchedData=items), None)

    assert list(response) == ["StatusCode", "headers", "body"]
    assert response["StatusCode"] == 200 and response["headers"] == HEADERS
    assert list(response["body"]) == ["statusCode", "data"] and response["body"]["statusCode"] == "SUCCESS"
    results = response["body"]["data"]
    assert [r["statusCode"] for r in results] == ["SUCCESS", "EXCEPTION", "SUCCESS", "EXCEPTION", "EXCEPTION",
                                                  "EXCEPTION", "SUCCESS"]
    assert json.dumps(results[0]) == json.dumps({"statusCode": "SUCCESS", "data": _doc_result(good1)})
    assert json.dumps(results[2]) == json.dumps({"statusCode": "SUCCESS", "data": _doc_result(good2)})
    assert results[1]["errorMessage"] == ("letsdata assert - invalid offsetBytes - SingleFileParser.parseDocument "
                                          "requires batchedData[1].offsetBytes value to be int, got str")
    assert results[3]["errorMessage"].startswith(
        "letsdata assert - invalid batchedData[3] - None - SingleFileParser.parseDocument requires")
    assert results[4]["errorMessage"] == ("SingleFileParser_ParseDocument - invalid endIndex for byteArray - "
                                          "expected: 3, actual: 2")
    assert results[5]["errorMessage"] == ("letsdata assert - invalid batchedData[5] - SingleFileParser.parseDocument "
                                          "requires batchedData[5] to be a dict, got str")
    assert results[6]["data"]["status"] == "ERROR"
    assert results[6]["data"]["document"]["errorStartoffsetMap"] == {"WET": "1024"}
    for failed in (results[1], results[3], results[4], results[5]):
        assert list(failed) == ["statusCode", "errorMessage", "exception"]
        assert list(failed["exception"]) == ["errorMessage", "errorType", "stackTrace"]
        assert failed["exception"]["errorMessage"] == failed["errorMessage"]
        assert failed["exception"]["errorType"] == "Exception"
        assert failed["exception"]["stackTrace"].startswith("Traceback") and failed["exception"]["stackTrace"].endswith("\n")
    assert len(RECORDERS["SingleFileParser"].calls) == 3  # only the valid items reached user code
    assert RECORDERS["SingleFileParser"].instances == 1


def test_user_exception_in_one_item_keeps_its_type_and_spares_the_others() -> None:
    items = [{"messageId": f"m{i}", "messageAttributes": {}, "messageBody": "raise" if i == 1 else f"body{i}"}
             for i in range(3)]
    response = lambda_handler(envelope("QueueMessageReader", "parseMessage", batchedData=items), None)
    results = response["body"]["data"]
    assert [r["statusCode"] for r in results] == ["SUCCESS", "EXCEPTION", "SUCCESS"]
    assert results[1]["errorMessage"] == "cannot parse message m1"
    assert results[1]["exception"]["errorType"] == "ValueError"
    assert "recording_impls.py" in results[1]["exception"]["stackTrace"]
    assert results[2]["data"]["document"]["documentKeyValuesMap"]["args"] == ["m2", None, None, 5]


def test_unserialisable_item_result_fails_only_that_item() -> None:
    items = [{"s3FileType": "WET", "fileName": "ok"}, {"s3FileType": "WET", "fileName": "also ok"}]
    original = RECORDERS["SingleFileParser"].getResolvedS3FileName

    def sometimes_bytes(self: Any, s3FileType: str, fileName: str) -> Any:
        return b"raw" if fileName == "ok" else original(self, s3FileType, fileName)

    RECORDERS["SingleFileParser"].getResolvedS3FileName = sometimes_bytes  # type: ignore[method-assign]
    try:
        response = lambda_handler(envelope("SingleFileParser", "getResolvedS3FileName", batchedData=items), None)
    finally:
        RECORDERS["SingleFileParser"].getResolvedS3FileName = original  # type: ignore[method-assign]
    first, second = response["body"]["data"]
    assert first["statusCode"] == "EXCEPTION" and "cannot serialise bytes at $" in first["errorMessage"]
    assert second == {"statusCode": "SUCCESS", "data": "resolved/WET/also ok"}


@pytest.mark.parametrize("batched", [None, []])
def test_null_or_empty_batch_keeps_the_single_data_path(batched: Any) -> None:
    event = envelope("SingleFileParser", "getRecordStartPattern", {"s3FileType": "WET"}, batchedData=batched)
    response = lambda_handler(event, None)
    assert json.dumps(response) == json.dumps({
        "StatusCode": 200, "headers": HEADERS,
        "body": {"statusCode": "SUCCESS", "data": {"recordHintType": "PATTERN", "pattern": "START-WET", "offset": -1}}})


def test_batch_with_non_empty_data_is_rejected_rather_than_dropping_a_record() -> None:
    event = envelope("SingleFileParser", "getRecordStartPattern", {"s3FileType": "WET"},
                     batchedData=[{"s3FileType": "WET"}])
    response = lambda_handler(event, None)
    assert response["StatusCode"] == 500
    assert "got both data and a non-empty batchedData" in response["body"]["errorMessage"]
    assert RECORDERS["SingleFileParser"].calls == []


def test_batch_with_empty_data_dict_is_accepted() -> None:
    event = envelope("SingleFileParser", "getRecordEndPattern", {}, batchedData=[{"s3FileType": "A"},
                                                                                {"s3FileType": "ABCD"}])
    response = lambda_handler(event, None)
    assert [r["data"]["offset"] for r in response["body"]["data"]] == [1, 4]


def test_spark_batch_items_carry_null_data() -> None:
    from tests.letsdata_service.conftest import captured

    event = captured("SparkMapperInterface.mapper")
    event["batchedData"] = [event.pop("data"), {"appName": "x"}]
    results = lambda_handler(event, None)["body"]["data"]
    assert results[0] == {"statusCode": "SUCCESS", "data": None}
    assert results[1]["errorMessage"] == ("letsdata assert - missing key 'readDestination' in batchedData[1] for "
                                          "SparkMapperInterface.mapper")
