"""State-machine reader examples: Common Crawl segments to one index record per URL.

``CommonCrawlReader`` (a MultipleFileStateMachineReader) reads the WARC, WAT and WET file of one
segment side by side — manifest lines ``WARC:<key>|WAT:<key>|WET:<key>`` — and joins, per URL:

* from the WAT file, the metadata about the request, the response (title, meta tags, links) and the
  metadata record (charset, CLD2 languages);
* from the WARC file, the request, the response and the metadata record themselves;
* from the WET file, the extracted text — only when the next conversion record is for the same URL
  (pages without text have none, so the WET record is peeked, not consumed, otherwise).

The result is a :class:`CompositeDoc` holding an ``IndexRecord`` (status ``SUCCESS``), an ErrorDoc
plus the rejected records' ErrorDocs (``ERROR``: a record of this URL could not be parsed or the
files disagree on the URL), or a SkipDoc (``SKIP``: no text for this URL).

``CommonCrawlWARCSingleFileStateMachineReader`` (a SingleFileStateMachineReader) reads only the WARC
file and emits one composite per request/response/metadata triple, holding the response record.
"""

from __future__ import annotations

import uuid
from typing import Any

from examples.letsdata.commoncrawl.parsers import (
    WARC_INFO,
    WARC_RESPONSE,
    WAT_INFO,
    WAT_METADATA_INFO,
    WET_CONVERSION,
    WET_INFO,
    WARCFileParser,
    WATFileParser,
    WETFileParser,
)
from examples.letsdata.commoncrawl.warc import WARC, WAT, WET
from letsdata_interfaces.documents.CompositeDoc import CompositeDoc
from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.documents.DocumentType import DocumentType
from letsdata_interfaces.documents.ErrorDoc import ErrorDoc
from letsdata_interfaces.documents.SingleDoc import SingleDoc
from letsdata_interfaces.documents.SkipDoc import SkipDoc
from letsdata_interfaces.readers.model.ParseCompositeDocumentResult import ParseCompositeDocumentResult
from letsdata_interfaces.readers.model.ParseDocumentResultStatus import ParseDocumentResultStatus
from letsdata_interfaces.readers.model.SingleFileReaderState import SingleFileReaderState
from letsdata_interfaces.readers.MultipleFileStateMachineReader import MultipleFileStateMachineReader
from letsdata_interfaces.readers.parsers.SingleFileStateMachineParser import SingleFileStateMachineParser
from letsdata_interfaces.readers.SingleFileStateMachineReader import SingleFileStateMachineReader
from letsdata_interfaces.readers.SystemFileReader import SystemFileReader

FILE_TYPES = (WARC, WAT, WET)
HEADER_RECORD_TYPES = frozenset({WARC_INFO, WAT_INFO, WAT_METADATA_INFO, WET_INFO})
INDEX_RECORD_TYPE = "IndexRecord"

#: IndexRecord payload keys, in order (taken from the WAT response / metadata and WET records)
INDEX_FIELDS = ("url", "title", "description", "keywords", "icon", "canonical", "og_url", "og_site_name", "og_type",
                "og_image", "og_title", "og_description", "contentType", "reliable", "textBytes", "languages",
                "docTextContentLength", "docText", "charset")


class CommonCrawlError(ValueError):
    """The files of a segment are out of step (their records name different URLs)."""


def index_record(url: str, response_meta: Document, metadata_meta: Document, conversion: Document) -> SingleDoc:
    """The document written per URL: page metadata from the WAT file, text from the WET file."""
    values: dict[str, Any] = dict.fromkeys(INDEX_FIELDS)
    for source in (response_meta, metadata_meta):
        for key, value in source.getDocumentKeyValuesMap().items():
            if key in values and key != "url":
                values[key] = value
    text = conversion.getDocumentKeyValuesMap().get("docText") or ""
    values.update(url=url, docText=text, docTextContentLength=conversion.getDocumentKeyValuesMap().get("contentLength"))
    return SingleDoc(DocumentType.SingleDoc, url, INDEX_RECORD_TYPE, url, {}, values)


def _uri(document: Document | None) -> str | None:
    if document is None:
        return None
    return document.getDocumentKeyValuesMap().get("targetUri")


def _skip_headers(readers: dict[str, SystemFileReader]) -> None:
    """Consume each file's leading records (warcinfo and the WAT record about it)."""
    for reader in readers.values():
        document = reader.nextRecord(True)
        while document is not None and document.getRecordType() in HEADER_RECORD_TYPES:
            reader.nextRecord(False)
            document = reader.nextRecord(True)


def _offsets(readers: dict[str, SystemFileReader]) -> dict[str, str]:
    return {file_type: reader.getOffsetBytes() for file_type, reader in readers.items()}


