"""Safe by default: the test kit and the embedded runtime only create resources on this machine.

Why: ``create_sdlf_environment()`` creates buckets, tables, queues, keys and writes ``/SDLF2/...``
parameters with ``Overwrite=True``. Pointed at whatever account the ambient credentials reach, it
would overwrite a real deployment's configuration. So before anything is created, every endpoint
the builder will call must be a loopback address (a moto server on 127.0.0.1, ``localhost``,
``[::1]``), or moto's in-process ``mock_aws`` must be active (its requests never leave the
process). Anything else — a remote URL, or no endpoint at all, which means real AWS — is refused
unless the caller says so explicitly (``allow_remote_endpoint=True`` / ``--allow-remote-endpoint``).
See docs/safety.md.
"""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

__all__ = ["UnsafeEndpointError", "is_loopback_url", "moto_mock_active", "require_loopback_endpoints"]


class UnsafeEndpointError(RuntimeError):
    """An operation that creates or overwrites resources was about to reach a non-local endpoint."""


def is_loopback_url(url: str | None) -> bool:
    """True for ``http(s)://`` URLs whose host is ``localhost`` or a loopback IP (127.0.0.0/8, ::1)."""
    if not url:
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def moto_mock_active() -> bool:
    """True while moto's in-process ``mock_aws`` intercepts botocore requests (decorator mode)."""
    models = sys.modules.get("moto.core.models")
    stubber = getattr(models, "botocore_stubber", None)
    return bool(getattr(stubber, "enabled", False))


def require_loopback_endpoints(
    aws: Any, services: Iterable[str], *, allow_remote_endpoint: bool, what: str, how_to_allow: str
) -> None:
    """Raise :class:`UnsafeEndpointError` unless every ``services`` client of ``aws`` is local.

    ``aws`` is an :class:`~datalake_library.aws.AwsSession`; the clients' own ``meta.endpoint_url``
    is checked (it already reflects explicit endpoints, ``AWS_ENDPOINT_URL[_<SERVICE>]`` and the
    shared config file), so nothing is guessed. The clients are cached by the session and reused.
    """
    if allow_remote_endpoint or moto_mock_active():
        return
    remote = {}
    for service in services:
        url = aws.client(service).meta.endpoint_url
        if not is_loopback_url(url):
            remote[service] = url
    if remote:
        shown = ", ".join(f"{service} -> {url}" for service, url in sorted(remote.items()))
        raise UnsafeEndpointError(
            f"{what} only creates resources on a loopback endpoint (a moto server on 127.0.0.1) or inside "
            f"moto's mock_aws, and these clients would reach elsewhere: {shown}. Point AWS_ENDPOINT_URL "
            f"or endpoint_url at a local server, or {how_to_allow} to do it anyway (see docs/safety.md)."
        )
