"""SingleFileParser: read S3 files whose records all have one type."""

from __future__ import annotations

from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult
from letsdata_interfaces.readers.model.RecordParseHint import RecordParseHint


class SingleFileParser:
    """Implement this class (fork the module or register ``module:Class``) to read S3 files record by record.

    The platform asks for the file type and the record boundary hints, scans the file for the start
    pattern and then the end pattern, copies that byte range and calls :meth:`parseDocument` once per
    record. The implementation object is reused across warm invocations, so keep no per-record state on
    ``self``. Every method here is a stub raising ``Exception("Not Yet Implemented")``.
    """

    def getS3FileType(self) -> str:
        """The logical file type this parser handles, e.g. ``"WET"``; it keys the offset maps of ErrorDocs."""
        raise Exception("Not Yet Implemented")

    def getResolvedS3FileName(self, s3FileType: str, fileName: str) -> str:
        """The S3 key to read for a manifest entry ``fileName`` (add a prefix or suffix if needed)."""
        raise Exception("Not Yet Implemented")

    def getRecordStartPattern(self, s3FileType: str) -> RecordParseHint:
        """Where a record starts, e.g. ``RecordParseHint(RecordHintType.PATTERN, "WARC-Type: conversion", -1)``."""
        raise Exception("Not Yet Implemented")

    def getRecordEndPattern(self, s3FileType: str) -> RecordParseHint:
        """Where a record ends, e.g. ``RecordParseHint(RecordHintType.PATTERN, "\\n\\r\\n\\r\\n", -1)``."""
        raise Exception("Not Yet Implemented")

    def parseDocument(self, s3FileType: str, s3Filename: str, offsetBytes: int, byteArr: bytearray,
                      startIndex: int, endIndex: int) -> ParseDocumentResult:
        """Parse one record into a document.

        ``byteArr`` holds the record's UTF-8 bytes; the record is ``byteArr[startIndex:endIndex]``
        (always ``0`` and ``len(byteArr)`` on this bridge). ``offsetBytes`` is the record's byte offset in
        the file, useful for the ErrorDoc offset maps (``{s3FileType: str(offsetBytes)}``). Return
        ``ParseDocumentResult(None, Document(...), SUCCESS)``, an ErrorDoc with ``ERROR`` or a SkipDoc with
        ``SKIP``.
        """
        raise Exception("Not Yet Implemented")