def _last_types(readers: dict[str, SystemFileReader]) -> dict[str, str | None]:
    return {file_type: reader.getLastRecordType() for file_type, reader in readers.items()}


class _Collected:
    """The records of one URL and the ErrorDocs among them."""

    def __init__(self) -> None:
        self.documents: list[Document] = []
        self.errors: list[ErrorDoc] = []

    def take(self, reader: SystemFileReader) -> Document | None:
        document = reader.nextRecord(False)
        if isinstance(document, ErrorDoc):
            self.errors.append(document)
        elif document is not None:
            self.documents.append(document)
        return document


class CommonCrawlReader(MultipleFileStateMachineReader):
    """WARC + WAT + WET of one segment -> one composite index record per URL."""

    def __init__(self) -> None:
        self._parsers: dict[str, SingleFileStateMachineParser] = {}

    def getS3FileTypes(self) -> set[str]:
        return set(FILE_TYPES)

    def getResolvedS3FileNames(self, s3FileTypeFileNameMap: dict[str, str]) -> dict[str, str]:
        """Manifest lines name every file in full; only the file types are checked (and upper-cased)."""
        resolved = {str(file_type).upper(): name for file_type, name in s3FileTypeFileNameMap.items()}
        if set(resolved) != set(FILE_TYPES):
            raise ValueError(f"a Common Crawl manifest line needs WARC, WAT and WET files, got {sorted(resolved)}")
        return resolved

    def getParserInterfacesForS3FileTypes(self, s3FileTypes: set[str]) -> dict[str, SingleFileStateMachineParser]:
        classes = {WARC: WARCFileParser, WAT: WATFileParser, WET: WETFileParser}
        for file_type in s3FileTypes:
            key = file_type.upper()
            if key not in classes:
                raise ValueError(f"unexpected file type {file_type!r} (allowed values: WARC, WAT, WET)")
            if key not in self._parsers:
                self._parsers[key] = classes[key]()
        return {file_type: self._parsers[file_type.upper()] for file_type in s3FileTypes}

    def getNextExpectedRecordType(self, s3FileTypeToLastProcessedRecordType: dict[str, str | None]) -> dict[str, str]:
        parsers = self.getParserInterfacesForS3FileTypes(set(s3FileTypeToLastProcessedRecordType))
        return {file_type: parsers[file_type].getNextExpectedRecordType(file_type, last)
                for file_type, last in s3FileTypeToLastProcessedRecordType.items()}

    def parseDocument(self, s3FileTypeToLastProcessedRecordTypeMap: dict[str, str | None],
                      lastProcessedDoc: Document | None,
                      s3FileTypeToFileReaderInterfaceMap: dict[str, SystemFileReader]) -> ParseCompositeDocumentResult:
        readers = {file_type.upper(): reader for file_type, reader in s3FileTypeToFileReaderInterfaceMap.items()}
        if set(readers) != set(FILE_TYPES):
            raise ValueError(f"expected WARC, WAT and WET readers, got {sorted(readers)}")
        if all(reader.getOffsetBytes() == "0" for reader in readers.values()):
            _skip_headers(readers)
        start = _offsets(readers)
        got = _Collected()
        request_meta = got.take(readers[WAT])
        if request_meta is None:
            leftovers = [file_type for file_type in (WARC, WET) if readers[file_type].nextRecord(True) is not None]
            if leftovers:
                raise CommonCrawlError(f"the WAT file ended but {', '.join(leftovers)} still has records")
            return self._result(readers, None, SingleFileReaderState.COMPLETED, ParseDocumentResultStatus.SUCCESS)
        response_meta = got.take(readers[WAT])
        metadata_meta = got.take(readers[WAT])
        request = got.take(readers[WARC])
        response = got.take(readers[WARC])
        metadata = got.take(readers[WARC])
        records = [request_meta, response_meta, metadata_meta, request, response, metadata]
        url = _uri(request_meta) or _uri(request) or ""
        mismatched = sorted({u for u in map(_uri, records) if u and u != url})
        conversion = readers[WET].nextRecord(True)
        if conversion is not None and _uri(conversion) == url:
            got.take(readers[WET])
        else:
            conversion = None
        end = _offsets(readers)
        doc_id = url or str(uuid.uuid4())
        if mismatched:
            message = f"the segment's files are out of step: {url!r} and {mismatched} in one composite"
            return self._error(readers, doc_id, start, end, message, got.errors)
        if got.errors or any(r is None for r in records):
            message = f"{len(got.errors)} record(s) of {url} could not be parsed" if got.errors else \
                f"the files ended in the middle of the records of {url}"
            return self._error(readers, doc_id, start, end, message, got.errors)
        assert request_meta is not None and response_meta is not None and metadata_meta is not None
        if conversion is None:
            skip = SkipDoc(doc_id, WET_CONVERSION, doc_id, {}, {"url": url}, start, end,
                           "no WET conversion record (no extracted text) for this URL")
            composite = CompositeDoc(doc_id, WET_CONVERSION, doc_id, {}, skip, None)
            return self._result(readers, composite, SingleFileReaderState.PROCESSING, ParseDocumentResultStatus.SKIP)
        record = index_record(url, response_meta, metadata_meta, conversion)
        composite = CompositeDoc(url, INDEX_RECORD_TYPE, url, {}, record, None)
        return self._result(readers, composite, SingleFileReaderState.PROCESSING, ParseDocumentResultStatus.SUCCESS)

    def _error(self, readers: dict[str, SystemFileReader], doc_id: str, start: dict[str, str], end: dict[str, str],
               message: str, errors: list[ErrorDoc]) -> ParseCompositeDocumentResult:
        record_type = errors[0].getRecordType() if errors else INDEX_RECORD_TYPE
        error = ErrorDoc(doc_id, record_type, doc_id, {}, {"url": doc_id}, start, end, message)
        composite = CompositeDoc(doc_id, record_type, doc_id, {}, error, errors)
        return self._result(readers, composite, SingleFileReaderState.PROCESSING, ParseDocumentResultStatus.ERROR)

    def _result(self, readers: dict[str, SystemFileReader], composite: CompositeDoc | None,
                reader_state: SingleFileReaderState, status: ParseDocumentResultStatus) -> ParseCompositeDocumentResult:
        last = _last_types(readers)
        following: dict[str, str | None]
        if reader_state is SingleFileReaderState.COMPLETED:
            following = dict.fromkeys(readers)
        else:
            following = dict(self.getNextExpectedRecordType(last))
        return ParseCompositeDocumentResult(following, composite, last, _offsets(readers), reader_state, status)


