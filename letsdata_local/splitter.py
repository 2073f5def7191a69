"""Streaming record splitter: the platform's start/end pattern scan over an S3 object.

Why it is shaped like this: the platform scans a file for the record start pattern, then for the
end pattern, and hands the byte range (both patterns included) to ``parseDocument`` together with
the byte offset of the record start. Objects are streamed in large chunks, so a record (or one of
the patterns) can straddle a chunk boundary; the splitter keeps only the unfinished tail of the
previous chunk ("carry") and resumes the search where it left off, so every byte is examined by
``bytes.find`` (memchr / two-way search in C) a bounded number of times — never a per-byte
Python loop, which is ~30x slower (docs/performance.md, Record splitting).

Semantics (also implemented, deliberately naively, by the tests' reference splitter; the rule is
written down in docs/letsdata-local.md and the README):

* with a start pattern, bytes before a start match are skipped; the end pattern is searched from
  just after the start pattern;
* **boundary rule**: when the end match is also where the next record's start pattern matches
  (the Common Crawl convention start == end == ``WARC/1.0\r\nWARC-Type: conversion\r\n``: a
  record runs until the next one starts), the record ends *before* that match and the next record
  starts at it; otherwise the record includes its end pattern and the next start search begins
  right after it;
* without a start pattern, a record begins right after the previous record's end (and includes it);
* an OFFSET end hint means fixed-length records of ``offset`` bytes;
* at end of input, an unterminated record that began with a start match (or, without a start
  pattern, a non-blank tail) is emitted as a final record, so the user's parser sees it (and can
  turn it into an error document) rather than it vanishing silently. An end match whose following
  bytes are cut off by the end of input cannot be the next record's start: the record includes it.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate, chain
from typing import Any

#: A record: (byte offset of its first byte in the decompressed stream, the record bytes).
Record = tuple[int, bytes]


class RecordBatch:
    """The records found in one chunk.

    Back-to-back records (no start pattern) carry only ``base``, the offset of the first record:
    the others follow from the record lengths, computed with ``itertools.accumulate`` in C when
    asked for. That keeps the single-delimiter path at C speed (``BytesIO.readlines`` / ``find``)
    instead of building an offset per record in Python.
    """

    __slots__ = ("base", "records", "_offsets")

    def __init__(self, records: list[bytes], base: int = 0, offsets: list[int] | None = None) -> None:
        self.records = records
        self.base = base
        self._offsets = offsets

    def __len__(self) -> int:
        return len(self.records)

    @property
    def offsets(self) -> list[int]:
        if self._offsets is None:
            offsets = list(accumulate(map(len, self.records), initial=self.base))
            offsets.pop()
            self._offsets = offsets
        return self._offsets

    def pairs(self) -> list[Record]:
        return list(zip(self.offsets, self.records, strict=True))

GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class SplitSpec:
    """How records are delimited. ``start`` may be empty (records are contiguous);
    either ``end`` (a pattern) or ``fixed_length`` (an OFFSET end hint) must be set."""

    start: bytes = b""
    end: bytes = b""
    fixed_length: int = 0

    def __post_init__(self) -> None:
        if not self.end and self.fixed_length <= 0:
            raise ValueError("a record end pattern (or a positive OFFSET end hint) is required")
        if self.end and self.fixed_length:
            raise ValueError("give either an end pattern or an OFFSET end hint, not both")


class RecordSplitter:
    """Incremental splitter: :meth:`feed` chunks in order, then :meth:`finish`.

    Each call returns the complete records found so far as a :class:`RecordBatch`; lists rather
    than generators keep the per-record overhead to a slice and an append.
    """

    def __init__(self, spec: SplitSpec) -> None:
        self.spec = spec
        self._carry = b""
        self._base = 0  # file offset of self._carry[0]
        self._in_record = False  # carry starts at a record start (start pattern already matched)
        self._resume = 0  # where the pending search resumes inside carry (+ new chunk)
        # single "\n" delimiter, no start: BytesIO.readlines splits on b"\n" only, in C
        self._lines = not spec.start and spec.end == b"\n"

    # -- public API -------------------------------------------------------------------------
    @property
    def pending_offset(self) -> int:
        """Offset of the first byte not yet returned in a record (where an interrupted file stops)."""
        return self._base

    def feed(self, chunk: bytes) -> RecordBatch:
        if not chunk:
            return RecordBatch([], self._base)
        buf = self._carry + chunk if self._carry else chunk
        if self.spec.fixed_length:
            return self._fixed(buf)
        if not self.spec.start:
            return self._contiguous(buf)
        return self._patterned(buf)

    def finish(self) -> RecordBatch:
        """Flush the unterminated tail (see module docstring) and reset."""
        tail, base, in_record = self._carry, self._base, self._in_record
        batch = RecordBatch([], base + len(tail))
        if tail and self.spec.start and not self.spec.fixed_length:
            # a pending end match may still be decided (now that no more bytes can follow it)
            batch = self._patterned(tail, final=True)
            tail, base, in_record = self._carry, self._base, self._in_record
        self._carry, self._base, self._in_record, self._resume = b"", base + len(tail), False, 0
        if not tail or (self.spec.start and not in_record) or not tail.strip():
            return batch
        if batch.records:
            batch.offsets.append(base)
            batch.records.append(tail)
            return batch
        return RecordBatch([tail], base)

    # -- variants -----------------------------------------------------------------------------
    def _contiguous(self, buf: bytes) -> RecordBatch:
        """No start pattern: records are back to back, each ending with the end pattern."""
        base = self._base
        if self._lines:
            records = io.BytesIO(buf).readlines()
            if records and not records[-1].endswith(b"\n"):
                self._carry = records.pop()
            else:
                self._carry = b""
            self._base = base + len(buf) - len(self._carry)
            self._resume = 0
            return RecordBatch(records, base)
        end = self.spec.end
        n_end = len(end)
        find = buf.find
        out: list[bytes] = []
        append = out.append
        pos = 0
        search = self._resume
        while True:
            j = find(end, search)
            if j < 0:
                break
            j += n_end
            append(buf[pos:j])
            pos = search = j
        self._carry = buf[pos:]
        self._base = base + pos
        # resume so a pattern straddling the boundary is still found, without rescanning
        self._resume = max(0, len(buf) - pos - (n_end - 1))
        return RecordBatch(out, base)

    def _patterned(self, buf: bytes, final: bool = False) -> RecordBatch:
        """Start and end patterns, with the boundary rule of the module docstring.

        The inner loop does two ``find`` calls and one ``startswith`` per record. An end match too
        close to the end of ``buf`` to tell whether the start pattern follows it is kept in the
        carry and decided on the next chunk (or, at the end of input, ``final``: it is not a start).
        """
        start, end = self.spec.start, self.spec.end
        n_start, n_end = len(start), len(end)
        find = buf.find
        startswith = buf.startswith
        records: list[bytes] = []
        offsets: list[int] = []
        add_record = records.append
        add_offset = offsets.append
        base = self._base
        size = len(buf)
        pos = 0  # start of the pending record (when in_record) or of unsearched data
        search = self._resume
        in_record = self._in_record
        while True:
            if not in_record:
                i = find(start, search)
                if i < 0:
                    keep = max(pos, size - (n_start - 1))
                    self._carry = buf[keep:]
                    self._base = base + keep
                    self._resume = 0
                    self._in_record = False
                    return RecordBatch(records, base, offsets)
                pos = i
                search = i + n_start
                in_record = True
            j = find(end, search)
            if j < 0:
                self._carry = buf[pos:]
                self._base = base + pos
                self._resume = max(search - pos, size - pos - (n_end - 1))
                self._in_record = True
                return RecordBatch(records, base, offsets)
            if startswith(start, j):  # the next record starts at this end match: end before it
                add_offset(base + pos)
                add_record(buf[pos:j])
                pos, search = j, j + n_start
                continue
            if not final and size - j < n_start and start.startswith(buf[j:]):
                # undecided: the bytes after the end match are a prefix of the start pattern
                self._carry = buf[pos:]
                self._base = base + pos
                self._resume = j - pos
                self._in_record = True
                return RecordBatch(records, base, offsets)
            j += n_end
            add_offset(base + pos)
            add_record(buf[pos:j])
            if startswith(start, j):  # the common case: the next record starts right after the end
                pos, search = j, j + n_start
            else:
                pos = search = j
                in_record = False

    def _fixed(self, buf: bytes) -> RecordBatch:
        """OFFSET end hint: fixed-length records (after an optional start pattern)."""
        length = self.spec.fixed_length
        start = self.spec.start
        records: list[bytes] = []
        offsets: list[int] = []
        base = self._base
        pos = 0
        size = len(buf)
        while True:
            rec_start = pos
            if start and not self._in_record:
                i = buf.find(start, pos)
                if i < 0:
                    keep = max(pos, size - (len(start) - 1))
                    self._carry, self._base = buf[keep:], base + keep
                    return RecordBatch(records, base, offsets)
                rec_start = i
            if rec_start + length > size:
                self._carry, self._base = buf[rec_start:], base + rec_start
                self._in_record = bool(start)
                return RecordBatch(records, base, offsets)
            offsets.append(base + rec_start)
            records.append(buf[rec_start : rec_start + length])
            pos = rec_start + length
            self._in_record = False


class RecordPuller:
    """One record at a time, with patterns that may change from record to record.

    For readers whose parser decides the next record's hints after seeing the current record (the
    state-machine parsers' ``getNextRecordStartPattern`` / ``getNextRecordEndPattern``). The rule is
    the module docstring's, with ``next_start`` — the start pattern of the record expected next,
    ``start`` by default — as the pattern the boundary rule compares the end match with. With the
    same patterns on every call it returns exactly what :class:`RecordSplitter` returns (both are
    checked against the tests' reference); it is the slower of the two (one Python call per record).
    """

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._buf = b""
        self._base = 0  # file offset of self._buf[0]
        self._pos = 0  # first byte of self._buf not yet returned or skipped

    @property
    def offset(self) -> int:
        """File offset of the first byte not yet returned or skipped."""
        return self._base + self._pos

    def _more(self) -> bool:
        for chunk in self._chunks:
            if chunk:
                self._buf += chunk
                return True
        return False

    def next_record(self, start: bytes, end: bytes, next_start: bytes | None = None) -> Record | None:
        """The next (offset, record), or None at the end of the input."""
        if not end:
            raise ValueError("a record end pattern is required")
        if self._pos:  # forget what earlier records consumed (indices below stay valid in this call)
            self._base += self._pos
            self._buf = self._buf[self._pos :]
            self._pos = 0
        following = start if next_start is None else next_start
        if start:
            search = 0
            while True:
                i = self._buf.find(start, search)
                if i >= 0:
                    break
                search = max(0, len(self._buf) - (len(start) - 1))
                # the bytes searched without a match are skipped, never part of a record: drop them,
                # so a long stretch without a start pattern is not held (nor re-copied) in memory
                self._base += search
                self._buf = self._buf[search:]
                search = 0
                if not self._more():
                    self._pos = len(self._buf)
                    return None
            record_start, search = i, i + len(start)
        else:
            while not self._buf and self._more():
                pass
            if not self._buf:
                return None
            record_start = search = 0
        while True:
            buf = self._buf
            j = buf.find(end, search)
            if j >= 0:
                if following and buf.startswith(following, j):
                    self._pos = j
                    return self._base + record_start, buf[record_start:j]
                if following and len(buf) - j < len(following) and following.startswith(buf[j:]) and self._more():
                    search = j  # the bytes after the end match were cut short: decide with more input
                    continue
                self._pos = j + len(end)
                return self._base + record_start, buf[record_start : self._pos]
            search = max(search, len(buf) - (len(end) - 1))
            if not self._more():
                self._pos = len(buf)
                tail = buf[record_start:]
                return (self._base + record_start, tail) if tail.strip() else None


def split_stream(chunks: Iterable[bytes], spec: SplitSpec) -> Iterator[RecordBatch]:
    """Split an iterable of chunks, yielding the (non-empty) record batch of each chunk."""
    splitter = RecordSplitter(spec)
    for chunk in chunks:
        batch = splitter.feed(chunk)
        if batch.records:
            yield batch
    tail = splitter.finish()
    if tail.records:
        yield tail


class GzipStreamError(ValueError):
    """A gzip stream that is truncated or followed by bytes that are not another gzip member."""


def is_gzip(prefix: bytes) -> bool:
    """gzip is recognised by content, as the platform reads objects: the magic bytes ``1f 8b``."""
    return prefix[:2] == GZIP_MAGIC


def gunzip_chunks(chunks: Iterable[bytes], max_out: int = 16 * 1024 * 1024) -> Iterator[bytes]:
    """Transparently gunzip a chunk stream if it starts with the gzip magic; else pass it through.

    Member by member: a ``.warc.wet.gz`` is many gzip members back to back (one per WARC record),
    and each member is decoded by its own ``zlib.decompressobj`` as soon as the previous one ends.
    The output per step is bounded by ``max_out``, so a highly compressible object never
    materialises whole in memory. Zero bytes after the last member (tape/block padding) are ignored,
    as the ``gzip`` module does; anything else after a member, or a member cut short, raises
    :class:`GzipStreamError` naming the compressed byte offset — never a silently short file.
    """
    iterator = iter(chunks)
    head = b""
    for chunk in iterator:  # the magic needs two bytes, which may arrive in two chunks
        head += chunk
        if len(head) >= 2:
            break
    if not head:
        return
    if not is_gzip(head):
        yield head
        yield from iterator
        return
    yield from _gunzip_members(head, iterator, max_out)


def _gunzip_members(head: bytes, rest: Iterator[bytes], max_out: int) -> Iterator[bytes]:
    pos = 0  # compressed offset of data[0]
    member_start = 0
    decomp: Any = None  # None between members
    pending = b""  # a lone 0x1f between members: the first half of the next member's magic
    for chunk in chain((head,), rest):
        data = pending + chunk
        pending = b""
        while True:
            if decomp is None:
                stripped = data.lstrip(b"\0")
                pos += len(data) - len(stripped)
                data = stripped
                if not data:
                    break
                if len(data) < 2 and GZIP_MAGIC.startswith(data):
                    pending = data
                    break
                if not is_gzip(data):
                    raise GzipStreamError(f"bytes at compressed offset {pos}, after a complete gzip member, are "
                                          "neither another gzip member nor zero padding")
                decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
                member_start = pos
            given = len(data)
            try:
                out = decomp.decompress(data, max_out)
            except zlib.error as exc:
                raise GzipStreamError(f"corrupt gzip member at compressed offset {member_start}: {exc}") from exc
            if out:
                yield out
            if decomp.eof:
                data = decomp.unused_data
                pos += given - len(data)
                decomp = None
                continue
            data = decomp.unconsumed_tail
            pos += given - len(data)
            if not data:
                break
    if pending:
        raise GzipStreamError(f"a stray byte at compressed offset {pos} after the last gzip member")
    if decomp is not None:
        raise GzipStreamError(f"the gzip member at compressed offset {member_start} is truncated "
                              "(the object ends before the member does)")
