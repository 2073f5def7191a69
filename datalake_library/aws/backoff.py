"""The one backoff rule for retrying what an AWS batch call left undone.

Why: botocore retries whole calls that fail (throttling, 5xx), but a *successful* ``BatchWriteItem``,
``PutRecords`` or ``SendMessageBatch`` can still report items it did not process, and only the
caller can resend those. The project had two such loops that disagreed (one without jitter, one
sleeping after its last attempt). Both now use :func:`retry_pending`:

* the delay before retry *n* (1-based) is ``min(max_delay, base_delay * 2**(n-1))``, exponential and
  capped, times a random factor in ``[0.5, 1)`` ("equal jitter": concurrent writers that were
  throttled together do not come back together, and the wait never drops below half the step);
* there is no sleep before the first attempt nor after the last one: the caller learns at once that
  items are still pending.

``time.sleep`` is looked up at call time so tests can record the sleeps (``tests/conftest.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

__all__ = ["backoff_delay", "retry_pending"]

T = TypeVar("T")


def backoff_delay(retry: int, base_delay: float, max_delay: float) -> float:
    """Seconds to wait before retry number ``retry`` (1 for the first retry), jitter included."""
    import random  # lazily: only a partially failed batch needs it

    if retry < 1:
        raise ValueError(f"retry numbers start at 1, got {retry}")
    step = min(max_delay, base_delay * (2 ** (retry - 1)))
    return step * (0.5 + random.random() / 2)


def retry_pending(
    send: Callable[[list[T]], list[T]],
    pending: list[T],
    *,
    attempts: int,
    base_delay: float,
    max_delay: float,
    on_pending: Callable[[int, list[T]], None] | None = None,
) -> list[T]:
    """Call ``send(pending)`` until it returns nothing left to do, at most ``attempts`` times.

    ``send`` returns the entries it could not process. ``on_pending(attempt, left)`` is told after
    each attempt that left some (for a log line). Returns what is still pending after the last
    attempt (empty on success); never sleeps after the last attempt.
    """
    if attempts < 1:
        raise ValueError(f"attempts must be >= 1, got {attempts}")
    for attempt in range(1, attempts + 1):
        pending = send(pending)
        if not pending:
            return []
        if on_pending is not None:
            on_pending(attempt, pending)
        if attempt < attempts:
            time.sleep(backoff_delay(attempt, base_delay, max_delay))
    return pending
