"""Document model and reader models: wire shapes (as JSON text), getters, enums, fixed defects 14-17."""

from __future__ import annotations

import json
import logging
import typing

import pytest

from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.documents.DocumentType import DocumentType
from letsdata_interfaces.documents.ErrorDoc import ErrorDoc
from letsdata_interfaces.documents.SkipDoc import SkipDoc
from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult
from letsdata_interfaces.readers.model.ParseDocumentResultStatus import ParseDocumentResultStatus
from letsdata_interfaces.readers.model.RecordHintType import RecordHintType
from letsdata_interfaces.readers.model.RecordParseHint import RecordParseHint
from letsdata_utils.errors import LetsDataAssertionError, LetsDataSerializationError
from letsdata_utils.request_utils import getJsonObject

DOC_KEYS = ["documentType", "documentId", "recordType", "partitionKey", "documentMetadata", "documentKeyValuesMap"]


def _wire(obj: object) -> str:
    return json.dumps(getJsonObject(obj), separators=(",", ":"))


def test_document_wire_shape_and_getters() -> None:
    doc = Document(DocumentType.Document, "u1", "Content", "u1", {}, {"url": "u1"})
    assert _wire(doc) == ('{"documentType":"Document","documentId":"u1","recordType":"Content","partitionKey":"u1",'
                          '"documentMetadata":{},"documentKeyValuesMap":{"url":"u1"}}')
    assert list(vars(doc)) == DOC_KEYS
    assert doc.getDocumentType() is DocumentType.Document
    assert (doc.getDocumentId(), doc.getRecordType(), doc.getPartitionKey(), doc.getDocumentMetadata(),
            doc.getDocumentKeyValuesMap()) == ("u1", "Content", "u1", {}, {"url": "u1"})


def test_document_serialize_returns_wire_json_text() -> None:
    doc = Document("Document", "u1", "Content", "p", {"m": 1}, {"text": "héllo"})
    assert doc.serialize() == ('{"documentType":"Document","documentId":"u1","recordType":"Content","partitionKey":"p",'
                               '"documentMetadata":{"m":1},"documentKeyValuesMap":{"text":"héllo"}}')
    assert doc.getDocumentType() is DocumentType.Document  # a string type is returned as the enum
    assert json.loads(doc.serialize()) == getJsonObject(doc)
    assert "Document(" in repr(doc)


def test_error_doc_wire_shape_keeps_lower_case_o() -> None:
    doc = ErrorDoc("d", "Content", "p", {}, {"k": 1}, {"WARC": "256854"}, {"WARC": "261056"}, "bad")
    assert _wire(doc) == ('{"documentType":"ErrorDoc","documentId":"d","recordType":"Content","partitionKey":"p",'
                          '"documentMetadata":{},"documentKeyValuesMap":{"k":1},"errorStartoffsetMap":{"WARC":"256854"},'
                          '"errorEndoffsetMap":{"WARC":"261056"},"errorMessage":"bad"}')
    assert list(vars(doc)) == [*DOC_KEYS, "errorStartoffsetMap", "errorEndoffsetMap", "errorMessage"]
    assert (doc.getErrorStartOffsetMap(), doc.getErrorEndOffsetMap(), doc.getErrorMessage()) == (
        {"WARC": "256854"}, {"WARC": "261056"}, "bad")
    assert doc.getDocumentType() is DocumentType.ErrorDoc
    assert json.loads(doc.serialize())["documentType"] == "ErrorDoc"


def test_skip_doc_wire_shape() -> None:
    doc = SkipDoc("d", "Meta", "p", {}, {}, {"sequenceNumber": "1"}, {"sequenceNumber": "1"}, "metadata record")
    assert _wire(doc) == ('{"documentType":"SkipDoc","documentId":"d","recordType":"Meta","partitionKey":"p",'
                          '"documentMetadata":{},"documentKeyValuesMap":{},"errorStartoffsetMap":{"sequenceNumber":"1"},'
                          '"errorEndoffsetMap":{"sequenceNumber":"1"},"skipMessage":"metadata record"}')
    assert doc.getSkipMessage() == "metadata record" and doc.getDocumentType() is DocumentType.SkipDoc
    assert doc.getErrorStartOffsetMap() == doc.getErrorEndOffsetMap() == {"sequenceNumber": "1"}


