"""From a validated request to the envelope the runtime will send: run, convert, check, fit.

Both paths run the user code (on the calling thread, or against the deadline on a worker, see
:mod:`letsdata_service.deadline`), then encode the result exactly as the runtime will
(:func:`datalake_library.json_codec.encode_strict`) to check two things before answering 200: the
result is strict JSON (else an error naming the path) and the whole response fits in Lambda's
response limit (else an error saying so). A batch is checked item by item: an item whose result
cannot be sent becomes that item's error, and when the items together are too large the largest are
replaced by a short error until the response fits. Any error raised here becomes the 500 envelope
in the handler.
"""

from __future__ import annotations

from typing import Any

from datalake_library.json_codec import JsonCodecError, encode_strict
from letsdata_service.deadline import DEADLINE_MARGIN_MS, run_before
from letsdata_service.dispatch import BatchFunctionRequest, BatchProgress, FunctionRequest
from letsdata_utils.errors import (
    LetsDataResponseTooLargeError,
    LetsDataSerializationError,
    LetsDataTimeoutError,
)
from letsdata_utils.logging_utils import logger
from letsdata_utils.request_utils import exception_body, return200Response
from letsdata_utils.response_limits import RESPONSE_LIMIT_BYTES, items_to_replace, runtime_ensure_ascii

#: Upper bound of the JSON size of the short error that replaces a batch item too large to send.
REPLACEMENT_BYTES = 2048
_envelope_bytes: dict[bool, int] = {}


def _envelope_overhead(ensure_ascii: bool) -> int:
    """Bytes of the 200 envelope around its ``data`` (the envelope with ``data: null`` minus ``null``)."""
    found = _envelope_bytes.get(ensure_ascii)
    if found is None:
        found = encode_strict(return200Response(None), ensure_ascii)[1] - len("null")
        _envelope_bytes[ensure_ascii] = found
    return found


def _response_size(data: Any, ensure_ascii: bool, diagnose: Any) -> int:
    """Bytes of the 200 envelope around ``data`` as the runtime will send it.

    The whole envelope is encoded, not just ``data``: the encoder then nests as deep as the runtime's
    does (from a stack at least as deep), so what passes here also passes there. A failure names the
    path inside ``diagnose`` (the user's result).
    """
    return encode_strict(return200Response(data), ensure_ascii, diagnose)[1]


def _time_budget(remaining_ms: float) -> float:
    return (remaining_ms - DEADLINE_MARGIN_MS) / 1000.0


def _timeout_text(remaining_ms: float) -> str:
    return (f"the invocation had {remaining_ms:.0f} ms left when the request arrived and the bridge answers "
            f"{DEADLINE_MARGIN_MS} ms before the deadline")


def single_response(request: FunctionRequest, remaining_ms: float | None) -> dict[str, Any]:
    """The 200 envelope of a ``data`` request; raises the error to report otherwise."""
    if remaining_ms is None:
        data = request.run()
    else:
        budget = _time_budget(remaining_ms)
        if budget <= 0:
            raise LetsDataTimeoutError(f"letsdata timeout - {request.spec.label} was not started: "
                                       f"{_timeout_text(remaining_ms)}")
        finished, data = run_before(request.run, budget)
        if not finished:
            raise LetsDataTimeoutError(
                f"letsdata timeout - {request.spec.label} did not finish in time: {_timeout_text(remaining_ms)}; "
                "the call keeps running in the background and its result is discarded")
    try:
        size = _response_size(data, runtime_ensure_ascii(), data)
    except JsonCodecError as exc:
        raise LetsDataSerializationError(f"getJsonObject - {exc}") from None
    if size > RESPONSE_LIMIT_BYTES:
        raise LetsDataResponseTooLargeError(
            f"letsdata response - the result of {request.spec.label} is {size:,} bytes as JSON, over Lambda's "
            f"response limit of {RESPONSE_LIMIT_BYTES:,} bytes; return less data per call")
    return return200Response(data)


def _item_size(body: dict[str, Any], ensure_ascii: bool) -> tuple[dict[str, Any], int]:
    """``body`` (or the error replacing it, when its data is not strict JSON) and its JSON size."""
    around = _envelope_overhead(ensure_ascii) + len("[]")  # the item encoded alone, at its depth in a batch
    try:
        return body, _response_size([body], ensure_ascii, body.get("data")) - around
    except JsonCodecError as exc:  # only a success body can fail: error bodies hold cut, sendable text
        body = exception_body(LetsDataSerializationError(f"getJsonObject - {exc}"))
        return body, _response_size([body], ensure_ascii, None) - around


def _fits_whole(bodies: list[dict[str, Any]], ensure_ascii: bool) -> bool:
    """The common case in one encoder call: every item is strict JSON and the whole response fits."""
    try:
        return _response_size(bodies, ensure_ascii, None) <= RESPONSE_LIMIT_BYTES
    except JsonCodecError:
        return False


def batch_response(request: BatchFunctionRequest, remaining_ms: float | None) -> dict[str, Any]:
    """The 200 envelope of a ``batchedData`` request: one body per item, in order, fitting the limit."""
    progress = BatchProgress()
    if remaining_ms is None:
        request.run(progress)
    elif _time_budget(remaining_ms) > 0:
        run_before(lambda: request.run(progress), _time_budget(remaining_ms))
    bodies = progress.stop()
    total = len(request.items)
    if len(bodies) < total:  # the deadline came first
        label = request.spec.label
        running = len(bodies) if progress.started > len(bodies) else -1
        for index in range(len(bodies), total):
            what = "did not finish in time" if index == running else "was not started"
            bodies.append(exception_body(LetsDataTimeoutError(
                f"letsdata timeout - {label} batchedData[{index}] {what}: {_timeout_text(remaining_ms or 0)}")))
    ensure_ascii = runtime_ensure_ascii()
    if not _fits_whole(bodies, ensure_ascii):
        _fit_items(request, bodies, ensure_ascii)
    failed = sum(1 for body in bodies if body["statusCode"] != "SUCCESS")
    if failed:
        logger.warning("letsdata batch - %s: %d of %d items failed", request.log_context(), failed, total)
    return return200Response(bodies)


def _fit_items(request: BatchFunctionRequest, bodies: list[dict[str, Any]], ensure_ascii: bool) -> None:
    """Item by item: errors for results that are not strict JSON, then for the largest until all fit."""
    total = len(bodies)
    sizes: list[int] = []
    for index, body in enumerate(bodies):
        bodies[index], size = _item_size(body, ensure_ascii)
        sizes.append(size)
    fixed = _envelope_overhead(ensure_ascii) + len("[]") + len(", ") * max(total - 1, 0)
    replace = items_to_replace(sizes, fixed, REPLACEMENT_BYTES)
    if replace is None:
        raise LetsDataResponseTooLargeError(
            f"letsdata response - the {total:,} batchedData results of {request.spec.label} do not fit in Lambda's "
            f"response limit of {RESPONSE_LIMIT_BYTES:,} bytes even as short errors; send fewer records per batch")
    for index in replace:
        bodies[index] = exception_body(LetsDataResponseTooLargeError(
            f"letsdata response - the result of {request.spec.label} batchedData[{index}] is {sizes[index]:,} bytes "
            f"as JSON and does not fit in this response: Lambda's limit is {RESPONSE_LIMIT_BYTES:,} bytes for the "
            "whole batch; send fewer records per batch"))
