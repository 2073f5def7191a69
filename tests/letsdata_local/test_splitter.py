"""The streaming splitter against the naive per-byte reference, across chunk boundaries and gzip."""

from __future__ import annotations

import gzip
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from letsdata_local.readers import hint_to_spec
from letsdata_local.splitter import RecordSplitter, SplitSpec, gunzip_chunks, split_stream
from tests.letsdata_local.reference import naive_split

PIECES = [b"a", b"{", b"}", b"\n", "é".encode(), "東".encode(), b"}\n", b'{"', b"\r\n", b"\r\n\r\n", b" "]


def _chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


def _split(chunks: list[bytes], spec: SplitSpec) -> list[tuple[int, bytes]]:
    return [pair for batch in split_stream(chunks, spec) for pair in batch.pairs()]


@settings(max_examples=400, deadline=None)
@given(
    parts=st.lists(st.sampled_from(PIECES), max_size=120),
    start=st.sampled_from([b"", b"{", b'{"', b"\r\n\r\n"]),
    end=st.sampled_from([b"\n", b"}\n", b"\r\n\r\n", b"}"]),
    cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=8),
)
def test_matches_reference_for_any_chunking(parts: list[bytes], start: bytes, end: bytes, cuts: list[int]) -> None:
    data = b"".join(parts)
    assert _split(_chunks(data, cuts), SplitSpec(start, end)) == naive_split(data, start, end)


@pytest.mark.parametrize("which", ["start", "end"])
def test_pattern_straddling_every_boundary_position(which: str) -> None:
    start, end = b"WARC-Type: conversion", b"\r\n\r\n\r\n"
    record = start + "\r\nbody ü 東京\r\n".encode() + end
    data = b"junk\r\n" + record + record
    pattern_at = data.index(start, 6) if which == "start" else data.index(end)
    pattern = start if which == "start" else end
    expected = naive_split(data, start, end)
    assert len(expected) == 2
    for k in range(1, len(pattern)):  # cut inside the pattern at every position
        chunks = [data[: pattern_at + k], data[pattern_at + k :]]
        assert _split(chunks, SplitSpec(start, end)) == expected


def test_one_byte_chunks_and_offsets_are_file_offsets() -> None:
    data = "x\n{é}\n{東京}\n{tail".encode()
    records = _split([data[i : i + 1] for i in range(len(data))], SplitSpec(b"{", b"}\n"))
    for offset, raw in records:
        assert data[offset : offset + len(raw)] == raw
    assert [r for _, r in records] == ["{é}\n".encode(), "{東京}\n".encode(), b"{tail"]


def test_generated_jsonl_file_offsets_match_reference_with_gzip() -> None:
    rnd = random.Random(7)
    lines = []
    for i in range(3000):
        text = "".join(rnd.choice("abcé東ü ") for _ in range(rnd.randint(0, 60)))
        lines.append(f'{{"id": {i}, "t": "{text}"}}\n'.encode())
    data = b"".join(lines) + b'{"id": "unterminated'
    expected = naive_split(data, b'{"id": ', b"}\n")
    compressed = gzip.compress(data)
    chunks = [compressed[i : i + 997] for i in range(0, len(compressed), 997)]
    got = _split(list(gunzip_chunks(chunks, max_out=4096)), SplitSpec(b'{"id": ', b"}\n"))
    assert got == expected
    assert len(got) == 3001


def test_single_byte_delimiter_fast_path_matches_reference_with_and_without_cr() -> None:
    for data in (b"a\nbb\n\nccc\nlast", b"a\r\nb\rc\n\nd\n"):
        for size in (1, 2, 3, 5, 100):
            chunks = [data[i : i + size] for i in range(0, len(data), size)]
            assert _split(chunks, SplitSpec(b"", b"\n")) == naive_split(data, b"", b"\n")


def test_gunzip_handles_concatenated_members_and_passthrough() -> None:
    joined = gzip.compress(b"first\n") + gzip.compress(b"second\n")
    assert b"".join(gunzip_chunks([joined[:5], joined[5:]])) == b"first\nsecond\n"
    assert b"".join(gunzip_chunks([b"plain", b" text"])) == b"plain text"


def test_fixed_length_records_from_offset_hint() -> None:
    spec = hint_to_spec(None, {"recordHintType": "OFFSET", "pattern": None, "offset": 4})
    splitter = RecordSplitter(spec)
    got = splitter.feed(b"abcdef").pairs() + splitter.feed(b"ghij").pairs() + splitter.finish().pairs()
    assert got == [(0, b"abcd"), (4, b"efgh"), (8, b"ij")]


def test_invalid_hints_are_rejected_clearly() -> None:
    with pytest.raises(ValueError, match="end pattern"):
        SplitSpec(b"{", b"")
    with pytest.raises(ValueError, match="RecordParseHint"):
        hint_to_spec("{", {"recordHintType": "PATTERN", "pattern": "\n"})
