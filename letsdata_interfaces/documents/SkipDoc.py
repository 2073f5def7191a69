"""The document returned for a record that is deliberately ignored."""

from __future__ import annotations

from typing import Any

from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.documents.DocumentType import DocumentType


class SkipDoc(Document):
    """A record the reader chose to skip (e.g. a metadata record with no payload).

    Wire keys: the six :class:`Document` keys (``documentType`` fixed to ``SkipDoc``), then
    ``errorStartoffsetMap``, ``errorEndoffsetMap`` (SkipDoc reuses the "error" offset names) and
    ``skipMessage``.
    """

    def __init__(self, documentId: str, recordType: str, partitionKey: str, documentMetadata: dict[str, Any],
                 documentKeyValuesMap: dict[str, Any], errorStartoffsetMap: dict[str, Any],
                 errorEndoffsetMap: dict[str, Any], skipMessage: str) -> None:
        super().__init__(DocumentType.SkipDoc, documentId, recordType, partitionKey, documentMetadata,
                         documentKeyValuesMap)
        self.errorStartoffsetMap = errorStartoffsetMap
        self.errorEndoffsetMap = errorEndoffsetMap
        self.skipMessage = skipMessage

    def getErrorStartOffsetMap(self) -> dict[str, Any]:
        """Where the skipped record starts."""
        return self.errorStartoffsetMap

    def getErrorEndOffsetMap(self) -> dict[str, Any]:
        """Where the skipped record ends."""
        return self.errorEndoffsetMap

    def getSkipMessage(self) -> str:
        """Why the record was skipped."""
        return self.skipMessage
