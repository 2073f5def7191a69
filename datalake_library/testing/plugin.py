"""pytest fixtures: ``moto_server`` (one per test session) and ``aws_endpoint`` (per test).

``aws_endpoint`` resets the server, points ``AWS_ENDPOINT_URL`` at it and drops cached
clients, so each test starts from an empty account with a fresh client cache.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from datalake_library.testing.environment import apply_moto_environment
from datalake_library.testing.moto_server import MotoServer


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """A moto server on 127.0.0.1 shared by the whole test session."""
    apply_moto_environment()
    with MotoServer() as server:
        yield server


@pytest.fixture
def aws_endpoint(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty moto account reachable at the returned URL (also set as ``AWS_ENDPOINT_URL``)."""
    from datalake_library.aws.session import clear_shared_sessions

    apply_moto_environment()
    moto_server.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.endpoint_url)
    clear_shared_sessions()
    yield moto_server.endpoint_url
    clear_shared_sessions()
