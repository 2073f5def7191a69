"""Envelope validation (spec 3, steps 1-4) and lazy dispatch to the interface's factory module."""

from __future__ import annotations

import importlib
from typing import Any

from letsdata_service.function_table import SERVICE_MODULES
from letsdata_service.Service import AUTH_KEYS, InterfaceNames, LetsDataAuthParams, ServiceRequest
from letsdata_utils.validations import letsdata_assert

_KNOWN_INTERFACES = ", ".join(m.name for m in InterfaceNames)


def getServiceRequest(event: Any) -> ServiceRequest:
    """Validate ``event`` in the required order and return the runnable request.

    Order: event is a dict; ``requestId``; ``letsdataAuth`` and its four keys; ``interface`` (a str,
    known, case-insensitive); ``function`` present; then the interface's factory checks the function
    name (case-sensitive), ``batchedData`` and ``data``. Every failure is a ``letsdata assert - ...``
    error; the factory module is imported only now, so unrelated interfaces never load.
    """
    letsdata_assert(isinstance(event, dict), f"invalid lambda event - expected a dict, got {type(event).__name__}")
    letsdata_assert("requestId" in event, "missing key 'requestId' in lambda event")
    requestId = event["requestId"]
    letsdata_assert(isinstance(requestId, str),
                    f"invalid requestId - lambda event requires requestId to be a str, got {type(requestId).__name__}")
    letsdata_assert("letsdataAuth" in event, "missing key 'letsdataAuth' in lambda event")
    auth = event["letsdataAuth"]
    letsdata_assert(isinstance(auth, dict),
                    f"invalid letsdataAuth - lambda event requires letsdataAuth to be a dict, got {type(auth).__name__}")
    for key in AUTH_KEYS:
        letsdata_assert(key in auth, f"missing key '{key}' in letsdataAuth")
    letsdata_assert("interface" in event, "missing key 'interface' in lambda event")
    interface_value = event["interface"]
    letsdata_assert(isinstance(interface_value, str),
                    "invalid interface - lambda event requires interface to be a str, got "
                    f"{type(interface_value).__name__}")
    try:
        interface = InterfaceNames.fromValue(interface_value)
    except ValueError:
        letsdata_assert(False, f"invalid interface {interface_value!r} - expected one of {_KNOWN_INTERFACES} "
                               "(case-insensitive)")
        raise  # unreachable: letsdata_assert(False, ...) always raises
    letsdata_assert("function" in event, "missing key 'function' in lambda event")
    module_name, factory_name = SERVICE_MODULES[interface]
    factory = getattr(importlib.import_module(module_name), factory_name)
    request: ServiceRequest = factory(requestId, LetsDataAuthParams(auth), interface, event["function"],
                                      event.get("data"), event.get("batchedData"))
    return request
