"""The kinds of documents a reader returns."""

from __future__ import annotations

from enum import Enum


class DocumentType(str, Enum):  # noqa: UP042 - the wire spec pins (str, Enum) semantics
    """``Document`` (a record to write), ``ErrorDoc`` (a record that failed) or ``SkipDoc`` (ignored).

    ``CompositeDoc`` and ``SingleDoc`` belong to the state-machine readers (a composite built from
    several records, and one of its parts); they were added after the three wire values, which keep
    their order and spelling. A ``str`` enum, so it serialises as its value (``"ErrorDoc"``).
    """

    Document = "Document"
    ErrorDoc = "ErrorDoc"
    SkipDoc = "SkipDoc"
    CompositeDoc = "CompositeDoc"
    SingleDoc = "SingleDoc"

    @classmethod
    def fromValue(cls, value: str) -> DocumentType:
        """Exact-value lookup (``DocumentType.fromValue("SkipDoc")``)."""
        return cls(value)
