"""The library's exception hierarchy: one base class, precise subclasses.

Why: the original let ``KeyError``, ``AttributeError`` and raw botocore ``ClientError`` escape, so a
stage Lambda could not tell "the SDLF parameter is missing" from "my code has a bug". Every error
raised on purpose here derives from :class:`DatalakeLibraryError` and names what was wrong. Where a
built-in category is natural the class also derives from it (``ValueError`` for bad input,
``LookupError``/``KeyError`` for things that do not exist), so existing ``except`` clauses keep
working.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class DatalakeLibraryError(Exception):
    """Base class of every error this library raises on purpose."""


class ConfigurationError(DatalakeLibraryError, LookupError):
    """An SDLF configuration value (an SSM parameter or its context) is not available.

    ``attribute`` is the library attribute (e.g. ``stage_queue``), ``parameter`` the SSM name when
    it could be built, ``missing_context`` the context fields (team/pipeline/stage) that were needed
    but not given, and ``context`` the client's team/pipeline/stage.
    """

    def __init__(
        self,
        message: str,
        *,
        attribute: str | None = None,
        parameter: str | None = None,
        missing_context: Sequence[str] = (),
        context: Mapping[str, str | None] | None = None,
    ) -> None:
        super().__init__(message)
        self.attribute = attribute
        self.parameter = parameter
        self.missing_context = tuple(missing_context)
        self.context = dict(context or {})


class InvalidArgumentError(DatalakeLibraryError, ValueError):
    """An argument has a wrong value (empty bucket, unsafe key, bad ARN, ...).

    ``argument`` names the offending parameter.
    """

    def __init__(self, message: str, *, argument: str | None = None) -> None:
        super().__init__(message)
        self.argument = argument


class InvalidArgumentTypeError(InvalidArgumentError, TypeError):
    """An argument has the wrong type (also a ``TypeError``)."""


class MissingArgumentError(InvalidArgumentError):
    """A required argument (bucket, key, queue URL, ...) is ``None`` or empty."""


class UnsafeKeyError(InvalidArgumentError):
    """An S3 key that could not be stored locally. ``download_object`` no longer raises it (every
    legal key has a safe local path, see docs/sdlf-downloads.md); kept for code that catches it."""


class MalformedArnError(InvalidArgumentError):
    """A string that must be an ARN of a given kind is not one."""


class PayloadTooLargeError(InvalidArgumentError):
    """A request payload exceeds the service limit; raised before any AWS call.

    ``size`` and ``limit`` are in bytes.
    """

    def __init__(self, message: str, *, argument: str | None = None, size: int = 0, limit: int = 0) -> None:
        super().__init__(message, argument=argument)
        self.size = size
        self.limit = limit


class InvalidLogLevelError(InvalidArgumentError):
    """``init_logger`` (or ``LOG_LEVEL``) got a level name logging does not know."""


class ResourceNotFoundError(DatalakeLibraryError, LookupError):
    """An AWS resource named by the caller does not exist (bucket, object, queue, table, ...)."""


class BucketNotFoundError(ResourceNotFoundError):
    """The S3 bucket does not exist."""


class ObjectNotFoundError(ResourceNotFoundError):
    """The S3 object does not exist."""


class QueueNotFoundError(ResourceNotFoundError):
    """The SQS queue does not exist (unknown name or URL)."""


class TableNotFoundError(ResourceNotFoundError):
    """The DynamoDB table or index does not exist."""


class StateMachineNotFoundError(ResourceNotFoundError):
    """The Step Functions state machine does not exist."""


class ExecutionNotFoundError(ResourceNotFoundError):
    """The Step Functions execution does not exist."""


class ItemNotFoundError(DatalakeLibraryError, KeyError):
    """``DynamoInterface.get_item`` found no item; a ``KeyError`` like the original's."""

    def __str__(self) -> str:  # KeyError's str() would add quotes around the message
        return str(self.args[0]) if self.args else ""


class ConditionFailedError(DatalakeLibraryError):
    """A DynamoDB write's ``condition_expression`` evaluated to false; nothing was written."""


class BatchOperationError(DatalakeLibraryError):
    """A batch call left some entries unprocessed or failed.

    ``failed`` lists the failed entries (service error entries, or the unprocessed items), and
    ``successful`` what did succeed, so the caller can retry exactly what is missing.
    """

    def __init__(self, message: str, *, failed: Sequence[Any] = (), successful: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.failed = list(failed)
        self.successful = list(successful)


class DownloadError(DatalakeLibraryError, OSError):
    """The local side of a download failed (e.g. a file already occupies a needed directory)."""


_parameter_not_found_class: type[ConfigurationError] | None = None


def _parameter_not_found_type() -> type[ConfigurationError]:
    """Build :class:`ParameterNotFoundError` on first use: it derives from botocore's ``ClientError``,
    and importing botocore here would put it on every cold start."""
    global _parameter_not_found_class
    if _parameter_not_found_class is None:
        from botocore.exceptions import ClientError

        class ParameterNotFoundError(ConfigurationError, ClientError):
            """An SSM parameter the library needs does not exist.

            Every generation of SDLF stage code can catch it its own way: it is a
            :class:`ConfigurationError` (this library), a ``LookupError``, and a botocore
            ``ClientError`` whose ``response["Error"]["Code"]`` is ``ParameterNotFound`` — what
            ``ssm.get_parameter`` raised in SDLF's layers up to 2.11.x.
            """

            def __init__(self, message: str, **details: Any) -> None:
                ConfigurationError.__init__(self, message, **details)
                self.response = {"Error": {"Code": "ParameterNotFound", "Message": message}}
                self.operation_name = "GetParameter"

            def __reduce__(self) -> Any:  # picklable despite the two __init__ signatures
                return (parameter_not_found, (str(self),), {"attribute": self.attribute, "parameter": self.parameter})

        ParameterNotFoundError.__module__ = __name__
        ParameterNotFoundError.__qualname__ = "ParameterNotFoundError"
        _parameter_not_found_class = ParameterNotFoundError
    return _parameter_not_found_class


def parameter_not_found(
    message: str,
    *,
    attribute: str | None = None,
    parameter: str | None = None,
    context: Mapping[str, str | None] | None = None,
) -> ConfigurationError:
    """A :class:`ParameterNotFoundError` (ConfigurationError + botocore ClientError ``ParameterNotFound``)."""
    return _parameter_not_found_type()(message, attribute=attribute, parameter=parameter, context=context)


def __getattr__(name: str) -> Any:
    if name == "ParameterNotFoundError":
        return _parameter_not_found_type()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
