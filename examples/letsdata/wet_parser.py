"""SingleFileParser example: Common Crawl WET files (WARC ``conversion`` records holding page text).

A WET file is a sequence of WARC records. Each record is a ``WARC/1.0`` line, ``Name: value`` header
lines ending in CRLF, an empty line, then the extracted page text, followed by two CRLFs before the next
record. Only ``WARC-Type: conversion`` records carry page text (the first record of a file is a
``warcinfo`` record describing the crawl), so:

- the start pattern is ``WARC-Type: conversion``, which makes the platform skip everything else;
- the end pattern is ``\\n\\r\\n\\r\\n`` (the text's last newline and the two CRLFs after it), as in the
  LetsData examples and the ``lineSep`` of the Spark mapper request.

What it shows: parsing a header block and a multi-byte UTF-8 body out of the ``bytearray`` the bridge
passes in (``endIndex`` is a byte count, not a character count), producing a ``Content`` document per
page keyed by URL, an ErrorDoc (with the record's byte range) when a record has no header/body
separator, no target URI or is not UTF-8, and a SkipDoc for WARC records of another type.

The record may or may not start with the ``WARC/1.0`` line and may or may not include the end pattern;
both forms occur (the captured platform request starts at ``WARC/1.0`` and stops before the end
pattern), and both parse the same way.
"""

from __future__ import annotations

from typing import Any

from examples.letsdata._documents import error, skip, success
from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.documents.DocumentType import DocumentType
from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult
from letsdata_interfaces.readers.model.RecordHintType import RecordHintType
from letsdata_interfaces.readers.model.RecordParseHint import RecordParseHint
from letsdata_interfaces.readers.parsers.SingleFileParser import SingleFileParser

HEADER_BODY_SEPARATOR = "\r\n\r\n"

#: WARC header -> documentKeyValuesMap key, for the optional headers copied onto the document.
OPTIONAL_HEADERS = {
    "WARC-Date": "warcDate",
    "WARC-Block-Digest": "blockDigest",
    "Content-Type": "contentType",
    "WARC-Identified-Content-Language": "language",
}


def parse_warc_headers(header_block: str) -> dict[str, str]:
    """``Name: value`` lines of a WARC header block as a dict (the ``WARC/x.y`` version line is ignored)."""
    headers: dict[str, str] = {}
    for line in header_block.split("\r\n"):
        name, sep, value = line.partition(":")
        if sep and not line.startswith("WARC/"):
            headers[name.strip()] = value.strip()
    return headers


class WetFileParser(SingleFileParser):
    """Turn each WET ``conversion`` record into a ``Content`` document with the page text and its URL."""

    FILE_TYPE = "WET"
    RECORD_TYPE = "Content"
    START_PATTERN = "WARC-Type: conversion"
    END_PATTERN = "\n\r\n\r\n"

    def getS3FileType(self) -> str:
        return self.FILE_TYPE

    def getResolvedS3FileName(self, s3FileType: str, fileName: str) -> str:
        """WET files are read where the manifest says they are."""
        return fileName

    def getRecordStartPattern(self, s3FileType: str) -> RecordParseHint:
        return RecordParseHint(RecordHintType.PATTERN, self.START_PATTERN, -1)

    def getRecordEndPattern(self, s3FileType: str) -> RecordParseHint:
        return RecordParseHint(RecordHintType.PATTERN, self.END_PATTERN, -1)

    def parseDocument(
        self,
        s3FileType: str,
        s3Filename: str,
        offsetBytes: int,
        byteArr: bytearray,
        startIndex: int,
        endIndex: int,
    ) -> ParseDocumentResult:
        raw = bytes(byteArr[startIndex:endIndex])
        start_offsets = {s3FileType: str(offsetBytes)}
        end_offsets = {s3FileType: str(offsetBytes + len(raw))}
        position_id = f"{s3Filename}:{offsetBytes}"

        def failed(message: str, text: str) -> ParseDocumentResult:
            return error(
                position_id,
                self.RECORD_TYPE,
                position_id,
                start_offsets,
                end_offsets,
                f"WET record at byte {offsetBytes} of {s3Filename}: {message}",
                payload={"rawRecord": text},
                metadata={"s3Filename": s3Filename, "offsetBytes": offsetBytes},
            )

        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return failed(f"not valid UTF-8 ({exc})", raw.decode("utf-8", errors="replace"))
        header_end = text.find(HEADER_BODY_SEPARATOR)
        if header_end < 0:
            return failed("no empty line between the WARC headers and the text", text)
        headers = parse_warc_headers(text[:header_end])
        warc_type = headers.get("WARC-Type")
        if warc_type != "conversion":
            return skip(
                position_id,
                self.RECORD_TYPE,
                position_id,
                start_offsets,
                end_offsets,
                f"WARC-Type {warc_type!r} records carry no page text",
                payload={"warcHeaders": headers},
            )
        url = headers.get("WARC-Target-URI")
        if not url:
            return failed("no WARC-Target-URI header", text)

        values: dict[str, Any] = {
            "url": url,
            "docId": headers.get("WARC-Record-ID", "").strip("<>") or url,
        }
        for header, key in OPTIONAL_HEADERS.items():
            if headers.get(header):
                values[key] = headers[header]
        length = headers.get("Content-Length", "")
        if length.isdigit():
            values["contentLength"] = int(length)
        values["docText"] = text[header_end + len(HEADER_BODY_SEPARATOR) :].rstrip("\r\n")
        return success(Document(DocumentType.Document, url, self.RECORD_TYPE, url, {}, values))


class CommonCrawlWetFileParser(WetFileParser):
    """The same parser with the record hints of the Common Crawl readers: start == end ==
    ``WARC/1.0\r\nWARC-Type: conversion\r\n``. A record runs from its ``WARC/1.0`` line up to the next
    record's, so it never includes the next record's header (the boundary rule of
    docs/letsdata-local.md), and the file's last record runs to the end of the file."""

    START_PATTERN = "WARC/1.0\r\nWARC-Type: conversion\r\n"
    END_PATTERN = START_PATTERN
