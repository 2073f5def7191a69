"""Turn a validated envelope into a runnable request: one call, or one call per ``batchedData`` item.

Every per-interface factory module (``SingleFileParserService`` ...) is a one-line call into
:func:`build_service_request`; the differences between functions live only in
:mod:`letsdata_service.function_table`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from letsdata_service import registry
from letsdata_service.function_table import FunctionSpec, lookup, validate_data
from letsdata_service.Service import InterfaceNames, LetsDataAuthParams, ServiceRequest
from letsdata_utils.errors import LetsDataImplementationError
from letsdata_utils.request_utils import exception_body, getJsonObject, success_body
from letsdata_utils.validations import letsdata_fail


def bound_method(spec: FunctionSpec) -> Callable[..., Any]:
    """The shared implementation instance's method for ``spec`` (clear error if it has none)."""
    impl = registry.get_implementation(spec.interface)
    method = getattr(impl, spec.function, None)
    if not callable(method):
        raise LetsDataImplementationError(
            f"letsdata implementation - {registry.implementation_label(spec.interface)} implements "
            f"{spec.interface.name} but has no method {spec.function}")
    return method


class FunctionRequest(ServiceRequest):
    """A single ``data`` call: :meth:`execute` returns the user method's raw return value."""

    #: The handler serialises the result with getJsonObject.
    result_is_serialised = False

    def __init__(self, requestId: str, letsDataAuth: LetsDataAuthParams, spec: FunctionSpec,
                 args: list[Any]) -> None:
        super().__init__(requestId, letsDataAuth, spec.interface, spec.function)
        self.spec = spec
        self.args = args

    def execute(self) -> object:
        return bound_method(self.spec)(*self.args)

    def run(self) -> Any:
        """:meth:`execute` and the conversion to JSON data (both may run user code)."""
        return getJsonObject(self.execute())


class BatchProgress:
    """The per-item bodies of a batch as they complete; :meth:`stop` ends it early (the deadline).

    The batch may run on a worker thread while the handler waits; the lock makes "stop" and "one
    more item" exclusive, so after :meth:`stop` no item starts and the bodies returned are final.
    """

    __slots__ = ("_lock", "bodies", "started", "stopped")

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.started = 0  # items started (the last one may still be running)
        self.stopped = False
        self._lock = threading.Lock()

    def may_start(self) -> bool:
        with self._lock:
            if self.stopped:
                return False
            self.started += 1
            return True

    def add(self, body: dict[str, Any]) -> None:
        with self._lock:
            if not self.stopped:
                self.bodies.append(body)

    def stop(self) -> list[dict[str, Any]]:
        with self._lock:
            self.stopped = True
            return list(self.bodies)


class BatchFunctionRequest(ServiceRequest):
    """A ``batchedData`` call: each item is validated, run and serialised on its own.

    :meth:`execute` returns the list of per-item bodies (``{"statusCode": "SUCCESS", "data": ...}`` or
    the error body), already JSON-ready; a failing item never affects the others: any exception
    (``SystemExit``, ``asyncio.CancelledError``, ... everything but ``KeyboardInterrupt``) becomes
    that item's error body.
    """

    result_is_serialised = True

    def __init__(self, requestId: str, letsDataAuth: LetsDataAuthParams, spec: FunctionSpec,
                 items: list[Any]) -> None:
        super().__init__(requestId, letsDataAuth, spec.interface, spec.function)
        self.spec = spec
        self.items = items

    def execute(self) -> list[dict[str, Any]]:
        progress = BatchProgress()
        self.run(progress)
        return progress.bodies

    def run(self, progress: BatchProgress) -> None:
        """Run the items in order, adding each body to ``progress``; stops early when it is stopped."""
        method = bound_method(self.spec)
        for index, item in enumerate(self.items):
            if not progress.may_start():
                return
            try:
                args = validate_data(self.spec, item, f"batchedData[{index}]")
                body = success_body(getJsonObject(method(*args)))
            except KeyboardInterrupt:
                raise
            except BaseException as err:  # noqa: BLE001 - SystemExit, CancelledError ...: this item's error
                body = exception_body(err)
            progress.add(body)


def build_service_request(interface: InterfaceNames, requestId: Any, letsDataAuth: Any, interfaceName: Any,
                          functionName: Any, data: Any, batchedData: Any) -> ServiceRequest:
    """The factory behind every ``get<Interface>...Request`` (steps 5-7 of the validation order in docs/letsdata-wire-contract.md)."""
    if interfaceName is not interface:
        try:
            given = registry.interface_of(interfaceName)
        except ValueError:
            given = None
        if given is not interface:
            letsdata_fail(f"invalid interface - the {interface.name} service cannot handle interface {interfaceName!r}")
    if isinstance(letsDataAuth, dict):
        letsDataAuth = LetsDataAuthParams(letsDataAuth)
    if not isinstance(letsDataAuth, LetsDataAuthParams):
        letsdata_fail(f"invalid letsdataAuth - {interface.name} requires letsdataAuth, got {type(letsDataAuth).__name__}")
    spec = lookup(interface, functionName)
    if batchedData is not None and not isinstance(batchedData, list):
        letsdata_fail(f"invalid batchedData - {spec.label} requires batchedData to be a list or null, got "
                      f"{type(batchedData).__name__}")
    if batchedData:
        if data is not None and data != {}:
            letsdata_fail(f"invalid data - {spec.label} got both data and a non-empty batchedData; send the "
                          "records in batchedData only")
        return BatchFunctionRequest(requestId, letsDataAuth, spec, batchedData)
    return FunctionRequest(requestId, letsDataAuth, spec, validate_data(spec, data))
