"""The embedded default: an in-process moto server when no AWS account is configured.

Decided without any network call: no ``--endpoint-url``, no ``AWS_ENDPOINT_URL`` and no credentials
found by boto3's *local* providers (environment, shared files, SSO/process config) — the
instance-metadata and container providers are left out because probing them makes HTTP calls.
Use ``--no-embedded`` to force the default credential chain (e.g. on an EC2 instance role).

Safe by default (docs/safety.md): the embedded account replaces the fake-account environment
*completely* — fake credentials, no profile, and every ``AWS_ENDPOINT_URL_<SERVICE>`` override removed
so that no client can slip past the embedded server — and :func:`require_local_session` refuses to
create or seed resources on anything but a loopback endpoint unless told explicitly
(``--allow-remote-endpoint``).
"""

from __future__ import annotations

import os
from typing import Any

from datalake_library import settings


def credentials_configured() -> bool:
    """True when boto3's credential chain would find credentials without touching the network."""
    import botocore.session

    session = botocore.session.get_session()
    resolver = session.get_component("credential_provider")
    for name in ("iam-role", "container-role"):
        try:
            resolver.remove(name)
        except Exception:  # noqa: S110 - provider absent in this botocore: nothing to remove
            pass
    try:
        return resolver.load_credentials() is not None
    except Exception:
        return False


def wants_embedded(endpoint_url: str | None) -> bool:
    if endpoint_url or settings.is_set("AWS_ENDPOINT_URL"):
        return False
    return not credentials_configured()


def start_embedded() -> Any:
    """Start moto on 127.0.0.1 with the fake-account environment; returns the server."""
    try:
        import moto  # noqa: F401
    except ImportError as exc:
        raise RuntimeError(
            "no AWS credentials or endpoint are configured, and the embedded AWS emulator needs moto: "
            "install the 'local' extra (pip install 'datalake-lambda-toolkit[local]'), or pass "
            "--endpoint-url / configure AWS credentials"
        ) from exc
    from datalake_library.testing import MotoServer, apply_moto_environment

    apply_moto_environment()
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL_")]:
        del os.environ[name]  # a per-service override would win over the embedded endpoint
    server = MotoServer().start()
    os.environ["AWS_ENDPOINT_URL"] = server.endpoint_url
    return server


#: The services letsdata_local creates or seeds resources with.
PROVISIONED_SERVICES = ("s3", "sqs", "kinesis", "dynamodb")


def require_local_session(session: Any, *, allow_remote_endpoint: bool) -> None:
    """Refuse to create or seed the example resources anywhere but on a loopback endpoint."""
    from datalake_library.testing.safety import require_loopback_endpoints

    require_loopback_endpoints(
        session,
        PROVISIONED_SERVICES,
        allow_remote_endpoint=allow_remote_endpoint,
        what="the embedded runtime (--embedded)",
        how_to_allow="pass --allow-remote-endpoint",
    )
