"""Envelope validation and lazy dispatch to the interface's factory module.

The envelope's checks and their order: docs/letsdata-wire-contract.md, Request envelope.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

from letsdata_service.function_table import SERVICE_MODULES
from letsdata_service.Service import AUTH_KEYS, InterfaceNames, LetsDataAuthParams, ServiceRequest
from letsdata_utils.logging_utils import logger
from letsdata_utils.validations import echo, letsdata_fail

_KNOWN_INTERFACES = ", ".join(m.name for m in InterfaceNames)
_ENVELOPE_KEYS = frozenset({"requestId", "interface", "function", "letsdataAuth", "data", "batchedData"})
_INTERFACES_BY_VALUE = {m.value: m for m in InterfaceNames}
_factories: dict[InterfaceNames, Callable[..., ServiceRequest]] = {}


def _factory(interface: InterfaceNames) -> Callable[..., ServiceRequest]:
    """The interface's ``get...Request`` function; its module is imported on the first request only."""
    factory = _factories.get(interface)
    if factory is None:
        module_name, factory_name = SERVICE_MODULES[interface]
        factory = getattr(importlib.import_module(module_name), factory_name)
        _factories[interface] = factory
    return factory


def getServiceRequest(event: Any) -> ServiceRequest:
    """Validate ``event`` in the required order and return the runnable request.

    Order: event is a dict; ``requestId``; ``letsdataAuth`` and its four keys; ``interface`` (a str,
    known, case-insensitive); ``function`` present; then the interface's factory checks the function
    name (case-sensitive), ``batchedData`` and ``data``. Every failure is a ``letsdata assert - ...``
    error. Messages are formatted only on failure (this runs once per record).
    """
    if not isinstance(event, dict):
        letsdata_fail(f"invalid lambda event - expected a dict, got {type(event).__name__}")
    if "requestId" not in event:
        letsdata_fail("missing key 'requestId' in lambda event")
    requestId = event["requestId"]
    if not isinstance(requestId, str):
        letsdata_fail(f"invalid requestId - lambda event requires requestId to be a str, got {type(requestId).__name__}")
    if "letsdataAuth" not in event:
        letsdata_fail("missing key 'letsdataAuth' in lambda event")
    auth = event["letsdataAuth"]
    if not isinstance(auth, dict):
        letsdata_fail(f"invalid letsdataAuth - lambda event requires letsdataAuth to be a dict, got {type(auth).__name__}")
    for key in AUTH_KEYS:
        if key not in auth:
            letsdata_fail(f"missing key '{key}' in letsdataAuth")
    if "interface" not in event:
        letsdata_fail("missing key 'interface' in lambda event")
    interface_value = event["interface"]
    if not isinstance(interface_value, str):
        letsdata_fail(f"invalid interface - lambda event requires interface to be a str, got "
                      f"{type(interface_value).__name__}")
    interface = _INTERFACES_BY_VALUE.get(interface_value.lower())
    if interface is None:
        letsdata_fail(f"invalid interface {echo(interface_value, quote=True)} - expected one of {_KNOWN_INTERFACES} (case-insensitive)")
    if "function" not in event:
        letsdata_fail("missing key 'function' in lambda event")
    if logger.isEnabledFor(logging.DEBUG):
        unknown = [k for k in event if k not in _ENVELOPE_KEYS]
        if unknown:
            logger.debug("letsdata request - ignoring unknown lambda event keys %s", unknown)
    return _factory(interface)(requestId, LetsDataAuthParams(auth), interface, event["function"],
                               event.get("data"), event.get("batchedData"))
