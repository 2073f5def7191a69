"""Test implementations for the state-machine task tests: a single-file state-machine reader that
joins every two JSON lines (the 40-byte lines of ``tests/letsdata_local/test_tasks.py``) into one
composite document named after the first line's id.

Settings come from the environment so a CLI subprocess (the SIGKILL test) and worker processes see
them too:

* ``LETSDATA_TEST_SLEEP``: seconds to wait per composite (a slow user implementation);
* ``LETSDATA_TEST_HUGE``: the id of a line whose composite carries a 500,000-character field;
* ``LETSDATA_TEST_RAISE_AT``: the reader raises on the composite starting with the line of this id.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

from letsdata_interfaces.documents.CompositeDoc import CompositeDoc
from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.readers.model.ParseCompositeDocumentResult import ParseCompositeDocumentResult
from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult
from letsdata_interfaces.readers.model.RecordHintType import RecordHintType
from letsdata_interfaces.readers.model.RecordParseHint import RecordParseHint

FILE_TYPE = "LOG"


class LineParser:
    """One JSON line is one record of type LINE."""

    def getNextExpectedRecordType(self, s3FileType: str, lastProcessedRecordType: str | None) -> str:
        return "LINE"

    def getNextRecordStartPattern(self, s3FileType: str, expectedRecordType: str, lastDoc: Any) -> RecordParseHint:
        return RecordParseHint(RecordHintType.PATTERN, '{"id"', -1)

    def getNextRecordEndPattern(self, s3FileType: str, expectedRecordType: str, lastDoc: Any) -> RecordParseHint:
        return RecordParseHint(RecordHintType.PATTERN, "\n", -1)

    def parseDocument(self, s3FileType: str, s3Filename: str, offsetBytes: int, lastProcessedRecordType: Any,
                      lastProcessedDoc: Any, byteArr: bytearray, startIndex: int, endIndex: int) -> Any:
        value = json.loads(bytes(byteArr[startIndex:endIndex]))
        return ParseDocumentResult(None, Document("Document", value["id"], "LINE", value["id"], {}, value), "SUCCESS")


class PairReader:
    """Joins every two lines into one composite; an odd last line is a composite of its own."""

    def getS3FileType(self) -> str:
        return FILE_TYPE

    def getResolvedS3FileName(self, s3FileType: str, fileName: str) -> str:
        return fileName

    def getReaderParserInterfacesForS3FileType(self, s3FileType: str) -> Any:
        return LineParser()

    def parseDocument(self, s3FileType: str, lastProcessedRecordType: Any, lastProcessedDoc: Any,
                      reader: Any) -> Any:
        first = reader.nextRecord(False)
        last = {s3FileType: reader.getLastRecordType()}
        if first is None:
            return ParseCompositeDocumentResult({}, None, last, {s3FileType: reader.getOffsetBytes()}, "COMPLETED",
                                                "SUCCESS")
        if first.getDocumentId() == os.environ.get("LETSDATA_TEST_RAISE_AT"):
            raise RuntimeError(f"cannot join {first.getDocumentId()}")
        delay = float(os.environ.get("LETSDATA_TEST_SLEEP") or 0)
        if delay:
            time.sleep(delay)
        second = reader.nextRecord(False)
        ids = [doc.getDocumentId() for doc in (first, second) if doc is not None]
        values: dict[str, Any] = {"lines": ids}
        if os.environ.get("LETSDATA_TEST_HUGE") in ids:
            values["blob"] = "x" * 500_000
        joined = Document("Document", ids[0], "Pair", ids[0], {}, values)
        return ParseCompositeDocumentResult({}, CompositeDoc(ids[0], "Pair", ids[0], {}, joined, None),
                                            {s3FileType: reader.getLastRecordType()},
                                            {s3FileType: reader.getOffsetBytes()}, "PROCESSING", "SUCCESS")
