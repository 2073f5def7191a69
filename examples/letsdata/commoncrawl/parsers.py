"""SingleFileStateMachineParser examples: Common Crawl WARC, WAT and WET files.

Each file of a Common Crawl segment is a sequence of WARC records in a fixed order:

* WARC: ``warcinfo``, then ``request -> response -> metadata`` per fetched URL;
* WAT (JSON metadata about the WARC records): ``warcinfo``, one ``metadata`` record about the WARC
  file's warcinfo, then ``metadata`` about the request, the response and the metadata record of each
  URL;
* WET (extracted text): ``warcinfo``, then one ``conversion`` record per URL that had text.

``getNextExpectedRecordType`` encodes that order (the ``TRANSITIONS`` table of each parser). A
record starts at the ``WARC/1.0`` + ``WARC-Type`` phrase of its type and ends where the next record's
phrase starts (the runtime cuts the record before it). A record that is not well formed (no header
block, a bad ``Content-Length``, an HTTP response without a status line, WAT JSON that does not
parse or describes the wrong WARC type) becomes an ErrorDoc with its byte range, and the state
machine moves on as if it had been read, so the files stay in step.
"""

from __future__ import annotations

import json
from typing import Any

from examples.letsdata.commoncrawl.warc import (
    WARC,
    WAT,
    WET,
    RecordFormatError,
    WarcRecord,
    error_result,
    hint,
    parse_record,
    phrase,
    record_document,
    split_state,
    state,
    success_result,
    warc_fields,
)
from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult
from letsdata_interfaces.readers.model.RecordParseHint import RecordParseHint
from letsdata_interfaces.readers.parsers.SingleFileStateMachineParser import SingleFileStateMachineParser

WARC_INFO = state("warcinfo", "WARC_WARCINFO_PAYLOAD")
WARC_REQUEST = state("request", "WARC_HTTP_REQUEST_PAYLOAD")
WARC_RESPONSE = state("response", "WARC_HTTP_RESPONSE_PAYLOAD")
WARC_METADATA = state("metadata", "WARC_METADATA_PAYLOAD")

WAT_INFO = state("warcinfo", "WAT_WARCINFO_PAYLOAD")
WAT_METADATA_INFO = state("metadata", "WAT_METADATA_WARC_WARCINFO_PAYLOAD")
WAT_METADATA_REQUEST = state("metadata", "WAT_METADATA_WARC_REQUEST_PAYLOAD")
WAT_METADATA_RESPONSE = state("metadata", "WAT_METADATA_WARC_RESPONSE_PAYLOAD")
WAT_METADATA_METADATA = state("metadata", "WAT_METADATA_WARC_METADATA_PAYLOAD")

WET_INFO = state("warcinfo", "WET_WARCINFO_PAYLOAD")
WET_CONVERSION = state("conversion", "WET_CONVERSION_PAYLOAD")

#: WAT metadata payload type -> the WARC-Type of the WARC record it describes
_WAT_DESCRIBES = {
    "WAT_METADATA_WARC_WARCINFO_PAYLOAD": "warcinfo",
    "WAT_METADATA_WARC_REQUEST_PAYLOAD": "request",
    "WAT_METADATA_WARC_RESPONSE_PAYLOAD": "response",
    "WAT_METADATA_WARC_METADATA_PAYLOAD": "metadata",
}


