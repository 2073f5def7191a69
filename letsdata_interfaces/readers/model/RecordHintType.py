"""How the platform locates a record boundary in a file."""

from __future__ import annotations

from enum import Enum


class RecordHintType(str, Enum):  # noqa: UP042 - the wire spec pins (str, Enum) semantics
    """``PATTERN``: search for a byte pattern; ``OFFSET``: a fixed number of bytes from the start."""

    OFFSET = "OFFSET"
    PATTERN = "PATTERN"

    @classmethod
    def fromValue(cls, value: str) -> RecordHintType:
        """Exact-value lookup (``RecordHintType.fromValue("PATTERN")``)."""
        return cls(value)
