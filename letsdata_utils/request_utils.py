"""Response envelopes, the stage lookup and the wire serialiser (spec sections 4, 5 and 9)."""

from __future__ import annotations

import datetime as _dt
import os
import traceback
from decimal import Decimal
from enum import Enum
from typing import Any

from letsdata_utils.errors import LetsDataSerializationError, wire_error_type
from letsdata_utils.logging_utils import logger
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
    raw = os.environ.get(STAGE_ENV)
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


def exception_body(err: BaseException) -> dict[str, Any]:
    """The error ``body`` (spec 4.2): statusCode, errorMessage, exception{errorMessage, errorType, stackTrace}."""
    message = _safe_str(err)
    return {
        "statusCode": "EXCEPTION",
        "errorMessage": message,
        "exception": {
            "errorMessage": message,
            "errorType": wire_error_type(err),
            "stackTrace": format_exception_trace(err),
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
    """The 200 envelope around already-serialised ``data`` (spec 4.1)."""
    return {"StatusCode": 200, "headers": dict(HEADERS_JSON), "body": success_body(data)}


_PRIMITIVES = (str, int, float, bool, type(None))
_EXACT_PRIMITIVES = frozenset(_PRIMITIVES)


def getJsonObject(input: Any) -> Any:  # noqa: A002 - original parameter name
    """Turn a user return value into JSON-compatible data (spec 5.2).

    Identical output to the original for everything it handled (plain values, JSON-able containers,
    objects emitted attribute by attribute in assignment order, enums as their value), plus: lists,
    tuples and dicts holding objects, sets (as lists), dates and datetimes (``isoformat()``),
    ``Decimal`` (int when integral, else float) and ``__slots__`` objects. Attributes whose name starts
    with ``_`` are private and not emitted. ``bytes``/``bytearray``, cycles and opaque objects raise
    :class:`LetsDataSerializationError` naming the path (``$.document.documentKeyValuesMap.raw``).
    """
    return _to_json(input, "$", set())


def _check_wire(value: Any) -> None:
    hook = getattr(type(value), "_letsdata_wire_check", None)
    if hook is not None:
        hook(value)


def _to_json(value: Any, path: str, active: set[int]) -> Any:
    if type(value) in _EXACT_PRIMITIVES:
        return value
    if isinstance(value, Enum):
        return _to_json(value.value, path, active)
    if isinstance(value, _PRIMITIVES):  # str/int/float subclasses
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        raise LetsDataSerializationError(
            f"getJsonObject - cannot serialise {type(value).__name__} at {path}: decode it to str "
            "(or base64-encode it) in your implementation; binary data is never converted implicitly")
    if isinstance(value, _dt.datetime | _dt.date | _dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
        return float(value)
    marker = id(value)
    if marker in active:
        raise LetsDataSerializationError(f"getJsonObject - circular reference at {path} ({type(value).__name__})")
    active.add(marker)
    try:
        if isinstance(value, dict):
            return {_key(k, path): _to_json(v, f"{path}.{_key(k, path)}", active) for k, v in value.items()}
        if isinstance(value, list | tuple):
            if all(type(v) in _EXACT_PRIMITIVES for v in value):  # fast path, e.g. embedding vectors
                return list(value)
            return [_to_json(v, f"{path}[{i}]", active) for i, v in enumerate(value)]
        if isinstance(value, set | frozenset):
            items = list(value)
            try:
                items.sort()
            except TypeError:
                pass
            return [_to_json(v, f"{path}[{i}]", active) for i, v in enumerate(items)]
        _check_wire(value)
        attrs = _attributes(value)
        if attrs is None:
            raise LetsDataSerializationError(
                f"getJsonObject - cannot serialise {type(value).__name__} at {path}: it has no attributes "
                "(no __dict__ or __slots__) and is not a JSON type")
        return {name: _to_json(v, f"{path}.{name}", active) for name, v in attrs}
    finally:
        active.discard(marker)


def _key(key: Any, path: str) -> Any:
    if isinstance(key, Enum):
        key = key.value
    if isinstance(key, _PRIMITIVES):
        return key  # json.dumps renders these keys exactly as the original did
    if isinstance(key, bytes | bytearray):
        raise LetsDataSerializationError(f"getJsonObject - cannot use a {type(key).__name__} dict key at {path}")
    return _safe_str(key)


def _attributes(value: Any) -> list[tuple[str, Any]] | None:
    found = False
    attrs: list[tuple[str, Any]] = []
    for cls in reversed(type(value).__mro__):
        slots = cls.__dict__.get("__slots__")
        if slots is None:
            continue
        found = True
        for slot in (slots,) if isinstance(slots, str) else slots:
            if slot.startswith("_") or slot in ("__dict__", "__weakref__"):
                continue
            try:
                attrs.append((slot, getattr(value, slot)))
            except AttributeError:
                continue  # unset slot
    instance_dict = getattr(value, "__dict__", None)
    if isinstance(instance_dict, dict):
        found = True
        attrs.extend((k, v) for k, v in instance_dict.items() if isinstance(k, str) and not k.startswith("_"))
    return attrs if found else None
