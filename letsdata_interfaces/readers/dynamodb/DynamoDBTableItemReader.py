"""DynamoDBTableItemReader: turn the items of a DynamoDB table scan into documents."""

from __future__ import annotations

from typing import Any

from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult


class DynamoDBTableItemReader:
    """Implement :meth:`parseDynamoDBItem` to read a DynamoDB table.

    The platform runs a parallel scan, calls ``parseDynamoDBItem`` once per item and checkpoints the
    scan's ``lastEvaluatedKey``. The instance is reused across warm invocations.
    """

    def parseDynamoDBItem(self, tableName: str, segmentNumber: int, keys: dict[str, Any],
                          item: dict[str, Any]) -> ParseDocumentResult:
        """Parse one item: ``segmentNumber`` is the parallel-scan segment; ``keys`` and ``item`` are plain dicts."""
        raise Exception("Not Yet Implemented")
