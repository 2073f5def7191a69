"""Size limits of the services a dataset writes to and invokes, checked before anything is sent.

Why check locally: a document one byte over a destination's limit is rejected by AWS for the whole
call (SQS, DynamoDB) or per record with an error that names nothing the user can find (Kinesis). The
platform turns such a record into an error document and carries on; checking here, before the
request, lets letsdata_local do the same and name the source record (file and offset, shard and
sequence number, message id) in the error document. See docs/letsdata-local.md ("Limits").

Every limit is counted the way the service counts it:

* Kinesis: the record's data blob (after compression) plus its partition key, at most 1 MiB.
* SQS: the message body plus every message attribute's name, type and value, at most 256 KiB.
* DynamoDB: the item's attribute names plus their values (UTF-8 / binary lengths; numbers about one
  byte per two digits), at most 400 KB (409,600 bytes).
* Lambda: a synchronous request and its response, each at most 6 MB (6,291,456 bytes).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

KINESIS_RECORD_LIMIT = 1024 * 1024
SQS_MESSAGE_LIMIT = 256 * 1024
DYNAMODB_ITEM_LIMIT = 400 * 1024
LAMBDA_PAYLOAD_LIMIT = 6 * 1024 * 1024

#: the limit each write destination enforces, for messages and docs
DESTINATION_LIMITS: Mapping[str, int] = {
    "KINESIS": KINESIS_RECORD_LIMIT,
    "SQS": SQS_MESSAGE_LIMIT,
    "DYNAMODB": DYNAMODB_ITEM_LIMIT,
}


class DocumentTooLargeError(ValueError):
    """A document is over its destination's size limit; it was not buffered or sent."""

    def __init__(self, destination: str, size: int, limit: int) -> None:
        super().__init__(f"the document is {size:,} bytes, over the {destination} limit of {limit:,} bytes")
        self.destination = destination
        self.size = size
        self.limit = limit


class PayloadTooLargeError(RuntimeError):
    """A Lambda request or response is over the 6 MB synchronous invocation limit."""

    def __init__(self, what: str, size: int) -> None:
        super().__init__(
            f"the Lambda {what} is {size:,} bytes, over the synchronous invocation limit of "
            f"{LAMBDA_PAYLOAD_LIMIT:,} bytes"
        )
        self.what = what
        self.size = size


def check_payload(what: str, size: int) -> None:
    """Raise :class:`PayloadTooLargeError` when a request/response of ``size`` bytes is too large."""
    if size > LAMBDA_PAYLOAD_LIMIT:
        raise PayloadTooLargeError(what, size)


def check_document(destination: str, size: int) -> None:
    """Raise :class:`DocumentTooLargeError` when ``size`` bytes exceed ``destination``'s limit."""
    limit = DESTINATION_LIMITS[destination]
    if size > limit:
        raise DocumentTooLargeError(destination, size, limit)


def sqs_message_size(body: str, attributes: Mapping[str, Mapping[str, Any]] | None = None) -> int:
    """Bytes SQS counts for a message: the body plus each attribute's name, data type and value."""
    size = len(body.encode("utf-8"))
    for name, value in (attributes or {}).items():
        size += len(name.encode("utf-8")) + len(str(value.get("DataType", "")).encode("utf-8"))
        if "StringValue" in value:
            size += len(str(value["StringValue"]).encode("utf-8"))
        if "BinaryValue" in value:
            size += len(value["BinaryValue"])
    return size


def dynamodb_item_size(item: Mapping[str, Any]) -> int:
    """Bytes DynamoDB counts for a serialised item (``{"name": {"S": "value"}, ...}``)."""
    return sum(len(name.encode("utf-8")) + _attribute_size(value) for name, value in item.items())


def _attribute_size(value: Mapping[str, Any]) -> int:
    (kind, inner), = value.items()
    if kind == "S":
        return len(str(inner).encode("utf-8"))
    if kind == "N":
        return _number_size(str(inner))
    if kind == "B":
        return len(inner)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(str(v).encode("utf-8")) for v in inner)
    if kind == "NS":
        return sum(_number_size(str(v)) for v in inner)
    if kind == "BS":
        return sum(len(v) for v in inner)
    if kind == "L":
        return 3 + sum(1 + _attribute_size(v) for v in inner)
    if kind == "M":
        return 3 + sum(1 + len(k.encode("utf-8")) + _attribute_size(v) for k, v in inner.items())
    raise ValueError(f"unknown DynamoDB attribute type {kind!r}")


def _number_size(text: str) -> int:
    """About one byte per two significant digits, plus one (DynamoDB's documented estimate)."""
    digits = "".join(str(d) for d in Decimal(text).as_tuple().digits).strip("0")
    return (max(len(digits), 1) + 1) // 2 + 1


def describe_source(data: Mapping[str, Any], source_id: str) -> str:
    """Where a source record came from, in words a user can look up (for error messages)."""
    if "stateMachineFiles" in data:  # a composite: the byte ranges of the records it joined, per file
        start, end = data.get("startOffsets") or {}, data.get("endOffsets") or {}
        return "source records " + ", ".join(
            f"{file_type + ' ' if file_type else ''}file {key} bytes {start.get(file_type)}..{end.get(file_type)}"
            for file_type, key in data["stateMachineFiles"].items())
    if "fileName" in data:
        return f"file {data['fileName']} at byte offset {data.get('offsetBytes')}"
    if "messageId" in data:
        return f"SQS message {data['messageId']}"
    if "shardId" in data:
        return f"shard {data['shardId']} sequence number {data.get('sequenceNumber')}"
    if "tableName" in data:
        keys = (data.get("data") or {}).get("keys")
        return f"table {data['tableName']} item {keys}"
    return f"record {source_id}"
