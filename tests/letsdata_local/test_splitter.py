"""The streaming splitter against the naive reference, across chunk boundaries and gzip members.

Both record conventions are covered: a record that includes its end pattern (JSON lines, the
examples' WET hints) and start == end (the Common Crawl readers: a record runs until the next one
starts). Expected records in the hand-written cases are spelled out literally from the rule in
docs/letsdata-local.md; the property tests compare with tests/letsdata_local/reference.py.
"""

from __future__ import annotations

import gzip
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from letsdata_local.readers import hint_to_spec
from letsdata_local.splitter import (
    GzipStreamError,
    RecordPuller,
    RecordSplitter,
    SplitSpec,
    gunzip_chunks,
    split_stream,
)
from tests.letsdata_local.reference import naive_gunzip, naive_next_record, naive_split

PIECES = [b"a", b"{", b"}", b"\n", "é".encode(), "東".encode(), b"}\n", b'{"', b"\r\n", b"\r\n\r\n", b" "]


def _chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


def _split(chunks: list[bytes], spec: SplitSpec) -> list[tuple[int, bytes]]:
    return [pair for batch in split_stream(chunks, spec) for pair in batch.pairs()]


WARC = b"WARC/1.0\r\nWARC-Type: conversion\r\n"
#: Pieces for start == end files: the pattern, its prefixes and suffixes (so a match can straddle a
#: chunk boundary or end the input half-written), CRLFs and multi-byte text.
WARC_PIECES = [WARC, WARC[:4], WARC[:9], WARC[9:], WARC[-6:], b"WARC/1.0\r\nWARC-Type: warcinfo\r\n",
               b"\r\n", b"\r\n\r\n", b"body ", "é東".encode(), b"W"]


def _gzip_members(data: bytes, member_cuts: list[int]) -> bytes:
    points = sorted({c % (len(data) + 1) for c in member_cuts})
    parts = [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]
    return b"".join(gzip.compress(part, mtime=0) for part in parts)


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(st.sampled_from(WARC_PIECES), max_size=80),
    start=st.sampled_from([WARC, WARC[:10]]),
    cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=10),
)
def test_start_equals_end_matches_reference_for_any_chunking(parts: list[bytes], start: bytes, cuts: list[int]) -> None:
    """start == end, and an end pattern that is a prefix of the start pattern."""
    data = b"".join(parts)
    assert _split(_chunks(data, cuts), SplitSpec(start, WARC)) == naive_split(data, start, WARC)
    assert _split(_chunks(data, cuts), SplitSpec(WARC, start)) == naive_split(data, WARC, start)


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(st.sampled_from(WARC_PIECES + PIECES), max_size=80),
    convention=st.sampled_from([(WARC, WARC), (b"WARC-Type: conversion", b"\n\r\n\r\n"), (b'{"', b"}\n"), (b"", b"\n")]),
    member_cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=4),
    cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=10),
    max_out=st.sampled_from([1, 7, 64, 16 * 1024 * 1024]),
)
def test_gzip_members_split_like_the_uncompressed_file(
    parts: list[bytes], convention: tuple[bytes, bytes], member_cuts: list[int], cuts: list[int], max_out: int
) -> None:
    """Multi-member gzip (as Common Crawl ships .warc.wet.gz), cut anywhere, with any output step."""
    data = b"".join(parts)
    compressed = _gzip_members(data, member_cuts) if data else b""
    assert naive_gunzip(compressed) == data
    start, end = convention
    got = _split(list(gunzip_chunks(_chunks(compressed, cuts), max_out=max_out)), SplitSpec(start, end))
    assert got == naive_split(data, start, end)


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


def test_start_equals_end_keeps_every_record_and_ends_each_before_the_next() -> None:
    """60 records in, 60 out: each starts at WARC/1.0 and holds no following record header."""
    records = [WARC + f"WARC-Target-URI: http://e/{i}\r\n\r\ntext {i} é\r\n\r\n".encode() for i in range(60)]
    info = b"WARC/1.0\r\nWARC-Type: warcinfo\r\n\r\nisPartOf: x\r\n\r\n"
    data = info + b"".join(records)
    for size in (1, 13, 64, 1 << 20):
        got = _split([data[i : i + size] for i in range(0, len(data), size)], SplitSpec(WARC, WARC))
        assert [raw for _, raw in got] == records
        assert [offset for offset, _ in got] == [len(info) + sum(map(len, records[:i])) for i in range(60)]


def test_end_match_not_followed_by_start_is_included() -> None:
    data = b"<a>1</a>x<a>2</a><a>3"
    assert _split([data], SplitSpec(b"<a>", b"</a>")) == [(0, b"<a>1</a>"), (9, b"<a>2</a>"), (17, b"<a>3")]
    # end == start: the second end match is followed by "<a>" -> record stops before it
    assert _split([b"<a>1<a>2<a>"], SplitSpec(b"<a>", b"<a>")) == [(0, b"<a>1"), (4, b"<a>2"), (8, b"<a>")]


def test_end_match_cut_off_by_the_end_of_input_includes_the_end_pattern() -> None:
    """At the end of input the bytes after an end match cannot be the next start: end included."""
    spec = SplitSpec(b"ab", b"a")
    for chunks in ([b"ab1a"], [b"ab1", b"a"], [b"a", b"b", b"1", b"a"]):
        assert _split(chunks, spec) == [(0, b"ab1a")]
    # the same end match followed by the rest of the start pattern on the next chunk
    assert _split([b"ab1a", b"b2"], spec) == [(0, b"ab1"), (3, b"ab2")]


