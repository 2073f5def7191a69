"""A deliberately naive reference splitter the real one is checked against.

Written straight from the rule in docs/letsdata-local.md, with none of the real splitter's machinery
(no chunks, no carry, no ``find``): the whole input in memory, compared one position at a time.

* skip to a start match (with a start pattern);
* look for the end pattern from just after the start pattern (or from the record's first byte);
* if the start pattern matches where the end pattern matched, the record stops before it and the
  next record starts there; otherwise the record includes the end pattern;
* an unterminated tail is a record if it began with a start match (or, without a start pattern,
  if it is not blank).
"""

from __future__ import annotations


def _matches_at(data: bytes, i: int, pattern: bytes) -> bool:
    return data[i : i + len(pattern)] == pattern


def naive_next_record(data: bytes, i: int, start: bytes, end: bytes,
                      next_start: bytes | None = None) -> tuple[int, bytes, int] | None:
    """The record found from position ``i``: (offset, record, where the next search begins), or None.

    ``next_start`` is the start pattern of the record expected next (default: ``start``); the
    boundary rule compares the end match with it.
    """
    n = len(data)
    following = start if next_start is None else next_start
    if start:
        while i < n and not _matches_at(data, i, start):
            i += 1
        if i >= n:
            return None
        j = i + len(start)
    else:
        if i >= n:
            return None
        j = i
    while j < n and not _matches_at(data, j, end):
        j += 1
    if j >= n:
        tail = data[i:]
        return (i, tail, n) if tail.strip() else None
    if following and _matches_at(data, j, following):
        return i, data[i:j], j
    return i, data[i : j + len(end)], j + len(end)


def naive_split(data: bytes, start: bytes, end: bytes) -> list[tuple[int, bytes]]:
    """Every (offset, record) of ``data``, one byte position at a time."""
    out: list[tuple[int, bytes]] = []
    i = 0
    while True:
        found = naive_next_record(data, i, start, end)
        if found is None:
            return out
        offset, record, i = found
        out.append((offset, record))


def naive_gunzip(data: bytes) -> bytes:
    """gzip members one after another, with the standard library's whole-file decoder."""
    import gzip

    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
