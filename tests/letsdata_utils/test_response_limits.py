"""Lambda's response limits: cutting texts, the runtime's text mode, fitting a batch, the deadline clock."""

from __future__ import annotations

import json
import math
import sys
import types
from typing import Any

import pytest

from letsdata_service.deadline import remaining_ms
from letsdata_utils import response_limits
from letsdata_utils.response_limits import (
    RESPONSE_LIMIT_BYTES,
    cut_chars,
    cut_text,
    items_to_replace,
    runtime_ensure_ascii,
    wire_text,
)


def test_the_limit_is_lambdas_6_mb() -> None:
    assert RESPONSE_LIMIT_BYTES == 6_291_456


def test_text_that_fits_is_returned_unchanged_up_to_the_exact_limit() -> None:
    text = "a" * 98  # 100 bytes as a JSON string
    assert cut_text(text, 100, "message") is text
    assert cut_text("é" * 10, 62, "message") == "é" * 10  # "\\u00e9" x 10 + quotes = 62


def test_cut_keeps_the_longest_start_that_fits_and_says_how_much_was_cut() -> None:
    text = "a" * 1000
    marker = "... [message cut: 800 of 1,000 characters omitted to stay under Lambda's response size limit]"
    cut = cut_text(text, 200 + len(marker) + 2, "message")
    assert cut == "a" * 200 + marker
    assert len(json.dumps(cut)) == 200 + len(marker) + 2
    one_less = cut_text(text, 200 + len(marker) + 1, "message")
    assert one_less.startswith("a" * 199 + "... [message cut: 801 of 1,000")


def test_cut_counts_escapes_and_keeps_an_ending() -> None:
    text = "€" * 100  # 6 bytes each when escaped
    cut = cut_text(text, 300, "stack trace", end="\n")
    assert cut.endswith("characters omitted to stay under Lambda's response size limit]\n")
    kept = cut.split("...")[0]
    assert set(kept) == {"€"} and len(json.dumps(cut)) <= 300
    assert len(json.dumps(kept + "€" + cut[len(kept):])) > 300  # one more character would not fit


def test_cut_chars() -> None:
    assert cut_chars("abc", 3, "message") == "abc"
    assert cut_chars("abcdef", 2, "message") == "ab... [message cut: 4 more characters]"


def test_wire_text_makes_lone_surrogates_visible_and_leaves_the_rest() -> None:
    assert wire_text("plain") == "plain"
    assert wire_text("é😀") == "é😀"
    assert wire_text("a\ud800b") == "a\\ud800b"
    wire_text("a\ud800b").encode("utf-8")


@pytest.mark.parametrize(("sizes", "fixed", "expected"), [
    ([100, 200], 10, []),                                  # fits: nothing to replace
    ([4_000_000, 3_000_000], 100, [0]),                     # the largest goes
    ([3_000_000, 3_000_000, 3_000_000], 100, [2]),          # ties: the later item first
    ([6_291_456, 10], 0, [0]),                              # the item alone is over the limit
    ([6_291_356], 100, []),                                 # exactly at the limit
    ([1500] * 5000, 0, None),                               # even short errors cannot fit
])
def test_items_to_replace(sizes: list[int], fixed: int, expected: list[int] | None) -> None:
    assert items_to_replace(sizes, fixed, 2048) == expected


def test_runtime_mode_is_read_from_the_running_runtimes_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(response_limits, "_runtime_mode", [])
    monkeypatch.delitem(sys.modules, "awslambdaric.lambda_runtime_marshaller", raising=False)
    monkeypatch.delitem(sys.modules, "lambda_runtime_marshaller", raising=False)
    assert runtime_ensure_ascii() is True  # no runtime loaded: assume escaping

    class Utf8Encoder:
        ensure_ascii = False

    fake = types.ModuleType("awslambdaric.lambda_runtime_marshaller")
    fake.Encoder = Utf8Encoder  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "awslambdaric.lambda_runtime_marshaller", fake)
    assert runtime_ensure_ascii() is False
    monkeypatch.delitem(sys.modules, "awslambdaric.lambda_runtime_marshaller")
    assert runtime_ensure_ascii() is False  # read once per process


class Clock:
    def __init__(self, value: Any) -> None:
        self.value = value

    def get_remaining_time_in_millis(self) -> Any:
        return self.value


@pytest.mark.parametrize(("context", "expected"), [
    (None, None), (object(), None), (Clock(1234), 1234.0), (Clock(0), 0.0), (Clock(12.5), 12.5),
    (Clock(True), None), (Clock("1000"), None), (Clock(None), None), (Clock(math.nan), None),
])
def test_remaining_ms(context: Any, expected: float | None) -> None:
    assert remaining_ms(context) == expected
