"""The document returned for a record that could not be processed."""

from __future__ import annotations

from typing import Any

from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.documents.DocumentType import DocumentType


class ErrorDoc(Document):
    """A failed record; the platform routes it to the dataset's error destination.

    Wire keys: the six :class:`Document` keys (``documentType`` fixed to ``ErrorDoc``), then
    ``errorStartoffsetMap``, ``errorEndoffsetMap``, ``errorMessage``. The offset maps are
    ``{fileType: "<byte offset as str>"}`` for S3 sources (``{"WARC": "256854"}``) or source-specific keys
    such as ``{"sequenceNumber": "..."}``. Note the lower-case "o" in the wire names, which the platform
    depends on; the getters use a capital O.
    """

    def __init__(self, documentId: str, recordType: str, partitionKey: str, documentMetadata: dict[str, Any],
                 documentKeyValuesMap: dict[str, Any], errorStartoffsetMap: dict[str, Any],
                 errorEndoffsetMap: dict[str, Any], errorMessage: str) -> None:
        super().__init__(DocumentType.ErrorDoc, documentId, recordType, partitionKey, documentMetadata,
                         documentKeyValuesMap)
        self.errorStartoffsetMap = errorStartoffsetMap
        self.errorEndoffsetMap = errorEndoffsetMap
        self.errorMessage = errorMessage

    def getErrorStartOffsetMap(self) -> dict[str, Any]:
        """Where the failed record starts, per file type / source key."""
        return self.errorStartoffsetMap

    def getErrorEndOffsetMap(self) -> dict[str, Any]:
        """Where the failed record ends, per file type / source key."""
        return self.errorEndoffsetMap

    def getErrorMessage(self) -> str:
        """Why the record failed."""
        return self.errorMessage
