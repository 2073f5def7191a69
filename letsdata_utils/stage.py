"""The deployment stage the platform announces through ``LETS_DATA_STAGE``."""

from __future__ import annotations

from enum import Enum


class Stage(Enum):
    """``Test`` or ``Prod``; the values are the exact strings the platform sets."""

    Test = "Test"
    Prod = "Prod"

    @classmethod
    def fromValue(cls, value: str) -> Stage:
        """Exact-case lookup, as in the original (``Stage.fromValue("Test")``)."""
        return cls(value)
