"""A document built from several records, possibly from several files (state-machine readers)."""

from __future__ import annotations

from typing import Any

from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.documents.DocumentType import DocumentType
from letsdata_interfaces.documents.ErrorDoc import ErrorDoc


class CompositeDoc(Document):
    """The output of a state-machine reader for one logical item (e.g. one crawled URL).

    It holds the document to persist (``document``: a :class:`SingleDoc` / :class:`Document`, or an
    ErrorDoc / SkipDoc when the item failed or is skipped) and the error documents of the individual
    records that went wrong on the way (``errorDocList``), so a partial failure is reported without
    losing the rest.

    Wire keys, in order: the six :class:`Document` keys (``documentType`` fixed to ``CompositeDoc``,
    ``documentKeyValuesMap`` that of ``document``), then ``document`` and ``errorDocList``.
    """

    def __init__(self, documentId: str, recordType: str, partitionKey: str, documentMetadata: dict[str, Any],
                 doc: Document | None, errorDocList: list[ErrorDoc] | None) -> None:
        payload = doc.getDocumentKeyValuesMap() if doc is not None else {}
        super().__init__(DocumentType.CompositeDoc, documentId, recordType, partitionKey, documentMetadata, payload)
        self.document = doc
        self.errorDocList = errorDocList

    def getDocumentList(self) -> tuple[Document | None, list[ErrorDoc] | None]:
        """``(document to persist, error documents of the failed parts)``."""
        return (self.document, self.errorDocList)
