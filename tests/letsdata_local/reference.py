"""A deliberately naive reference splitter (per-byte scan) the real splitter is checked against."""

from __future__ import annotations


def naive_split(data: bytes, start: bytes, end: bytes) -> list[tuple[int, bytes]]:
    """Scan byte by byte with the semantics documented in letsdata_local.splitter."""
    out: list[tuple[int, bytes]] = []
    i = 0
    n = len(data)
    while i < n:
        if start:
            # advance to the next start match
            while i < n and data[i : i + len(start)] != start:
                i += 1
            if i >= n:
                break
            rec_start = i
            j = i + len(start)
        else:
            rec_start = i
            j = i
        while j < n and data[j : j + len(end)] != end:
            j += 1
        if j >= n:
            tail = data[rec_start:]
            if tail.strip():
                out.append((rec_start, tail))
            break
        out.append((rec_start, data[rec_start : j + len(end)]))
        i = j + len(end)
    return out
