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


def naive_split(data: bytes, start: bytes, end: bytes) -> list[tuple[int, bytes]]:
    """Every (offset, record) of ``data``, one byte position at a time."""
    out: list[tuple[int, bytes]] = []
    i = 0
    n = len(data)
    while i < n:
        if start:
            while i < n and not _matches_at(data, i, start):
                i += 1
            if i >= n:
                break
            j = i + len(start)
        else:
            j = i
        while j < n and not _matches_at(data, j, end):
            j += 1
        if j >= n:
            tail = data[i:]
            if tail.strip():
                out.append((i, tail))
            break
        if start and _matches_at(data, j, start):
            out.append((i, data[i:j]))
            i = j
        else:
            out.append((i, data[i : j + len(end)]))
            i = j + len(end)
    return out


def naive_gunzip(data: bytes) -> bytes:
    """gzip members one after another, with the standard library's whole-file decoder."""
    import gzip

    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
