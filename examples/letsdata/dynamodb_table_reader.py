"""DynamoDBTableItemReader example: export every item of a table as a document.

The platform runs a parallel scan and calls the reader once per item with the item's key attributes
and the whole item (plain JSON values, already unmarshalled). What it shows: a stable document id
built from the key values (so re-running the export overwrites rather than duplicates), the table
name as record type, the scan segment in the metadata, and an ErrorDoc for an empty item, located by
the item's keys (the "offset" of a table record).
"""

from __future__ import annotations

from typing import Any

from examples.letsdata._documents import error, id_from_keys, keys_offset, success
from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.documents.DocumentType import DocumentType
from letsdata_interfaces.readers.dynamodb.DynamoDBTableItemReader import DynamoDBTableItemReader
from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult


class DynamoDBTableJsonItemReader(DynamoDBTableItemReader):
    """A table item -> Document keyed by its key values."""

    def parseDynamoDBItem(
        self, tableName: str, segmentNumber: int, keys: dict[str, Any], item: dict[str, Any]
    ) -> ParseDocumentResult:
        metadata: dict[str, Any] = {"tableName": tableName, "segmentNumber": segmentNumber}
        document_id = id_from_keys(keys) if keys else id_from_keys(item)
        if not item:
            offsets = {"keys": keys_offset(keys)}
            return error(
                document_id,
                tableName,
                document_id,
                offsets,
                dict(offsets),
                f"item {document_id} of {tableName} (segment {segmentNumber}) is empty",
                payload={"keys": keys},
                metadata=metadata,
            )
        return success(
            Document(DocumentType.Document, document_id, tableName, document_id, metadata, dict(item))
        )
