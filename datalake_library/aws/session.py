"""One boto3 Session, clients built lazily and at most once per service.

Why: a new ``boto3.Session`` plus client costs 54-71 ms (the loader re-parses service models),
while reusing a client costs nothing. SDLF's original built five SSM clients and five service
clients for every ``DataLakeClient``; stage B built a client per record. Here a process-wide
registry hands the same :class:`AwsSession` (and therefore the same clients) to every
``DataLakeClient`` and to the LetsData bridge in a warm Lambda container.

Thread-safety: boto3 Sessions are not thread-safe but clients are, so client creation is
serialised with a lock and the clients are then shared freely.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING, Any

from datalake_library import settings
from datalake_library.aws.config import build_config, resolve_endpoint_url

if TYPE_CHECKING:  # pragma: no cover - typing only
    import boto3
    from botocore.config import Config


class AwsSession:
    """A boto3 Session wrapper whose clients are created on first use and cached.

    ``clients`` lets tests inject ready-made (e.g. Stubber-wrapped) clients per service name.
    """

    def __init__(
        self,
        session: boto3.Session | None = None,
        config: Config | None = None,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        clients: dict[str, Any] | None = None,
    ) -> None:
        self._session = session
        self._user_config = config
        self._config: Config | None = None
        self._region_name = region_name
        self._endpoint_url = endpoint_url
        self._clients: dict[tuple[str, str | None, str | None], Any] = {}
        self._injected: dict[str, Any] = dict(clients or {})
        self._lock = threading.RLock()
        #: How many boto3 clients this wrapper has built (tests and benchmarks read it).
        self.clients_built = 0

    @property
    def boto3_session(self) -> boto3.Session:
        """The underlying boto3 Session, created lazily (boto3 is imported only here)."""
        if self._session is None:
            with self._lock:
                if self._session is None:
                    import boto3

                    self._session = boto3.Session(region_name=self._region_name)
        return self._session

    @property
    def config(self) -> Config:
        """The botocore Config every client of this session is built with."""
        if self._config is None:
            self._config = build_config(self._user_config)
        return self._config

    @property
    def region_name(self) -> str | None:
        return (
            self._region_name
            or self.boto3_session.region_name
            or settings.get("AWS_REGION")
            or settings.get("AWS_DEFAULT_REGION")
        )

    def client(self, service: str) -> Any:
        """Return the cached client for ``service``, building it on first use.

        The cache key includes the resolved endpoint and region, so changing
        ``AWS_ENDPOINT_URL`` (tests, local runs) never reuses a client aimed elsewhere.
        """
        injected = self._injected.get(service)
        if injected is not None:
            return injected
        endpoint = resolve_endpoint_url(service, self._endpoint_url)
        key = (service, endpoint, self._region_name)
        client = self._clients.get(key)
        if client is not None:
            return client
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                kwargs: dict[str, Any] = {"config": self.config}
                if endpoint:
                    kwargs["endpoint_url"] = endpoint
                if self._region_name:
                    kwargs["region_name"] = self._region_name
                client = self.boto3_session.client(service, **kwargs)
                self._clients[key] = client
                self.clients_built += 1
        return client

    def resource(self, service: str) -> Any:
        """A boto3 resource sharing this session's config and endpoint (not cached: resources
        are not thread-safe)."""
        endpoint = resolve_endpoint_url(service, self._endpoint_url)
        kwargs: dict[str, Any] = {"config": self.config}
        if endpoint:
            kwargs["endpoint_url"] = endpoint
        return self.boto3_session.resource(service, **kwargs)

    def clear(self) -> None:
        """Drop every cached client (used by tests between moto resets)."""
        with self._lock:
            self._clients.clear()


_registry_lock = threading.Lock()
_default: AwsSession | None = None
_by_session: weakref.WeakKeyDictionary[Any, AwsSession] = weakref.WeakKeyDictionary()
_by_endpoint: dict[str, AwsSession] = {}


def shared_session(
    session: boto3.Session | AwsSession | None = None,
    endpoint_url: str | None = None,
) -> AwsSession:
    """The process-wide :class:`AwsSession` for ``session`` (or for the default credentials).

    Passing the same boto3 Session twice returns the same wrapper, so a second
    ``DataLakeClient`` in a warm Lambda reuses every client of the first.
    """
    global _default
    if isinstance(session, AwsSession):
        return session
    with _registry_lock:
        if session is not None:
            wrapper = _by_session.get(session)
            if wrapper is None or (endpoint_url and wrapper._endpoint_url != endpoint_url):
                wrapper = AwsSession(session=session, endpoint_url=endpoint_url)
                _by_session[session] = wrapper
            return wrapper
        if endpoint_url:
            wrapper = _by_endpoint.get(endpoint_url)
            if wrapper is None:
                wrapper = _by_endpoint[endpoint_url] = AwsSession(endpoint_url=endpoint_url)
            return wrapper
        if _default is None:
            _default = AwsSession()
        return _default


def clear_shared_sessions() -> None:
    """Forget every process-wide session and client (tests; credential rotation)."""
    global _default
    with _registry_lock:
        _default = None
        _by_session.clear()
        _by_endpoint.clear()
