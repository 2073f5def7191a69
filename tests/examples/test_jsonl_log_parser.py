"""JsonLinesLogParser: unit tests of the parsing and the bundled sample file through the real handler."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from examples.data.generate_samples import LOGS_FILE
from examples.letsdata.jsonl_log_parser import JsonLinesLogParser
from letsdata_interfaces.documents.DocumentType import DocumentType
from letsdata_interfaces.readers.model.ParseDocumentResultStatus import ParseDocumentResultStatus
from letsdata_interfaces.readers.model.RecordHintType import RecordHintType
from tests.examples.conftest import EXAMPLES
from tests.examples.helpers import (
    invoke,
    invoke_error,
    invoke_ok,
    make_request,
    parse_document_data,
    split_records,
)

FILE = "logs/2024/02/02/app-1.jsonl"
IFACE = "SingleFileParser"


@pytest.fixture
def parser() -> JsonLinesLogParser:
    return JsonLinesLogParser()


@pytest.fixture
def selected(use_impl: Callable[[str, str], None]) -> None:
    use_impl(IFACE, EXAMPLES[IFACE])


def _parse(parser: JsonLinesLogParser, line: str, offset: int = 0) -> Any:
    buf = bytearray(line, "utf-8")
    return parser.parseDocument("JSONLOGS", FILE, offset, buf, 0, len(buf))


# -- direct unit tests ----------------------------------------------------------------------------
def test_hints_are_patterns_with_offset_minus_one(parser: JsonLinesLogParser) -> None:
    for hint, pattern in (
        (parser.getRecordStartPattern("JSONLOGS"), "{"),
        (parser.getRecordEndPattern("JSONLOGS"), "\n"),
    ):
        assert hint.getRecordHintType() is RecordHintType.PATTERN
        assert hint.getPattern() == pattern
        assert hint.offset == -1


def test_resolved_file_name_is_unchanged_and_file_type_checked(parser: JsonLinesLogParser) -> None:
    assert parser.getResolvedS3FileName("JSONLOGS", FILE) == FILE
    with pytest.raises(ValueError, match="reads JSONLOGS files, not 'WET'"):
        parser.getResolvedS3FileName("WET", FILE)


def test_record_becomes_document_with_fields_and_request_id(parser: JsonLinesLogParser) -> None:
    record = {"level": "INFO", "requestId": "r-1", "status": 200, "message": "déjà vu ✓"}
    result = _parse(parser, json.dumps(record, ensure_ascii=False) + "\n", offset=512)
    assert result.getStatus() is ParseDocumentResultStatus.SUCCESS
    doc = result.getDocument()
    assert doc.getDocumentType() is DocumentType.Document
    assert (doc.getDocumentId(), doc.getRecordType(), doc.getPartitionKey()) == ("r-1", "LogRecord", "r-1")
    assert doc.getDocumentKeyValuesMap() == record
    assert doc.getDocumentMetadata() == {"s3Filename": FILE, "offsetBytes": 512}


def test_id_field_wins_over_request_id_and_position_is_the_fallback(parser: JsonLinesLogParser) -> None:
    assert _parse(parser, '{"id": 7, "requestId": "r"}\n').getDocument().getDocumentId() == "7"
    assert _parse(parser, '{"msg": "no id"}\n', offset=99).getDocument().getDocumentId() == f"{FILE}:99"


@pytest.mark.parametrize(
    "line",
    ['{"level": "INFO", "msg": "trunc\n', "{'level': 'INFO'}\n", '{"a": 1,}\n', "[1, 2]\n", '"text"\n'],
    ids=["truncated", "single-quoted", "trailing-comma", "array", "string"],
)
def test_malformed_record_becomes_error_doc_with_byte_offsets(parser: JsonLinesLogParser, line: str) -> None:
    line = line.replace("trunc", "trunc 東京")  # multi-byte: offsets are bytes, not characters
    result = _parse(parser, line, offset=1000)
    assert result.getStatus() is ParseDocumentResultStatus.ERROR
    doc = result.getDocument()
    assert doc.getDocumentType() is DocumentType.ErrorDoc
    assert doc.getErrorStartOffsetMap() == {"JSONLOGS": "1000"}
    assert doc.getErrorEndOffsetMap() == {"JSONLOGS": str(1000 + len(line.encode("utf-8")))}
    assert f"byte 1000 of {FILE}" in doc.getErrorMessage()
    assert doc.getDocumentKeyValuesMap() == {"rawRecord": line}


def test_invalid_utf8_is_an_error_doc_not_an_exception(parser: JsonLinesLogParser) -> None:
    buf = bytearray(b'{"msg": "\xff\xfe"}\n')
    result: Any = parser.parseDocument("JSONLOGS", FILE, 0, buf, 0, len(buf))
    assert result.getStatus() is ParseDocumentResultStatus.ERROR
    assert "not valid UTF-8" in result.getDocument().getErrorMessage()


@pytest.mark.parametrize("level", ["DEBUG", "debug", "TRACE"])
def test_debug_records_are_skipped_with_their_payload(parser: JsonLinesLogParser, level: str) -> None:
    line = json.dumps({"level": level, "requestId": "r-9", "msg": "x"}) + "\n"
    result = _parse(parser, line, offset=40)
    assert result.getStatus() is ParseDocumentResultStatus.SKIP
    doc = result.getDocument()
    assert doc.getDocumentType() is DocumentType.SkipDoc
    assert doc.getDocumentId() == "r-9"
    assert doc.getErrorStartOffsetMap() == {"JSONLOGS": "40"}
    assert doc.getErrorEndOffsetMap() == {"JSONLOGS": str(40 + len(line))}
    assert doc.getSkipMessage() == f"{level.upper()} log records are not indexed"
    assert doc.getDocumentKeyValuesMap()["msg"] == "x"


def test_only_the_given_slice_of_the_buffer_is_parsed(parser: JsonLinesLogParser) -> None:
    buf = bytearray(b'garbage{"id": "a"}\nmore')
    result: Any = parser.parseDocument("JSONLOGS", FILE, 7, buf, 7, 19)
    assert result.getStatus() is ParseDocumentResultStatus.SUCCESS
    assert result.getDocument().getDocumentKeyValuesMap() == {"id": "a"}


# -- through the handler --------------------------------------------------------------------------
@pytest.mark.usefixtures("selected")
def test_metadata_functions_through_the_handler() -> None:
    assert invoke_ok(make_request(IFACE, "getS3FileType", {})) == "JSONLOGS"
    assert invoke_ok(make_request(IFACE, "getS3FileType")) == "JSONLOGS"
    data = {"s3FileType": "JSONLOGS", "fileName": FILE}
    assert invoke_ok(make_request(IFACE, "getResolvedS3FileName", data)) == FILE
    start = invoke(make_request(IFACE, "getRecordStartPattern", {"s3FileType": "JSONLOGS"}))
    assert json.dumps(start["body"]["data"]) == '{"recordHintType": "PATTERN", "pattern": "{", "offset": -1}'
    end = invoke_ok(make_request(IFACE, "getRecordEndPattern", {"s3FileType": "JSONLOGS"}))
    assert end == {"recordHintType": "PATTERN", "pattern": "\n", "offset": -1}


@pytest.mark.usefixtures("selected")
def test_wrong_file_type_is_an_error_envelope_from_user_code() -> None:
    exc = invoke_error(make_request(IFACE, "getResolvedS3FileName", {"s3FileType": "WARC", "fileName": FILE}))
    assert exc["errorType"] == "ValueError"
    assert "reads JSONLOGS files, not 'WARC'" in exc["errorMessage"]


@pytest.mark.usefixtures("selected")
def test_single_record_request_wire_shape() -> None:
    line = '{"id": "evt-1", "level": "WARN", "msg": "ünïcödé"}\n'
    data = invoke_ok(
        make_request(IFACE, "parseDocument", parse_document_data("JSONLOGS", FILE, 77, line.encode()))
    )
    assert json.dumps(data, ensure_ascii=False, separators=(",", ":")) == (
        '{"nextRecordType":null,"document":{"documentType":"Document","documentId":"evt-1",'
        '"recordType":"LogRecord","partitionKey":"evt-1",'
        f'"documentMetadata":{{"s3Filename":"{FILE}","offsetBytes":77}},'
        '"documentKeyValuesMap":{"id":"evt-1","level":"WARN","msg":"ünïcödé"}},"status":"SUCCESS"}'
    )


def _expected_outcome(line: bytes) -> str:
    """Independent oracle for a sample line: what the parser should decide."""
    try:
        record = json.loads(line)
    except ValueError:
        return "ERROR"
    return "SKIP" if record.get("level") == "DEBUG" else "SUCCESS"


@pytest.mark.usefixtures("selected")
def test_sample_file_through_batched_requests() -> None:
    data = Path(LOGS_FILE).read_bytes()
    records = split_records(data, "{", "\n")
    lines = data.splitlines(keepends=True)
    assert [r for _, r in records] == lines  # the patterns cut the file into exactly its lines
    expected = [_expected_outcome(line) for line in lines]
    assert Counter(expected)["ERROR"] >= 2 and Counter(expected)["SKIP"] >= 10

    outcomes: list[str] = []
    for i in range(0, len(records), 100):
        chunk = records[i : i + 100]
        items = invoke_ok(
            make_request(
                IFACE,
                "parseDocument",
                batched=[parse_document_data("JSONLOGS", FILE, o, r) for o, r in chunk],
            )
        )
        assert len(items) == len(chunk)
        for (offset, raw), item in zip(chunk, items, strict=True):
            assert item["statusCode"] == "SUCCESS", item
            result = item["data"]
            outcomes.append(result["status"])
            doc = result["document"]
            assert (
                doc["documentType"]
                == {"SUCCESS": "Document", "ERROR": "ErrorDoc", "SKIP": "SkipDoc"}[result["status"]]
            )
            if result["status"] == "SUCCESS":
                assert doc["documentKeyValuesMap"] == json.loads(raw)
                assert doc["documentId"] in (json.loads(raw).get("id"), json.loads(raw)["requestId"])
            else:  # the offsets locate exactly this record in the file
                start = int(doc["errorStartoffsetMap"]["JSONLOGS"])
                end = int(doc["errorEndoffsetMap"]["JSONLOGS"])
                assert (start, data[start:end]) == (offset, raw)
    assert outcomes == expected


@pytest.mark.usefixtures("selected")
def test_multibyte_record_needs_its_byte_length_as_end_index() -> None:
    line = '{"id": "x", "user": "東京太郎"}\n'
    data = parse_document_data("JSONLOGS", FILE, 0, line.encode())
    assert invoke_ok(make_request(IFACE, "parseDocument", data))["status"] == "SUCCESS"
    exc = invoke_error(make_request(IFACE, "parseDocument", {**data, "endIndex": len(line)}))
    assert f"expected: {len(line.encode())}, actual: {len(line)}" in exc["errorMessage"]
