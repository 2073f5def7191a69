"""WARC record basics shared by the Common Crawl parsers: record types, boundary phrases, header parsing.

Record types are the state-machine strings ``"<WARC-Type>,<payload type>"`` (for example
``"request,WARC_HTTP_REQUEST_PAYLOAD"``): the WARC type says which start phrase to look for, the
payload type says what the record holds — a WAT file has four kinds of ``metadata`` record (about
the warcinfo, the request, the response and the metadata record of the WARC file) that only their
position in the file tells apart.

A parsed record is a plain :class:`Document`: ``documentId`` is the ``WARC-Record-ID``,
``recordType`` the state-machine type, ``partitionKey`` the target URI, and
``documentKeyValuesMap`` the WARC headers of interest plus the parsed payload. These documents are
intermediate: the readers combine them into one index record per URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.documents.DocumentType import DocumentType
from letsdata_interfaces.documents.ErrorDoc import ErrorDoc
from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult
from letsdata_interfaces.readers.model.ParseDocumentResultStatus import ParseDocumentResultStatus
from letsdata_interfaces.readers.model.RecordHintType import RecordHintType
from letsdata_interfaces.readers.model.RecordParseHint import RecordParseHint
from letsdata_utils.matcher import getKeyValueFromLine, match

WARC, WAT, WET = "WARC", "WAT", "WET"

HEADER_END = "\r\n\r\n"
LINE_END = "\r\n"
FIELD_SEPARATOR = ":"


def phrase(warc_type: str) -> str:
    """The bytes every record of ``warc_type`` starts with."""
    return f"WARC/1.0\r\nWARC-Type: {warc_type}\r\n"


def state(warc_type: str, payload: str) -> str:
    """A state-machine record type string."""
    return f"{warc_type},{payload}"


@lru_cache(maxsize=256)
def split_state(record_type: str | None) -> tuple[str, str]:
    """``"request,WARC_HTTP_REQUEST_PAYLOAD"`` -> ``("request", "WARC_HTTP_REQUEST_PAYLOAD")``."""
    warc_type, sep, payload = str(record_type or "").partition(",")
    if not sep or not warc_type or not payload:
        raise ValueError(f"invalid record type {record_type!r}: expected '<WARC-Type>,<payload type>'")
    return warc_type.strip().lower(), payload.strip().upper()


@lru_cache(maxsize=256)
def hint(text: str) -> RecordParseHint:
    """A PATTERN hint, one shared instance per pattern (parsers return it for every record)."""
    return RecordParseHint(RecordHintType.PATTERN, text, -1)


class RecordFormatError(ValueError):
    """The record is not a well-formed WARC record of the expected type."""


@dataclass
class WarcRecord:
    """A WARC record split into its header fields and payload (``payload`` is ``record[start:end]``)."""

    headers: dict[str, str]
    record: bytes | bytearray
    payload_start: int
    payload_end: int

    @property
    def warc_type(self) -> str:
        return self.headers.get("WARC-Type", "").lower()

    @property
    def target_uri(self) -> str | None:
        return self.headers.get("WARC-Target-URI")

    @property
    def record_id(self) -> str:
        return self.headers.get("WARC-Record-ID", "")

    def payload(self) -> bytes:
        return bytes(self.record[self.payload_start:self.payload_end])


def parse_record(byte_arr: bytes | bytearray, start: int, end: int) -> WarcRecord:
    """Split ``byte_arr[start:end]`` into headers and a payload of exactly ``Content-Length`` bytes.

    The header block is found with ``letsdata_utils.matcher.match`` and split into lines in one C
    call (``bytes.split``), which is several times faster than a per-line search loop.
    """
    header_end = match(byte_arr, start, end, HEADER_END)
    if header_end < 0:
        raise RecordFormatError("no blank line after the WARC headers")
    lines = bytes(byte_arr[start:header_end]).decode("utf-8", "replace").split(LINE_END)
    if not lines[0].startswith("WARC/"):
        raise RecordFormatError(f"the record does not start with a WARC version line: {lines[0][:40]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        key, sep, value = line.partition(FIELD_SEPARATOR)
        if sep:
            headers[key.strip()] = value.strip()
    length_text = headers.get("Content-Length")
    if length_text is None or not length_text.isdigit():
        raise RecordFormatError(f"missing or invalid Content-Length {length_text!r}")
    payload_start = header_end + len(HEADER_END)
    payload_end = payload_start + int(length_text)
    if payload_end > end:
        raise RecordFormatError(f"truncated record: Content-Length {length_text} but only "
                                f"{end - payload_start} payload bytes")
    return WarcRecord(headers, byte_arr, payload_start, payload_end)


def record_document(record: WarcRecord, record_type: str, fields: dict[str, Any]) -> Document:
    """The intermediate document of a parsed record."""
    values: dict[str, Any] = {"warcType": record.warc_type, "targetUri": record.target_uri,
                              "warcDate": record.headers.get("WARC-Date"),
                              "contentLength": record.payload_end - record.payload_start}
    values.update(fields)
    uri = record.target_uri or record.record_id
    return Document(DocumentType.Document, record.record_id, record_type, uri, {}, values)


def error_result(file_type: str, file_name: str, offset: int, length: int, record_type: str, next_type: str,
                 message: str, target_uri: str | None = None) -> ParseDocumentResult:
    """An ERROR result for a rejected record; the state machine continues with ``next_type``."""
    doc_id = target_uri or f"{file_name}@{offset}"
    document = ErrorDoc(doc_id, record_type, doc_id, {"fileType": file_type, "fileName": file_name},
                        {"targetUri": target_uri}, {file_type: str(offset)}, {file_type: str(offset + length)},
                        message)
    return ParseDocumentResult(next_type, document, ParseDocumentResultStatus.ERROR)


def success_result(next_type: str, document: Document) -> ParseDocumentResult:
    return ParseDocumentResult(next_type, document, ParseDocumentResultStatus.SUCCESS)


def warc_fields(payload: bytes) -> dict[str, str]:
    """An ``application/warc-fields`` payload (``Name: value`` lines) as a dict."""
    fields: dict[str, str] = {}
    index, end = 0, len(payload)
    while index < end:
        key, value, index = getKeyValueFromLine(payload, index, end, LINE_END, FIELD_SEPARATOR)
        if key:
            fields[key] = value or ""
    return fields
