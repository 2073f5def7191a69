"""The runtime's ``SystemFileReader``: one streamed file read record by record through a state machine.

Why it is shaped like this: a state-machine file (a WARC file: request -> response -> metadata) is
read with patterns that change with the record type expected next, so the records are pulled one at
a time with :class:`letsdata_local.splitter.RecordPuller` — the single-file splitter's boundary rule
with per-record patterns — from the decompressed stream (:func:`letsdata_local.splitter.gunzip_chunks`,
so gzip, including Common Crawl's one member per record, is handled exactly as for single-file
datasets). Only the unconsumed tail of the stream is held, never the whole file.

The boundary rule: a record starts at the start pattern of the expected type and ends after its end
pattern, except when the end match is where the *next* record's start pattern matches (a WARC
request "ends" at ``WARC-Type: response``), in which case it ends before it; a last record without an
end match runs to the end of the file. The next record's start pattern is
``getNextRecordStartPattern(getNextExpectedRecordType(current))`` with no last document, cached per
record type (see docs/state-machine-readers.md).

A record the parser rejects — it returns status ``ERROR``, or something that is not a
ParseDocumentResult — comes back from :meth:`nextRecord` as an ErrorDoc with the record's byte range,
and the state machine moves on, so one bad record never stops the file. An exception raised by
``parseDocument`` is a task error, as on the platform (:class:`RecordParseError` names the record),
unless the reader was built with ``exceptions_as_errors``: then it becomes an ErrorDoc too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.documents.ErrorDoc import ErrorDoc
from letsdata_interfaces.readers.model.SingleFileReaderState import SingleFileReaderState
from letsdata_interfaces.readers.SystemFileReader import SystemFileReader
from letsdata_local.splitter import RecordPuller

_State = SingleFileReaderState


class StateMachineError(RuntimeError):
    """The parser's state machine cannot continue (its hints or transitions failed)."""


class RecordParseError(RuntimeError):
    """``parseDocument`` raised on a record: a task error (the message names the file and offset)."""


@dataclass(frozen=True)
class Hint:
    """A resolved RecordParseHint: a pattern (bytes) or a fixed length (OFFSET)."""

    pattern: bytes = b""
    length: int = 0


def resolve_hint(hint: Any, what: str) -> Hint:
    """Turn a RecordParseHint object (or its wire dict) into a :class:`Hint`; errors name ``what``."""
    if hint is None:
        raise StateMachineError(f"{what} returned None, expected a RecordParseHint")
    if isinstance(hint, dict):
        kind, pattern, offset = hint.get("recordHintType"), hint.get("pattern"), hint.get("offset")
    else:
        kind, pattern, offset = (getattr(hint, "recordHintType", None), getattr(hint, "pattern", None),
                                 getattr(hint, "offset", None))
    kind = str(getattr(kind, "value", kind)).upper()
    if kind == "PATTERN":
        if not isinstance(pattern, str) or not pattern:
            raise StateMachineError(f"{what} returned a PATTERN hint without a non-empty string pattern")
        return Hint(pattern=pattern.encode("utf-8"))
    if kind == "OFFSET":
        if isinstance(offset, bool) or not isinstance(offset, int) or offset <= 0:
            raise StateMachineError(f"{what} returned an OFFSET hint without a positive int offset: {offset!r}")
        return Hint(length=offset)
    raise StateMachineError(f"{what} returned a hint of unknown type {kind!r} (allowed values: PATTERN, OFFSET)")


@dataclass
class _Pending:
    """A located and parsed record that is not consumed yet (a peek)."""

    end: int
    record_type: str
    next_type: str | None
    document: Document
    status: str


