"""Calling the bridge exactly as the LetsData platform does: the wire envelopes of docs/letsdata-wire-contract.md.

Three transports, one envelope:

* :class:`InProcessInvoker` — ``letsdata_lambda_function.lambda_handler`` in this process. Request
  and response both go through ``json.dumps`` / ``json.loads``, so anything that would not survive
  the real Lambda wire (bytes, NaN-free floats aside, non-str keys...) fails here too.
* :class:`LambdaInvoker` — a deployed function through ``lambda.invoke`` (``--function-name``).
* :class:`HttpInvoker` — a running image's Runtime Interface Emulator (``--invoke-url``).

:class:`BridgeClient` builds envelopes and sends a list of ``data`` items either as one
``batchedData`` request (amortising the invocation; docs/letsdata-wire-contract.md, Request envelope) or, with a batch size of
1, as one plain ``data`` request per item — the platform's original one-call-per-record shape.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from datalake_library import json_codec
from letsdata_local.limits import check_payload

log = logging.getLogger("letsdata_local")

RIE_PATH = "/2015-03-31/functions/function/invocations"


class InvokeError(RuntimeError):
    """The transport failed (not the user's code): the function could not be reached or crashed."""


class InvocationTimeout(InvokeError):
    """The invocation ran past ``computeEngine.timeoutInSeconds`` (Lambda ends it the same way)."""


#: Lambda's own limit, and the default of ``computeEngine.timeoutInSeconds``.
MAX_TIMEOUT_SECONDS = 900


class Invoker(Protocol):
    def __call__(self, event: dict[str, Any]) -> dict[str, Any]: ...


@dataclass
class FakeLambdaContext:
    """The attributes a handler may read from the Lambda context object."""

    function_name: str = "letsdata-local"
    memory_limit_in_mb: int = 10240
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:letsdata-local"
    aws_request_id: str = ""
    log_group_name: str = "/aws/lambda/letsdata-local"
    log_stream_name: str = "local"
    function_version: str = "$LATEST"
    #: ``time.monotonic()`` at which this invocation times out.
    deadline: float = field(default_factory=lambda: time.monotonic() + MAX_TIMEOUT_SECONDS)

    def get_remaining_time_in_millis(self) -> int:
        """The time really left before the invocation's timeout, as Lambda reports it."""
        return max(0, int((self.deadline - time.monotonic()) * 1000))


class _InvocationThread:
    """One long-lived worker thread running handler calls, so a call can be waited for with a
    timeout. A call that times out cannot be stopped (Python threads cannot be killed): its thread
    is abandoned (daemon, so it never holds the process open) and the next call gets a new one."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        threading.Thread(target=self._loop, name="letsdata-local-invocation", daemon=True).start()

    def _loop(self) -> None:
        while True:
            fn, args, box, done = self._jobs.get()
            try:
                box.append((True, fn(*args)))
            except BaseException as exc:  # handed to the caller's thread
                box.append((False, exc))
            done.set()

    def run(self, fn: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> Any:
        box: list[tuple[bool, Any]] = []
        done = threading.Event()
        self._jobs.put((fn, args, box, done))
        if not done.wait(timeout):
            raise InvocationTimeout(f"Task timed out after {timeout:.2f} seconds")
        ok, value = box[0]
        if not ok:
            raise value
        return value


class InProcessInvoker:
    """Calls ``letsdata_lambda_function.lambda_handler`` with a JSON round trip on both sides.

    Each call gets ``timeout_seconds`` (``computeEngine.timeoutInSeconds``), enforced: past it the
    call raises :class:`InvocationTimeout` and the context's ``get_remaining_time_in_millis`` has
    been counting down to 0 from the start of the call.
    """

    def __init__(self, handler: Callable[[Any, Any], Any] | None = None,
                 timeout_seconds: float = MAX_TIMEOUT_SECONDS) -> None:
        if not 0 < timeout_seconds <= MAX_TIMEOUT_SECONDS:
            raise ValueError(f"timeout_seconds must be in (0, {MAX_TIMEOUT_SECONDS}], got {timeout_seconds}")
        self.timeout_seconds = timeout_seconds
        self._thread: _InvocationThread | None = None
        if handler is None:
            try:
                from letsdata_lambda_function import lambda_handler
            except ImportError as exc:
                raise InvokeError(f"cannot import letsdata_lambda_function.lambda_handler: {exc}") from exc
            handler = lambda_handler
        self._handler = handler

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        body, size = json_codec.encode_strict(event)  # as the runtime marshals: plain strict JSON
        check_payload("request", size)
        request = json.loads(body)
        context = FakeLambdaContext(aws_request_id=str(event.get("requestId", "")),
                                    deadline=time.monotonic() + self.timeout_seconds)
        if self._thread is None:
            self._thread = _InvocationThread()
        try:
            response = self._thread.run(self._handler, (request, context), self.timeout_seconds)
        except InvocationTimeout:
            self._thread = None  # still busy with the timed-out call
            raise
        try:
            payload, size = json_codec.encode_strict(response)
        except ValueError as exc:
            raise InvokeError(f"the handler returned a response that is not JSON-serialisable: {exc}") from exc
        check_payload("response", size)
        return json.loads(payload)  # type: ignore[no-any-return]


class LambdaInvoker:
    """``lambda.invoke`` (RequestResponse) on a deployed function."""

    def __init__(self, function_name: str, session: Any) -> None:
        self.function_name = function_name
        self._client = session.client("lambda")

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        body = json_codec.encode_strict(event)[0].encode("utf-8")
        check_payload("request", len(body))
        reply = self._client.invoke(FunctionName=self.function_name, InvocationType="RequestResponse", Payload=body)
        payload = reply["Payload"].read()
        check_payload("response", len(payload))
        if reply.get("FunctionError"):
            raise InvokeError(
                f"function {self.function_name} failed ({reply['FunctionError']}): {payload[:500]!r}"
            )
        return _parse_response(payload, self.function_name)


class HttpInvoker:
    """POST to a Runtime Interface Emulator (``docker run -p 9000:8080 <image>``)."""

    def __init__(self, url: str, timeout: float = 900.0) -> None:
        if not url.rstrip("/").endswith("/invocations"):
            url = url.rstrip("/") + RIE_PATH
        self.url = url
        self.timeout = timeout

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        body = json_codec.encode_strict(event)[0].encode("utf-8")
        check_payload("request", len(body))
        request = urllib.request.Request(
            self.url,
            data=body,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                payload = reply.read()
        except urllib.error.URLError as exc:
            raise InvokeError(f"cannot reach {self.url}: {exc}") from exc
        check_payload("response", len(payload))
        return _parse_response(payload, self.url)


def _parse_response(payload: bytes, where: str) -> dict[str, Any]:
    try:
        response = json.loads(payload)
    except ValueError as exc:
        raise InvokeError(f"{where} returned a non-JSON response: {payload[:200]!r}") from exc
    if not isinstance(response, dict):
        raise InvokeError(f"{where} returned {type(response).__name__}, expected the response envelope")
    return response


@dataclass
class ItemResult:
    """The outcome of one ``data`` item: ``ok`` with ``data``, or the bridge's error fields."""

    ok: bool
    data: Any = None
    error_message: str = ""
    error_type: str = ""

    @classmethod
    def from_body(cls, body: Any) -> ItemResult:
        if not isinstance(body, dict):
            return cls(False, error_message=f"malformed response body: {str(body)[:200]}", error_type="InvokeError")
        if body.get("statusCode") == "SUCCESS":
            return cls(True, body.get("data"))
        exception = body.get("exception") or {}
        return cls(
            False,
            error_message=str(body.get("errorMessage") or exception.get("errorMessage") or "unknown error"),
            error_type=str(exception.get("errorType") or "Exception"),
        )


def _not_started(result: ItemResult) -> bool:
    """The bridge's answer for a ``batchedData`` item it did not start (the deadline was near)."""
    message = result.error_message
    return not result.ok and message.startswith("letsdata timeout - ") and " was not started: " in message


class BridgeError(RuntimeError):
    """A single (non-batched) bridge call returned the error envelope."""

    def __init__(self, interface: str, function: str, result: ItemResult) -> None:
        super().__init__(f"{interface}.{function} failed: {result.error_type}: {result.error_message}")
        self.result = result


class BridgeClient:
    """Builds request envelopes for one dataset and sends them through an :class:`Invoker`."""

    def __init__(self, invoker: Invoker, dataset_name: str, batch_size: int = 100,
                 split_timed_out_batches: bool = False) -> None:
        if batch_size < 1:
            raise ValueError("batch size must be >= 1")
        self.invoker = invoker
        self.batch_size = batch_size
        #: On a timed-out batch, retry its records one per invocation so only the record that hangs
        #: fails (its result says "Task timed out"); otherwise the timeout is raised to the caller.
        self.split_timed_out_batches = split_timed_out_batches
        self.invocations = 0
        self._auth = {
            "tenantId": "00000000-0000-0000-0000-000000000000",
            "userId": "letsdata-local",
            "datasetName": dataset_name,
            "datasetId": uuid.uuid5(uuid.NAMESPACE_URL, f"letsdata-local:{dataset_name}").hex,
        }
        self._batch_supported = True

    def envelope(self, interface: str, function: str, data: Any = None, batched: list[Any] | None = None) -> dict:
        event: dict[str, Any] = {
            "requestId": str(uuid.uuid4()),
            "interface": interface,
            "function": function,
            "letsdataAuth": dict(self._auth),
            "data": data,
        }
        if batched:
            event["batchedData"] = batched
        return event

    def _send(self, event: dict[str, Any]) -> dict[str, Any]:
        self.invocations += 1
        response = self.invoker(event)
        if not isinstance(response.get("body"), dict):
            raise InvokeError(f"response for {event['interface']}.{event['function']} has no body: {response!r:.300}")
        return response

    def call(self, interface: str, function: str, data: Any = None) -> Any:
        """One plain ``data`` request; raises :class:`BridgeError` on the error envelope."""
        result = ItemResult.from_body(self._send(self.envelope(interface, function, data))["body"])
        if not result.ok:
            raise BridgeError(interface, function, result)
        return result.data

    def call_many(self, interface: str, function: str, items: Sequence[Any]) -> list[ItemResult]:
        """One result per item, in order; a failing item never fails the others."""
        results: list[ItemResult] = []
        for start in range(0, len(items), self.batch_size):
            chunk = list(items[start : start + self.batch_size])
            if self.batch_size > 1 and self._batch_supported and len(chunk) > 1:
                try:
                    batch = self._call_batched(interface, function, chunk)
                except InvocationTimeout:
                    if not self.split_timed_out_batches:
                        raise
                    batch = None
                if batch is not None:
                    self._resend_not_started(interface, function, chunk, batch)
                    results.extend(batch)
                    continue
            for item in chunk:
                try:
                    body = self._send(self.envelope(interface, function, item))["body"]
                except InvocationTimeout as exc:
                    if not self.split_timed_out_batches:
                        raise
                    results.append(ItemResult(False, error_message=str(exc), error_type="TimeoutError"))
                    continue
                results.append(ItemResult.from_body(body))
        return results

    def _resend_not_started(self, interface: str, function: str, chunk: list[Any], batch: list[ItemResult]) -> None:
        """Items the bridge did not start because the invocation's deadline was near never ran: send them
        again (docs/letsdata-bridge.md). Each round started at least one item, so this ends."""
        pending = [i for i, result in enumerate(batch) if _not_started(result)]
        if pending and len(pending) < len(chunk):
            for index, result in zip(pending, self.call_many(interface, function, [chunk[i] for i in pending]),
                                     strict=True):
                batch[index] = result

    def _call_batched(self, interface: str, function: str, chunk: list[Any]) -> list[ItemResult] | None:
        body = self._send(self.envelope(interface, function, None, chunk))["body"]
        data = body.get("data") if body.get("statusCode") == "SUCCESS" else None
        if isinstance(data, list) and len(data) == len(chunk):
            return [ItemResult.from_body(item) for item in data]
        # An older bridge rejects batchedData ("letsdata assert - ... batchedData ..."): fall back
        # to one request per record rather than failing the whole dataset.
        message = str(body.get("errorMessage", ""))
        if "batchedData" in message or body.get("statusCode") == "SUCCESS":
            log.warning("the bridge does not support batchedData; sending one request per record")
            self._batch_supported = False
            return None
        # the whole batch failed for another reason: every item gets that error
        failed = ItemResult.from_body(body)
        return [failed for _ in chunk]
