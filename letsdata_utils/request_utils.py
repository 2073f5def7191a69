"""Response envelopes, the stage lookup and the wire serialiser (docs/letsdata-wire-contract.md)."""

from __future__ import annotations

import traceback
from typing import Any

from datalake_library.json_codec import WIRE, JsonCodecError, to_json_value
from letsdata_utils.errors import LetsDataSerializationError, wire_error_type
from letsdata_utils.logging_utils import logger
from letsdata_utils.response_limits import cut_chars, cut_text, wire_text
from letsdata_utils.stage import Stage

HEADERS_JSON = {"Content-Type": "application/json"}
STAGE_ENV = "LETS_DATA_STAGE"

_stage_cache: dict[str | None, Stage | None] = {}


def getLambdaStageFromEnvironment() -> Stage | None:
    """Parse ``LETS_DATA_STAGE`` tolerantly.

    The original failed every request when the variable was missing or not exactly ``Test``/``Prod``,
    although the value is never used. Here an absent or unknown value logs one warning and yields
    ``None``; a different case (``test``) is accepted with a warning. Results are cached per raw value.
    """
    from datalake_library import settings

    raw = settings.get(STAGE_ENV)
    if raw in _stage_cache:
        return _stage_cache[raw]
    stage: Stage | None = None
    if raw is None:
        logger.warning("letsdata stage - %s is not set; continuing without a stage", STAGE_ENV)
    else:
        try:
            stage = Stage.fromValue(raw)
        except ValueError:
            matches = [s for s in Stage if s.value.lower() == raw.strip().lower()]
            if matches:
                stage = matches[0]
                logger.warning("letsdata stage - %s=%r is not exact-case; using %s", STAGE_ENV, raw, stage.value)
            else:
                logger.warning("letsdata stage - %s=%r is not one of Test, Prod; continuing without a stage",
                               STAGE_ENV, raw)
    _stage_cache[raw] = stage
    return stage


def _safe_str(value: object) -> str:
    try:
        return str(value)
    except Exception as exc:  # a user __str__ that raises must not break the envelope
        return f"<unprintable {type(value).__name__}: {type(exc).__name__}>"


def format_exception_trace(err: BaseException) -> str:
    """The full formatted traceback of ``err`` itself (chained causes included), ending in a newline."""
    try:
        return "".join(traceback.format_exception(type(err), err, err.__traceback__))
    except Exception:  # pragma: no cover - traceback formatting of exotic objects
        return f"{type(err).__name__}: {_safe_str(err)}\n"


#: How much of an error message (each of its two copies) and of a stack trace an envelope carries, in
#: bytes of JSON text; longer ones are cut, keeping the start, with a visible marker (docs/letsdata-bridge.md).
MESSAGE_LIMIT_BYTES = 64 * 1024
TRACE_LIMIT_BYTES = 128 * 1024
#: Inside the stack trace, a message longer than this is cut too: the full start is in ``errorMessage``.
TRACE_MESSAGE_CHARS = 1024
TYPE_LIMIT_BYTES = 1024


def exception_body(err: BaseException) -> dict[str, Any]:
    """The error ``body`` (docs/letsdata-wire-contract.md, Response envelopes): statusCode, errorMessage, exception{errorMessage, errorType, stackTrace}.

    Long texts are cut to stay far below Lambda's response limit: the message to
    :data:`MESSAGE_LIMIT_BYTES`, the trace to :data:`TRACE_LIMIT_BYTES` (a long message quoted in the
    trace's last line is shortened first), both keeping their start; strings are made sendable as
    UTF-8. A body is therefore at most about 260 KB of JSON whatever the exception holds.
    """
    full = _safe_str(err)
    message = cut_text(wire_text(full), MESSAGE_LIMIT_BYTES, "message")
    trace = format_exception_trace(err)
    if len(full) > TRACE_MESSAGE_CHARS and full in trace:
        trace = trace.replace(full, cut_chars(full, TRACE_MESSAGE_CHARS, "message; its start is in errorMessage"))
    return {
        "statusCode": "EXCEPTION",
        "errorMessage": message,
        "exception": {
            "errorMessage": message,
            "errorType": cut_text(wire_text(wire_error_type(err)), TYPE_LIMIT_BYTES, "type name"),
            "stackTrace": cut_text(wire_text(trace), TRACE_LIMIT_BYTES, "stack trace", end="\n"),
        },
    }


def return500ResponseFromException(err: BaseException, response: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the 500 envelope for ``err`` into ``response`` (cleared first) and return it.

    Unlike the original this formats ``err``'s own traceback (not ``sys.exc_info()``), so it is
    correct when called outside an ``except`` block, and it honours the ``response`` argument.
    """
    envelope: dict[str, Any] = response if isinstance(response, dict) else {}
    envelope.clear()
    envelope["StatusCode"] = 500
    envelope["headers"] = dict(HEADERS_JSON)
    envelope["body"] = exception_body(err)
    return envelope


def success_body(data: Any) -> dict[str, Any]:
    """The success ``body``: ``{"statusCode": "SUCCESS", "data": <already serialised data>}``."""
    return {"statusCode": "SUCCESS", "data": data}


def return200Response(data: Any) -> dict[str, Any]:
    """The 200 envelope around already-serialised ``data`` (docs/letsdata-wire-contract.md, Response envelopes)."""
    return {"StatusCode": 200, "headers": dict(HEADERS_JSON), "body": success_body(data)}


def getJsonObject(input: Any) -> Any:  # noqa: A002 - original parameter name
    """Turn a user return value into JSON-compatible data (docs/letsdata-wire-contract.md, Serialisation of return values).

    Identical output to the original for everything it handled (plain values, JSON-able containers,
    objects emitted attribute by attribute in assignment order, enums as their value), plus: lists,
    tuples and dicts holding objects, sets (as lists), dates and datetimes (``isoformat()``),
    ``Decimal`` (int when integral, else float) and ``__slots__`` objects. Attributes whose name starts
    with ``_`` are private and not emitted. ``bytes``/``bytearray``, cycles and opaque objects raise
    :class:`LetsDataSerializationError` naming the path (``$.document.documentKeyValuesMap.raw``).

    The conversion table is :data:`datalake_library.json_codec.WIRE`; the walk is iterative, so any
    nesting ``json.dumps`` manages is fine. Like the original (which kept whatever ``json.dumps``
    accepted) this does not reject ``NaN``/``Infinity`` or huge integers: the handler's strict encoder
    does, naming the path, before anything reaches the runtime.
    """
    try:
        return to_json_value(input, WIRE)
    except JsonCodecError as exc:
        raise LetsDataSerializationError(f"getJsonObject - {exc}") from None
