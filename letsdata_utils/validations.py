"""The ``letsdata_assert`` helper used by every request validation."""

from __future__ import annotations

from typing import NoReturn

from letsdata_utils.errors import LetsDataAssertionError

ASSERT_PREFIX = "letsdata assert - "


def letsdata_assert(result: bool, message: str) -> None:
    """Raise :class:`LetsDataAssertionError` with ``letsdata assert - <message>`` unless ``result``.

    The prefix is part of the wire contract: platform-side tooling and the build smoke tests look for
    it, so every validation failure goes through here.
    """
    if not result:
        raise LetsDataAssertionError(ASSERT_PREFIX + message)


def letsdata_fail(message: str) -> NoReturn:
    """Raise the assertion error unconditionally.

    Hot paths use ``if not ok: letsdata_fail(f"...")`` so the message is only formatted on failure.
    """
    raise LetsDataAssertionError(ASSERT_PREFIX + message)
