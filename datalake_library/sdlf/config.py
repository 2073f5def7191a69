"""The configuration classes of SDLF 2.7 - 2.11.0 (``datalake_library.sdlf``), with that
generation's signatures: ``(log_level=None, ssm_interface=None, instance=None, ...)``.

They are the classes of :mod:`datalake_library.configuration.resource_configs` in their
deployment-instance form, so their values are read lazily, in one batched ``GetParameters`` per
object, through the process-wide cache (the originals read every parameter in the constructor,
one ``GetParameter`` each, from a hard-coded regional endpoint). Attribute names are the
originals': ``raw_bucket`` ... ``artifacts_bucket``, ``peh_table``/``manifests_table``,
``stage_queue``/``stage_dlq``, ``stage_state_machine``, ``data_kms_key``, and the
``*_instance`` values.
"""

from __future__ import annotations

from typing import Any

from datalake_library.configuration import resource_configs as _configs

__all__ = [
    "DynamoConfiguration",
    "KMSConfiguration",
    "S3Configuration",
    "SQSConfiguration",
    "StateMachineConfiguration",
]


class S3Configuration(_configs.S3Configuration):
    """Buckets of a storage deployment instance (``/sdlf/storage/r{Raw,Stage,...}Bucket/{instance}``)."""

    _instance_scheme = True

    def __init__(
        self,
        log_level: str | None = None,
        ssm_interface: Any = None,
        instance: str | None = None,
        raw_bucket_instance: str | None = None,
        stage_bucket_instance: str | None = None,
        analytics_bucket_instance: str | None = None,
        artifacts_bucket_instance: str | None = None,
        *,
        session: Any = None,
    ) -> None:
        self._configure(locals())


class DynamoConfiguration(_configs.DynamoConfiguration):
    """A dataset's pipeline-execution-history and manifests tables."""

    _instance_scheme = True

    def __init__(
        self,
        log_level: str | None = None,
        ssm_interface: Any = None,
        instance: str | None = None,
        peh_table_instance: str | None = None,
        manifests_table_instance: str | None = None,
        *,
        session: Any = None,
    ) -> None:
        self._configure(locals())


class SQSConfiguration(_configs.SQSConfiguration):
    """The routing queue and dead-letter queue names of a pipeline deployment instance."""

    _instance_scheme = True

    def __init__(
        self, log_level: str | None = None, ssm_interface: Any = None, instance: str | None = None, *, session: Any = None
    ) -> None:
        self._configure(locals())


class StateMachineConfiguration(_configs.StateMachineConfiguration):
    """The state machine ARN of a pipeline deployment instance (``stage_state_machine``)."""

    _instance_scheme = True

    def __init__(
        self, log_level: str | None = None, ssm_interface: Any = None, instance: str | None = None, *, session: Any = None
    ) -> None:
        self._configure(locals())


class KMSConfiguration(_configs.KMSConfiguration):
    """The data key ARN of a dataset deployment instance (``data_kms_key``)."""

    _instance_scheme = True

    def __init__(
        self, log_level: str | None = None, ssm_interface: Any = None, instance: str | None = None, *, session: Any = None
    ) -> None:
        self._configure(locals())
