"""The package's one strict JSON encoder: conversion tables, a strict encoder and path-naming errors.

Why one module: every payload the package hands to AWS (Step Functions input, SQS bodies) and every
result the LetsData bridge returns to the Lambda runtime must be *strict* JSON -- no ``NaN`` or
``Infinity`` (``json.dumps`` emits them by default, and they are not JSON), no integer the runtime
cannot turn into text (Python refuses more than ``sys.get_int_max_str_digits()`` digits, 4,300 by
default), no nesting deeper than the encoder manages. When a value breaks one of these rules the
caller gets a :class:`JsonCodecError` naming the path to it (``$.document.vectors[3]``) instead of
invalid JSON or a crash somewhere else.

What converts to what lives in two tables (:data:`WIRE` for the bridge's return values, :data:`PAYLOAD`
for AWS payloads, see :class:`Conversions`); the walk that applies a table (:func:`to_json_value`) is
iterative, so it has no recursion limit of its own. Standard library only, and cheap to import: the
bridge imports it on the Lambda hot path.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import sys
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from json import encoder as _json_encoder
from typing import Any

__all__ = [
    "PAYLOAD",
    "WIRE",
    "Conversions",
    "JsonCodecError",
    "dumps",
    "encode_strict",
    "find_strict_violation",
    "to_json_value",
]

#: The exact types JSON represents natively (``bool`` cannot be subclassed, so it is exact too).
SCALARS: frozenset[type] = frozenset({str, int, float, bool, type(None)})


class JsonCodecError(TypeError, ValueError):
    """A value cannot be written as strict JSON. ``path`` is where (``$`` is the root), ``reason`` why.

    Both a ``TypeError`` (a type JSON has no form for) and a ``ValueError`` (a value outside what
    JSON or the runtime can represent), so ``except`` clauses written for ``json.dumps`` still work.
    """

    def __init__(self, reason: str, path: str = "$", type_name: str = "", advice: str = "") -> None:
        super().__init__(f"{reason} at {path}: {advice}" if advice else f"{reason} at {path}")
        self.reason = reason
        self.path = path
        self.type_name = type_name
        self.advice = advice


# -- paths: built only when something fails ------------------------------------------------------
# A path node is ``None`` (the root) or ``(parent_node, segment)`` where segment is a key (str, for
# ``.key``) or an index (int, for ``[i]``).
_PathNode = tuple[Any, Any] | None


def _path_text(node: _PathNode) -> str:
    segments: list[str] = []
    while node is not None:
        node, segment = node
        segments.append(f"[{segment}]" if type(segment) is int else f".{segment}")
    return "$" + "".join(reversed(segments))


class _Reject(Exception):
    """Internal: a converter refuses a value; the walk adds the path."""

    def __init__(self, reason: str, advice: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.advice = advice


# -- conversion tables ----------------------------------------------------------------------------
_DICT, _LIST, _SCALAR_SUBCLASS, _VALUE = range(4)
Converter = Callable[[Any], Any]


def _decimal_number(value: Decimal) -> Any:
    """An ``int`` when integral, else a ``float``; non-finite values become the float (the strict
    encoder then rejects them with a path)."""
    if not value.is_finite():
        return math.nan if value.is_nan() else float(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _iso(value: _dt.date | _dt.time) -> str:
    return value.isoformat()


def _sorted_list(value: set[Any] | frozenset[Any]) -> list[Any]:
    items = list(value)
    try:
        items.sort()
    except TypeError:
        pass  # mixed types: keep every element, in iteration order
    return items


def _enum_value(value: Enum) -> Any:
    return value.value


def _base64_text(value: bytes | bytearray | memoryview) -> str:
    import base64

    return base64.b64encode(bytes(value)).decode("ascii")


def _refuse_binary(value: object) -> Any:
    raise _Reject(f"cannot serialise {type(value).__name__}", "decode it to str (or base64-encode it) in your "
                  "implementation; binary data is never converted implicitly")


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


def _object_attributes(value: Any) -> dict[str, Any]:
    """A user object as its public attributes: slots first (base classes first), then ``__dict__`` in
    assignment order; names starting with ``_`` are private and skipped."""
    t = type(value)
    hook = getattr(t, "_letsdata_wire_check", None)
    if hook is not None:
        hook(value)
    slots = _slots_of(t)
    instance_dict = getattr(value, "__dict__", None)
    if slots is None and not isinstance(instance_dict, dict):
        raise _Reject(f"cannot serialise {t.__name__}", "it has no attributes (no __dict__ or __slots__) and is "
                      "not a JSON type")
    out: dict[str, Any] = {}
    for slot in slots or ():
        try:
            out[slot] = getattr(value, slot)
        except AttributeError:
            continue  # unset slot
    if isinstance(instance_dict, dict):
        for name, item in instance_dict.items():
            if type(name) is str and name[:1] != "_":
                out[name] = item
    return out


def _type_error(value: object) -> Any:
    raise _Reject(f"Type {type(value)} not serializable")


class Conversions:
    """A conversion table: which non-JSON types become which JSON values.

    ``rules`` is an ordered tuple of ``(types, converter)``; the first rule whose types match (by
    ``issubclass``) wins and the choice is cached per exact type, so the table is consulted once per
    type, not per value. A converter returns a replacement (which is converted in turn) or refuses
    with a reason. ``fallback`` handles types no rule matches. ``keys`` converts non-str dict keys.
    """

    def __init__(self, name: str, rules: tuple[tuple[Any, Converter], ...],
                 fallback: Converter, keys: Converter) -> None:
        self.name = name
        self.rules = rules
        self.fallback = fallback
        self.keys = keys
        self._kinds: dict[type, tuple[int, Converter | None]] = {}

    def kind_of(self, t: type) -> tuple[int, Converter | None]:
        """``(kind, converter)`` for the exact type ``t`` (cached)."""
        found = self._kinds.get(t)
        if found is not None:
            return found
        result: tuple[int, Converter | None]
        for types, converter in self.rules:
            if issubclass(t, types):
                result = (_VALUE, converter)
                break
        else:
            if issubclass(t, dict):
                result = (_DICT, None)
            elif issubclass(t, list | tuple):
                result = (_LIST, None)
            elif issubclass(t, str | int | float):
                result = (_SCALAR_SUBCLASS, None)
            else:
                result = (_VALUE, self.fallback)
        self._kinds[t] = result
        return result

    def default(self, value: Any) -> Any:
        """A ``json.dumps(default=...)`` hook applying this table to one value: ``TypeError`` if the table
        refuses it, ``ValueError`` if it converts to a non-finite number (``Decimal('Infinity')``)."""
        kind, converter = self.kind_of(type(value))
        if converter is None:
            raise TypeError(f"Type {type(value)} not serializable")
        try:
            result = converter(value)
        except _Reject as exc:
            raise TypeError(exc.reason) from None
        if type(result) is float and not math.isfinite(result):
            raise ValueError(f"cannot serialise non-finite {type(value).__name__} {value}: JSON has no NaN or "
                             "Infinity")
        return result


def _exact_scalar(value: Any) -> Any:
    """A str/int/float subclass instance as the exact built-in value (what ``json.dumps`` writes)."""
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int.__int__(value)
    return float.__float__(value)


def _wire_key(key: Any) -> Any:
    if isinstance(key, Enum):
        key = key.value
    if type(key) in SCALARS:
        return key  # json.dumps writes these keys itself (1 -> "1", None -> "null")
    if isinstance(key, str | int | float):
        return _exact_scalar(key)
    if isinstance(key, bytes | bytearray):
        raise _Reject(f"cannot use a {type(key).__name__} dict key")
    try:
        return str(key)
    except Exception as exc:  # a user __str__ that raises
        raise _Reject(f"cannot use a {type(key).__name__} dict key ({type(exc).__name__} in __str__)") from None


def _payload_key(key: Any) -> Any:
    if type(key) in SCALARS:
        return key
    if isinstance(key, str | int | float):
        return _exact_scalar(key)
    raise _Reject(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


_DATES = (_dt.datetime, _dt.date, _dt.time)
_BINARY = (bytes, bytearray, memoryview)

#: The LetsData bridge's return values: enums as their value, dates as ISO text, Decimal as a number,
#: sets as (sorted) lists, user objects as their public attributes; binary data is refused.
WIRE = Conversions(
    "wire",
    ((Enum, _enum_value), (_BINARY, _refuse_binary), (_DATES, _iso), (Decimal, _decimal_number),
     ((set, frozenset), _sorted_list)),
    fallback=_object_attributes,
    keys=_wire_key,
)

#: AWS payloads (Step Functions input, SQS bodies): dates as ISO text, Decimal as a number, sets as
#: (sorted) lists, binary data as base64 text; anything else is a ``TypeError``.
PAYLOAD = Conversions(
    "payload",
    (((_dt.datetime, _dt.date), _iso), (Decimal, _decimal_number), ((set, frozenset), _sorted_list),
     (_BINARY, _base64_text)),
    fallback=_type_error,
    keys=_payload_key,
)


# -- the walk -------------------------------------------------------------------------------------
_EXIT = object()
#: Nesting handled by plain recursion (the fast path); anything deeper continues on an explicit stack,
#: so no nesting json.dumps manages can exhaust the interpreter's recursion limit here.
_RECURSION_BUDGET = 100


class _Failure(Exception):
    """Internal: a value cannot be converted; ``segments`` is the path, innermost segment first."""

    def __init__(self, reason: str, type_name: str, advice: str, segments: list[str] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.type_name = type_name
        self.advice = advice
        self.segments = segments if segments is not None else []


def _segments(node: _PathNode) -> list[str]:
    out: list[str] = []
    while node is not None:
        node, segment = node
        out.append(f"[{segment}]" if type(segment) is int else f".{segment}")
    return out


def to_json_value(value: Any, conversions: Conversions = WIRE) -> Any:
    """``value`` as plain JSON data (exact dict/list/str/int/float/bool/None) under ``conversions``.

    Containers are rebuilt (the input is never modified); a cycle, an unconvertible value or a bad
    key raises :class:`JsonCodecError` naming the path. Nesting is limited by memory, not by the
    interpreter's recursion limit (recursion for the first levels, an explicit stack below).
    Numbers are not range-checked here: :func:`encode_strict` does that.
    """
    if type(value) in SCALARS:
        return value
    try:
        return _recursive(value, conversions, set(), 0)
    except _Failure as failure:
        path = "$" + "".join(reversed(failure.segments))
        raise JsonCodecError(failure.reason, path, failure.type_name, failure.advice) from None


def _recursive(item: Any, conversions: Conversions, active: set[int], depth: int) -> Any:
    t = type(item)
    found = conversions._kinds.get(t)
    kind, converter = found if found is not None else conversions.kind_of(t)
    if kind == _SCALAR_SUBCLASS:
        return _exact_scalar(item)
    if depth >= _RECURSION_BUDGET:
        return _iterative(item, conversions, active)
    # Cycle checks happen only where a value has non-scalar content: a container holding only
    # scalars (or a value converting to a scalar) cannot be part of a cycle.
    marker = id(item)
    scalars = SCALARS
    if kind == _VALUE:
        assert converter is not None
        try:
            item = converter(item)
        except _Reject as exc:
            raise _Failure(exc.reason, t.__name__, exc.advice) from None
        if type(item) in scalars:
            return item
        if marker in active:
            raise _Failure("circular reference", t.__name__, f"a {t.__name__} contains itself")
        active.add(marker)  # an object converted to a dict of its attributes may contain itself
        if converter is not _object_attributes:  # e.g. an enum whose value is a list: convert that
            result = _recursive(item, conversions, active, depth + 1)
            active.discard(marker)
            return result
        new: dict[Any, Any] = item  # a fresh dict of the object's public attributes: convert in place
        for k, v in new.items():
            if type(v) not in scalars:
                try:
                    new[k] = _recursive(v, conversions, active, depth + 1)
                except _Failure as failure:
                    failure.segments.append(f".{k}")
                    raise
        active.discard(marker)
        return new
    if kind == _DICT:
        entered = False
        new = {}
        for k, v in item.items():
            if type(k) is not str:
                try:
                    k = conversions.keys(k)
                except _Reject as exc:
                    raise _Failure(exc.reason, type(k).__name__, exc.advice) from None
            if type(v) in scalars:
                new[k] = v
                continue
            if not entered:
                if marker in active:
                    raise _Failure("circular reference", t.__name__, f"a {t.__name__} contains itself")
                active.add(marker)
                entered = True
            try:
                new[k] = _recursive(v, conversions, active, depth + 1)
            except _Failure as failure:
                failure.segments.append(f".{k}")
                raise
        if entered:
            active.discard(marker)
        return new
    out = list(item)  # _LIST
    first = -1
    for position, v in enumerate(out):
        if type(v) not in scalars:
            first = position
            break
    if first < 0:
        return out  # only scalars (e.g. an embedding vector)
    if marker in active:
        raise _Failure("circular reference", t.__name__, f"a {t.__name__} contains itself")
    active.add(marker)
    for index in range(first, len(out)):
        v = out[index]
        if type(v) not in scalars:
            try:
                out[index] = _recursive(v, conversions, active, depth + 1)
            except _Failure as failure:
                failure.segments.append(f"[{index}]")
                raise
    active.discard(marker)
    return out


def _iterative(value: Any, conversions: Conversions, active: set[int]) -> Any:
    """The walk with its own stack (no recursion limit), for whatever lies deeper than
    :data:`_RECURSION_BUDGET`; failures carry the path relative to ``value``."""
    box: list[Any] = [None]
    # A frame is (value, where to store its conversion, under which key/index, its path node), or
    # (id, _EXIT, None, None): the container with that id is finished (cycle detection).
    stack: list[tuple[Any, Any, Any, _PathNode]] = [(value, box, 0, None)]
    kinds = conversions._kinds
    kind_of = conversions.kind_of
    pop = stack.pop
    push = stack.append
    scalars = SCALARS
    while stack:
        item, out, key, path = pop()
        if out is _EXIT:
            active.discard(item)
            continue
        t = type(item)
        found = kinds.get(t)
        kind, converter = found if found is not None else kind_of(t)
        if kind == _SCALAR_SUBCLASS:
            out[key] = _exact_scalar(item)
            continue
        marker = id(item)
        if marker in active:
            raise _Failure("circular reference", t.__name__, f"a {t.__name__} contains itself", _segments(path))
        if kind == _VALUE:
            assert converter is not None
            try:
                item = converter(item)
            except _Reject as exc:
                raise _Failure(exc.reason, t.__name__, exc.advice, _segments(path)) from None
            t = type(item)
            if t in scalars:
                out[key] = item
                continue
            if converter is not _object_attributes:  # e.g. an enum whose value is a list: convert that
                active.add(marker)
                push((marker, _EXIT, None, None))
                push((item, out, key, path))
                continue
            new = item  # a fresh dict of the object's public attributes, with str keys: convert in place
            out[key] = new
            children = [(v, new, k, (path, k)) for k, v in new.items() if type(v) not in scalars]
        elif kind == _DICT:
            new = {}
            out[key] = new
            children = []
            for k, v in item.items():
                if type(k) is not str:
                    try:
                        k = conversions.keys(k)
                    except _Reject as exc:
                        raise _Failure(exc.reason, type(k).__name__, exc.advice, _segments(path)) from None
                new[k] = v
                if type(v) not in scalars:
                    children.append((v, new, k, (path, k)))
        else:  # _LIST
            new_list = list(item)
            out[key] = new_list
            children = [(v, new_list, i, (path, i)) for i, v in enumerate(new_list) if type(v) not in scalars]
        if children:
            active.add(marker)
            push((marker, _EXIT, None, None))
            children.reverse()  # the stack is LIFO: visit children in document order
            stack.extend(children)
    return box[0]


# -- strict encoding ------------------------------------------------------------------------------
_MAX_PATH_CHARS = 300
_pow10: dict[int, int] = {}


def _short_path(path: str) -> str:
    """Very deep paths (``$[0][0]...``) are shortened in messages, keeping both ends."""
    if len(path) <= _MAX_PATH_CHARS:
        return path
    return f"{path[:200]}...({len(path) - 280} characters of path)...{path[-80:]}"


def _too_many_digits(value: int) -> int | None:
    """The int-to-text digit limit when ``value`` exceeds it (Python refuses to write such ints), else None."""
    limit = sys.get_int_max_str_digits()
    if limit <= 0 or value.bit_length() * 0.30103 < limit - 1:
        return None
    if limit not in _pow10:
        _pow10[limit] = 10**limit
    return limit if abs(value) >= _pow10[limit] else None


def find_strict_violation(data: Any, ensure_ascii: bool = True,
                          too_deep: bool = False) -> tuple[str, str, str] | None:
    """The first value of plain JSON ``data`` (document order) that strict JSON cannot carry.

    Returns ``(path, reason, advice)`` or None: a non-finite float, an integer over the int-to-text digit
    limit, a value of a type JSON has no form for (``bytes``, ``set``, ...), or (when the text is sent as UTF-8, ``ensure_ascii=False``) a string holding a lone
    surrogate. With ``too_deep`` (the encoder ran out of recursion) it names the deepest container
    instead. Used only after encoding failed, to name the culprit, so it favours clarity over speed.
    """
    deepest: tuple[int, _PathNode] = (-1, None)
    stack: list[tuple[Any, _PathNode, int]] = [(data, None, 0)]
    on_path: set[int] = set()  # containers between the root and the value at hand
    while stack:
        value, path, depth = stack.pop()
        if depth < 0:  # leaving a container: every value below it was seen
            on_path.discard(id(value))
            continue
        t = type(value)
        if t is float:
            if not math.isfinite(value):
                return _path_text(path), f"non-finite float {value!r}", "JSON has no NaN or Infinity"
        elif t is int:
            limit = _too_many_digits(value)
            if limit is not None:
                return _path_text(path), f"int with more than {limit} digits", (
                    "the interpreter's limit for int-to-text conversion (sys.get_int_max_str_digits()); return it as "
                    "a str")
        elif t is str:
            if not ensure_ascii and not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    return _path_text(path), "str holding a lone surrogate", "it cannot be sent as UTF-8"
        elif t is dict or t is list:
            if id(value) in on_path:
                return _path_text(path), f"circular reference to a {t.__name__}", "JSON cannot hold a cycle"
            on_path.add(id(value))
            if depth > deepest[0]:
                deepest = (depth, path)
            items = value.items() if t is dict else enumerate(value)
            children = [(v, (path, k), depth + 1) for k, v in items]
            children.reverse()
            stack.append((value, path, -1))
            stack.extend(children)
        elif not isinstance(value, _JSON_NATIVE):
            return _path_text(path), f"{t.__name__} value", "JSON has no form for it; convert it first"
    if too_deep and deepest[0] >= 0:
        return _path_text(deepest[1]), f"value nested {deepest[0] + 1} levels deep", (
            "more than the JSON encoder manages (about sys.getrecursionlimit() levels)")
    return None


#: What the C encoder writes without a ``default`` hook (subclasses included).
_JSON_NATIVE = (str, int, float, bool, type(None), dict, list, tuple)

_encoders: dict[bool, Callable[[Any, int], Any]] = {}


def _c_encoder(ensure_ascii: bool) -> Callable[[Any, int], Any] | None:
    """A reusable C encoder (strict floats, no circular check: callers pass acyclic converted data)."""
    found = _encoders.get(ensure_ascii)
    if found is None:
        make = getattr(_json_encoder, "c_make_encoder", None)
        if make is None:  # pragma: no cover - interpreters without the C accelerator
            return None
        quote = _json_encoder.encode_basestring_ascii if ensure_ascii else _json_encoder.encode_basestring
        found = make(None, None, quote, None, ": ", ", ", False, False, False)
        _encoders[ensure_ascii] = found
    return found


_WHOLE = object()


def encode_strict(data: Any, ensure_ascii: bool = True, diagnose: Any = _WHOLE) -> tuple[str, int]:
    """Strict JSON text of plain JSON ``data`` (as :func:`to_json_value` returns) and its size in bytes.

    The text is exactly ``json.dumps(data, ensure_ascii=ensure_ascii)`` (default separators), which
    is also what the Lambda runtime sends. The size counts UTF-8 bytes. Raises :class:`JsonCodecError`
    naming the path for what strict JSON cannot carry (see :func:`find_strict_violation`); the path
    is inside ``diagnose`` when given (the part of ``data`` that holds the offending value, e.g. the
    result inside its envelope), else inside ``data``.
    """
    try:
        encoder = _c_encoder(ensure_ascii)
        if encoder is None:  # pragma: no cover
            text = json.dumps(data, ensure_ascii=ensure_ascii, allow_nan=False, check_circular=False)
        else:
            text = "".join(encoder(data, 0))
        size = len(text) if text.isascii() else len(text.encode("utf-8"))
        return text, size
    except (TypeError, ValueError, RecursionError, UnicodeEncodeError, OverflowError) as exc:
        raise _strict_error(data if diagnose is _WHOLE else diagnose, ensure_ascii, exc) from None


def _strict_error(data: Any, ensure_ascii: bool, exc: BaseException) -> JsonCodecError:
    found = find_strict_violation(data, ensure_ascii, too_deep=isinstance(exc, RecursionError))
    if found is None:
        return JsonCodecError(f"cannot encode as JSON ({type(exc).__name__}: {exc})")
    path, reason, advice = found
    return JsonCodecError(f"cannot serialise {reason}", _short_path(path), advice=advice)


def dumps(
    value: Any, conversions: Conversions = PAYLOAD, *, ensure_ascii: bool = True, compact: bool = False
) -> str:
    """Strict JSON text of ``value`` under ``conversions`` (ASCII-escaped, default separators unless
    ``ensure_ascii=False`` / ``compact=True``: letsdata_local's document lines are UTF-8 text with
    ``,``/``:`` separators, the size the destinations' limits count).

    The fast path is one ``json.dumps`` call with the table as its ``default`` hook; only when that
    fails is the value walked again to name the offending path in the :class:`JsonCodecError`.
    """
    try:
        return json.dumps(
            value,
            default=conversions.default,
            allow_nan=False,
            ensure_ascii=ensure_ascii,
            separators=(",", ":") if compact else None,
        )
    except (TypeError, ValueError, RecursionError, OverflowError) as exc:
        try:
            plain = to_json_value(value, conversions)
        except JsonCodecError as named:
            raise named from None
        raise _strict_error(plain, True, exc) from None
