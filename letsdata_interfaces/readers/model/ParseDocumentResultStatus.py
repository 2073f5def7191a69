"""The outcome of parsing one record."""

from __future__ import annotations

from enum import Enum


class ParseDocumentResultStatus(str, Enum):  # noqa: UP042 - the wire spec pins (str, Enum) semantics
    """``SUCCESS`` (a Document), ``ERROR`` (an ErrorDoc) or ``SKIP`` (a SkipDoc)."""

    SUCCESS = "SUCCESS"
    ERROR = "ERROR"
    SKIP = "SKIP"

    @classmethod
    def fromValue(cls, value: str) -> ParseDocumentResultStatus:
        """Exact-value lookup (``ParseDocumentResultStatus.fromValue("ERROR")``)."""
        return cls(value)
