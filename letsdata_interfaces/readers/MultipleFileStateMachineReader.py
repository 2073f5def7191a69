"""MultipleFileStateMachineReader: join records from several files into composite documents."""

from __future__ import annotations

from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.readers.model.ParseCompositeDocumentResult import ParseCompositeDocumentResult
from letsdata_interfaces.readers.parsers.SingleFileStateMachineParser import SingleFileStateMachineParser
from letsdata_interfaces.readers.SystemFileReader import SystemFileReader


class MultipleFileStateMachineReader:
    """Implement this class to read several file types at once and join their records.

    A manifest line maps file types to files, ``TYPE:file|TYPE:file``, e.g.
    ``METADATALOGFILE:June2022/metadata/m1.gz|DATALOGFILE:June2022/data/d1.gz`` (Common Crawl:
    ``WARC:...|WAT:...|WET:...``). The runtime opens one :class:`SystemFileReader` per file type, each
    driven by that type's :class:`SingleFileStateMachineParser` (a single-record file uses a one-state
    parser), and calls :meth:`parseDocument` until it returns state ``COMPLETED``. Every method here
    is a stub raising ``Exception("Not Yet Implemented")``.
    """

    def getS3FileTypes(self) -> set[str]:
        """Every file type the reader needs, e.g. ``{"WARC", "WAT", "WET"}``."""
        raise Exception("Not Yet Implemented")

    def getResolvedS3FileNames(self, s3FileTypeFileNameMap: dict[str, str]) -> dict[str, str]:
        """The S3 key per file type for one manifest line (complete relative names if needed)."""
        raise Exception("Not Yet Implemented")

    def getParserInterfacesForS3FileTypes(self, s3FileTypes: set[str]) -> dict[str, SingleFileStateMachineParser]:
        """The parser per file type (create them once and cache them)."""
        raise Exception("Not Yet Implemented")

    def getNextExpectedRecordType(self, s3FileTypeToLastProcessedRecordType: dict[str, str | None]) -> dict[str, str]:
        """Per file type, the record type after the last processed one."""
        raise Exception("Not Yet Implemented")

    def parseDocument(self, s3FileTypeToLastProcessedRecordTypeMap: dict[str, str | None],
                      lastProcessedDoc: Document | None,
                      s3FileTypeToFileReaderInterfaceMap: dict[str, SystemFileReader]) -> ParseCompositeDocumentResult:
        """Read the records of the next composite from the per-type readers and return it."""
        raise Exception("Not Yet Implemented")
