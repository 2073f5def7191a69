"""Which class implements each LetsData interface, built once per warm process.

Priority for an interface (e.g. ``SingleFileParser``):

1. a class registered with :func:`register_implementation` (``"module:Class"`` or the class object);
2. the environment variable ``LETSDATA_IMPL_<INTERFACE NAME UPPER-CASE>`` = ``"module:Class"``
   (``LETSDATA_IMPL_SINGLEFILEPARSER=examples.letsdata.jsonl_log_parser:JsonLinesLogParser``);
3. the class in its original module (the fork model:
   ``letsdata_interfaces.readers.parsers.SingleFileParser:SingleFileParser``).

The class is instantiated on first use and the instance reused for every later call in the process
(the original built a new instance per call), so expensive set-up in ``__init__`` runs once and
implementations must not keep per-record state on ``self``. :func:`reset_implementations` forgets
registrations and instances (tests).
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

from datalake_library import settings
from letsdata_service.interface_table import INTERFACES
from letsdata_service.Service import InterfaceNames
from letsdata_utils.errors import LetsDataImplementationError
from letsdata_utils.logging_utils import logger

ENV_PREFIX = "LETSDATA_IMPL_"

#: The shipped stub of each interface (the fork model's default), from the one interface table.
DEFAULT_IMPLEMENTATIONS: dict[InterfaceNames, str] = {iface: entry.stub for iface, entry in INTERFACES.items()}

_lock = threading.RLock()
_registered: dict[InterfaceNames, type | str] = {}
_instances: dict[InterfaceNames, tuple[str, Any]] = {}


def interface_of(interfaceName: InterfaceNames | str) -> InterfaceNames:
    """The :class:`InterfaceNames` member for an enum or a name in any case; unknown names raise ``ValueError``."""
    if isinstance(interfaceName, InterfaceNames):
        return interfaceName
    if isinstance(interfaceName, str):
        try:
            return InterfaceNames.fromValue(interfaceName)
        except ValueError:
            pass
    known = ", ".join(m.name for m in InterfaceNames)
    raise ValueError(f"letsdata implementation - unknown interface {interfaceName!r}; expected one of {known}")


def env_var_name(interfaceName: InterfaceNames | str) -> str:
    """``LETSDATA_IMPL_<NAME>`` for an interface (``LETSDATA_IMPL_SINGLEFILEPARSER``)."""
    return ENV_PREFIX + interface_of(interfaceName).name.upper()


def register_implementation(interfaceName: InterfaceNames | str, implementation: type | str) -> None:
    """Use ``implementation`` (a class or ``"module:Class"``) for ``interfaceName`` from the next call on.

    A string is only validated for shape here and imported on first use, so registering is cheap.
    """
    iface = interface_of(interfaceName)
    if isinstance(implementation, str):
        _split_spec(implementation, f"register_implementation({iface.name!r}, ...)")
    elif not isinstance(implementation, type):
        raise TypeError(f"letsdata implementation - register_implementation({iface.name!r}, ...) needs a class or "
                        f"a 'module:Class' string, got {type(implementation).__name__}")
    with _lock:
        _registered[iface] = implementation
        _instances.pop(iface, None)


def reset_implementations() -> None:
    """Forget every registration and every cached instance."""
    with _lock:
        _registered.clear()
        _instances.clear()


def implementation_spec(interfaceName: InterfaceNames | str) -> tuple[type | str, str]:
    """The configured implementation of an interface (class or ``module:Class``) and where it came from."""
    iface = interface_of(interfaceName)
    with _lock:
        if iface in _registered:
            return _registered[iface], "register_implementation"
    env_name = env_var_name(iface)
    env_value = settings.get(env_name) or ""
    if env_value:
        return env_value, f"environment variable {env_name}"
    return DEFAULT_IMPLEMENTATIONS[iface], "the default stub"


def get_implementation(interfaceName: InterfaceNames | str) -> Any:
    """The shared instance implementing ``interfaceName``, built on first use.

    Raises :class:`LetsDataImplementationError` naming the ``module:Class`` and its source when the
    module cannot be imported, the class is missing or its constructor fails.
    """
    iface = interface_of(interfaceName)
    cached = _instances.get(iface)  # warm path: a dict read is atomic, no lock needed
    if cached is not None:
        return cached[1]
    with _lock:
        cached = _instances.get(iface)
        if cached is not None:
            return cached[1]
        spec, source = implementation_spec(iface)
        cls = spec if isinstance(spec, type) else load_class(spec, f"{iface.name} (from {source})")
        label = spec.strip() if isinstance(spec, str) else f"{cls.__module__}:{cls.__qualname__}"
        try:
            instance = cls()
        except Exception as exc:
            raise LetsDataImplementationError(
                f"letsdata implementation - constructing {label} for {iface.name} (from {source}) failed: "
                f"{type(exc).__name__}: {exc}") from exc
        _instances[iface] = (label, instance)
        logger.info("letsdata implementation - %s uses %s (from %s)", iface.name, label, source)
        return instance


def implementation_label(interfaceName: InterfaceNames | str) -> str:
    """``module:Class`` of the built instance (or of the configured spec if not built yet), for messages."""
    iface = interface_of(interfaceName)
    with _lock:
        cached = _instances.get(iface)
    if cached is not None:
        return cached[0]
    spec, _ = implementation_spec(iface)
    return f"{spec.__module__}:{spec.__qualname__}" if isinstance(spec, type) else spec


def _split_spec(spec: str, context: str) -> tuple[str, str]:
    module_name, sep, class_name = spec.strip().partition(":")
    if not sep or not module_name or not class_name:
        raise LetsDataImplementationError(
            f"letsdata implementation - invalid implementation {spec!r} for {context}: expected 'module:Class'")
    return module_name, class_name


def load_class(spec: str, context: str) -> type:
    """Import ``module:Class`` (``Class`` may be dotted); errors name the spec and ``context``."""
    module_name, class_name = _split_spec(spec, context)
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        raise LetsDataImplementationError(
            f"letsdata implementation - cannot import module {module_name!r} of {spec!r} for {context}: "
            f"{type(exc).__name__}: {exc}") from exc
    obj: Any = module
    for part in class_name.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            raise LetsDataImplementationError(
                f"letsdata implementation - module {module_name!r} has no class {class_name!r} ({spec!r} for "
                f"{context})")
    if not isinstance(obj, type):
        raise LetsDataImplementationError(
            f"letsdata implementation - {spec!r} for {context} is a {type(obj).__name__}, not a class")
    return obj
