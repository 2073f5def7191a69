"""SingleFileParser example: application logs stored in S3 as JSON lines.

What it shows:

- **Record boundaries by pattern.** The platform scans the file for the start pattern ``{`` and then
  for the end pattern ``\\n``, and sends each byte range to ``parseDocument``. The end pattern is the
  newline rather than ``}\\n`` on purpose: a truncated line (no closing brace) then stays one bad
  record instead of swallowing the next, good line.
- **All three outcomes.** A well-formed record becomes a Document (status SUCCESS); malformed JSON
  becomes an ErrorDoc (status ERROR) that keeps the raw line and the record's byte range in the file;
  ``DEBUG``/``TRACE`` records become a SkipDoc (status SKIP): they are valid but not worth indexing.
- **Byte offsets.** ``offsetBytes`` is where the record starts in the S3 object, so the error and skip
  docs report ``{fileType: "<start>"}`` / ``{fileType: "<start + record length in bytes>"}`` and a
  re-run can find the line with a ranged GET.

``examples/data/sample_logs.jsonl`` is a matching sample file (a few malformed and DEBUG lines included).
"""

from __future__ import annotations

from typing import Any

from examples.letsdata._documents import RecordFormatError, decode_json_object, error, skip, success
from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.documents.DocumentType import DocumentType
from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult
from letsdata_interfaces.readers.model.RecordHintType import RecordHintType
from letsdata_interfaces.readers.model.RecordParseHint import RecordParseHint
from letsdata_interfaces.readers.parsers.SingleFileParser import SingleFileParser


class JsonLinesLogParser(SingleFileParser):
    """Parse one JSON log record per line into a ``LogRecord`` document keyed by its request id."""

    FILE_TYPE = "JSONLOGS"
    RECORD_TYPE = "LogRecord"
    #: Fields tried, in order, for the document id; the record's file position is the fallback.
    ID_FIELDS = ("id", "requestId")
    #: Log levels that are parsed successfully but skipped.
    SKIPPED_LEVELS = frozenset({"DEBUG", "TRACE"})
    START_PATTERN = "{"
    END_PATTERN = "\n"

    def getS3FileType(self) -> str:
        return self.FILE_TYPE

    def getResolvedS3FileName(self, s3FileType: str, fileName: str) -> str:
        """Logs are read where the manifest says they are; the file type must be ours."""
        if s3FileType != self.FILE_TYPE:
            raise ValueError(f"JsonLinesLogParser reads {self.FILE_TYPE} files, not {s3FileType!r}")
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
        metadata = {"s3Filename": s3Filename, "offsetBytes": offsetBytes}
        try:
            record = decode_json_object(raw, f"log record at byte {offsetBytes} of {s3Filename}")
        except RecordFormatError as exc:
            return error(
                position_id,
                self.RECORD_TYPE,
                position_id,
                start_offsets,
                end_offsets,
                str(exc),
                payload={"rawRecord": raw.decode("utf-8", errors="replace")},
                metadata=metadata,
            )
        document_id = self._document_id(record) or position_id
        level = record.get("level")
        if isinstance(level, str) and level.upper() in self.SKIPPED_LEVELS:
            return skip(
                document_id,
                self.RECORD_TYPE,
                document_id,
                start_offsets,
                end_offsets,
                f"{level.upper()} log records are not indexed",
                payload=record,
                metadata=metadata,
            )
        return success(
            Document(DocumentType.Document, document_id, self.RECORD_TYPE, document_id, metadata, record)
        )

    def _document_id(self, record: dict[str, Any]) -> str | None:
        for name in self.ID_FIELDS:
            value = record.get(name)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, int) and not isinstance(value, bool):
                return str(value)
        return None