class _CommonCrawlParser(SingleFileStateMachineParser):
    """The state machine and record handling shared by the three parsers (tables set by subclasses)."""

    FILE_TYPE = ""
    FIRST = ""
    TRANSITIONS: dict[str, str] = {}

    def _check_type(self, s3FileType: str) -> None:
        if s3FileType != self.FILE_TYPE and str(s3FileType).upper() != self.FILE_TYPE:
            raise ValueError(f"{type(self).__name__} reads {self.FILE_TYPE} files, not {s3FileType!r}")

    def getS3FileType(self) -> str:
        return self.FILE_TYPE

    def getResolvedS3FileName(self, s3FileType: str, fileName: str) -> str:
        """Common Crawl manifests give full keys: nothing to resolve."""
        self._check_type(s3FileType)
        return fileName

    def getNextExpectedRecordType(self, s3FileType: str, lastProcessedRecordType: str | None) -> str:
        self._check_type(s3FileType)
        if lastProcessedRecordType is None:
            return self.FIRST
        following = self.TRANSITIONS.get(lastProcessedRecordType)
        if following is None:
            raise ValueError(f"{self.FILE_TYPE}: unknown record type {lastProcessedRecordType!r} "
                             f"(known: {', '.join(self.TRANSITIONS)})")
        return following

    def getNextRecordStartPattern(self, s3FileType: str, nextExpectedRecordType: str,
                                  lastProcessedDoc: Document | None) -> RecordParseHint:
        self._check_type(s3FileType)
        return hint(phrase(split_state(nextExpectedRecordType)[0]))

    def getNextRecordEndPattern(self, s3FileType: str, nextExpectedRecordType: str,
                                lastProcessedDoc: Document | None) -> RecordParseHint:
        """A record ends where the record after it starts."""
        following = self.getNextExpectedRecordType(s3FileType, nextExpectedRecordType)
        return hint(phrase(split_state(following)[0]))

    def parseDocument(self, s3FileType: str, s3Filename: str, offsetBytes: int, lastProcessedRecordType: str | None,
                      lastProcessedDoc: Document | None, byteArr: bytes | bytearray, startIndex: int,
                      endIndex: int) -> ParseDocumentResult:
        self._check_type(s3FileType)
        expected = self.getNextExpectedRecordType(s3FileType, lastProcessedRecordType)
        following = self.getNextExpectedRecordType(s3FileType, expected)
        record: WarcRecord | None = None
        try:
            record = parse_record(byteArr, startIndex, endIndex)
            warc_type, payload_type = split_state(expected)
            if record.warc_type != warc_type:
                raise RecordFormatError(f"expected a {warc_type} record, found WARC-Type {record.warc_type!r}")
            fields = self.payload_fields(payload_type, record)
        except (RecordFormatError, ValueError) as exc:  # json and unicode errors are ValueErrors
            return error_result(self.FILE_TYPE, s3Filename, offsetBytes + startIndex, endIndex - startIndex,
                                expected, following, f"{self.FILE_TYPE} {expected}: {exc}",
                                record.target_uri if record is not None else None)
        return success_result(following, record_document(record, expected, fields))

    def payload_fields(self, payload_type: str, record: WarcRecord) -> dict[str, Any]:  # pragma: no cover
        raise NotImplementedError


class WARCFileParser(_CommonCrawlParser):
    """WARC files: ``warcinfo``, then ``request -> response -> metadata`` per URL."""

    FILE_TYPE = WARC
    FIRST = WARC_INFO
    TRANSITIONS = {WARC_INFO: WARC_REQUEST, WARC_REQUEST: WARC_RESPONSE, WARC_RESPONSE: WARC_METADATA,
                   WARC_METADATA: WARC_REQUEST}

    def payload_fields(self, payload_type: str, record: WarcRecord) -> dict[str, Any]:
        payload = record.payload()
        if payload_type == "WARC_HTTP_REQUEST_PAYLOAD":
            line = payload.split(b"\r\n", 1)[0].decode("latin-1")
            parts = line.split(" ")
            if len(parts) != 3 or not parts[2].startswith("HTTP/"):
                raise RecordFormatError(f"not an HTTP request line: {line[:60]!r}")
            return {"httpMethod": parts[0], "httpPath": parts[1]}
        if payload_type == "WARC_HTTP_RESPONSE_PAYLOAD":
            head, _, body = payload.partition(b"\r\n\r\n")
            status_line, _, header_text = head.decode("latin-1").partition("\r\n")
            parts = status_line.split(" ", 2)
            if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
                raise RecordFormatError(f"not an HTTP status line: {status_line[:60]!r}")
            headers = {}
            for line in header_text.split("\r\n"):
                name, sep, value = line.partition(":")
                if sep:
                    headers[name.strip().lower()] = value.strip()
            return {"httpStatus": int(parts[1]), "httpContentType": headers.get("content-type"),
                    "httpBodyLength": len(body)}
        if payload_type in ("WARC_METADATA_PAYLOAD", "WARC_WARCINFO_PAYLOAD"):
            return {"fields": warc_fields(payload)}
        raise RecordFormatError(f"unexpected WARC payload type {payload_type}")


