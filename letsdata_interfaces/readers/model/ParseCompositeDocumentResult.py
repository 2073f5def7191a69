"""What a state-machine reader returns for one composite document."""

from __future__ import annotations

from letsdata_interfaces.documents.CompositeDoc import CompositeDoc
from letsdata_interfaces.readers.model.ParseDocumentResultStatus import ParseDocumentResultStatus
from letsdata_interfaces.readers.model.SingleFileReaderState import SingleFileReaderState
from letsdata_utils.validations import letsdata_fail


class ParseCompositeDocumentResult:
    """The result of one ``parseDocument`` call of a single- or multiple-file state-machine reader.

    - ``s3FileTypeNextRecordTypeMap``: per file type, the record type expected next (``None`` values
      at end of file).
    - ``document``: the :class:`CompositeDoc` (``None`` when the files are exhausted).
    - ``s3FileTypeLastProcessedRecordType``: per file type, the record type read last.
    - ``s3FileTypeOffsets``: per file type, the byte offset (as a string) reached in the file — the
      checkpoint a task resumes from.
    - ``fileReaderState``: ``PROCESSING`` while records remain, ``COMPLETED`` at end of file.
    - ``parseDocumentResultStatus``: ``SUCCESS``, ``ERROR`` or ``SKIP`` (enum or string).

    Instance attributes are in that order, which is the key order if the result is ever serialised.
    """

    def __init__(self, s3FileTypeNextRecordTypeMap: dict[str, str | None] | None, document: CompositeDoc | None,
                 s3FileTypeLastProcessedRecordType: dict[str, str | None] | None,
                 s3FileTypeOffsets: dict[str, str] | None, fileReaderState: SingleFileReaderState | str,
                 parseDocumentResultStatus: ParseDocumentResultStatus | str) -> None:
        self.s3FileTypeNextRecordTypeMap = s3FileTypeNextRecordTypeMap
        self.document = document
        self.s3FileTypeLastProcessedRecordType = s3FileTypeLastProcessedRecordType
        self.s3FileTypeOffsets = s3FileTypeOffsets
        self.fileReaderState = fileReaderState
        self.parseDocumentResultStatus = parseDocumentResultStatus

    def getS3FileTypeNextRecordTypeMap(self) -> dict[str, str | None] | None:
        """Per file type, the record type expected next."""
        return self.s3FileTypeNextRecordTypeMap

    def getDocument(self) -> CompositeDoc | None:
        """The composite document (``None`` at end of file)."""
        return self.document

    def getS3FileTypeLastProcessedRecordType(self) -> dict[str, str | None] | None:
        """Per file type, the record type read last."""
        return self.s3FileTypeLastProcessedRecordType

    def getS3FileTypeOffsets(self) -> dict[str, str] | None:
        """Per file type, the byte offset reached (a string, as in the ErrorDoc offset maps)."""
        return self.s3FileTypeOffsets

    def getFileReaderState(self) -> SingleFileReaderState:
        """The reader state as the enum; an unknown value raises a clear error."""
        try:
            return SingleFileReaderState(self.fileReaderState)
        except ValueError:
            letsdata_fail(f"ParseCompositeDocumentResult - invalid fileReaderState {self.fileReaderState!r}"
                          f" (allowed values: {', '.join(s.value for s in SingleFileReaderState)})")

    def getParseDocumentResultStatus(self) -> ParseDocumentResultStatus:
        """The status as the enum; an unknown value raises a clear error."""
        try:
            return ParseDocumentResultStatus(self.parseDocumentResultStatus)
        except ValueError:
            letsdata_fail(f"ParseCompositeDocumentResult - invalid status {self.parseDocumentResultStatus!r}"
                          " (allowed values: SUCCESS, ERROR, SKIP)")