class CommonCrawlWARCSingleFileStateMachineReader(SingleFileStateMachineReader):
    """A WARC file alone -> one composite per URL holding its response record."""

    def __init__(self) -> None:
        self._parser = WARCFileParser()

    def getS3FileType(self) -> str:
        return WARC

    def getResolvedS3FileName(self, s3FileType: str, fileName: str) -> str:
        self._parser.getResolvedS3FileName(s3FileType, fileName)  # checks the file type
        return fileName

    def getReaderParserInterfacesForS3FileType(self, s3FileType: str) -> SingleFileStateMachineParser:
        self._parser.getResolvedS3FileName(s3FileType, "")
        return self._parser

    def getNextExpectedRecordType(self, s3FileType: str, lastProcessedRecordType: str | None) -> str:
        return self._parser.getNextExpectedRecordType(s3FileType, lastProcessedRecordType)

    def parseDocument(self, s3FileType: str, lastProcessedRecordType: str | None, lastProcessedDoc: Document | None,
                      fileReader: SystemFileReader) -> ParseCompositeDocumentResult:
        readers = {s3FileType: fileReader}
        if fileReader.getOffsetBytes() == "0":
            _skip_headers(readers)
        start = _offsets(readers)
        got = _Collected()
        request = got.take(fileReader)
        if request is None:
            return ParseCompositeDocumentResult({s3FileType: None}, None, _last_types(readers), start,
                                                SingleFileReaderState.COMPLETED, ParseDocumentResultStatus.SUCCESS)
        response = got.take(fileReader)
        metadata = got.take(fileReader)
        end = _offsets(readers)
        following = {s3FileType: self.getNextExpectedRecordType(s3FileType, fileReader.getLastRecordType())}
        url = _uri(request) or _uri(response) or str(uuid.uuid4())
        if got.errors or response is None or metadata is None:
            message = f"{len(got.errors)} record(s) of {url} could not be parsed" if got.errors else \
                f"the file ended in the middle of the records of {url}"
            record_type = got.errors[0].getRecordType() if got.errors else WARC_RESPONSE
            error = ErrorDoc(url, record_type, url, {}, {"url": url}, start, end, message)
            composite = CompositeDoc(url, record_type, url, {}, error, got.errors)
            return ParseCompositeDocumentResult(following, composite, _last_types(readers), end,
                                                SingleFileReaderState.PROCESSING, ParseDocumentResultStatus.ERROR)
        values = dict(response.getDocumentKeyValuesMap())
        values["metadata"] = metadata.getDocumentKeyValuesMap().get("fields")
        values["httpMethod"] = request.getDocumentKeyValuesMap().get("httpMethod")
        record = SingleDoc(DocumentType.SingleDoc, url, WARC_RESPONSE, url, {}, values)
        composite = CompositeDoc(url, WARC_RESPONSE, url, {}, record, None)
        return ParseCompositeDocumentResult(following, composite, _last_types(readers), end,
                                            SingleFileReaderState.PROCESSING, ParseDocumentResultStatus.SUCCESS)