class WATFileParser(_CommonCrawlParser):
    """WAT files: JSON metadata about each WARC record, in the WARC file's order."""

    FILE_TYPE = WAT
    FIRST = WAT_INFO
    TRANSITIONS = {WAT_INFO: WAT_METADATA_INFO, WAT_METADATA_INFO: WAT_METADATA_REQUEST,
                   WAT_METADATA_REQUEST: WAT_METADATA_RESPONSE, WAT_METADATA_RESPONSE: WAT_METADATA_METADATA,
                   WAT_METADATA_METADATA: WAT_METADATA_REQUEST}

    def payload_fields(self, payload_type: str, record: WarcRecord) -> dict[str, Any]:
        if payload_type == "WAT_WARCINFO_PAYLOAD":
            return {"fields": warc_fields(record.payload())}
        envelope = json.loads(record.payload()).get("Envelope")
        if not isinstance(envelope, dict):
            raise RecordFormatError("WAT JSON without an Envelope object")
        described = (envelope.get("WARC-Header-Metadata") or {}).get("WARC-Type")
        if described != _WAT_DESCRIBES[payload_type]:
            raise RecordFormatError(f"expected metadata about a {_WAT_DESCRIBES[payload_type]} record, "
                                    f"found one about {described!r}")
        payload_metadata = envelope.get("Payload-Metadata") or {}
        if payload_type == "WAT_METADATA_WARC_RESPONSE_PAYLOAD":
            return html_fields(payload_metadata.get("HTTP-Response-Metadata") or {})
        if payload_type == "WAT_METADATA_WARC_METADATA_PAYLOAD":
            return language_fields(payload_metadata.get("WARC-Metadata-Metadata") or {})
        return {}


class WETFileParser(_CommonCrawlParser):
    """WET files: the extracted text of each page, one ``conversion`` record per URL."""

    FILE_TYPE = WET
    FIRST = WET_INFO
    TRANSITIONS = {WET_INFO: WET_CONVERSION, WET_CONVERSION: WET_CONVERSION}

    def payload_fields(self, payload_type: str, record: WarcRecord) -> dict[str, Any]:
        if payload_type == "WET_WARCINFO_PAYLOAD":
            return {"fields": warc_fields(record.payload())}
        text = record.payload().decode("utf-8")
        return {"docText": text.rstrip("\n"), "language": record.headers.get("WARC-Identified-Content-Language")}


#: HTML head meta name/property -> IndexRecord field
_META_FIELDS = {"description": "description", "keywords": "keywords", "og:url": "og_url",
                "og:site_name": "og_site_name", "og:type": "og_type", "og:image": "og_image",
                "og:title": "og_title", "og:description": "og_description"}


def html_fields(response_metadata: dict[str, Any]) -> dict[str, Any]:
    """Title, meta tags, icon / canonical links and Content-Type from a WAT response record."""
    head = (response_metadata.get("HTML-Metadata") or {}).get("Head") or {}
    fields: dict[str, Any] = {"title": head.get("Title")}
    for meta in head.get("Metas") or []:
        key = _META_FIELDS.get(str(meta.get("name") or meta.get("property") or "").lower())
        if key and key not in fields:
            fields[key] = meta.get("content")
    for link in head.get("Link") or []:
        rel = str(link.get("rel") or "").lower()
        if rel in ("icon", "canonical") and rel not in fields:
            fields[rel] = link.get("url")
    headers = response_metadata.get("Headers") or {}
    fields["contentType"] = headers.get("Content-Type")
    return fields


def language_fields(warc_metadata: dict[str, Any]) -> dict[str, Any]:
    """Detected charset and CLD2 language statistics from a WAT record about a WARC metadata record."""
    records = {r.get("Name"): r.get("Value") for r in warc_metadata.get("Metadata-Records") or []}
    fields: dict[str, Any] = {"charset": records.get("charset-detected")}
    languages = records.get("languages-cld2")
    if languages:
        stats = json.loads(languages)
        fields.update(reliable=stats.get("reliable"), textBytes=stats.get("text-bytes"),
                      languages=stats.get("languages"))
    return fields
