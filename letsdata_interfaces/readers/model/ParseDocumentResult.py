"""What a reader returns for one record."""

from __future__ import annotations

from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.documents.DocumentType import DocumentType
from letsdata_interfaces.readers.model.ParseDocumentResultStatus import ParseDocumentResultStatus
from letsdata_utils.errors import LetsDataSerializationError
from letsdata_utils.logging_utils import logger

_EXPECTED_DOC_TYPE = {
    ParseDocumentResultStatus.SUCCESS: DocumentType.Document,
    ParseDocumentResultStatus.ERROR: DocumentType.ErrorDoc,
    ParseDocumentResultStatus.SKIP: DocumentType.SkipDoc,
}


class ParseDocumentResult:
    """The result of parsing one record: wire keys ``nextRecordType``, ``document``, ``status``.

    - ``nextRecordType``: only meaningful for state-machine parsers; single-file parsers and the stream
      readers return ``None``.
    - ``document``: a :class:`Document`, ``ErrorDoc`` or ``SkipDoc`` (or ``None``).
    - ``status``: a :class:`ParseDocumentResultStatus` member or one of the strings ``"SUCCESS"``,
      ``"ERROR"``, ``"SKIP"``; both serialise to the same string. Any other value is rejected when the
      result is serialised. A status that does not match the document type (``SUCCESS`` with an
      ErrorDoc) is logged as a warning but still sent.
    """

    def __init__(self, nextRecordType: str | None, document: Document | None,
                 status: ParseDocumentResultStatus | str) -> None:
        self.nextRecordType = nextRecordType
        self.document = document
        self.status = status

    def getNextRecordType(self) -> str | None:
        """The next expected record type (``None`` for single-file parsers)."""
        return self.nextRecordType

    def getDocument(self) -> Document | None:
        """The produced document."""
        return self.document

    def getStatus(self) -> ParseDocumentResultStatus:
        """The status as the enum; an invalid status raises a clear error."""
        return _status_of(self.status)

    def _letsdata_wire_check(self) -> None:
        """Called by the serialiser before emitting this object: validate the status."""
        status = _status_of(self.status)
        document = self.document
        doc_type = getattr(document, "documentType", None)
        if doc_type is not None:
            try:
                actual = DocumentType(doc_type)
            except ValueError:
                return
            if actual is not _EXPECTED_DOC_TYPE[status]:
                logger.warning("ParseDocumentResult - status %s paired with a %s document", status.value,
                               actual.value)


def _status_of(status: object) -> ParseDocumentResultStatus:
    if isinstance(status, ParseDocumentResultStatus):
        return status
    if isinstance(status, str):
        try:
            return ParseDocumentResultStatus(status)
        except ValueError:
            pass
    raise LetsDataSerializationError(
        f"ParseDocumentResult - invalid status {status!r}: expected a ParseDocumentResultStatus or one of "
        "'SUCCESS', 'ERROR', 'SKIP'")
