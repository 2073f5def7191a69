"""SingleFileStateMachineReader: combine the state-machine records of one file into composites."""

from __future__ import annotations

from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.readers.model.ParseCompositeDocumentResult import ParseCompositeDocumentResult
from letsdata_interfaces.readers.parsers.SingleFileStateMachineParser import SingleFileStateMachineParser
from letsdata_interfaces.readers.SystemFileReader import SystemFileReader


class SingleFileStateMachineReader:
    """Implement this class to turn several consecutive records of one file into one document.

    Example: a WARC ``request``, ``response`` and ``metadata`` record become one composite per URL.
    The runtime calls :meth:`parseDocument` repeatedly with a :class:`SystemFileReader`; the
    implementation pulls records with ``fileReader.nextRecord(False)`` (``None``: end of file, return a
    result with state ``COMPLETED``). Create the parser once and return the cached instance from
    :meth:`getReaderParserInterfacesForS3FileType`. Every method here is a stub raising
    ``Exception("Not Yet Implemented")``.
    """

    def getS3FileType(self) -> str:
        """The file type read, e.g. ``"WARC"``."""
        raise Exception("Not Yet Implemented")

    def getResolvedS3FileName(self, s3FileType: str, fileName: str) -> str:
        """The S3 key to read for a manifest entry ``fileName``."""
        raise Exception("Not Yet Implemented")

    def getReaderParserInterfacesForS3FileType(self, s3FileType: str) -> SingleFileStateMachineParser:
        """The parser for the file type (cache it: this is called per file)."""
        raise Exception("Not Yet Implemented")

    def getNextExpectedRecordType(self, s3FileType: str, lastProcessedRecordType: str | None) -> str:
        """The record type after ``lastProcessedRecordType`` (usually delegated to the parser)."""
        raise Exception("Not Yet Implemented")

    def parseDocument(self, s3FileType: str, lastProcessedRecordType: str | None, lastProcessedDoc: Document | None,
                      fileReader: SystemFileReader) -> ParseCompositeDocumentResult:
        """Read the records of the next composite from ``fileReader`` and return it."""
        raise Exception("Not Yet Implemented")
