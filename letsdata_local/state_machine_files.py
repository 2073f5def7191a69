"""The runtime's ``SystemFileReader``: one streamed file read record by record through a state machine.

Why it is shaped like this: a state-machine file (a WARC file: request -> response -> metadata) is
read with patterns that change with the record type expected next, so the fixed-pattern
:class:`letsdata_local.splitter.RecordSplitter` cannot split it ahead of time. This reader keeps a
window of the decompressed stream (chunks from :func:`letsdata_local.splitter.gunzip_chunks`, so
gzip — including Common Crawl's one-member-per-record gzip — is handled exactly as for single-file
datasets), searches it with ``bytes.find`` and only ever holds the unconsumed tail plus one chunk,
never the whole file.

Record boundaries follow the single-file rule: the record starts at the start pattern of the
expected type; it ends after its end pattern, except when the end match is where the *next*
record's start pattern matches (a WARC request "ends" at ``WARC-Type: response``), in which case it
ends before it. A final record without an end match runs to the end of the file. The next record's
start pattern is ``getNextRecordStartPattern(getNextExpectedRecordType(current))`` with no last
document, cached per record type (see docs/state-machine-readers.md).

A record the parser rejects — it raises, returns something that is not a ParseDocumentResult, or
returns status ``ERROR`` — comes back from :meth:`nextRecord` as an ErrorDoc carrying the record's
byte range, and the state machine moves on to the type after it, so one bad record never stops the
file.
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

_State = SingleFileReaderState


class StateMachineError(RuntimeError):
    """The parser's state machine cannot continue (its hints or transitions failed)."""


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
                 next_record_type: str | None = None) -> None:
        self._file_type = file_type
        self._file_name = file_name
        self._parser = parser
        self._chunks: Iterator[bytes] = iter(chunks)
        self._buf = b""
        self._base = 0  # file offset of _buf[0]
        self._pos = 0  # file offset just past the last consumed record
        self._floor = 0  # bytes before this file offset are never needed again (dropped on refill)
        self._eof = False
        self._state = _State.CREATED
        self._last_type = last_record_type
        self._next_type = next_record_type
        self._last_doc: Document | None = None
        self._peeked: _Pending | None = None
        self._next_start_cache: dict[str, bytes] = {}
        #: consumed records per status (``SUCCESS`` / ``ERROR`` / ``SKIP``)
        self.counts: Counter[str] = Counter()
        if start_offset:
            self._skip_to(start_offset)

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
        self._buf = b""
        self._peeked = None
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()

    # -- internals ------------------------------------------------------------------------------
    def _transition(self, target: SingleFileReaderState) -> None:
        if self._state is _State.COMPLETED and target is _State.COMPLETED:
            return
        SingleFileReaderState.assertValidTransition(self._state, target)
        self._state = target

    def _fill(self) -> bool:
        """Append the next chunk, dropping the consumed prefix; False at end of stream."""
        if self._eof:
            return False
        for chunk in self._chunks:
            if chunk:
                keep = self._floor - self._base
                self._buf = self._buf[keep:] + chunk if keep > 0 else self._buf + chunk
                self._base = max(self._base, self._floor)
                return True
        self._eof = True
        return False

    def _skip_to(self, offset: int) -> None:
        while self._base + len(self._buf) < offset:
            self._pos = self._floor = self._base + len(self._buf)
            if not self._fill():
                raise StateMachineError(f"cannot resume {self._file_name} at offset {offset}: the file is shorter")
        self._pos = self._floor = offset

    def _find(self, pattern: bytes, start: int, skipping: bool = False) -> int:
        """File offset of the first ``pattern`` at or after file offset ``start``, or -1 at end of file.

        ``skipping``: the bytes searched are not part of a record (looking for a start pattern), so
        they may be dropped while searching — a long stretch without a match never piles up.
        """
        search = start
        while True:
            i = self._buf.find(pattern, max(0, search - self._base))
            if i >= 0:
                return self._base + i
            search = max(search, self._base + len(self._buf) - len(pattern) + 1)
            if skipping:
                self._floor = max(self._floor, search)
            if not self._fill():
                return -1

    def _available(self, end: int) -> int:
        """Make the window reach file offset ``end`` if the file is that long; returns the reachable end."""
        while self._base + len(self._buf) < end and self._fill():
            pass
        return min(end, self._base + len(self._buf))

    def _expected(self) -> str:
        if self._next_type is None:
            try:
                self._next_type = self._parser.getNextExpectedRecordType(self._file_type, self._last_type)
            except Exception as exc:
                raise StateMachineError(
                    f"getNextExpectedRecordType({self._file_type!r}, {self._last_type!r}) failed for "
                    f"{self._file_name}: {type(exc).__name__}: {exc}") from exc
        return str(self._next_type)

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
        if not start_hint.pattern:
            raise StateMachineError("an OFFSET start hint is not supported: records are found by a start pattern")
        self._floor = self._pos
        start = self._find(start_hint.pattern, self._pos, skipping=True)
        if start < 0:
            return None
        self._floor = start
        if end_hint.length:
            end = self._available(start + end_hint.length)
        else:
            match = self._find(end_hint.pattern, start + len(start_hint.pattern))
            if match < 0:
                end = self._base + len(self._buf)  # the last record runs to the end of the file
            else:
                following = self._next_start(expected)
                if (following and self._available(match + len(following)) >= match
                        and self._buf.startswith(following, match - self._base)):
                    end = match
                else:
                    end = match + len(end_hint.pattern)
        record = self._buf[start - self._base:end - self._base]
        return self._parse(expected, start, end, record)

    def _parse(self, expected: str, start: int, end: int, record: bytes) -> _Pending:
        try:
            result = self._parser.parseDocument(self._file_type, self._file_name, start, self._last_type,
                                                self._last_doc, record, 0, len(record))
        except Exception as exc:
            return self._rejected(expected, start, end, f"parseDocument raised {type(exc).__name__}: {exc}",
                                  type(exc).__name__)
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

    def _successor(self, record_type: str) -> str:
        try:
            return str(self._parser.getNextExpectedRecordType(self._file_type, record_type))
        except Exception as exc:
            raise StateMachineError(
                f"getNextExpectedRecordType({self._file_type!r}, {record_type!r}) failed for {self._file_name}: "
                f"{type(exc).__name__}: {exc}") from exc

    def _rejected(self, expected: str, start: int, end: int, message: str, error_type: str) -> _Pending:
        doc_id = f"{self._file_name}@{start}"
        document = ErrorDoc(doc_id, expected, doc_id, {"errorType": error_type, "fileName": self._file_name}, {},
                            {self._file_type: str(start)}, {self._file_type: str(end)}, message)
        return _Pending(end, expected, self._successor(expected), document, "ERROR")
