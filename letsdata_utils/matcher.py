"""Byte-pattern search helpers for record parsers: ``match``, ``getKeyValueFromLine``, ``consumeWhitespace``.

Why ``bytes.find``: CPython's ``find`` is a C two-way / memchr search that beats a Boyer-Moore loop
written in Python by more than an order of magnitude, so the helpers are thin wrappers that add the
conventions parsers need (exclusive end indexes, record-parse hints, trimmed UTF-8 key/value pairs).
Patterns are given as ``str`` and encoded once; :func:`getMatchPatternForString` is that cache.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from letsdata_interfaces.readers.model.RecordHintType import RecordHintType
from letsdata_interfaces.readers.model.RecordParseHint import RecordParseHint
from letsdata_utils.validations import letsdata_fail

Buffer = bytes | bytearray

#: Bytes skipped by :func:`consumeWhitespace`.
WHITESPACE = b"\n\t\r "
_WHITESPACE_RUN = re.compile(b"[" + re.escape(WHITESPACE) + b"]*")


class KeyValueResult(NamedTuple):
    """``key`` and ``value`` (trimmed text, ``None`` when the line holds no pair) and where the next line starts."""

    key: str | None
    value: str | None
    nextIndex: int


@lru_cache(maxsize=4096)
def getMatchPatternForString(pattern: str) -> bytes:
    """The UTF-8 bytes of ``pattern``, computed once per distinct pattern (bounded cache)."""
    if not isinstance(pattern, str) or not pattern:
        letsdata_fail(f"matcher - the pattern must be a non-empty string, got {pattern!r}")
    return pattern.encode("utf-8")


def match(buf: Buffer, start: int, end: int, patternOrHint: str | bytes | RecordParseHint) -> int:
    """The index of the first match in ``buf[start:end]`` (``end`` exclusive), or ``-1``.

    ``patternOrHint`` is a ``str`` (UTF-8 encoded), raw ``bytes`` or a :class:`RecordParseHint`. A
    PATTERN hint searches its pattern; an OFFSET hint means "``offset`` bytes from ``start``" and
    returns ``start + offset`` when that position is within ``end``, else ``-1``.
    """
    if isinstance(patternOrHint, RecordParseHint):
        kind = patternOrHint.getRecordHintType()
        if kind is RecordHintType.OFFSET:
            offset = patternOrHint.offset
            if isinstance(offset, bool) or not isinstance(offset, int) or offset <= 0:
                letsdata_fail(f"matcher - an OFFSET hint needs a positive int offset, got {offset!r}")
            position = start + offset
            return position if position <= end else -1
        pattern = patternOrHint.pattern
        if not isinstance(pattern, str):
            letsdata_fail(f"matcher - a PATTERN hint needs a string pattern, got {pattern!r}")
        return buf.find(getMatchPatternForString(pattern), start, end)
    if isinstance(patternOrHint, bytes):
        if not patternOrHint:
            letsdata_fail("matcher - the pattern must not be empty")
        return buf.find(patternOrHint, start, end)
    return buf.find(getMatchPatternForString(patternOrHint), start, end)


def getKeyValueFromLine(byteArr: Buffer, startIndex: int, endIndex: int, lineEndPattern: str,
                        fieldNameSeparatorPattern: str) -> KeyValueResult:
    """Parse the ``key<sep>value<lineEnd>`` line starting at ``startIndex`` (e.g. a WARC or HTTP header).

    - a pair: ``(key.strip(), value.strip(), index after the line end)``;
    - an empty line (the blank line that ends a header block): ``(None, None, endIndex + 1)``, i.e.
      past the end, so a ``while next < end`` loop stops;
    - a line without the separator: ``(None, None, index after the line end)``.

    A line without a line end runs to ``endIndex``.
    """
    line_end = getMatchPatternForString(lineEndPattern)
    separator = getMatchPatternForString(fieldNameSeparatorPattern)
    newline = byteArr.find(line_end, startIndex, endIndex)
    if newline == startIndex:
        return KeyValueResult(None, None, endIndex + 1)
    if newline < 0:
        newline = endIndex
    split = byteArr.find(separator, startIndex, newline)
    next_index = newline + len(line_end)
    if split < 0:
        return KeyValueResult(None, None, next_index)
    key = bytes(byteArr[startIndex:split]).decode("utf-8", "replace").strip()
    value = bytes(byteArr[split + len(separator):newline]).decode("utf-8", "replace").strip()
    return KeyValueResult(key, value, next_index)


def consumeWhitespace(byteArr: Buffer, startIndex: int, endIndex: int) -> int:
    """The first index in ``[startIndex, endIndex)`` that is not ``\\n``, ``\\t``, ``\\r`` or space (else ``endIndex``)."""
    if endIndex <= startIndex:
        return startIndex
    found = _WHITESPACE_RUN.match(byteArr, startIndex, endIndex)
    return found.end() if found is not None else startIndex