@pytest.mark.parametrize("status", [ParseDocumentResultStatus.SUCCESS, "SUCCESS"])
def test_parse_document_result_wire_shape_with_enum_or_string_status(status: object) -> None:
    doc = Document(DocumentType.Document, "u1", "Content", "u1", {}, {})
    result = ParseDocumentResult(None, doc, status)  # type: ignore[arg-type]
    assert _wire(result) == ('{"nextRecordType":null,"document":{"documentType":"Document","documentId":"u1",'
                             '"recordType":"Content","partitionKey":"u1","documentMetadata":{},'
                             '"documentKeyValuesMap":{}},"status":"SUCCESS"}')
    assert list(vars(result)) == ["nextRecordType", "document", "status"]
    assert result.getStatus() is ParseDocumentResultStatus.SUCCESS
    assert result.getDocument() is doc and result.getNextRecordType() is None


@pytest.mark.parametrize("status", ["success", "FAILED", 1, None])
def test_parse_document_result_rejects_invalid_status_when_serialised(status: object) -> None:
    result = ParseDocumentResult(None, None, status)  # type: ignore[arg-type]
    with pytest.raises(LetsDataSerializationError, match="ParseDocumentResult - invalid status"):
        getJsonObject(result)
    with pytest.raises(LetsDataSerializationError):
        result.getStatus()


def test_parse_document_result_status_doc_mismatch_is_logged_not_rejected(caplog: pytest.LogCaptureFixture) -> None:
    doc = ErrorDoc("d", "r", "p", {}, {}, {}, {}, "e")
    with caplog.at_level(logging.WARNING, logger="letsdata"):
        out = getJsonObject(ParseDocumentResult(None, doc, "SUCCESS"))
        getJsonObject(ParseDocumentResult(None, doc, "ERROR"))
    assert out["status"] == "SUCCESS"
    assert [r.getMessage() for r in caplog.records] == ["ParseDocumentResult - status SUCCESS paired with a ErrorDoc document"]


def test_record_parse_hint_getters_compare_against_the_enum() -> None:
    pattern = RecordParseHint(RecordHintType.PATTERN, "WARC-Type: conversion", -1)
    assert _wire(pattern) == '{"recordHintType":"PATTERN","pattern":"WARC-Type: conversion","offset":-1}'
    assert pattern.getPattern() == "WARC-Type: conversion" and pattern.getRecordHintType() is RecordHintType.PATTERN
    with pytest.raises(LetsDataAssertionError, match="getOffset requires an OFFSET hint"):
        pattern.getOffset()
    offset = RecordParseHint("OFFSET", None, 128)
    assert offset.getOffset() == 128 and offset.getRecordHintType() is RecordHintType.OFFSET
    with pytest.raises(LetsDataAssertionError, match="getPattern requires a PATTERN hint"):
        offset.getPattern()
    assert list(vars(offset)) == ["recordHintType", "pattern", "offset"]


@pytest.mark.parametrize(("enum", "values"), [
    (DocumentType, ["Document", "ErrorDoc", "SkipDoc", "CompositeDoc", "SingleDoc"]),
    (ParseDocumentResultStatus, ["SUCCESS", "ERROR", "SKIP"]),
    (RecordHintType, ["OFFSET", "PATTERN"]),
])
def test_str_enums_from_value_and_json(enum: typing.Any, values: list[str]) -> None:
    assert [m.value for m in enum] == values
    for value in values:
        member = enum.fromValue(value)
        assert member.value == value and json.dumps(member) == json.dumps(value) and isinstance(member, str)
    with pytest.raises(ValueError):
        enum.fromValue(values[0].lower() + "x")


def test_get_document_type_return_annotation_is_the_enum() -> None:
    hints = typing.get_type_hints(Document.getDocumentType)
    assert hints["return"] is DocumentType
    assert typing.get_type_hints(ParseDocumentResult.__init__)["document"] == Document | None


def test_document_repr_never_raises_even_with_unserialisable_payload() -> None:
    doc = Document(DocumentType.Document, "id-1", "Content", "p", {}, {"raw": b"\x00"})
    assert repr(doc) == "<Document documentId='id-1'>"
    with pytest.raises(LetsDataSerializationError, match=r"\$\.documentKeyValuesMap\.raw"):
        doc.serialize()
