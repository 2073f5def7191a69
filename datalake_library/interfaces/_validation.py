"""Argument checks and AWS error translation shared by the interfaces.

Why: a public method must answer bad input with a library error that names the argument, and a
"does not exist" answer from AWS with a :class:`ResourceNotFoundError` naming the resource, never
with a bare ``KeyError``/``AttributeError`` or an opaque botocore error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from datalake_library import errors

#: service error code -> library error class (the message names the resource).
_NOT_FOUND_CODES: dict[str, type[errors.DatalakeLibraryError]] = {
    "NoSuchBucket": errors.BucketNotFoundError,
    "NoSuchKey": errors.ObjectNotFoundError,
    "404": errors.ObjectNotFoundError,
    "NotFound": errors.ObjectNotFoundError,
    "AWS.SimpleQueueService.NonExistentQueue": errors.QueueNotFoundError,
    "QueueDoesNotExist": errors.QueueNotFoundError,
    "ResourceNotFoundException": errors.TableNotFoundError,
    "StateMachineDoesNotExist": errors.StateMachineNotFoundError,
    "ExecutionDoesNotExist": errors.ExecutionNotFoundError,
    "ConditionalCheckFailedException": errors.ConditionFailedError,
    "InvalidArn": errors.MalformedArnError,
    "InvalidName": errors.InvalidArgumentError,
}

_STATES_ARN = re.compile(
    r"^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:(?P<kind>stateMachine|execution|express):[A-Za-z0-9_.:-]+$"
)
#: Step Functions execution names: 1-80 chars, no whitespace, brackets, wildcards or control chars.
_EXECUTION_NAME = re.compile(r"^[^\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f-\x9f]{1,80}$")


def client_error_code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, Mapping):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def translate_client_error(exc: BaseException, what: str) -> BaseException:
    """A library error for a known "not found"/condition code, else ``exc`` itself.

    ``what`` names the resource, e.g. ``"s3://bucket/key"`` or ``"queue 'x'"``.
    """
    code = client_error_code(exc)
    error_class = _NOT_FOUND_CODES.get(code)
    if error_class is None:
        return exc
    if error_class is errors.ObjectNotFoundError and code in ("404", "NotFound") and what.count("/") < 3:
        error_class = errors.BucketNotFoundError
    message = getattr(exc, "response", {}).get("Error", {}).get("Message") or code
    return error_class(f"{what}: {message} ({code})")


def require_str(value: Any, argument: str, *, allow_empty: bool = False) -> str:
    """``value`` if it is a (non-empty) string, else a library error naming ``argument``."""
    if value is None:
        raise errors.MissingArgumentError(f"{argument} is required (got None)", argument=argument)
    if not isinstance(value, str):
        raise errors.InvalidArgumentTypeError(
            f"{argument} must be a str, got {type(value).__name__}", argument=argument
        )
    if not value and not allow_empty:
        raise errors.MissingArgumentError(f"{argument} must not be empty", argument=argument)
    return value


def require_int(value: Any, argument: str, minimum: int, maximum: int) -> int:
    """``value`` as an ``int`` within bounds. An integral ``Decimal`` is accepted: stage code passes
    numbers read from DynamoDB (e.g. a pipeline's ``min_items_process``) straight through."""
    from decimal import Decimal

    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise errors.InvalidArgumentTypeError(
            f"{argument} must be an int, got {type(value).__name__}", argument=argument
        )
    if not minimum <= value <= maximum:
        raise errors.InvalidArgumentError(
            f"{argument} must be between {minimum} and {maximum}, got {value}", argument=argument
        )
    return value


def require_mapping(value: Any, argument: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise errors.InvalidArgumentTypeError(
            f"{argument} must be a dict, got {type(value).__name__}", argument=argument
        )
    return value


def require_states_arn(value: Any, argument: str, kind: str) -> str:
    """A Step Functions ARN of ``kind`` (``stateMachine`` or ``execution``)."""
    arn = require_str(value, argument)
    match = _STATES_ARN.match(arn)
    kinds = ("execution", "express") if kind == "execution" else (kind,)
    if match is None or match.group("kind") not in kinds:
        raise errors.MalformedArnError(
            f"{argument} is not a Step Functions {kind} ARN: {arn!r} "
            f"(expected arn:aws:states:<region>:<account>:{kind}:<name>)",
            argument=argument,
        )
    return arn


def require_execution_name(value: Any) -> str:
    name = require_str(value, "name")
    if not _EXECUTION_NAME.match(name):
        raise errors.InvalidArgumentError(
            f"execution name {name!r} must be 1-80 characters without whitespace, brackets, "
            'wildcards, control characters or any of "#%\\^|~`$&,;:/',
            argument="name",
        )
    return name
