"""WetFileParser: the captured CJK platform request, the bundled WET sample and malformed records."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from examples.data.generate_samples import WET_FILE
from examples.letsdata.wet_parser import WetFileParser, parse_warc_headers
from letsdata_interfaces.readers.model.ParseDocumentResultStatus import ParseDocumentResultStatus
from tests.examples.conftest import WET_PARSER
from tests.examples.helpers import invoke_ok, load_event, make_request, parse_document_data, split_records

IFACE = "SingleFileParser"
FILE = "crawl/segment-1/sample.warc.wet"

RECORD = (
    "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: http://example.org/ü\r\n"
    "WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000001>\r\nContent-Length: 12\r\n\r\n"
    "Grüße\nWelt\n\r\n\r\n"
)


@pytest.fixture
def selected(use_impl: Callable[[str, str], None]) -> None:
    use_impl(IFACE, WET_PARSER)


def _parse(text: str | bytes, offset: int = 0) -> Any:
    buf = bytearray(text.encode("utf-8") if isinstance(text, str) else text)
    return WetFileParser().parseDocument("WET", FILE, offset, buf, 0, len(buf))


@pytest.mark.usefixtures("selected")
def test_captured_cjk_request_parses() -> None:
    event = load_event("SingleFileParser.parseDocument")
    content = event["data"]["content"]
    assert len(content) != event["data"]["endIndex"] == len(content.encode("utf-8"))  # bytes, not chars
    result = invoke_ok(event)
    assert result["status"] == "SUCCESS" and result["nextRecordType"] is None
    doc = result["document"]
    url = "http://023hrk.com/a/chanpinzhongxin/cp2/104.html"
    assert (doc["documentType"], doc["documentId"], doc["recordType"], doc["partitionKey"]) == (
        "Document",
        url,
        "Content",
        url,
    )
    values = doc["documentKeyValuesMap"]
    assert {k: v for k, v in values.items() if k != "docText"} == {
        "url": url,
        "docId": "urn:uuid:f8a15ad2-9d24-42d6-8f7a-7d9431246752",
        "warcDate": "2022-05-16T04:40:56Z",
        "blockDigest": "sha1:M7TRGS3KUALFLHMGLJSDMER3FDP2Z2Q4",
        "contentType": "text/plain",
        "language": "zho",
        "contentLength": 3710,
    }
    assert values["docText"] == content.split("\r\n\r\n", 1)[1]
    assert values["docText"].startswith("漫步肩关节_重庆鸿瑞铠体育设施有限公司\r\n网站地图")


def test_hints_match_the_spec() -> None:
    parser = WetFileParser()
    assert parser.getS3FileType() == "WET"
    assert parser.getResolvedS3FileName("WET", FILE) == FILE
    assert parser.getRecordStartPattern("WET").getPattern() == "WARC-Type: conversion"
    assert parser.getRecordEndPattern("WET").getPattern() == "\n\r\n\r\n"
    assert parser.getRecordEndPattern("WET").offset == -1


def test_record_with_or_without_version_line_and_end_pattern_parses_the_same() -> None:
    full = _parse(RECORD).getDocument()
    from_start_pattern = _parse(RECORD[RECORD.index("WARC-Type") :]).getDocument()
    without_end = _parse(RECORD[: -len("\n\r\n\r\n")]).getDocument()
    assert full.getDocumentKeyValuesMap() == from_start_pattern.getDocumentKeyValuesMap()
    assert full.getDocumentKeyValuesMap() == without_end.getDocumentKeyValuesMap()
    assert full.getDocumentKeyValuesMap() == {
        "url": "http://example.org/ü",
        "docId": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "contentLength": 12,
        "docText": "Grüße\nWelt",
    }


def test_header_parsing_ignores_the_version_line_and_keeps_colons_in_values() -> None:
    assert parse_warc_headers("WARC/1.0\r\nWARC-Target-URI: http://a:8080/x\r\nbogus line") == {
        "WARC-Target-URI": "http://a:8080/x"
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Target-URI: http://x/\r\nno blank line", "no empty line"),
        ("WARC-Type: conversion\r\nContent-Length: 3\r\n\r\nabc\n", "no WARC-Target-URI"),
        (b"WARC-Type: conversion\r\nWARC-Target-URI: http://x/\r\n\r\n\xe6\xbc", "not valid UTF-8"),
    ],
    ids=["no-separator", "no-uri", "bad-utf8"],
)
def test_broken_record_becomes_error_doc_with_byte_range(text: str | bytes, message: str) -> None:
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    result = _parse(text, offset=256854)
    assert result.getStatus() is ParseDocumentResultStatus.ERROR
    doc = result.getDocument()
    assert message in doc.getErrorMessage() and "byte 256854" in doc.getErrorMessage()
    assert doc.getErrorStartOffsetMap() == {"WET": "256854"}
    assert doc.getErrorEndOffsetMap() == {"WET": str(256854 + size)}
    assert doc.getDocumentKeyValuesMap()["rawRecord"]


def test_other_warc_types_are_skipped() -> None:
    result = _parse("WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 2\r\n\r\nx\n")
    assert result.getStatus() is ParseDocumentResultStatus.SKIP
    assert "'warcinfo'" in result.getDocument().getSkipMessage()


@pytest.mark.usefixtures("selected")
def test_sample_file_split_by_the_hints_through_the_handler() -> None:
    data = Path(WET_FILE).read_bytes()
    start = invoke_ok(make_request(IFACE, "getRecordStartPattern", {"s3FileType": "WET"}))["pattern"]
    end = invoke_ok(make_request(IFACE, "getRecordEndPattern", {"s3FileType": "WET"}))["pattern"]
    records = split_records(data, start, end)
    assert len(records) == data.count(b"WARC-Type: conversion") == 6
    for offset, raw in records:
        result = invoke_ok(
            make_request(IFACE, "parseDocument", parse_document_data("WET", FILE, offset, raw))
        )
        assert result["status"] == "SUCCESS", result
        values = result["document"]["documentKeyValuesMap"]
        body = (values["docText"] + "\n").encode("utf-8")  # the sample's text ends with one newline
        # The header fields agree with the text the parser extracted (checked independently).
        assert values["contentLength"] == len(body)
        assert values["blockDigest"] == "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()
        assert values["url"] == result["document"]["documentId"] == result["document"]["partitionKey"]
        assert values["docId"].startswith("urn:uuid:")
    texts = [json.dumps(r.decode()) for _, r in records]
    assert any(any(ord(c) > 0xFFFF for c in json.loads(t)) for t in texts)  # includes a 4-byte character


@pytest.mark.usefixtures("selected")
def test_sample_file_as_one_batch_keeps_order() -> None:
    data = Path(WET_FILE).read_bytes()
    records = split_records(data, "WARC-Type: conversion", "\n\r\n\r\n")
    items = invoke_ok(
        make_request(
            IFACE, "parseDocument", batched=[parse_document_data("WET", FILE, o, r) for o, r in records]
        )
    )
    headers = [parse_warc_headers(r.decode().split("\r\n\r\n", 1)[0]) for _, r in records]
    assert [i["data"]["document"]["documentId"] for i in items] == [h["WARC-Target-URI"] for h in headers]
    assert [i["data"]["document"]["documentKeyValuesMap"]["language"] for i in items] == [
        h["WARC-Identified-Content-Language"] for h in headers
    ]
