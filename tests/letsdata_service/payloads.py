"""Valid requests for all 13 wire functions: the 9 captured ones plus synthesised SingleFileParser calls."""

from __future__ import annotations

import copy
from typing import Any

from tests.letsdata_service.conftest import captured

AUTH = {"tenantId": "t-1", "userId": "u-1", "datasetName": "ds", "datasetId": "0123456789abcdef0123456789abcdef"}


def envelope(interface: str, function: str, data: Any = None, **extra: Any) -> dict[str, Any]:
    event: dict[str, Any] = {"requestId": "req-1", "interface": interface, "function": function,
                             "letsdataAuth": dict(AUTH)}
    if data is not None:
        event["data"] = data
    event.update(extra)
    return event


def parse_document_data(content: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"s3FileType": "WET", "fileName": "crawl/file1.wet.gz", "offsetBytes": 1024,
                            "content": content, "startIndex": 0, "endIndex": len(content.encode("utf-8"))}
    data.update(overrides)
    return data


SYNTHESISED = {
    "SingleFileParser.getS3FileType": envelope("SingleFileParser", "getS3FileType", {}),
    "SingleFileParser.getResolvedS3FileName": envelope(
        "SingleFileParser", "getResolvedS3FileName", {"s3FileType": "WET", "fileName": "crawl/file1.wet.gz"}),
    "SingleFileParser.getRecordStartPattern": envelope(
        "SingleFileParser", "getRecordStartPattern", {"s3FileType": "WET"}),
    "SingleFileParser.getRecordEndPattern": envelope("SingleFileParser", "getRecordEndPattern", {"s3FileType": "WET"}),
}


def valid_request(name: str) -> dict[str, Any]:
    """A deep copy of a valid request for ``Interface.function``."""
    if name in SYNTHESISED:
        return copy.deepcopy(SYNTHESISED[name])
    return captured(name)


ALL_FUNCTIONS = sorted([*SYNTHESISED, "SingleFileParser.parseDocument", "KinesisRecordReader.parseMessage",
                        "QueueMessageReader.parseMessage", "DynamoDBStreamsRecordReader.parseRecord",
                        "DynamoDBTableItemReader.parseDynamoDBItem",
                        "SagemakerVectorsInterface.extractDocumentElementsForVectorization",
                        "SagemakerVectorsInterface.constructVectorDoc", "SparkMapperInterface.mapper",
                        "SparkReducerInterface.reducer"])
