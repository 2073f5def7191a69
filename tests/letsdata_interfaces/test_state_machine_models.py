"""State-machine reader models: CompositeDoc / SingleDoc wire shapes, ParseCompositeDocumentResult,
SingleFileReaderState transitions and the stub interfaces. Expectations are written out by hand."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest

from letsdata_interfaces.documents.CompositeDoc import CompositeDoc
from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.documents.DocumentType import DocumentType
from letsdata_interfaces.documents.ErrorDoc import ErrorDoc
from letsdata_interfaces.documents.SingleDoc import SingleDoc
from letsdata_interfaces.readers.model.ParseCompositeDocumentResult import ParseCompositeDocumentResult
from letsdata_interfaces.readers.model.ParseDocumentResultStatus import ParseDocumentResultStatus
from letsdata_interfaces.readers.model.SingleFileReaderState import SingleFileReaderState
from letsdata_interfaces.readers.MultipleFileStateMachineReader import MultipleFileStateMachineReader
from letsdata_interfaces.readers.parsers.SingleFileStateMachineParser import SingleFileStateMachineParser
from letsdata_interfaces.readers.SingleFileStateMachineReader import SingleFileStateMachineReader
from letsdata_interfaces.readers.SystemFileReader import SystemFileReader
from letsdata_utils.errors import LetsDataAssertionError
from letsdata_utils.request_utils import getJsonObject

S = SingleFileReaderState


def _wire(obj: object) -> str:
    return json.dumps(getJsonObject(obj), separators=(",", ":"))


def test_existing_document_type_values_are_unchanged() -> None:
    assert DocumentType("Document") is DocumentType.Document
    assert DocumentType("ErrorDoc") is DocumentType.ErrorDoc
    assert DocumentType("SkipDoc") is DocumentType.SkipDoc
    assert json.dumps(DocumentType.CompositeDoc) == '"CompositeDoc"' and DocumentType.SingleDoc == "SingleDoc"


def test_single_doc_wire_shape() -> None:
    doc = SingleDoc(DocumentType.SingleDoc, "u1", "IndexRecord", "u1", {}, {"url": "u1"})
    assert _wire(doc) == ('{"documentType":"SingleDoc","documentId":"u1","recordType":"IndexRecord",'
                          '"partitionKey":"u1","documentMetadata":{},"documentKeyValuesMap":{"url":"u1"}}')
    assert doc.isSingleDoc() is True and doc.getDocumentType() is DocumentType.SingleDoc


def test_composite_doc_wire_shape_and_document_list() -> None:
    part = SingleDoc("SingleDoc", "u1", "IndexRecord", "u1", {}, {"title": "T"})
    err = ErrorDoc("u1", "request", "u1", {}, {}, {"WARC": "10"}, {"WARC": "20"}, "bad request")
    comp = CompositeDoc("u1", "IndexRecord", "u1", {"m": 1}, part, [err])
    assert _wire(comp) == (
        '{"documentType":"CompositeDoc","documentId":"u1","recordType":"IndexRecord","partitionKey":"u1",'
        '"documentMetadata":{"m":1},"documentKeyValuesMap":{"title":"T"},'
        '"document":{"documentType":"SingleDoc","documentId":"u1","recordType":"IndexRecord","partitionKey":"u1",'
        '"documentMetadata":{},"documentKeyValuesMap":{"title":"T"}},'
        '"errorDocList":[{"documentType":"ErrorDoc","documentId":"u1","recordType":"request","partitionKey":"u1",'
        '"documentMetadata":{},"documentKeyValuesMap":{},"errorStartoffsetMap":{"WARC":"10"},'
        '"errorEndoffsetMap":{"WARC":"20"},"errorMessage":"bad request"}]}')
    assert comp.getDocumentList() == (part, [err])
    assert comp.getDocumentType() is DocumentType.CompositeDoc
    empty = CompositeDoc("x", "r", "x", {}, None, None)
    assert empty.getDocumentKeyValuesMap() == {} and empty.getDocumentList() == (None, None)


def test_parse_composite_document_result_order_getters_and_status() -> None:
    comp = CompositeDoc("u", "r", "u", {}, Document("Document", "u", "r", "u", {}, {}), None)
    result = ParseCompositeDocumentResult({"WARC": "request"}, comp, {"WARC": "metadata"}, {"WARC": "512"},
                                          "PROCESSING", "SKIP")
    assert list(vars(result)) == ["s3FileTypeNextRecordTypeMap", "document", "s3FileTypeLastProcessedRecordType",
                                  "s3FileTypeOffsets", "fileReaderState", "parseDocumentResultStatus"]
    assert result.getS3FileTypeNextRecordTypeMap() == {"WARC": "request"}
    assert result.getDocument() is comp
    assert result.getS3FileTypeLastProcessedRecordType() == {"WARC": "metadata"}
    assert result.getS3FileTypeOffsets() == {"WARC": "512"}
    assert result.getFileReaderState() is S.PROCESSING
    assert result.getParseDocumentResultStatus() is ParseDocumentResultStatus.SKIP
    bad = ParseCompositeDocumentResult(None, None, None, None, "DONE", "OK")
    with pytest.raises(LetsDataAssertionError, match="invalid fileReaderState 'DONE'"):
        bad.getFileReaderState()
    with pytest.raises(LetsDataAssertionError, match="invalid status 'OK'"):
        bad.getParseDocumentResultStatus()


ALLOWED = {
    ("CREATED", "FILE_DOWNLOADED"), ("CREATED", "PROCESSING"), ("CREATED", "CLOSED"),
    ("FILE_DOWNLOADED", "PROCESSING"),
    ("PROCESSING", "COMPLETED"), ("PROCESSING", "CLOSED"),
    ("COMPLETED", "CLOSED"),
}
NAMES = ["CREATED", "FILE_DOWNLOADED", "PROCESSING", "CLOSED", "COMPLETED"]


def test_reader_state_values_in_order() -> None:
    assert [s.value for s in SingleFileReaderState] == NAMES


@pytest.mark.parametrize("source", NAMES)
@pytest.mark.parametrize("target", NAMES)
def test_reader_state_transitions(source: str, target: str) -> None:
    if source == target or (source, target) in ALLOWED:
        SingleFileReaderState.assertValidTransition(S(source), target)
        return
    with pytest.raises(LetsDataAssertionError) as info:
        SingleFileReaderState.assertValidTransition(source, S(target))
    assert str(info.value).startswith("letsdata assert - ")
    if source == "CLOSED":
        assert "terminal state" in str(info.value)
    else:
        assert f"{source} -> {target}" in str(info.value)


STUBS: list[tuple[type, list[tuple[str, tuple[Any, ...]]]]] = [
    (SingleFileStateMachineParser, [
        ("getS3FileType", ()), ("getResolvedS3FileName", ("WARC", "f")),
        ("getNextRecordStartPattern", ("WARC", "request", None)), ("getNextRecordEndPattern", ("WARC", "request", None)),
        ("getNextExpectedRecordType", ("WARC", None)),
        ("parseDocument", ("WARC", "f", 0, None, None, b"x", 0, 1))]),
    (SingleFileStateMachineReader, [
        ("getS3FileType", ()), ("getResolvedS3FileName", ("WARC", "f")),
        ("getReaderParserInterfacesForS3FileType", ("WARC",)), ("getNextExpectedRecordType", ("WARC", None)),
        ("parseDocument", ("WARC", None, None, None))]),
    (MultipleFileStateMachineReader, [
        ("getS3FileTypes", ()), ("getResolvedS3FileNames", ({"WARC": "f"},)),
        ("getParserInterfacesForS3FileTypes", ({"WARC"},)), ("getNextExpectedRecordType", ({"WARC": None},)),
        ("parseDocument", ({"WARC": None}, None, {}))]),
]


@pytest.mark.parametrize(("cls", "calls"), STUBS)
def test_state_machine_stubs_raise_not_yet_implemented(cls: type, calls: list[tuple[str, tuple[Any, ...]]]) -> None:
    instance = cls()
    for method, args in calls:
        with pytest.raises(Exception) as info:
            getattr(instance, method)(*args)
        assert type(info.value) is Exception and str(info.value) == "Not Yet Implemented"
        signature = inspect.signature(getattr(cls, method))
        assert signature.return_annotation is not inspect.Signature.empty


def test_system_file_reader_is_abstract_with_six_methods() -> None:
    with pytest.raises(TypeError):
        SystemFileReader()  # type: ignore[abstract]
    assert sorted(SystemFileReader.__abstractmethods__) == [
        "getFileName", "getFileType", "getLastRecordType", "getOffsetBytes", "getState", "nextRecord"]
