"""The ``letsdata_assert`` helper used by every request validation."""

from __future__ import annotations

from typing import NoReturn

from letsdata_utils.errors import LetsDataAssertionError

ASSERT_PREFIX = "letsdata assert - "

#: A request value quoted in a message is cut to this many characters (a 2.5 MB function name must
#: not make a 2.5 MB message).
ECHO_CHARS = 200


def echo(value: object, quote: bool = False) -> str:
    """``value`` for a message (its ``repr`` when ``quote``), cut to :data:`ECHO_CHARS` with a marker."""
    text = repr(value) if quote else str(value)
    if len(text) <= ECHO_CHARS:
        return text
    return f"{text[:ECHO_CHARS]}...[{len(text) - ECHO_CHARS:,} more characters]"


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
