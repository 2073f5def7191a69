"""botocore ``Config`` and endpoint resolution in one place.

Why: the original SDLF library set ``Config(user_agent="awssdlf/2.11.0")``, which *replaces* the
SDK's user agent, carries a stale version and leaves retries to whatever botocore the runtime
bundles (legacy mode up to 1.43, standard from 1.44). Every client this project builds gets its
configuration from :func:`build_config`, so the behaviour is the same on every botocore version.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from datalake_library._version import __version__

if TYPE_CHECKING:  # pragma: no cover - typing only
    from botocore.config import Config

#: Appended to (never replacing) the SDK user agent.
USER_AGENT_EXTRA = f"awssdlf/{__version__}"
#: Explicit, so the retry behaviour does not depend on the runtime's botocore default.
#: The default of ``DATALAKE_MAX_ATTEMPTS`` (read when a Config is built, never at import time).
DEFAULT_MAX_ATTEMPTS = 5


def build_config(extra: Config | None = None, **overrides: Any) -> Config:
    """Return the project's botocore Config, merged with ``extra`` and keyword overrides.

    ``user_agent_extra`` always keeps ``awssdlf/<version>``; a caller's own extra is appended.
    """
    from botocore.config import Config

    from datalake_library import settings as env

    max_attempts = env.get("DATALAKE_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)
    settings: dict[str, Any] = {
        "user_agent_extra": USER_AGENT_EXTRA,
        "retries": {"mode": "standard", "max_attempts": max_attempts},
        "tcp_keepalive": True,
        "max_pool_connections": 32,
        "connect_timeout": 10,
        "read_timeout": 60,
    }
    caller_extra = overrides.pop("user_agent_extra", None)
    settings.update(overrides)
    if caller_extra:
        settings["user_agent_extra"] = f"{USER_AGENT_EXTRA} {caller_extra}"
    config = Config(**settings)
    if extra is not None:
        extra_ua = getattr(extra, "user_agent_extra", None)
        config = config.merge(extra)
        if extra_ua and USER_AGENT_EXTRA not in extra_ua:
            config = config.merge(Config(user_agent_extra=f"{USER_AGENT_EXTRA} {extra_ua}"))
    return config


@functools.cache
def service_env_name(service: str) -> str:
    """``AWS_ENDPOINT_URL_<SERVICE_ID>`` for a client name (``events`` -> ``AWS_ENDPOINT_URL_EVENTBRIDGE``).

    botocore names the variable after the service's *service id* (``EventBridge``, ``CloudWatch Logs``),
    not its client name. The rule and the id table are botocore's own (the data
    ``ConfiguredEndpointProvider`` uses, so the name is derived without loading a service model);
    should a botocore release drop that table, the id is read from the service model instead.
    Cached: one dict lookup per service and process.
    """
    try:
        from botocore.utils import CLIENT_NAME_TO_HYPHENIZED_SERVICE_ID_OVERRIDES as overrides
        from botocore.utils import SERVICE_NAME_ALIASES as aliases
    except ImportError:  # pragma: no cover - depends on the botocore release
        service_id = hyphenized_service_id_from_model(service)
    else:
        name = aliases.get(service, service)
        service_id = overrides.get(name, name)
    return "AWS_ENDPOINT_URL_" + service_id.replace("-", "_").upper()


def hyphenized_service_id_from_model(service: str) -> str:
    """The service id from botocore's service model, hyphenated and lower case (``cloudwatch-logs``)."""
    import botocore.loaders
    from botocore.utils import SERVICE_NAME_ALIASES

    model = botocore.loaders.create_loader().load_service_model(
        SERVICE_NAME_ALIASES.get(service, service), "service-2"
    )
    return str(model["metadata"]["serviceId"]).replace(" ", "-").lower()


def resolve_endpoint_url(service: str, explicit: str | None = None) -> str | None:
    """Endpoint for ``service``: an explicit override, else the per-service env var, else the global one.

    botocore honours these variables itself; resolving them here too lets the client cache key on
    the endpoint, so a test that points ``AWS_ENDPOINT_URL`` somewhere else gets a fresh client.
    """
    if explicit:
        return explicit
    from datalake_library import settings as env

    return env.get(service_env_name(service)) or env.get("AWS_ENDPOINT_URL")
