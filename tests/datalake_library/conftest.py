"""Fixtures for the datalake_library core tests (decorator-mode moto).

Integration tests use the plugin's server-mode ``aws_endpoint`` / ``sdlf_environment`` fixtures;
unit tests use ``mocked_aws`` (moto's in-process ``mock_aws``) and ``mocked_sdlf`` (the same SDLF
deployment built inside it). Both start from empty caches.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


def _clear_library_caches() -> None:
    from datalake_library.aws.session import clear_shared_sessions
    from datalake_library.client import clear_cached_clients
    from datalake_library.parameters import clear_parameter_cache

    clear_shared_sessions()
    clear_parameter_cache()
    clear_cached_clients()


@pytest.fixture
def mocked_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[None]:
    """An empty in-process moto account; downloads go under ``tmp_path``."""
    from moto import mock_aws

    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SQS", "AWS_ENDPOINT_URL_SSM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATALAKE_DOWNLOAD_DIR", str(tmp_path / "ephemeral"))
    monkeypatch.delenv("DATALAKE_SSM_CACHE_TTL", raising=False)
    _clear_library_caches()
    with mock_aws():
        yield
    _clear_library_caches()


@pytest.fixture
def mocked_sdlf(mocked_aws: None) -> Any:
    """The complete SDLF deployment (engineering/main, stages A and B) inside ``mocked_aws``."""
    from datalake_library.testing.sdlf_environment import create_sdlf_environment

    env = create_sdlf_environment()
    _clear_library_caches()
    return env
