"""backoff: exponential, capped, jittered, and never a sleep after the last attempt."""

from __future__ import annotations

import random

import pytest

from datalake_library.aws.backoff import backoff_delay, retry_pending
from tests.conftest import record_sleeps


@pytest.mark.parametrize(("retry", "low", "high"), [(1, 0.05, 0.1), (2, 0.1, 0.2), (3, 0.2, 0.4), (5, 0.5, 1.0),
                                                    (30, 0.5, 1.0)])
def test_delay_is_exponential_capped_and_jittered_into_the_upper_half(retry, low, high) -> None:
    # base 0.1, cap 1.0: steps 0.1, 0.2, 0.4, 0.8, 1.0 ...; jitter keeps [step/2, step)
    delays = [backoff_delay(retry, 0.1, 1.0) for _ in range(200)]
    assert all(low <= d < high for d in delays)
    assert len({round(d, 9) for d in delays}) > 100  # jittered, not one fixed value


def test_jitter_bounds_are_exact(monkeypatch) -> None:
    monkeypatch.setattr(random, "random", lambda: 0.0)
    assert backoff_delay(3, 0.1, 10.0) == pytest.approx(0.2)
    monkeypatch.setattr(random, "random", lambda: 0.999999)
    assert backoff_delay(3, 0.1, 10.0) == pytest.approx(0.4, rel=1e-5)


def test_retry_numbers_start_at_one() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        backoff_delay(0, 0.1, 1.0)


def test_pending_entries_are_resent_until_done(monkeypatch) -> None:
    sleeps = record_sleeps(monkeypatch)
    calls: list[list[int]] = []
    replies = iter([[2, 3], [3], []])

    def send(pending: list[int]) -> list[int]:
        calls.append(list(pending))
        return next(replies)

    reports: list[tuple[int, list[int]]] = []
    left = retry_pending(send, [1, 2, 3], attempts=5, base_delay=0.1, max_delay=1.0,
                         on_pending=lambda attempt, rest: reports.append((attempt, list(rest))))
    assert left == []
    assert calls == [[1, 2, 3], [2, 3], [3]]
    assert reports == [(1, [2, 3]), (2, [3])]
    assert len(sleeps) == 2 and 0.05 <= sleeps[0] < 0.1 and 0.1 <= sleeps[1] < 0.2


def test_no_sleep_after_the_last_attempt_and_the_rest_is_returned(monkeypatch) -> None:
    sleeps = record_sleeps(monkeypatch)
    calls = []

    def send(pending: list[str]) -> list[str]:
        calls.append(pending)
        return pending

    assert retry_pending(send, ["x"], attempts=3, base_delay=0.1, max_delay=1.0) == ["x"]
    assert len(calls) == 3 and len(sleeps) == 2


def test_success_at_once_never_sleeps(monkeypatch) -> None:
    sleeps = record_sleeps(monkeypatch)
    assert retry_pending(lambda p: [], ["x"], attempts=3, base_delay=0.1, max_delay=1.0) == []
    assert sleeps == []


def test_attempts_must_be_positive() -> None:
    with pytest.raises(ValueError, match="attempts must be >= 1"):
        retry_pending(lambda p: p, ["x"], attempts=0, base_delay=0.1, max_delay=1.0)


def test_every_retry_loop_uses_the_shared_helper() -> None:
    """No product module sleeps on its own in a retry loop (one home for the backoff rule)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    pattern = re.compile(r"\btime\.sleep\(|\b2\s*\*\*\s*\(?attempt")
    # polling loops (a server starting, an idle queue) are not retries of a failed batch
    allowed = {"datalake_library/aws/backoff.py", "letsdata_local/resources.py", "letsdata_local/readers.py",
               "datalake_library/testing/moto_server.py"}
    offenders = []
    for package in ("datalake_library", "letsdata_utils", "letsdata_service", "letsdata_local"):
        for file in sorted((root / package).rglob("*.py")):
            rel = file.relative_to(root).as_posix()
            if rel not in allowed and pattern.search(file.read_text(encoding="utf-8")):
                offenders.append(rel)
    assert offenders == []
