"""A record-boundary hint returned by ``getRecordStartPattern`` / ``getRecordEndPattern``."""

from __future__ import annotations

from letsdata_interfaces.readers.model.RecordHintType import RecordHintType
from letsdata_utils.validations import letsdata_assert


class RecordParseHint:
    """Tells the platform how to find where a record starts or ends.

    Wire keys, in order: ``recordHintType``, ``pattern``, ``offset``. For a PATTERN hint the pattern is a
    UTF-8 string searched in the file and, by convention, ``offset`` is ``-1``
    (``RecordParseHint(RecordHintType.PATTERN, "WARC-Type: conversion", -1)``). For an OFFSET hint the
    boundary is ``offset`` bytes from the current position and ``pattern`` is unused.
    """

    def __init__(self, recordHintType: RecordHintType | str, pattern: str | None, offset: int) -> None:
        self.recordHintType = recordHintType
        self.pattern = pattern
        self.offset = offset

    def getRecordHintType(self) -> RecordHintType:
        """The hint type as the enum (a plain string given to the constructor is converted)."""
        if isinstance(self.recordHintType, RecordHintType):
            return self.recordHintType
        return RecordHintType.fromValue(self.recordHintType)

    def getPattern(self) -> str | None:
        """The pattern; asserts that this is a PATTERN hint (the original compared against a module)."""
        letsdata_assert(self.recordHintType == RecordHintType.PATTERN,
                        f"RecordParseHint.getPattern requires a PATTERN hint, got {self.recordHintType!s}")
        return self.pattern

    def getOffset(self) -> int:
        """The offset; asserts that this is an OFFSET hint."""
        letsdata_assert(self.recordHintType == RecordHintType.OFFSET,
                        f"RecordParseHint.getOffset requires an OFFSET hint, got {self.recordHintType!s}")
        return self.offset
