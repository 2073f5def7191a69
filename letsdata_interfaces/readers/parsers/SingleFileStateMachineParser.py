"""SingleFileStateMachineParser: read one file type whose records follow a state machine."""

from __future__ import annotations

from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult
from letsdata_interfaces.readers.model.RecordParseHint import RecordParseHint


class SingleFileStateMachineParser:
    """Implement this class to parse files whose records come in a fixed order of types.

    Example: a WARC file is ``warcinfo`` then repeating ``request -> response -> metadata``. The
    runtime asks :meth:`getNextExpectedRecordType` which type comes next, looks for that type's
    start and end patterns, and calls :meth:`parseDocument` with the record's bytes; the result's
    ``nextRecordType`` drives the state machine. Record types are free-form strings chosen by the
    implementation. Used by the state-machine readers; the platform never calls it over the Python
    Lambda bridge. Every method here is a stub raising ``Exception("Not Yet Implemented")``.
    """

    def getS3FileType(self) -> str:
        """The file type this parser handles, e.g. ``"WARC"``."""
        raise Exception("Not Yet Implemented")

    def getResolvedS3FileName(self, s3FileType: str, fileName: str) -> str:
        """The S3 key to read for a manifest entry ``fileName``."""
        raise Exception("Not Yet Implemented")

    def getNextRecordStartPattern(self, s3FileType: str, nextExpectedRecordType: str,
                                  lastProcessedDoc: Document | None) -> RecordParseHint:
        """Where the next record (of ``nextExpectedRecordType``) starts."""
        raise Exception("Not Yet Implemented")

    def getNextRecordEndPattern(self, s3FileType: str, nextExpectedRecordType: str,
                                lastProcessedDoc: Document | None) -> RecordParseHint:
        """Where the next record ends.

        When the end pattern is where the following record's start pattern matches (a WARC request
        ends where ``WARC-Type: response`` begins), the record ends before it.
        """
        raise Exception("Not Yet Implemented")

    def getNextExpectedRecordType(self, s3FileType: str, lastProcessedRecordType: str | None) -> str:
        """The state machine: the record type after ``lastProcessedRecordType`` (``None``: the first type)."""
        raise Exception("Not Yet Implemented")

    def parseDocument(self, s3FileType: str, s3Filename: str, offsetBytes: int, lastProcessedRecordType: str | None,
                      lastProcessedDoc: Document | None, byteArr: bytes | bytearray, startIndex: int,
                      endIndex: int) -> ParseDocumentResult:
        """Parse ``byteArr[startIndex:endIndex]`` (a record starting at file offset ``offsetBytes``).

        Return ``ParseDocumentResult(nextRecordType, document, status)``: an ErrorDoc with ``ERROR``
        rejects the record (the state machine still advances to ``nextRecordType``).
        """
        raise Exception("Not Yet Implemented")
