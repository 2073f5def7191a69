"""Fixtures for letsdata_local: a moto-backed session, a bridge with registered examples, clean state."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from datalake_library.aws import AwsSession, shared_session
from letsdata_local.engine import BridgeClient, InProcessInvoker


@pytest.fixture
def session(aws_endpoint: str) -> AwsSession:
    return shared_session(endpoint_url=aws_endpoint)


@pytest.fixture(autouse=True)
def clean_state(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test runs in its own directory, with the environment and implementation registry restored."""
    from letsdata_service.registry import reset_implementations

    saved = dict(os.environ)
    monkeypatch.chdir(tmp_path)
    reset_implementations()
    yield
    reset_implementations()
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def make_bridge() -> Any:
    def build(batch_size: int = 100, **impls: str) -> BridgeClient:
        from letsdata_service.registry import register_implementation

        for name, target in impls.items():
            register_implementation(name, target)
        return BridgeClient(InProcessInvoker(), "test-dataset", batch_size=batch_size)

    return build
