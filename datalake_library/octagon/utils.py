"""Helpers stage code imported from ``datalake_library.octagon.utils`` (implemented in
:mod:`datalake_library._utils`, shared by both generations)."""

from __future__ import annotations

from datalake_library._utils import (
    get_duration_sec,
    get_local_date,
    get_timestamp_iso,
    get_ttl,
    is_not_empty,
    is_valid_uuid,
    parse_metrics,
    throw_if_false,
    throw_if_none,
    throw_none_or_empty,
    validate_date,
)

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
