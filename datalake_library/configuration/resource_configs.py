"""``S3Configuration``, ``DynamoConfiguration``, ``SQSConfiguration``, ``StateMachineConfiguration``
and ``KMSConfiguration``: the configuration classes of SDLF up to 2.6, restored on top of the lazy,
batched, cached SSM resolution of :mod:`datalake_library.parameters`.

Why: stage constructs shipped with 2.11.2 still import these classes, and 2.11.1 removed them, so
those stages fail at import time. Here every ``get_*``/plain name is a **property** (used without
parentheses, as before) and nothing is read until a property is. The first access reads the
setting's names together with the object's other names in one ``GetParameters`` (at most 10
names), through the same process-wide TTL cache as ``DataLakeClient``, so mixing the old and new
APIs costs no extra requests.

Parameter names come from the tables of :mod:`datalake_library.parameters` (the only place that
knows them): ``LEGACY_PARAMETERS`` (2.11's ``/SDLF2/`` name first, then the historical ``/SDLF/``
ones) and, when an ``instance=`` is given, ``INSTANCE_PARAMETERS`` — the deployment-instance
scheme of 2.7 - 2.11.0, which :mod:`datalake_library.sdlf` exposes with that generation's
signatures. A missing value raises ``ParameterNotFoundError``, which is both this library's
:class:`~datalake_library.errors.ConfigurationError` and botocore's ``ClientError`` with code
``ParameterNotFound`` (what the original raised), listing every name it tried.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from datalake_library import settings
from datalake_library.aws.session import AwsSession, shared_session
from datalake_library.commons import init_logger
from datalake_library.errors import ConfigurationError, InvalidArgumentTypeError, parameter_not_found
from datalake_library.interfaces._legacy import QueueName
from datalake_library.parameters import INSTANCE_PARAMETERS, LEGACY_PARAMETERS, ParameterResolver

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


def _aws_session(ssm_interface: Any, session: boto3.Session | AwsSession | None) -> AwsSession:
    """``ssm_interface`` was a boto3 SSM client in the original; it may still be passed in."""
    if ssm_interface is None:
        return shared_session(session)
    if not callable(getattr(ssm_interface, "get_parameters", None)):
        raise InvalidArgumentTypeError(
            f"ssm_interface must be a boto3 SSM client, got {type(ssm_interface).__name__}",
            argument="ssm_interface",
        )
    # A private session whose only client is the caller's: the cache is keyed on that client.
    return AwsSession(clients={"ssm": ssm_interface})


def _bucket_name(value: str) -> str:
    """Old values of the analytics bucket parameter were bucket ARNs; keep the bucket name."""
    return value.split(":")[-1]


class _Setting:
    """A read-only property backed by SSM: the ``legacy`` key of ``LEGACY_PARAMETERS`` (names
    formatted with the object's team/prefix/pipeline/stage) or, for an object built with an
    instance, the ``instance`` key of ``INSTANCE_PARAMETERS`` (formatted with the object's
    ``instance_field`` attribute)."""

    def __init__(
        self,
        legacy: str | None = None,
        instance: str | None = None,
        instance_field: str = "instance",
        postprocess: Callable[[str], str] | None = None,
        wrap: Callable[[str], str] = str,
    ) -> None:
        self.legacy = legacy
        self.instance = instance
        self.instance_field = instance_field
        self.postprocess = postprocess
        self.wrap = wrap
        self.attribute = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.attribute = name

    def names(self, config: BaseConfig) -> list[str]:
        """The SSM names this setting tries for ``config`` (no AWS call)."""
        if config._instance_mode:
            if self.instance is None:
                return []
            value = getattr(config, self.instance_field, None)
            if not value:
                return []
            return [INSTANCE_PARAMETERS[self.instance].format(instance=value)]
        if self.legacy is None:
            return []
        return [template.format(**config._context) for template in LEGACY_PARAMETERS[self.legacy]]

    def __get__(self, config: BaseConfig | None, owner: type | None = None) -> Any:
        if config is None:
            return self
        return config._lookup(self)


class BaseConfig:
    """Common constructor: ``log_level`` and ``ssm_interface`` (a boto3 SSM client) as before, plus
    an optional ``session``. Construction makes no AWS call.

    ``instance`` (and the per-resource ``*_instance`` values of the subclasses) switch the object
    to the 2.7 - 2.11.0 deployment-instance parameter names; without one, the team/pipeline/stage
    context of the v1 - 2.6 names is required.
    """

    _context_fields: tuple[str, ...] = ()
    _instance_fields: tuple[str, ...] = ()
    #: True for the 2.7 - 2.11.0 classes of :mod:`datalake_library.sdlf`, which know only that scheme.
    _instance_scheme = False

    def __init__(
        self,
        log_level: str | None = None,
        ssm_interface: Any = None,
        *,
        session: boto3.Session | AwsSession | None = None,
        instance: str | None = None,
        instances: dict[str, str | None] | None = None,
        **context: str | None,
    ) -> None:
        self.instance = instance
        for field in self._instance_fields:
            setattr(self, field, (instances or {}).get(field) or instance)
        self._instance_mode = self._instance_scheme or bool(instance) or any(getattr(self, f) for f in self._instance_fields)
        if not self._instance_mode:
            for field in self._context_fields:
                value = context.get(field)
                if not isinstance(value, str) or not value:
                    raise ConfigurationError(
                        f"{type(self).__name__} needs a non-empty {field} (or an instance=), got {value!r}",
                        missing_context=[field],
                        context=dict(context),
                    )
        self._context: dict[str, str] = {k: str(context.get(k) or "") for k in self._context_fields}
        self.log_level = log_level or settings.effective_log_level_name()
        self._logger = init_logger(__name__, self.log_level)
        self._aws = _aws_session(ssm_interface, session)
        self._resolver_lock = threading.Lock()
        self._resolver: ParameterResolver | None = None

    def _configure(self, arguments: dict[str, Any]) -> None:
        """The one body of every public constructor, which passes its ``locals()``: each class
        declares only its (upstream) signature, and its ``_instance_fields``/``_context_fields``
        tables say which arguments are per-resource instances and which are name context."""
        BaseConfig.__init__(
            self,
            arguments.get("log_level"),
            arguments.get("ssm_interface"),
            session=arguments.get("session"),
            instance=arguments.get("instance"),
            instances={field: arguments.get(field) for field in self._instance_fields},
            **{field: arguments.get(field) for field in self._context_fields},
        )

    def _settings(self) -> list[_Setting]:
        return [v for k in dir(type(self)) if isinstance(v := getattr(type(self), k), _Setting)]

    def parameter_names(self) -> list[str]:
        """Every SSM name this object can read, in the order its settings try them (no AWS call)."""
        return list(dict.fromkeys(name for setting in self._settings() for name in setting.names(self)))

    def _names_resolver(self) -> ParameterResolver:
        if self._resolver is None:
            with self._resolver_lock:
                if self._resolver is None:
                    self._resolver = ParameterResolver(self._aws)
        return self._resolver

    def _lookup(self, setting: _Setting) -> str:
        names = setting.names(self)
        if not names:
            raise ConfigurationError(self._unavailable(setting), attribute=setting.attribute, context=self._describe())
        _, value = self._names_resolver().first_value(names, fill=self.parameter_names())
        if value is None:
            raise parameter_not_found(
                f"{type(self).__name__}.{setting.attribute}{self._where()}: none of the SSM parameters "
                f"{names} exists",
                attribute=setting.attribute,
                parameter=names[0],
                context=self._describe(),
            )
        return setting.wrap(setting.postprocess(value) if setting.postprocess else value)

    def _describe(self) -> dict[str, str | None]:
        described: dict[str, str | None] = dict(self._context)
        for field in ("instance", *self._instance_fields):
            described[field] = getattr(self, field, None)
        return {k: v for k, v in described.items() if v}

    def _where(self) -> str:
        described = self._describe()
        return f" for {described}" if described else ""

    def _unavailable(self, setting: _Setting) -> str:
        name = type(self).__name__
        if self._instance_mode and setting.instance is None:
            return f"{name}.{setting.attribute} has no deployment-instance parameter; build {name} without instance="
        if self._instance_mode:
            return f"{name}.{setting.attribute} needs {setting.instance_field} (or instance=)"
        return f"{name}.{setting.attribute} exists only in the deployment-instance scheme; pass instance="


class S3Configuration(BaseConfig):
    """Buckets and their KMS keys. ``destination_bucket``/``destination_encryption_key`` come from
    the ``BUCKET_TARGET``/``TARGET_ENCRYPTION_KEY`` environment variables, as before."""

    _instance_fields = (
        "raw_bucket_instance",
        "stage_bucket_instance",
        "analytics_bucket_instance",
        "artifacts_bucket_instance",
    )
    raw_bucket = _Setting("raw_bucket", "raw_bucket", "raw_bucket_instance")
    stage_bucket = _Setting("stage_bucket", "stage_bucket", "stage_bucket_instance")
    analytics_bucket = _Setting(
        "analytics_bucket", "analytics_bucket", "analytics_bucket_instance", postprocess=_bucket_name
    )
    artifacts_bucket = _Setting("artifacts_bucket", "artifacts_bucket", "artifacts_bucket_instance")
    # v2 encrypts every bucket with the domain key; v1 had one key parameter per bucket.
    raw_bucket_kms_key = _Setting("raw_bucket_kms_key")
    stage_bucket_kms_key = _Setting("stage_bucket_kms_key")
    analytics_bucket_kms_key = _Setting("analytics_bucket_kms_key")

    def __init__(
        self,
        log_level: str | None = None,
        ssm_interface: Any = None,
        *,
        session: boto3.Session | AwsSession | None = None,
        instance: str | None = None,
        raw_bucket_instance: str | None = None,
        stage_bucket_instance: str | None = None,
        analytics_bucket_instance: str | None = None,
        artifacts_bucket_instance: str | None = None,
    ) -> None:
        self._configure(locals())

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
    """The octagon tables (v1 - 2.6), or a dataset's pipeline-execution-history and manifests
    tables (``peh_table``/``manifests_table``, deployment-instance scheme)."""

    _instance_fields = ("peh_table_instance", "manifests_table_instance")
    object_metadata_table = _Setting("object_metadata_table")
    transform_mapping_table = _Setting("transform_mapping_table")
    pipelines_table = _Setting("pipelines_table")
    manifests_control_table = _Setting("manifests_control_table", "manifests_table", "manifests_table_instance")
    peh_table = _Setting(None, "peh_table", "peh_table_instance")
    manifests_table = _Setting("manifests_control_table", "manifests_table", "manifests_table_instance")

    def __init__(
        self,
        log_level: str | None = None,
        ssm_interface: Any = None,
        *,
        session: boto3.Session | AwsSession | None = None,
        instance: str | None = None,
        peh_table_instance: str | None = None,
        manifests_table_instance: str | None = None,
    ) -> None:
        self._configure(locals())


class SQSConfiguration(BaseConfig):
    """The stage queue and DLQ **names** of ``team``/``prefix`` (the pipeline) at ``stage``, or of a
    pipeline deployment ``instance``. ``get_stage_queue_name``/``get_stage_dlq_name`` (v1 - 2.6)
    and ``stage_queue``/``stage_dlq`` (2.7 - 2.11.0) read the same values."""

    _context_fields = ("team", "prefix", "stage")
    _instance_fields = ("stage_queue_instance",)
    get_stage_queue_name = _Setting("stage_queue", "stage_queue", "stage_queue_instance", wrap=QueueName)
    get_stage_dlq_name = _Setting("stage_dlq", "stage_dlq", "stage_queue_instance", wrap=QueueName)
    stage_queue = _Setting("stage_queue", "stage_queue", "stage_queue_instance", wrap=QueueName)
    stage_dlq = _Setting("stage_dlq", "stage_dlq", "stage_queue_instance", wrap=QueueName)

    def __init__(
        self,
        team: str | None = None,
        prefix: str | None = None,
        stage: str | None = None,
        log_level: str | None = None,
        ssm_interface: Any = None,
        *,
        session: boto3.Session | AwsSession | None = None,
        instance: str | None = None,
    ) -> None:
        self._configure(locals())


class StateMachineConfiguration(BaseConfig):
    """The state machine ARN of ``team``/``pipeline`` at ``stage`` (``get_stage_state_machine_arn``),
    or of a pipeline deployment ``instance`` (``stage_state_machine``)."""

    _context_fields = ("team", "pipeline", "stage")
    _instance_fields = ("stage_state_machine_instance",)
    get_stage_state_machine_arn = _Setting("state_machine_arn", "state_machine_arn", "stage_state_machine_instance")
    stage_state_machine = _Setting("state_machine_arn", "state_machine_arn", "stage_state_machine_instance")

    def __init__(
        self,
        team: str | None = None,
        pipeline: str | None = None,
        stage: str | None = None,
        log_level: str | None = None,
        ssm_interface: Any = None,
        *,
        session: boto3.Session | AwsSession | None = None,
        instance: str | None = None,
    ) -> None:
        self._configure(locals())


class KMSConfiguration(BaseConfig):
    """The team's data key ARN (``/SDLF/KMS/{team}/DataKeyId`` holds an ARN despite its name), or a
    dataset deployment instance's data key (``data_kms_key``)."""

    _context_fields = ("team",)
    _instance_fields = ("data_kms_key_instance",)
    get_kms_arn = _Setting("team_data_kms_key", "data_kms_key", "data_kms_key_instance")
    data_kms_key = _Setting("team_data_kms_key", "data_kms_key", "data_kms_key_instance")

    def __init__(
        self,
        team: str | None = None,
        log_level: str | None = None,
        ssm_interface: Any = None,
        *,
        session: boto3.Session | AwsSession | None = None,
        instance: str | None = None,
    ) -> None:
        self._configure(locals())
