"""Keeping every response inside Lambda's limits: its size, its text encoding, cut long texts.

Lambda refuses a synchronous invocation's response over 6 MB (:data:`RESPONSE_LIMIT_BYTES`); the
platform then sees the runtime's own error instead of the bridge's envelope. Sizes here are bytes
of the JSON text the runtime sends. The runtime (``awslambdaric``) escapes non-ASCII characters
(``ensure_ascii``) on some images and sends raw UTF-8 on others; :func:`runtime_ensure_ascii` asks
the running runtime's own encoder which, and assumes escaping (the larger of the two) when no runtime
is loaded (in-process calls, tests, ``letsdata_local``). See docs/letsdata-bridge.md.
"""

from __future__ import annotations

import sys
from json import encoder as _json_encoder

#: Lambda's limit for a synchronous invocation's response payload (6 MB).
RESPONSE_LIMIT_BYTES = 6 * 1024 * 1024

_RUNTIME_MARSHALLERS = ("awslambdaric.lambda_runtime_marshaller", "lambda_runtime_marshaller")
_runtime_mode: list[bool] = []


def runtime_ensure_ascii() -> bool:
    """Whether the Lambda runtime in this process escapes non-ASCII characters when it encodes results.

    Read once from the runtime's own marshaller when it is loaded; True (escaping: the larger size,
    so a size check that passes holds under either encoding) when no runtime is loaded.
    """
    if _runtime_mode:
        return _runtime_mode[0]
    for name in _RUNTIME_MARSHALLERS:
        module = sys.modules.get(name)
        encoder_class = getattr(module, "Encoder", None)
        if encoder_class is not None:
            try:
                mode = bool(encoder_class().ensure_ascii)
            except Exception:  # pragma: no cover - a runtime whose encoder we cannot inspect
                mode = True
            _runtime_mode.append(mode)
            return mode
    return True


def wire_text(text: str) -> str:
    """``text`` made sendable as UTF-8: lone surrogates become visible ``\\udXXX`` escapes."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def json_string_size(text: str) -> int:
    """Bytes of ``text`` as an ASCII-escaped JSON string literal (an upper bound for the UTF-8 form)."""
    return len(_json_encoder.encode_basestring_ascii(text))


_MAX_ESCAPED_PER_CHAR = 12  # an astral character escapes to a surrogate pair: \\ud83d\\ude00


def cut_text(text: str, limit_bytes: int, what: str, end: str = "") -> str:
    """``text`` if its JSON form fits in ``limit_bytes``, else its longest start that fits followed by
    a visible marker saying how much was cut (and ``end``, e.g. the newline a stack trace ends with)."""
    if len(text) * _MAX_ESCAPED_PER_CHAR + 2 <= limit_bytes or json_string_size(text) <= limit_bytes:
        return text
    total = len(text)

    def marked(keep: int) -> str:
        return (f"{text[:keep]}... [{what} cut: {total - keep:,} of {total:,} characters omitted to stay under "
                f"Lambda's response size limit]{end}")

    low, high = 0, min(total, limit_bytes)  # the longest start that fits lies in [low, high]
    while low < high:
        middle = (low + high + 1) // 2
        if json_string_size(marked(middle)) <= limit_bytes:
            low = middle
        else:
            high = middle - 1
    return marked(low)


def cut_chars(text: str, max_chars: int, what: str) -> str:
    """``text`` cut to its first ``max_chars`` characters plus a visible marker, when longer."""
    if len(text) <= max_chars:
        return text
    return f"{text[:max_chars]}... [{what} cut: {len(text) - max_chars:,} more characters]"


def items_to_replace(sizes: list[int], fixed_bytes: int, replacement_bytes: int,
                     limit: int = RESPONSE_LIMIT_BYTES) -> list[int] | None:
    """Which batch items to replace by a small "too large" error so the whole response fits.

    ``sizes`` are the items' JSON sizes, ``fixed_bytes`` the rest of the response (envelope, list
    brackets and separators), ``replacement_bytes`` an upper bound of a replacement's size. The
    largest items go first, so as few results as possible are lost. Returns the indexes (possibly
    none), or None when even replacing every item cannot fit.
    """
    total = fixed_bytes + sum(sizes)
    if total <= limit:
        return []
    chosen: list[int] = []
    for index in sorted(range(len(sizes)), key=lambda i: (sizes[i], i), reverse=True):  # later items first on ties
        if sizes[index] <= replacement_bytes:
            break
        total -= sizes[index] - replacement_bytes
        chosen.append(index)
        if total <= limit:
            return chosen
    return None
