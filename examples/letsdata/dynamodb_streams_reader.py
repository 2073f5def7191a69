"""DynamoDBStreamsRecordReader example: change records of a table -> documents of the item's new state.

What it shows:

- ``INSERT`` and ``MODIFY`` produce a Document of the **new image** (the item as it is now), keyed by
  the item's key values, with the change's event name, sequence number and time in the metadata.
- ``REMOVE`` produces a **SkipDoc** carrying the keys and the old image. This example maintains a
  "current items" view in an append-only destination, where a deleted item is simply not written
  again; the skip doc keeps the deletion visible in the dataset's skip metrics and skip records
  instead of dropping it silently. (A destination that must mirror deletes would return a tombstone
  Document here instead.)
- A stream whose view type carries no new image (``KEYS_ONLY`` / ``OLD_IMAGE``) cannot feed this
  reader: an INSERT/MODIFY with an empty new image becomes an **ErrorDoc** that names the view type,
  so the misconfiguration shows up at the first record. An unknown event name is an ErrorDoc too.

The images arrive as plain JSON values (the platform unmarshalls DynamoDB AttributeValues), and the
bridge passes ``{}`` for an absent image. The record's "offset" in error and skip docs is its stream
sequence number.
"""

from __future__ import annotations

from typing import Any

from examples.letsdata._documents import error, id_from_keys, skip, success
from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.documents.DocumentType import DocumentType
from letsdata_interfaces.readers.dynamodbstreams.DynamoDBStreamsRecordReader import (
    DynamoDBStreamsRecordReader,
)
from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult


def table_name_from_stream_arn(stream_arn: str) -> str:
    """``arn:aws:dynamodb:<region>:<acct>:table/<Table>/stream/<ts>`` -> ``<Table>`` (or ``"DynamoDBItem"``)."""
    _, _, resource = stream_arn.rpartition(":table/")
    table = resource.split("/", 1)[0]
    return table or "DynamoDBItem"


class DynamoDBStreamsJsonRecordReader(DynamoDBStreamsRecordReader):
    """INSERT/MODIFY -> Document of the new image; REMOVE -> SkipDoc; anything unusable -> ErrorDoc."""

    UPSERT_EVENTS = frozenset({"INSERT", "MODIFY"})

    def parseRecord(
        self,
        streamArn: str,
        shardId: str,
        eventId: str,
        eventName: str,
        identityPrincipalId: str | None,
        identityType: str | None,
        sequenceNumber: str,
        sizeBytes: int,
        streamViewType: str,
        approximateCreationDateTime: int,
        keys: dict[str, Any],
        oldImage: dict[str, Any],
        newImage: dict[str, Any],
    ) -> ParseDocumentResult:
        record_type = table_name_from_stream_arn(streamArn)
        document_id = id_from_keys(keys) if keys else eventId
        offsets = {"sequenceNumber": sequenceNumber}
        metadata: dict[str, Any] = {
            "eventName": eventName,
            "eventId": eventId,
            "sequenceNumber": sequenceNumber,
            "approximateCreationDateTime": approximateCreationDateTime,
        }
        if eventName == "REMOVE":
            return skip(
                document_id,
                record_type,
                document_id,
                offsets,
                dict(offsets),
                f"item {document_id} was removed from {record_type}; deletes are not written",
                payload={"keys": keys, "oldImage": oldImage},
                metadata=metadata,
            )
        if eventName not in self.UPSERT_EVENTS:
            return error(
                document_id,
                record_type,
                document_id,
                offsets,
                dict(offsets),
                f"unknown DynamoDB stream eventName {eventName!r} (expected INSERT, MODIFY or REMOVE)",
                payload={"keys": keys, "oldImage": oldImage, "newImage": newImage},
                metadata=metadata,
            )
        if not newImage:
            return error(
                document_id,
                record_type,
                document_id,
                offsets,
                dict(offsets),
                f"{eventName} record has no new image; the stream view type {streamViewType} must be "
                "NEW_IMAGE or NEW_AND_OLD_IMAGES for this reader",
                payload={"keys": keys, "oldImage": oldImage},
                metadata=metadata,
            )
        return success(
            Document(DocumentType.Document, document_id, record_type, document_id, metadata, dict(newImage))
        )
