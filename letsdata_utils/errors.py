"""Exception types raised by the bridge itself.

The LetsData platform only ever saw ``errorType: "Exception"`` for validation failures, so the
envelope builder reports every :class:`LetsDataError` as ``Exception`` on the wire; inside the process
the precise subclasses let callers (tests, the local runner) tell the failure kinds apart.
"""

from __future__ import annotations


class LetsDataError(Exception):
    """Base class of every error the bridge raises on its own behalf (reported as ``Exception``)."""


class LetsDataAssertionError(LetsDataError):
    """A request failed validation; the message starts with ``letsdata assert - ``."""


class LetsDataRequestError(LetsDataError):
    """A request was well-formed but its values break a wire rule (e.g. parseDocument indexes)."""


class LetsDataImplementationError(LetsDataError):
    """The user's implementation class could not be loaded, instantiated or lacks the method."""


class LetsDataSerializationError(LetsDataError, TypeError):
    """A return value cannot be put on the wire as JSON; the message names the offending path."""


class LetsDataTimeoutError(LetsDataError):
    """A request (or a ``batchedData`` item) could not finish before the invocation's deadline."""


class LetsDataResponseTooLargeError(LetsDataError):
    """A result does not fit in Lambda's response size limit."""


#: ``errorType`` reported on the wire for bridge errors (the original raised bare ``Exception``).
WIRE_ERROR_TYPE = "Exception"


def wire_error_type(err: BaseException) -> str:
    """The ``errorType`` the platform sees for ``err``: ``Exception`` for bridge errors, else the class name."""
    if isinstance(err, LetsDataError):
        return WIRE_ERROR_TYPE
    return type(err).__name__
