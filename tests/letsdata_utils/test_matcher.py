"""letsdata_utils.matcher: match (patterns and hints), the pattern cache, getKeyValueFromLine and
consumeWhitespace. Indexes below are counted by hand from the literal buffers."""

from __future__ import annotations

import pytest

from letsdata_interfaces.readers.model.RecordHintType import RecordHintType
from letsdata_interfaces.readers.model.RecordParseHint import RecordParseHint
from letsdata_utils import matcher
from letsdata_utils.errors import LetsDataAssertionError
from letsdata_utils.matcher import KeyValueResult, consumeWhitespace, getKeyValueFromLine, match

#          0123456789012345678901234567
BUF = b"abcWARC/1.0\r\nxyzWARC/1.0\r\n"


def test_match_str_pattern_within_start_and_exclusive_end() -> None:
    assert match(BUF, 0, len(BUF), "WARC/1.0") == 3
    assert match(BUF, 4, len(BUF), "WARC/1.0") == 16
    assert match(bytearray(BUF), 4, len(BUF), "WARC/1.0") == 16
    assert match(BUF, 0, 10, "WARC/1.0") == -1  # the match would end at 11 > 10
    assert match(BUF, 0, 11, "WARC/1.0") == 3  # ends exactly at the exclusive end
    assert match(BUF, 0, len(BUF), "nope") == -1
    assert match("héllo".encode(), 0, 6, "llo") == 3  # UTF-8: é is two bytes


def test_match_hints() -> None:
    pattern = RecordParseHint(RecordHintType.PATTERN, "xyz", -1)
    assert match(BUF, 0, len(BUF), pattern) == 13
    offset = RecordParseHint("OFFSET", None, 10)
    assert match(BUF, 5, 15, offset) == 15
    assert match(BUF, 5, 14, offset) == -1
    with pytest.raises(LetsDataAssertionError, match="positive int offset"):
        match(BUF, 0, 20, RecordParseHint(RecordHintType.OFFSET, None, 0))
    with pytest.raises(LetsDataAssertionError, match="string pattern"):
        match(BUF, 0, 20, RecordParseHint(RecordHintType.PATTERN, None, -1))
    with pytest.raises(LetsDataAssertionError, match="non-empty string"):
        match(BUF, 0, 20, "")


def test_pattern_cache_returns_the_same_encoded_object() -> None:
    first = matcher.getMatchPatternForString("WARC-Type: é")
    assert first == b"WARC-Type: \xc3\xa9"
    assert matcher.getMatchPatternForString("WARC-Type: é") is first


HEADER = b"WARC-Type: response\r\nContent-Length:  42 \r\nno separator here\r\n\r\nbody"
#         0         1         2           3         4            5         6
#         0123456789012345678901234567890 12345678901234567890 123456789012345678 9


def test_get_key_value_from_line_pairs_and_trimming() -> None:
    end = len(HEADER)
    assert getKeyValueFromLine(HEADER, 0, end, "\r\n", ": ") == KeyValueResult("WARC-Type", "response", 21)
    assert getKeyValueFromLine(HEADER, 21, end, "\r\n", ":") == KeyValueResult("Content-Length", "42", 43)


def test_get_key_value_from_line_without_separator_and_blank_line() -> None:
    end = len(HEADER)
    assert getKeyValueFromLine(HEADER, 43, end, "\r\n", ": ") == KeyValueResult(None, None, 62)
    assert getKeyValueFromLine(HEADER, 62, end, "\r\n", ": ") == KeyValueResult(None, None, end + 1)


def test_get_key_value_from_line_without_line_end_runs_to_end() -> None:
    buf = b"a: b"
    assert getKeyValueFromLine(buf, 0, 4, "\r\n", ": ") == KeyValueResult("a", "b", 6)


def test_consume_whitespace() -> None:
    buf = b"  \r\n\t x \n"
    assert consumeWhitespace(buf, 0, len(buf)) == 6
    assert consumeWhitespace(buf, 6, len(buf)) == 6
    assert consumeWhitespace(buf, 7, len(buf)) == len(buf)
    assert consumeWhitespace(buf, 0, 3) == 3
    assert consumeWhitespace(buf, 5, 5) == 5
