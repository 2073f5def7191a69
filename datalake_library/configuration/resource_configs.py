"""``S3Configuration``, ``DynamoConfiguration``, ``SQSConfiguration``, ``StateMachineConfiguration``
and ``KMSConfiguration``: the v1-2.6 configuration classes, restored on top of the lazy, batched,
cached SSM resolution of :mod:`datalake_library.parameters` (spec §3.4, §14).

Why: stage constructs shipped with 2.11.2 still import these classes, and 2.11.1 removed them, so
those stages fail at import time. Here every ``get_*``/plain name is a **property** (used without
parentheses, as before) and nothing is read until a property is: the first access fetches every
name the object can need with ``GetParameters`` (<= 10 per call) through the same process-wide
TTL cache as ``DataLakeClient``, so mixing old and new APIs costs no extra requests.

Parameter names: deployments since the v2 blue/green split (PR #537) publish foundation-level
values under ``/SDLF2/``, older ones under ``/SDLF/`` (v1 named the raw bucket
``/SDLF/S3/CentralBucket``, and had one KMS key parameter per bucket). Each property therefore
tries the current name first and falls back to the historical ones, and a missing value raises
:class:`~datalake_library.errors.ConfigurationError` listing every name it tried.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from datalake_library import parameters as _parameters
from datalake_library import settings
from datalake_library.aws.session import AwsSession, shared_session
from datalake_library.commons import init_logger
from datalake_library.errors import ConfigurationError, InvalidArgumentTypeError

if TYPE_CHECKING:  # pragma: no cover - typing only
    import boto3

__all__ = [
    "BaseConfig",
    "DynamoConfiguration",
    "KMSConfiguration",
    "S3Configuration",
    "SQSConfiguration",
    "StateMachineConfiguration",
]

#: Foundation-level values (current name first, then historical ones).
_DOMAIN_KEY = "/SDLF2/KMS/KeyArn"


class _NameResolver(_parameters.ParameterResolver):
    """A :class:`~datalake_library.parameters.ParameterResolver` over an explicit list of names.

    It reuses the resolver's batched ``GetParameters`` refresh and the module's process-wide
    cache; only the set of names differs (the legacy classes are not in the attribute table).
    """

    def __init__(self, aws: AwsSession, names: Iterable[str], context: dict[str, str | None]) -> None:
        super().__init__(aws, context.get("team"), context.get("pipeline"), context.get("stage"))
        self.context = dict(context)
        self._names = list(dict.fromkeys(names))

    def context_names(self) -> list[str]:
        return list(self._names)

    def value(self, name: str) -> str | None:
        """The cached or freshly fetched value of ``name`` (``None`` when it does not exist)."""
        return self.value_of(name)


def _aws_session(ssm_interface: Any, session: boto3.Session | AwsSession | None) -> AwsSession:
    """``ssm_interface`` was a boto3 SSM client in the original; it may still be passed in."""
    if ssm_interface is None:
        return shared_session(session)
    if not hasattr(ssm_interface, "get_parameters"):
        raise InvalidArgumentTypeError(
            f"ssm_interface must be a boto3 SSM client, got {type(ssm_interface).__name__}",
            argument="ssm_interface",
        )
    # A private session whose only client is the caller's: the cache is keyed on that client.
    return AwsSession(clients={"ssm": ssm_interface})


class _Setting:
    """A read-only property backed by the first existing SSM name among ``names`` (templates
    formatted with the instance's context)."""

    def __init__(self, *names: str, postprocess: Any = None) -> None:
        self.templates = names
        self.postprocess = postprocess

    def __set_name__(self, owner: type, name: str) -> None:
        self.attribute = name

    def names(self, instance: BaseConfig) -> list[str]:
        return [template.format(**instance._context) for template in self.templates]

    def __get__(self, instance: BaseConfig | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return instance._lookup(self)


class BaseConfig:
    """Common constructor: ``log_level`` and ``ssm_interface`` (a boto3 SSM client) as before, plus
    an optional ``session``. Construction makes no AWS call."""

    _context_fields: tuple[str, ...] = ()

    def __init__(
        self,
        log_level: str | None = None,
        ssm_interface: Any = None,
        *,
        session: boto3.Session | AwsSession | None = None,
        **context: str,
    ) -> None:
        for field in self._context_fields:
            value = context.get(field)
            if not isinstance(value, str) or not value:
                raise ConfigurationError(
                    f"{type(self).__name__} needs a non-empty {field}, got {value!r}",
                    missing_context=[field],
                    context=dict(context),
                )
        self._context: dict[str, str] = {k: context[k] for k in self._context_fields}
        self.log_level = log_level or settings.effective_log_level_name()
        self._logger = init_logger(__name__, self.log_level)
        self._aws = _aws_session(ssm_interface, session)
        self._resolver_lock = threading.Lock()
        self._resolver: _NameResolver | None = None

    def _settings(self) -> list[_Setting]:
        return [v for k in dir(type(self)) if isinstance(v := getattr(type(self), k), _Setting)]

    def _names_resolver(self) -> _NameResolver:
        if self._resolver is None:
            with self._resolver_lock:
                if self._resolver is None:
                    names = [name for setting in self._settings() for name in setting.names(self)]
                    self._resolver = _NameResolver(self._aws, names, dict(self._context))
        return self._resolver

    def _lookup(self, setting: _Setting) -> str:
        resolver = self._names_resolver()
        names = setting.names(self)
        for name in names:
            value = resolver.value(name)
            if value is not None:
                return str(setting.postprocess(value) if setting.postprocess else value)
        context = f" for {self._context}" if self._context else ""
        raise ConfigurationError(
            f"{type(self).__name__}.{setting.attribute}{context}: none of the SSM parameters "
            f"{names} exists",
            attribute=setting.attribute,
            parameter=names[0],
            context=dict(self._context),
        )


def _bucket_name(value: str) -> str:
    return value.split(":")[-1]


class S3Configuration(BaseConfig):
    """Buckets and their KMS keys. ``destination_bucket``/``destination_encryption_key`` come from
    the ``BUCKET_TARGET``/``TARGET_ENCRYPTION_KEY`` environment variables, as before."""

    raw_bucket = _Setting("/SDLF2/S3/RawBucket", "/SDLF/S3/RawBucket", "/SDLF/S3/CentralBucket")
    stage_bucket = _Setting("/SDLF2/S3/StageBucket", "/SDLF/S3/StageBucket")
    analytics_bucket = _Setting(
        "/SDLF2/S3/AnalyticsBucket", "/SDLF/S3/AnalyticsBucket", postprocess=_bucket_name
    )
    artifacts_bucket = _Setting("/SDLF2/S3/ArtifactsBucket", "/SDLF/S3/ArtifactsBucket")
    # v2 encrypts every bucket with the domain key; v1 had one key parameter per bucket.
    raw_bucket_kms_key = _Setting(_DOMAIN_KEY, "/SDLF/KMS/CentralBucket")
    stage_bucket_kms_key = _Setting(_DOMAIN_KEY, "/SDLF/KMS/StageBucket")
    analytics_bucket_kms_key = _Setting(_DOMAIN_KEY, "/SDLF/KMS/AnalyticsBucket")

    def __init__(
        self,
        log_level: str | None = None,
        ssm_interface: Any = None,
        *,
        session: boto3.Session | AwsSession | None = None,
    ) -> None:
        super().__init__(log_level, ssm_interface, session=session)

    @staticmethod
    def _environment(name: str, attribute: str) -> str:
        value = settings.get(name)
        if not value:
            raise ConfigurationError(
                f"S3Configuration.{attribute} reads the {name} environment variable, which is not set",
                attribute=attribute,
            )
        return value

    @property
    def destination_bucket(self) -> str:
        return self._environment("BUCKET_TARGET", "destination_bucket")

    @property
    def destination_encryption_key(self) -> str:
        return self._environment("TARGET_ENCRYPTION_KEY", "destination_encryption_key")


class DynamoConfiguration(BaseConfig):
    """The octagon tables."""

    object_metadata_table = _Setting("/SDLF2/Dynamo/ObjectCatalog", "/SDLF/Dynamo/ObjectCatalog")
    transform_mapping_table = _Setting("/SDLF2/Dynamo/TransformMapping", "/SDLF/Dynamo/TransformMapping")
    pipelines_table = _Setting("/SDLF2/Dynamo/Pipelines", "/SDLF/Dynamo/Pipelines")
    manifests_control_table = _Setting("/SDLF2/Dynamo/Manifests", "/SDLF/Dynamo/Manifests")

    def __init__(
        self,
        log_level: str | None = None,
        ssm_interface: Any = None,
        *,
        session: boto3.Session | AwsSession | None = None,
    ) -> None:
        super().__init__(log_level, ssm_interface, session=session)


class SQSConfiguration(BaseConfig):
    """The stage queue and DLQ **names** of ``team``/``prefix`` (the pipeline) at ``stage``."""

    _context_fields = ("team", "prefix", "stage")
    get_stage_queue_name = _Setting("/SDLF/SQS/{team}/{prefix}{stage}Queue")
    get_stage_dlq_name = _Setting("/SDLF/SQS/{team}/{prefix}{stage}DLQ")

    def __init__(
        self,
        team: str,
        prefix: str,
        stage: str,
        log_level: str | None = None,
        ssm_interface: Any = None,
        *,
        session: boto3.Session | AwsSession | None = None,
    ) -> None:
        super().__init__(log_level, ssm_interface, session=session, team=team, prefix=prefix, stage=stage)


class StateMachineConfiguration(BaseConfig):
    """The state machine ARN of ``team``/``pipeline`` at ``stage``."""

    _context_fields = ("team", "pipeline", "stage")
    get_stage_state_machine_arn = _Setting("/SDLF/SM/{team}/{pipeline}{stage}SM")

    def __init__(
        self,
        team: str,
        pipeline: str,
        stage: str,
        log_level: str | None = None,
        ssm_interface: Any = None,
        *,
        session: boto3.Session | AwsSession | None = None,
    ) -> None:
        super().__init__(log_level, ssm_interface, session=session, team=team, pipeline=pipeline, stage=stage)


class KMSConfiguration(BaseConfig):
    """The team's data key ARN (``/SDLF/KMS/{team}/DataKeyId`` holds an ARN despite its name)."""

    _context_fields = ("team",)
    get_kms_arn = _Setting("/SDLF/KMS/{team}/DataKeyId")

    def __init__(
        self,
        team: str,
        log_level: str | None = None,
        ssm_interface: Any = None,
        *,
        session: boto3.Session | AwsSession | None = None,
    ) -> None:
        super().__init__(log_level, ssm_interface, session=session, team=team)
