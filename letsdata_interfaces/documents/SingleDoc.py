"""One part of a composite document (state-machine readers)."""

from __future__ import annotations

from typing import Any

from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.documents.DocumentType import DocumentType


class SingleDoc(Document):
    """A document that is a single record's worth of output, as opposed to a :class:`CompositeDoc`.

    State-machine readers combine several records (a WARC request, its response and their metadata)
    into one composite; the part that is written is a ``SingleDoc`` (or any :class:`Document`). The
    constructor and wire keys are those of :class:`Document`; ``documentType`` is usually
    ``DocumentType.SingleDoc``.
    """

    def __init__(self, documentType: DocumentType | str, documentId: str, recordType: str, partitionKey: str,
                 documentMetadata: dict[str, Any], documentKeyValuesMap: dict[str, Any]) -> None:
        super().__init__(documentType, documentId, recordType, partitionKey, documentMetadata,
                         documentKeyValuesMap)

    def isSingleDoc(self) -> bool:
        """Always ``True``: lets generic code tell a part from a composite without ``isinstance``."""
        return True