class StreamingFileReader(SystemFileReader):
    """Streams one file's decompressed bytes and yields its records' documents in state-machine order.

    ``chunks`` must already be decompressed (wrap an S3 body in ``gunzip_chunks``). To resume from a
    checkpoint (:meth:`checkpoint`), pass its ``offset`` and record types: the bytes before the offset
    are read and discarded (a gzip stream cannot be entered in the middle).
    """

    def __init__(self, file_type: str, file_name: str, chunks: Iterable[bytes], parser: Any, *,
                 start_offset: int = 0, last_record_type: str | None = None,
                 next_record_type: str | None = None, exceptions_as_errors: bool = False) -> None:
        self._file_type = file_type
        self._file_name = file_name
        self._parser = parser
        self._source: Iterator[bytes] = iter(chunks)
        self._origin = start_offset  # file offset of the puller's offset 0
        self._puller = RecordPuller(_after(self._source, start_offset, file_name) if start_offset else self._source)
        self._pos = start_offset  # file offset just past the last consumed record
        self._state = _State.CREATED
        self._last_type = last_record_type
        self._next_type = next_record_type
        self._last_doc: Document | None = None
        self._peeked: _Pending | None = None
        self._next_start_cache: dict[str, bytes] = {}
        self._exceptions_as_errors = exceptions_as_errors
        #: consumed records per status (``SUCCESS`` / ``ERROR`` / ``SKIP``)
        self.counts: Counter[str] = Counter()

    # -- SystemFileReader ---------------------------------------------------------------------
    def nextRecord(self, peek: bool) -> Document | None:
        if self._state is _State.CLOSED:
            raise StateMachineError(f"the reader of {self._file_name} is closed")
        pending = self._peeked
        if pending is None:
            pending = self._read()
            if pending is None:
                self._transition(_State.COMPLETED)
                return None
        if peek:
            self._peeked = pending
        else:
            self._peeked = None
            self._pos = pending.end
            self._last_type = pending.record_type
            self._next_type = pending.next_type
            self._last_doc = pending.document
            self.counts[pending.status] += 1
        return pending.document

    def getState(self) -> SingleFileReaderState:
        return self._state

    def getOffsetBytes(self) -> str:
        return str(self._pos)

    def getFileType(self) -> str:
        return self._file_type

    def getFileName(self) -> str:
        return self._file_name

    def getLastRecordType(self) -> str | None:
        return self._last_type

    # -- runtime API ----------------------------------------------------------------------------
    @property
    def offset(self) -> int:
        return self._pos

    def checkpoint(self) -> dict[str, Any]:
        """Where a restarted task resumes this file: offset and the state machine's position."""
        return {"offset": self._pos, "lastRecordType": self._last_type, "nextRecordType": self._next_type}

    def close(self) -> None:
        self._transition(_State.CLOSED)
        self._peeked = None
        close = getattr(self._source, "close", None)
        if close is not None:
            close()

    # -- internals ------------------------------------------------------------------------------
    def _transition(self, target: SingleFileReaderState) -> None:
        if self._state is _State.COMPLETED and target is _State.COMPLETED:
            return
        SingleFileReaderState.assertValidTransition(self._state, target)
        self._state = target

    def _expected(self) -> str:
        if self._next_type is None:
            self._next_type = self._successor(self._last_type)
        return str(self._next_type)

    def _successor(self, record_type: str | None) -> str:
        try:
            return str(self._parser.getNextExpectedRecordType(self._file_type, record_type))
        except Exception as exc:
            raise StateMachineError(
                f"getNextExpectedRecordType({self._file_type!r}, {record_type!r}) failed for {self._file_name}: "
                f"{type(exc).__name__}: {exc}") from exc

    def _next_start(self, record_type: str) -> bytes:
        """The start pattern of the record after one of ``record_type`` (b"" if it has none)."""
        cached = self._next_start_cache.get(record_type)
        if cached is None:
            cached = b""
            try:
                following = self._parser.getNextExpectedRecordType(self._file_type, record_type)
                hint = resolve_hint(self._parser.getNextRecordStartPattern(self._file_type, following, None),
                                    "getNextRecordStartPattern")
                cached = hint.pattern
            except Exception:  # no known successor: the end pattern is part of the record
                cached = b""
            self._next_start_cache[record_type] = cached
        return cached

    def _read(self) -> _Pending | None:
        """Locate and parse the next record (not consumed); None at end of file."""
        if self._state is _State.CREATED:
            self._transition(_State.PROCESSING)
        expected = self._expected()
        parser, file_type = self._parser, self._file_type
        try:
            start_hint = resolve_hint(parser.getNextRecordStartPattern(file_type, expected, self._last_doc),
                                      "getNextRecordStartPattern")
            end_hint = resolve_hint(parser.getNextRecordEndPattern(file_type, expected, self._last_doc),
                                    "getNextRecordEndPattern")
        except StateMachineError:
            raise
        except Exception as exc:
            raise StateMachineError(f"the record hints for {expected!r} in {self._file_name} failed: "
                                    f"{type(exc).__name__}: {exc}") from exc
        if not start_hint.pattern or not end_hint.pattern:
            raise StateMachineError(f"OFFSET record hints are not supported for state-machine files ({expected!r} in "
                                    f"{self._file_name}): give PATTERN start and end hints")
        found = self._puller.next_record(start_hint.pattern, end_hint.pattern, self._next_start(expected))
        if found is None:
            return None
        offset, record = found
        start = self._origin + offset
        return self._parse(expected, start, start + len(record), record)

    def _parse(self, expected: str, start: int, end: int, record: bytes) -> _Pending:
        try:
            result = self._parser.parseDocument(self._file_type, self._file_name, start, self._last_type,
                                                self._last_doc, record, 0, len(record))
        except Exception as exc:
            message = f"parseDocument raised {type(exc).__name__}: {exc}"
            if not self._exceptions_as_errors:
                raise RecordParseError(f"{self._file_name}@{start} ({expected}): {message}") from exc
            return self._rejected(expected, start, end, message, type(exc).__name__)
        document = getattr(result, "document", None)
        status = getattr(result, "status", None)
        status_text = str(getattr(status, "value", status)).upper()
        if not isinstance(document, Document) or status_text not in ("SUCCESS", "ERROR", "SKIP"):
            return self._rejected(expected, start, end,
                                  f"parseDocument returned {type(result).__name__} (status {status_text!r}, "
                                  f"document {type(document).__name__}); expected a ParseDocumentResult with a "
                                  "document", "TypeError")
        next_type = getattr(result, "nextRecordType", None)
        if next_type is None:
            next_type = self._successor(expected)
        if status_text == "ERROR" and isinstance(document, ErrorDoc):
            if not document.errorStartoffsetMap:
                document.errorStartoffsetMap = {self._file_type: str(start)}
            if not document.errorEndoffsetMap:
                document.errorEndoffsetMap = {self._file_type: str(end)}
        return _Pending(end, expected, next_type, document, status_text)

    def _rejected(self, expected: str, start: int, end: int, message: str, error_type: str) -> _Pending:
        doc_id = f"{self._file_name}@{start}"
        document = ErrorDoc(doc_id, expected, doc_id, {"errorType": error_type, "fileName": self._file_name}, {},
                            {self._file_type: str(start)}, {self._file_type: str(end)}, message)
        return _Pending(end, expected, self._successor(expected), document, "ERROR")


def _after(chunks: Iterator[bytes], offset: int, file_name: str) -> Iterator[bytes]:
    """The stream from byte ``offset`` on (a checkpoint): earlier bytes are read and dropped."""
    skip = offset
    for chunk in chunks:
        if skip >= len(chunk):
            skip -= len(chunk)
            continue
        yield chunk[skip:] if skip else chunk
        skip = 0
        yield from chunks
        return
    if skip:
        raise StateMachineError(f"cannot resume {file_name} at offset {offset}: the file is shorter")
