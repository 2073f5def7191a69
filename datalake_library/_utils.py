"""Helpers of ``datalake_library.sdlf.utils`` (SDLF 2.7 - 2.11.0) and ``datalake_library.octagon.utils``
(<= 2.6), which re-export them.

Same names and results as before, with one fix: default dates are taken when the function is
called (the originals evaluated ``datetime.now()`` once, at import time, so a warm Lambda kept
stamping the date of its cold start).
"""

from __future__ import annotations

import datetime
import time
import uuid
from typing import Any

__all__ = [
    "get_duration_sec",
    "get_local_date",
    "get_timestamp_iso",
    "get_ttl",
    "is_not_empty",
    "is_valid_uuid",
    "parse_metrics",
    "throw_if_false",
    "throw_if_none",
    "throw_none_or_empty",
    "validate_date",
]


def get_duration_sec(start_timestamp_str: str, end_timestamp_str: str) -> float:
    """Seconds between two ISO 8601 timestamps with a UTC offset (``2024-01-31T10:00:00.5+00:00``)."""
    start = datetime.datetime.fromisoformat(start_timestamp_str)
    end = datetime.datetime.fromisoformat(end_timestamp_str)
    return (end - start).total_seconds()


def get_timestamp_iso(current_time: datetime.datetime | None = None) -> str:
    """``current_time`` (default: now, UTC) as ISO 8601."""
    return (current_time or datetime.datetime.now(datetime.UTC)).isoformat()


def get_local_date(local_time: datetime.datetime | None = None) -> str:
    """``local_time`` (default: now, local time) as ``YYYY-MM-DD``."""
    return (local_time or datetime.datetime.now()).strftime("%Y-%m-%d")


def is_not_empty(arg: Any) -> bool:
    """True when ``arg`` is neither ``None`` nor empty."""
    return arg is not None and len(arg) != 0


def throw_if_none(arg: Any, msg: str) -> None:
    """``ValueError(msg)`` when ``arg`` is ``None``."""
    if arg is None:
        raise ValueError(msg)


def throw_none_or_empty(arg: Any, msg: str) -> None:
    """``ValueError(msg)`` when ``arg`` is ``None`` or empty."""
    if arg is None or len(arg) == 0:
        raise ValueError(msg)


def validate_date(date_text: str) -> None:
    """``ValueError`` unless ``date_text`` is a ``YYYY-MM-DD`` date."""
    try:
        datetime.datetime.strptime(date_text, "%Y-%m-%d")
    except (TypeError, ValueError):
        raise ValueError("Incorrect date format, should be YYYY-MM-DD") from None


def throw_if_false(condition: Any, message: str) -> None:
    """``ValueError(message)`` unless ``condition`` is truthy."""
    if not condition:
        raise ValueError(message)


def parse_metrics(metrics_name: str) -> list[str]:
    """``"A#B#C"`` -> ``["A", "A#B", "A#B#C"]`` (every ancestor of a nested metric, itself last).

    A name repeated in the path is refused with ``ValueError``.
    """
    parts = metrics_name.split("#")
    if len(parts) != len(set(parts)):
        raise ValueError("Duplicated metrics are not allowed!")
    return ["#".join(parts[: depth + 1]) for depth in range(len(parts))]


def get_ttl(ttl_days: int, start_date: datetime.datetime | None = None) -> int:
    """Epoch seconds ``ttl_days`` after ``start_date`` (default: now), for a DynamoDB TTL attribute."""
    expiry = (start_date or datetime.datetime.today()) + datetime.timedelta(days=ttl_days)
    return int(time.mktime(expiry.timetuple()))


def is_valid_uuid(val: Any) -> bool:
    """True when ``str(val)`` parses as a UUID."""
    try:
        uuid.UUID(str(val))
    except ValueError:
        return False
    return True
