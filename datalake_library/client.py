"""``DataLakeClient``: the five interfaces over one shared session.

Construction is cheap (no AWS call, no boto3 client, no boto3 import): the interfaces build their
clients on first use from one :class:`~datalake_library.aws.AwsSession`, which is process-wide for
a given boto3 Session (or for the default credentials), so a second client in a warm Lambda
reuses every client and every cached SSM value of the first.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from datalake_library.interfaces.base_interface import bind_context, resolve_aws_session
from datalake_library.interfaces.dynamo_interface import DynamoInterface
from datalake_library.interfaces.kms_interface import KMSInterface
from datalake_library.interfaces.s3_interface import S3Interface
from datalake_library.interfaces.sqs_interface import SQSInterface
from datalake_library.interfaces.states_interface import StatesInterface

if TYPE_CHECKING:  # pragma: no cover - typing only
    import boto3
    from botocore.config import Config

    from datalake_library.aws.session import AwsSession

__all__ = ["DataLakeClient"]

_cached_lock = threading.Lock()
_cached_clients: dict[tuple[str | None, ...], DataLakeClient] = {}


class DataLakeClient:
    """Entry point of stage Lambdas: ``client.s3``, ``.dynamo``, ``.states``, ``.sqs``, ``.kms``.

    ``config`` (a botocore Config merged over the library's) and ``clients`` (service name ->
    ready-made client, e.g. Stubber-wrapped) are keyword-only test/tuning seams; with either, the
    client gets a private session instead of the process-wide one.
    """

    def __init__(
        self,
        team: str | None = None,
        dataset: str | None = None,
        pipeline: str | None = None,
        stage: str | None = None,
        log_level: str | None = None,
        session: boto3.Session | AwsSession | None = None,
        *,
        config: Config | None = None,
        clients: Mapping[str, Any] | None = None,
    ) -> None:
        self.team, self.dataset, self.pipeline, self.stage, self.log_level, self.aws_session = bind_context(
            team, dataset, pipeline, stage, log_level, session, config=config, clients=clients
        )
        args = (team, dataset, pipeline, stage, log_level, self.aws_session)
        self.s3 = S3Interface(*args)
        self.dynamo = DynamoInterface(*args)
        self.states = StatesInterface(*args)
        self.sqs = SQSInterface(*args)
        self.kms = KMSInterface(*args)

    @property
    def session(self) -> boto3.Session:
        """The one boto3 Session shared by all interfaces (created lazily)."""
        return self.aws_session.boto3_session

    @classmethod
    def cached(
        cls,
        team: str | None = None,
        dataset: str | None = None,
        pipeline: str | None = None,
        stage: str | None = None,
        log_level: str | None = None,
    ) -> DataLakeClient:
        """A process-level client per ``(team, dataset, pipeline, stage, log_level)`` on the default
        session: handlers that build a client per record can reuse one instead."""
        key = (team, dataset, pipeline, stage, log_level)
        with _cached_lock:
            client = _cached_clients.get(key)
            if client is None or client.aws_session is not resolve_aws_session(None):
                client = _cached_clients[key] = cls(team, dataset, pipeline, stage, log_level)
            return client

    def __repr__(self) -> str:
        return (
            f"DataLakeClient(team={self.team!r}, dataset={self.dataset!r}, "
            f"pipeline={self.pipeline!r}, stage={self.stage!r})"
        )


def clear_cached_clients() -> None:
    """Forget the clients returned by :meth:`DataLakeClient.cached` (tests)."""
    with _cached_lock:
        _cached_clients.clear()
