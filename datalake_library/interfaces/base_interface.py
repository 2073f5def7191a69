"""``BaseInterface``: shared constructor, lazy clients and SSM-backed attributes.

Why: the original's constructor built a boto3 Session, an SSM client and a service client and read
every parameter eagerly. Here construction stores the context and nothing else; boto3 clients come
from the shared :class:`~datalake_library.aws.AwsSession` on first attribute access, and SSM-backed
attributes are :class:`SsmAttribute` descriptors resolved through one
:class:`~datalake_library.parameters.ParameterResolver`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from datalake_library import settings
from datalake_library.aws.session import AwsSession, shared_session
from datalake_library.commons import init_logger
from datalake_library.errors import InvalidArgumentTypeError, parameter_not_found
from datalake_library.interfaces._legacy import take_legacy_positionals
from datalake_library.parameters import ParameterResolver

if TYPE_CHECKING:  # pragma: no cover - typing only
    import boto3
    from botocore.config import Config

__all__ = ["BaseInterface", "ClientAttribute", "SsmAttribute", "bind_context", "resolve_aws_session"]


def resolve_aws_session(
    session: boto3.Session | AwsSession | None,
    config: Config | None = None,
    clients: Mapping[str, Any] | None = None,
) -> AwsSession:
    """The :class:`AwsSession` to use: the process-wide one for ``session``, or a private one when
    a botocore ``config`` or ready-made ``clients`` are injected (they must not leak to others)."""
    if (
        session is not None
        and not isinstance(session, AwsSession)
        and not callable(getattr(session, "client", None))
    ):
        raise InvalidArgumentTypeError(
            f"session must be a boto3.Session, an AwsSession or None, got {type(session).__name__}",
            argument="session",
        )
    if clients is not None and not isinstance(clients, Mapping):
        raise InvalidArgumentTypeError("clients must map service names to boto3 clients", argument="clients")
    if config is None and not clients:
        return shared_session(session)
    if isinstance(session, AwsSession):
        session = session.boto3_session
    return AwsSession(session=session, config=config, clients=dict(clients or {}))


def bind_context(
    team: str | None,
    dataset: str | None,
    pipeline: str | None,
    stage: str | None,
    log_level: str | None,
    session: boto3.Session | AwsSession | None,
    *,
    config: Config | None,
    clients: Mapping[str, Any] | None,
) -> tuple[str | None, str | None, str | None, str | None, str | None, AwsSession]:
    """The checked context every interface and ``DataLakeClient`` store (``team``, ``dataset``,
    ``pipeline``, ``stage``, ``log_level``) and the :class:`AwsSession` they share, in that order."""
    _check_context(team=team, dataset=dataset, pipeline=pipeline, stage=stage)
    return team, dataset, pipeline, stage, log_level, resolve_aws_session(session, config, clients)


def _check_context(**context: Any) -> None:
    """Context values are names (or None); anything else would build nonsense parameter names."""
    for name, value in context.items():
        if value is not None and not isinstance(value, str):
            raise InvalidArgumentTypeError(
                f"{name} must be a str or None, got {type(value).__name__}", argument=name
            )


class SsmAttribute:
    """A configuration attribute read from SSM on first access (table: ``parameters.PARAMETERS``).

    Assigning to it overrides the value for that instance (the original's attributes were plain
    instance attributes, and callers did assign them).
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.attribute = name

    def __get__(self, instance: BaseInterface | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        overrides = instance.__dict__.get("_overrides", {})
        if self.attribute in overrides:
            return overrides[self.attribute]
        return instance._ssm_value(self.attribute)

    def __set__(self, instance: BaseInterface, value: Any) -> None:
        instance.__dict__.setdefault("_overrides", {})[self.attribute] = value

    def __delete__(self, instance: BaseInterface) -> None:
        instance.__dict__.get("_overrides", {}).pop(self.attribute, None)


class ClientAttribute:
    """A boto3 client attribute (``self.s3``, ``self.sqs``, ``self.ssm`` ...) built on first read
    from the interface's shared :class:`AwsSession`.

    It is a non-data descriptor on purpose: a subclass whose ``_initialize_client`` hook assigns
    ``self.s3 = self.session.client("s3")`` (the way SDLF 2.11's own interfaces are written) stores
    its client on the instance, and every method of the interface then uses that client.
    """

    def __init__(self, service: str) -> None:
        self.service = service

    def __get__(self, instance: BaseInterface | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return instance.aws_session.client(self.service)


class _SessionAttribute:
    """``self.session``: the boto3 Session shared by every interface of a client (created lazily);
    assignable like the original's plain attribute (non-data descriptor)."""

    def __get__(self, instance: BaseInterface | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return instance.aws_session.boto3_session


class _SessionConfigAttribute:
    """``self.session_config``: the botocore Config every client is built with
    (``user_agent_extra`` awssdlf/<version>); assignable (non-data descriptor)."""

    def __get__(self, instance: BaseInterface | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return instance.aws_session.config


class BaseInterface:
    """Common state of every interface. Construction makes no AWS call and builds no client.

    Subclasses may override the ``_initialize_client`` and ``_load_config`` hooks the way SDLF
    2.11's interfaces do (assigning client attributes or SSM-backed attributes); the state the
    library's own methods need is set up in :meth:`_init_state`, before either hook runs, so it
    never depends on the hook being the library's own.
    """

    session = _SessionAttribute()
    session_config = _SessionConfigAttribute()
    ssm = ClientAttribute("ssm")

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
            team, dataset, pipeline, stage, log_level or settings.effective_log_level_name(), session,
            config=config, clients=clients,
        )
        self.logger: logging.Logger = init_logger(type(self).__module__, self.log_level)
        self._parameters = ParameterResolver(self.aws_session, team, pipeline, stage)
        self._init_state()
        self._initialize_client()
        self._load_config()

    def _init_interface(
        self,
        context: list[Any],
        log_level: str | None,
        session: Any,
        *,
        config: Any,
        clients: Mapping[str, Any] | None,
        service: str,
        client: Any,
        legacy_at: int | None,
    ) -> None:
        """The one constructor path of the interfaces that also take SDLF <= 2.11.0's arguments.

        ``context`` is ``[team, dataset, pipeline, stage]`` as the caller gave them; ``legacy_at``
        is where the legacy positional ``(log_level, client)`` pair stands when the subclass
        recognised a legacy call (``None`` otherwise). An injected ``client`` (the legacy
        ``<service>_client``) joins ``clients`` under ``service``.
        """
        if legacy_at is not None:
            log_level, client = take_legacy_positionals(context, legacy_at, log_level, client)
        if client is not None:
            clients = {**(clients or {}), service: client}
        team, dataset, pipeline, stage = context
        BaseInterface.__init__(
            self, team, dataset, pipeline, stage, log_level, session, config=config, clients=clients
        )

    def _init_state(self) -> None:
        """Per-instance state of the library's own methods (runs before the hooks)."""

    def _ssm_value(self, attribute: str) -> Any:
        """The value behind SSM-backed ``attribute`` (legacy constructors redirect it)."""
        return self._parameters.get(attribute)

    # Hooks kept for subclasses written against the original; both are no-ops now that clients
    # and configuration are lazy.
    def _initialize_client(self) -> None:
        """Original hook (built the service client); clients are lazy properties now."""

    def _load_config(self) -> None:
        """Original hook (read SSM eagerly); attributes resolve on first access now."""

    def parameter_name(self, attribute: str) -> str:
        """The SSM parameter name behind ``attribute`` for this context (no AWS call)."""
        return self._parameters.parameter_name(attribute)

    def _get_ssm_parameter(self, name: str) -> str:
        """Read one parameter (original helper, kept for subclasses).

        An absent parameter raises ``ParameterNotFoundError``: a ``ConfigurationError`` that is
        also the botocore ``ClientError`` (code ``ParameterNotFound``) the original let through.
        """
        from botocore.exceptions import ClientError

        try:
            return str(self.ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"])
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code == "ThrottlingException":
                self.logger.error("SSM RATE LIMIT REACHED")
            else:
                self.logger.error("Error getting SSM parameter %s: %s", name, exc)
            if code == "ParameterNotFound":
                raise parameter_not_found(f"SSM parameter {name} does not exist", parameter=name) from exc
            raise
