"""Request builders and platform emulation shared by the example tests."""

from __future__ import annotations

import json
import uuid
from typing import Any

from letsdata_lambda_function import lambda_handler
from tests.conftest import EVENTS_DIR

AUTH = {
    "tenantId": "3c25bdbd-c2b1-4b74-9f6a-b18d23e6ade1",
    "userId": "de9eb5a6-a06f-429f-8f75-9a438fe073e1",
    "datasetName": "ExamplesDataset",
    "datasetId": "78ce0aa2-9b8c-4534-9170-445d2cfd70af",
}

_ABSENT = object()


def load_event(name: str) -> dict[str, Any]:
    """A captured platform request from tests/events (``"SingleFileParser.parseDocument"``)."""
    with open(EVENTS_DIR / f"{name}.json", encoding="utf-8") as fh:
        event: dict[str, Any] = json.load(fh)
    return event


def make_request(
    interface: str, function: str, data: Any = _ABSENT, batched: list[Any] | None = None
) -> dict:
    """A request envelope as the platform sends it (docs/letsdata-wire-contract.md, Request envelope)."""
    event: dict[str, Any] = {
        "requestId": str(uuid.uuid4()),
        "interface": interface,
        "function": function,
        "letsdataAuth": dict(AUTH),
    }
    if data is not _ABSENT:
        event["data"] = data
    if batched is not None:
        event["batchedData"] = batched
    return event


def invoke(event: Any) -> dict[str, Any]:
    """Run the real handler; the envelope must be JSON text-serialisable like on the wire."""
    response = lambda_handler(event, None)
    json.dumps(response)  # raises if anything non-JSON leaked into the envelope
    return response


def invoke_ok(event: Any) -> Any:
    """Run the handler and return ``body.data`` of a success envelope (fails with the error otherwise)."""
    response = invoke(event)
    body = response["body"]
    assert response["StatusCode"] == 200 and body["statusCode"] == "SUCCESS", body.get("errorMessage")
    return body["data"]


def invoke_error(event: Any) -> dict[str, Any]:
    """Run the handler and return ``body.exception`` of an error envelope."""
    response = invoke(event)
    body = response["body"]
    assert response["StatusCode"] == 500 and body["statusCode"] == "EXCEPTION", body
    assert body["errorMessage"] == body["exception"]["errorMessage"]
    exception: dict[str, Any] = body["exception"]
    return exception


def flatten(document: dict[str, Any]) -> dict[str, Any]:
    """What LetsData writes downstream for a serialised Document (docs/letsdata-wire-contract.md, Document model): payload keys + 4 attributes."""
    return {
        **document["documentKeyValuesMap"],
        "documentId": document["documentId"],
        "recordType": document["recordType"],
        "partitionKey": document["partitionKey"],
        "documentMetadata": document["documentMetadata"],
    }


def split_records(data: bytes, start: str, end: str) -> list[tuple[int, bytes]]:
    """Cut a file into records the way the platform applies PATTERN hints.

    Find the start pattern, then the end pattern after it; the record is the bytes from the start
    through the end pattern (to the end of the file if the end pattern is missing), and its
    ``offsetBytes`` is where it starts in the file. The next search starts after the record.
    """
    start_b, end_b = start.encode("utf-8"), end.encode("utf-8")
    records: list[tuple[int, bytes]] = []
    pos = 0
    while True:
        s = data.find(start_b, pos)
        if s < 0:
            return records
        e = data.find(end_b, s + len(start_b))
        stop = len(data) if e < 0 else e + len(end_b)
        records.append((s, data[s:stop]))
        pos = stop


def parse_document_data(s3_file_type: str, file_name: str, offset: int, record: bytes) -> dict[str, Any]:
    """The ``data`` of a parseDocument request for one record (``endIndex`` is its UTF-8 byte length)."""
    return {
        "s3FileType": s3_file_type,
        "fileName": file_name,
        "offsetBytes": offset,
        "content": record.decode("utf-8"),
        "startIndex": 0,
        "endIndex": len(record),
    }
