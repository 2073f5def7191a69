"""pytest fixtures: ``moto_server`` (one per test session), ``aws_endpoint`` (per test) and
``sdlf_environment`` / ``sdlf_environment_factory`` (per test, on top of ``aws_endpoint``).

``aws_endpoint`` resets the server, points ``AWS_ENDPOINT_URL`` at it and drops cached
clients, so each test starts from an empty account with a fresh client cache.
``sdlf_environment`` then deploys a complete SDLF team/pipeline (parameters, buckets, tables,
queues, state machines, keys) so a stage Lambda can be tested in one line::

    def test_routing(sdlf_environment, monkeypatch):
        for name, value in sdlf_environment.lambda_environment("A").items():
            monkeypatch.setenv(name, value)
        detail = sdlf_environment.put_raw_object("engineering/legislators/persons.json", b"{}")
        routing.lambda_handler(sdlf_environment.sqs_event([detail]), None)
        assert len(sdlf_environment.list_executions("A")) == 1
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from datalake_library.testing.environment import apply_moto_environment
from datalake_library.testing.moto_server import MotoServer

if TYPE_CHECKING:  # pragma: no cover - typing only
    from datalake_library.testing.sdlf_environment import SdlfEnvironment


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


@pytest.fixture
def sdlf_environment_factory(aws_endpoint: str) -> Callable[..., SdlfEnvironment]:
    """Build SDLF environments on the per-test moto account: ``factory(team=..., stage_queues=False)``.

    Takes the keyword arguments of :func:`~datalake_library.testing.sdlf_environment.create_sdlf_environment`;
    use it for a second team or for deployments missing optional parameters.
    """
    from datalake_library.parameters import clear_parameter_cache
    from datalake_library.testing.sdlf_environment import create_sdlf_environment

    def factory(*args: Any, **kwargs: Any) -> SdlfEnvironment:
        kwargs.setdefault("endpoint_url", aws_endpoint)
        clear_parameter_cache()
        return create_sdlf_environment(*args, **kwargs)

    return factory


@pytest.fixture
def sdlf_environment(
    aws_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> SdlfEnvironment:
    """A complete SDLF deployment (team ``engineering``, pipeline ``main``, stages ``A`` and ``B``)
    on a fresh moto account, with the library's SSM cache cleared so nothing from an earlier test
    is served, and ``S3Interface.download_object`` writing under the test's ``tmp_path``
    (``DATALAKE_DOWNLOAD_DIR``) instead of the machine's temp directory.
    See :mod:`datalake_library.testing.sdlf_environment`."""
    from datalake_library.parameters import clear_parameter_cache
    from datalake_library.testing.sdlf_environment import create_sdlf_environment

    monkeypatch.setenv("DATALAKE_DOWNLOAD_DIR", str(tmp_path / "ephemeral"))
    clear_parameter_cache()
    return create_sdlf_environment(endpoint_url=aws_endpoint)
