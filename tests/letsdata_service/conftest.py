"""Fixtures for the bridge tests: a clean implementation registry and the captured requests."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

from letsdata_service import registry
from letsdata_service.Service import InterfaceNames
from tests.conftest import EVENTS_DIR
from tests.letsdata_service.recording_impls import RECORDERS, reset_recorders

_CAPTURED = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(EVENTS_DIR.glob("*.json"))}


@pytest.fixture(autouse=True)
def clean_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No registrations, no cached instances, no LETSDATA_IMPL_* variables, fresh recorders."""
    for iface in InterfaceNames:
        monkeypatch.delenv(registry.env_var_name(iface), raising=False)
    registry.reset_implementations()
    reset_recorders()
    yield
    registry.reset_implementations()


@pytest.fixture
def recording_impls() -> None:
    """Register the recording implementation of every interface."""
    for name, cls in RECORDERS.items():
        registry.register_implementation(name, cls)


def captured(name: str) -> dict[str, Any]:
    """A deep copy of the captured request ``<Interface>.<function>``."""
    return copy.deepcopy(_CAPTURED[name])


CAPTURED_NAMES = sorted(_CAPTURED)
