"""Response envelopes, the stage lookup and the wire serialiser (spec sections 4, 5 and 9)."""

from __future__ import annotations

import datetime as _dt
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
_BINARY = (bytes, bytearray, memoryview)
_DATES = (_dt.datetime, _dt.date, _dt.time)


class _Unserialisable(Exception):
    """Internal: raised at the offending value; each container level adds its path segment on the way out."""

    def __init__(self, reason: str, type_name: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.type_name = type_name
        self.segments: list[str] = []

    def path(self) -> str:
        return "$" + "".join(reversed(self.segments))


def getJsonObject(input: Any) -> Any:  # noqa: A002 - original parameter name
    """Turn a user return value into JSON-compatible data (spec 5.2).

    Identical output to the original for everything it handled (plain values, JSON-able containers,
    objects emitted attribute by attribute in assignment order, enums as their value), plus: lists,
    tuples and dicts holding objects, sets (as lists), dates and datetimes (``isoformat()``),
    ``Decimal`` (int when integral, else float) and ``__slots__`` objects. Attributes whose name starts
    with ``_`` are private and not emitted. ``bytes``/``bytearray``, cycles and opaque objects raise
    :class:`LetsDataSerializationError` naming the path (``$.document.documentKeyValuesMap.raw``).

    This runs once per record, so paths are only assembled when something fails.
    """
    try:
        return _to_json(input, set())
    except _Unserialisable as exc:
        raise LetsDataSerializationError(exc.reason.format(type=exc.type_name, path=exc.path())) from None


# Per-type dispatch, computed once per type: most values are a handful of types seen on every record.
_ENUM, _PRIM_SUB, _BIN, _DATE, _DEC, _DICT, _LIST, _SET, _OBJ = range(9)
_kinds: dict[type, int] = {}


def _classify(t: type) -> int:
    if issubclass(t, Enum):
        kind = _ENUM
    elif issubclass(t, _PRIMITIVES):  # str/int/float subclasses
        kind = _PRIM_SUB
    elif issubclass(t, _BINARY):
        kind = _BIN
    elif issubclass(t, _DATES):
        kind = _DATE
    elif issubclass(t, Decimal):
        kind = _DEC
    elif issubclass(t, dict):
        kind = _DICT
    elif issubclass(t, list | tuple):
        kind = _LIST
    elif issubclass(t, set | frozenset):
        kind = _SET
    else:
        kind = _OBJ
    _kinds[t] = kind
    return kind


def _to_json(value: Any, active: set[int]) -> Any:
    t = type(value)
    if t in _EXACT_PRIMITIVES:
        return value
    kind = _kinds.get(t)
    if kind is None:
        kind = _classify(t)
    if kind == _OBJ:
        return _object_items(value, active)
    if kind == _DICT:
        return _dict_items(value, active)
    if kind == _LIST:
        for v in value:
            if type(v) not in _EXACT_PRIMITIVES:
                return _list_items(value, active)
        return list(value)  # fast path, e.g. embedding vectors
    if kind == _ENUM:
        return _to_json(value.value, active)
    if kind == _PRIM_SUB:
        return value
    if kind == _DATE:
        return value.isoformat()
    if kind == _DEC:
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
        return float(value)
    if kind == _SET:
        items = list(value)
        try:
            items.sort()
        except TypeError:
            pass
        return _list_items(items, active)
    raise _Unserialisable("getJsonObject - cannot serialise {type} at {path}: decode it to str (or base64-encode "
                          "it) in your implementation; binary data is never converted implicitly", t.__name__)


def _enter(value: Any, active: set[int]) -> int:
    marker = id(value)
    if marker in active:
        raise _Unserialisable("getJsonObject - circular reference at {path} ({type})", type(value).__name__)
    active.add(marker)
    return marker


def _dict_items(value: dict[Any, Any], active: set[int]) -> dict[Any, Any]:
    marker = _enter(value, active)
    out: dict[Any, Any] = {}
    for k, v in value.items():
        key = k if type(k) is str else _key(k)
        if type(v) in _EXACT_PRIMITIVES:
            out[key] = v
            continue
        try:
            out[key] = _to_json(v, active)
        except _Unserialisable as exc:
            exc.segments.append(f".{key}")
            raise
    active.discard(marker)
    return out


def _list_items(value: Any, active: set[int]) -> list[Any]:
    marker = _enter(value, active)
    out: list[Any] = []
    for i, v in enumerate(value):
        if type(v) in _EXACT_PRIMITIVES:
            out.append(v)
            continue
        try:
            out.append(_to_json(v, active))
        except _Unserialisable as exc:
            exc.segments.append(f"[{i}]")
            raise
    active.discard(marker)
    return out


def _object_items(value: Any, active: set[int]) -> dict[str, Any]:
    t = type(value)
    hook = getattr(t, "_letsdata_wire_check", None)
    if hook is not None:
        hook(value)
    slots = _slots_of(t)
    instance_dict = getattr(value, "__dict__", None)
    if slots is None and not isinstance(instance_dict, dict):
        raise _Unserialisable("getJsonObject - cannot serialise {type} at {path}: it has no attributes (no __dict__ "
                              "or __slots__) and is not a JSON type", t.__name__)
    marker = _enter(value, active)
    out: dict[str, Any] = {}
    items: list[tuple[str, Any]] = []
    for slot in slots or ():
        try:
            items.append((slot, getattr(value, slot)))
        except AttributeError:
            continue  # unset slot
    if isinstance(instance_dict, dict):
        items.extend(instance_dict.items())
    for name, v in items:
        if type(name) is not str or name[:1] == "_":
            continue  # private attributes never reach the wire
        if type(v) in _EXACT_PRIMITIVES:
            out[name] = v
            continue
        try:
            out[name] = _to_json(v, active)
        except _Unserialisable as exc:
            exc.segments.append(f".{name}")
            raise
    active.discard(marker)
    return out


def _key(key: Any) -> Any:
    if isinstance(key, Enum):
        key = key.value
    if isinstance(key, _PRIMITIVES):
        return key  # json.dumps renders these keys exactly as the original did
    if isinstance(key, bytes | bytearray):
        raise _Unserialisable("getJsonObject - cannot use a {type} dict key at {path}", type(key).__name__)
    return _safe_str(key)


_slot_names: dict[type, tuple[str, ...] | None] = {}


def _slots_of(cls: type) -> tuple[str, ...] | None:
    """Public slot names of ``cls`` (base classes first), or None when no class in the MRO declares slots."""
    if cls in _slot_names:
        return _slot_names[cls]
    found = False
    names: list[str] = []
    for klass in reversed(cls.__mro__):
        slots = klass.__dict__.get("__slots__")
        if slots is None:
            continue
        found = True
        for slot in (slots,) if isinstance(slots, str) else slots:
            if not slot.startswith("_") and slot not in ("__dict__", "__weakref__"):
                names.append(slot)
    result = tuple(names) if found else None
    _slot_names[cls] = result
    return result