def test_empty_input_and_blank_tails() -> None:
    for spec in (SplitSpec(WARC, WARC), SplitSpec(b"", b"\n"), SplitSpec(b'{"', b"}\n")):
        assert _split([], spec) == [] and _split([b""], spec) == []
    assert _split([b"a\n", b"  \r\n"], SplitSpec(b"", b"\n")) == [(0, b"a\n"), (2, b"  \r\n")]
    assert _split([b"a\n", b"   "], SplitSpec(b"", b"\n")) == [(0, b"a\n")]
    assert _split([b"junk", b" before no start"], SplitSpec(WARC, WARC)) == []


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


def test_gzip_is_detected_by_content_even_when_the_magic_spans_two_chunks() -> None:
    member = gzip.compress(b"x\n", mtime=0)
    assert b"".join(gunzip_chunks([member[:1], member[1:]])) == b"x\n"
    assert b"".join(gunzip_chunks([b"\x1f", b"not gzip"])) == b"\x1fnot gzip"


def test_gzip_padding_garbage_truncation_and_corruption_are_told_apart() -> None:
    member = gzip.compress(b"x\n", mtime=0)
    assert b"".join(gunzip_chunks([member + b"\0" * 300, b"\0" * 5])) == b"x\n"
    with pytest.raises(GzipStreamError, match=f"compressed offset {len(member) + 2}, after a complete gzip member"):
        list(gunzip_chunks([member + b"\0\0junk"]))
    with pytest.raises(GzipStreamError, match=f"member at compressed offset {len(member)} is truncated"):
        list(gunzip_chunks([member, member[:-3]]))
    with pytest.raises(GzipStreamError, match=f"stray byte at compressed offset {len(member)}"):
        list(gunzip_chunks([member + b"\x1f"]))
    corrupt = bytearray(member + member)
    corrupt[-5] ^= 0xFF  # the second member's length trailer
    with pytest.raises(GzipStreamError, match=f"corrupt gzip member at compressed offset {len(member)}"):
        list(gunzip_chunks([bytes(corrupt)]))


INFO_START = b"WARC/1.0\r\nWARC-Type: warcinfo\r\n"
SPECS = [(WARC, WARC, None), (INFO_START, WARC, WARC), (b"", b"\r\n\r\n", None), (WARC[:10], b"\r\n\r\n", WARC),
         (b'{"', b"}\n", None)]


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(st.sampled_from(WARC_PIECES + [INFO_START, b'{"a"}\n']), max_size=60),
    specs=st.lists(st.sampled_from(SPECS), min_size=1, max_size=12),
    cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=10),
)
def test_puller_follows_the_reference_when_patterns_change_per_record(
    parts: list[bytes], specs: list[tuple[bytes, bytes, bytes | None]], cuts: list[int]
) -> None:
    """State-machine readers change the hints after each record; the rule is the same."""
    data = b"".join(parts)
    puller = RecordPuller(_chunks(data, cuts))
    i = 0
    for k in range(40):
        start, end, following = specs[k % len(specs)]
        expected = naive_next_record(data, i, start, end, following)
        got = puller.next_record(start, end, following)
        assert got == (expected[:2] if expected else None)
        if expected is None:
            break
        i = expected[2]
        assert puller.offset == i


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(st.sampled_from(WARC_PIECES + PIECES), max_size=80),
    convention=st.sampled_from([(WARC, WARC), (b'{"', b"}\n"), (b"", b"\n"), (b"{", b"}")]),
    cuts=st.lists(st.integers(min_value=0, max_value=10_000), max_size=10),
)
def test_puller_with_fixed_patterns_equals_the_batch_splitter(parts: list[bytes], convention: tuple[bytes, bytes],
                                                             cuts: list[int]) -> None:
    data = b"".join(parts)
    start, end = convention
    puller = RecordPuller(_chunks(data, cuts))
    pulled = list(iter(lambda: puller.next_record(start, end), None))
    assert pulled == _split(_chunks(data, cuts), SplitSpec(start, end)) == naive_split(data, start, end)


def test_puller_info_record_ends_where_the_first_conversion_record_starts() -> None:
    """The Common Crawl WET state machine: warcinfo (end = the conversion start), then conversions."""
    info = INFO_START + b"\r\nisPartOf: x\r\n\r\n"
    first = WARC + b"\r\none\r\n\r\n"
    second = WARC + b"\r\ntwo\r\n\r\n"
    puller = RecordPuller([info + first[:5], first[5:] + second])
    assert puller.next_record(INFO_START, WARC, WARC) == (0, info)
    assert puller.next_record(WARC, WARC) == (len(info), first)
    assert puller.next_record(WARC, WARC) == (len(info) + len(first), second)
    assert puller.next_record(WARC, WARC) is None
    # an end match at a chunk's end, the next record's start pattern completed by the next chunk
    cut = RecordPuller([info + b"WARC/1.0\r\n", WARC[10:] + b"x"])
    assert cut.next_record(INFO_START, b"WARC/1.0\r\n", WARC) == (0, info)
    ended = RecordPuller([info + b"WARC/1.0\r\n"])
    assert ended.next_record(INFO_START, b"WARC/1.0\r\n", WARC) == (0, info + b"WARC/1.0\r\n")
    with pytest.raises(ValueError, match="end pattern"):
        puller.next_record(WARC, b"")
