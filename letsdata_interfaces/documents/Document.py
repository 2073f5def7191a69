"""The document a reader produces for one record."""

from __future__ import annotations

import json
from typing import Any

from letsdata_interfaces.documents.DocumentType import DocumentType


class Document:
    """One output record.

    The instance attributes are the wire keys, in wire order: ``documentType``, ``documentId``,
    ``recordType``, ``partitionKey``, ``documentMetadata``, ``documentKeyValuesMap``. Do not add other
    attributes to instances: every public attribute is emitted on the wire.

    - ``documentId``: the unique id of the document (e.g. the URL of a crawled page).
    - ``recordType``: a free-form label for the kind of record (``"Content"``).
    - ``partitionKey``: selects the write partition or shard downstream.
    - ``documentMetadata``: free-form metadata dict.
    - ``documentKeyValuesMap``: the payload; the platform writes these keys, flattened together with
      ``documentId``, ``recordType``, ``partitionKey`` and ``documentMetadata``.
    """

    def __init__(self, documentType: DocumentType | str, documentId: str, recordType: str, partitionKey: str,
                 documentMetadata: dict[str, Any], documentKeyValuesMap: dict[str, Any]) -> None:
        self.documentType = documentType
        self.documentId = documentId
        self.recordType = recordType
        self.partitionKey = partitionKey
        self.documentMetadata = documentMetadata
        self.documentKeyValuesMap = documentKeyValuesMap

    def getDocumentType(self) -> DocumentType:
        """The document type as the enum (a plain string given to the constructor is converted)."""
        if isinstance(self.documentType, DocumentType):
            return self.documentType
        return DocumentType.fromValue(self.documentType)

    def getDocumentId(self) -> str:
        """The unique document id."""
        return self.documentId

    def getRecordType(self) -> str:
        """The record type label."""
        return self.recordType

    def getPartitionKey(self) -> str:
        """The partition key used to route the document when it is written."""
        return self.partitionKey

    def getDocumentMetadata(self) -> dict[str, Any]:
        """The free-form metadata dict."""
        return self.documentMetadata

    def getDocumentKeyValuesMap(self) -> dict[str, Any]:
        """The payload dict."""
        return self.documentKeyValuesMap

    def serialize(self) -> str:
        """The compact JSON text of the wire shape (the original always raised ``TypeError``)."""
        from letsdata_utils.request_utils import getJsonObject

        return json.dumps(getJsonObject(self), separators=(",", ":"), ensure_ascii=False)

    def __repr__(self) -> str:
        try:
            return f"{type(self).__name__}({self.serialize()})"
        except Exception:  # repr is used in tracebacks and debug logs: it must not raise
            return f"<{type(self).__name__} documentId={self.documentId!r}>"
