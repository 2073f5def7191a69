"""Misbehaving SingleFileParser implementations for the timeout and exception tests (JSON lines)."""

from __future__ import annotations

import time

from examples.letsdata.jsonl_log_parser import JsonLinesLogParser
from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult


class RaisingParser(JsonLinesLogParser):
    """Raises for a record containing BOOM (an exception from user code)."""

    def parseDocument(self, s3FileType: str, s3Filename: str, offsetBytes: int, byteArr: bytearray,
                      startIndex: int, endIndex: int) -> ParseDocumentResult:
        if b"BOOM" in byteArr:
            raise RuntimeError(f"cannot parse the record at {offsetBytes}")
        return super().parseDocument(s3FileType, s3Filename, offsetBytes, byteArr, startIndex, endIndex)


class HangingParser(JsonLinesLogParser):
    """Sleeps 3 s on a record containing HANG (longer than the tests' 1 s timeoutInSeconds)."""

    def parseDocument(self, s3FileType: str, s3Filename: str, offsetBytes: int, byteArr: bytearray,
                      startIndex: int, endIndex: int) -> ParseDocumentResult:
        if b"HANG" in byteArr:
            time.sleep(3)
        return super().parseDocument(s3FileType, s3Filename, offsetBytes, byteArr, startIndex, endIndex)
