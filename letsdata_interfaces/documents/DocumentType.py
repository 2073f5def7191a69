"""The kinds of documents a reader returns."""

from __future__ import annotations

from enum import Enum


class DocumentType(str, Enum):  # noqa: UP042 - the wire spec pins (str, Enum) semantics
    """``Document`` (a record to write), ``ErrorDoc`` (a record that failed) or ``SkipDoc`` (ignored).

    A ``str`` enum, so it serialises as its value (``"ErrorDoc"``) on the wire.
    """

    Document = "Document"
    ErrorDoc = "ErrorDoc"
    SkipDoc = "SkipDoc"

    @classmethod
    def fromValue(cls, value: str) -> DocumentType:
        """Exact-value lookup (``DocumentType.fromValue("SkipDoc")``)."""
        return cls(value)
