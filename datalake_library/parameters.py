"""SDLF configuration from SSM: one table, one batched read, one process-wide TTL cache.

Why: the original read up to 12 parameters with one ``GetParameter`` each in every constructor, and
failed the whole client when one optional parameter was absent. Here the tables below are the only
place that knows the parameter names: ``PARAMETERS`` (byte-exact with SDLF 2.11.x), and
``LEGACY_PARAMETERS``/``INSTANCE_PARAMETERS`` for the configuration classes of earlier
generations (docs/sdlf-compatibility.md). The first time an
attribute is read, every parameter the client's context needs is fetched with ``GetParameters``
(<= 10 names per call, ``WithDecryption=True``) and kept in a process-wide cache for
``DATALAKE_SSM_CACHE_TTL`` seconds (default 300; 0 disables caching). Absent parameters are cached
too, and only the attribute that needs one raises ``ParameterNotFoundError`` (a
:class:`ConfigurationError` that is also botocore's ``ClientError`` ``ParameterNotFound``).
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from datalake_library.errors import ConfigurationError, parameter_not_found

if TYPE_CHECKING:  # pragma: no cover - typing only
    from datalake_library.aws.session import AwsSession

__all__ = [
    "CACHE_TTL_ENV",
    "DEFAULT_CACHE_TTL",
    "INSTANCE_PARAMETERS",
    "LEGACY_PARAMETERS",
    "PARAMETERS",
    "ParameterResolver",
    "ParameterSpec",
    "cache_ttl",
    "clear_parameter_cache",
    "parameter_names",
]

logger = logging.getLogger(__name__)

CACHE_TTL_ENV = "DATALAKE_SSM_CACHE_TTL"
DEFAULT_CACHE_TTL = 300.0
#: GetParameters accepts at most 10 names per request.
GET_PARAMETERS_MAX_NAMES = 10
CONTEXT_FIELDS = ("team", "pipeline", "stage")


def _last_arn_segment(value: str) -> str:
    """Legacy values of /SDLF2/S3/AnalyticsBucket were bucket ARNs; keep the bucket name."""
    return value.split(":")[-1]


class ParameterSpec:
    """One SSM-backed attribute: its name template, the context it needs, and a post-processor.

    A plain slotted class (not a dataclass/NamedTuple): this module is on the cold-start path.
    """

    __slots__ = ("attribute", "note", "postprocess", "requires", "template")

    def __init__(
        self,
        attribute: str,
        template: str,
        requires: tuple[str, ...] = (),
        postprocess: Callable[[str], str] | None = None,
        note: str = "",
    ) -> None:
        self.attribute = attribute
        self.template = template
        self.requires = requires
        self.postprocess = postprocess
        self.note = note

    def name(self, context: dict[str, str | None]) -> str:
        return self.template.format(**{k: context.get(k) or "" for k in CONTEXT_FIELDS})

    def __repr__(self) -> str:
        return f"ParameterSpec({self.attribute!r}, {self.template!r}, requires={self.requires!r})"


_TEAM_PIPELINE_STAGE = ("team", "pipeline", "stage")

#: attribute -> parameter (docs/sdlf-compatibility.md). ``stage`` is appended verbatim after ``pipeline``.
PARAMETERS: dict[str, ParameterSpec] = {
    spec.attribute: spec
    for spec in (
        ParameterSpec("raw_bucket", "/SDLF2/S3/RawBucket"),
        ParameterSpec("stage_bucket", "/SDLF2/S3/StageBucket"),
        ParameterSpec("analytics_bucket", "/SDLF2/S3/AnalyticsBucket", postprocess=_last_arn_segment),
        ParameterSpec("artifacts_bucket", "/SDLF2/S3/ArtifactsBucket"),
        ParameterSpec("object_metadata_table", "/SDLF2/Dynamo/ObjectCatalog"),
        ParameterSpec(
            "manifests_table", "/SDLF2/Dynamo/Manifests", note="published only when pLegacyTables=true"
        ),
        ParameterSpec("state_machine_arn", "/SDLF/SM/{team}/{pipeline}{stage}SM", _TEAM_PIPELINE_STAGE),
        ParameterSpec(
            "stage_queue",
            "/SDLF/SQS/{team}/{pipeline}{stage}Queue",
            _TEAM_PIPELINE_STAGE,
            note="published only when the stage has an event pattern",
        ),
        ParameterSpec(
            "stage_dlq",
            "/SDLF/SQS/{team}/{pipeline}{stage}DLQ",
            _TEAM_PIPELINE_STAGE,
            note="published only when the stage has an event pattern",
        ),
        ParameterSpec("data_kms_key", "/SDLF2/KMS/KeyArn"),
        ParameterSpec(
            "team_data_kms_key",
            "/SDLF/KMS/{team}/DataKeyId",
            ("team",),
            note="published only for legacy teams (pLegacyTeam=true)",
        ),
        ParameterSpec("team_infra_kms_key", "/SDLF/KMS/{team}/InfraKeyId", ("team",)),
    )
}


#: The names earlier SDLF generations read, for the configuration classes of
#: :mod:`datalake_library.configuration.resource_configs` (v1 - 2.6). Each setting tries its names
#: in order: the 2.11 ``/SDLF2/`` name first (what a current sdlf-foundations publishes), then
#: the ``/SDLF/`` name of v2 up to the blue/green split, then v1's (the raw bucket was
#: ``CentralBucket``; v1 had one KMS key parameter per bucket, v2 one domain key). ``prefix`` is
#: the pipeline name (the v1 argument was called ``prefix``).
LEGACY_PARAMETERS: dict[str, tuple[str, ...]] = {
    "raw_bucket": ("/SDLF2/S3/RawBucket", "/SDLF/S3/RawBucket", "/SDLF/S3/CentralBucket"),
    "stage_bucket": ("/SDLF2/S3/StageBucket", "/SDLF/S3/StageBucket"),
    "analytics_bucket": ("/SDLF2/S3/AnalyticsBucket", "/SDLF/S3/AnalyticsBucket"),
    "artifacts_bucket": ("/SDLF2/S3/ArtifactsBucket", "/SDLF/S3/ArtifactsBucket"),
    "raw_bucket_kms_key": ("/SDLF2/KMS/KeyArn", "/SDLF/KMS/KeyArn", "/SDLF/KMS/CentralBucket"),
    "stage_bucket_kms_key": ("/SDLF2/KMS/KeyArn", "/SDLF/KMS/KeyArn", "/SDLF/KMS/StageBucket"),
    "analytics_bucket_kms_key": ("/SDLF2/KMS/KeyArn", "/SDLF/KMS/KeyArn", "/SDLF/KMS/AnalyticsBucket"),
    "object_metadata_table": ("/SDLF2/Dynamo/ObjectCatalog", "/SDLF/Dynamo/ObjectCatalog"),
    "transform_mapping_table": ("/SDLF2/Dynamo/TransformMapping", "/SDLF/Dynamo/TransformMapping"),
    "pipelines_table": ("/SDLF2/Dynamo/Pipelines", "/SDLF/Dynamo/Pipelines"),
    "manifests_control_table": ("/SDLF2/Dynamo/Manifests", "/SDLF/Dynamo/Manifests"),
    "stage_queue": ("/SDLF/SQS/{team}/{prefix}{stage}Queue",),
    "stage_dlq": ("/SDLF/SQS/{team}/{prefix}{stage}DLQ",),
    "state_machine_arn": ("/SDLF/SM/{team}/{pipeline}{stage}SM",),
    "team_data_kms_key": ("/SDLF/KMS/{team}/DataKeyId",),
}

#: The "deployment instance" scheme of SDLF 2.7 - 2.11.0 (``datalake_library.sdlf``), published by
#: the CDK constructs (sdlf-foundations, sdlf-dataset, sdlf-stage-*): one parameter per resource
#: and instance. ``{instance}`` is the instance the setting reads (a bucket, table or pipeline
#: deployment instance).
INSTANCE_PARAMETERS: dict[str, str] = {
    "raw_bucket": "/sdlf/storage/rRawBucket/{instance}",
    "stage_bucket": "/sdlf/storage/rStageBucket/{instance}",
    "analytics_bucket": "/sdlf/storage/rAnalyticsBucket/{instance}",
    "artifacts_bucket": "/sdlf/storage/rArtifactsBucket/{instance}",
    "peh_table": "/sdlf/dataset/rDynamoPipelineExecutionHistory/{instance}",
    "manifests_table": "/sdlf/dataset/rDynamoManifests/{instance}",
    "stage_queue": "/sdlf/pipeline/rQueueRoutingStep/{instance}",
    "stage_dlq": "/sdlf/pipeline/rDeadLetterQueueRoutingStep/{instance}",
    "state_machine_arn": "/sdlf/pipeline/rStateMachine/{instance}",
    "data_kms_key": "/sdlf/dataset/rKMSDataKey/{instance}",
}


def cache_ttl() -> float:
    """Seconds a cached parameter stays valid (``$DATALAKE_SSM_CACHE_TTL``, default 300)."""
    from datalake_library import settings

    return float(settings.get(CACHE_TTL_ENV, DEFAULT_CACHE_TTL))


class _ParameterCache:
    """name -> (value or None when absent, expiry), per SSM client.

    Keyed weakly on the SSM client so that a different account/endpoint (a new client) never sees
    another's values, and dropping the shared sessions (tests) drops the cache with them.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_client: weakref.WeakKeyDictionary[Any, dict[str, tuple[str | None, float]]] = (
            weakref.WeakKeyDictionary()
        )

    def lookup(self, client: Any, name: str, now: float) -> tuple[bool, str | None]:
        entries = self._by_client.get(client)
        if entries is None:
            return False, None
        entry = entries.get(name)
        if entry is None or entry[1] <= now:
            return False, None
        return True, entry[0]

    def store(self, client: Any, values: dict[str, str | None], expires: float) -> None:
        with self._lock:
            entries = self._by_client.get(client)
            if entries is None:
                entries = self._by_client[client] = {}
            for name, value in values.items():
                entries[name] = (value, expires)

    def clear(self) -> None:
        with self._lock:
            self._by_client.clear()


_cache = _ParameterCache()


def clear_parameter_cache() -> None:
    """Forget every cached SSM value in this process (tests; after changing parameters)."""
    _cache.clear()


def parameter_names(
    team: str | None = None, pipeline: str | None = None, stage: str | None = None
) -> list[str]:
    """Every SSM name a client with this context reads, in table order (documentation, fixtures)."""
    context = {"team": team, "pipeline": pipeline, "stage": stage}
    return [spec.name(context) for spec in PARAMETERS.values() if all(context[f] for f in spec.requires)]


def _chunks(names: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(names), size):
        yield names[start : start + size]


class ParameterResolver:
    """Resolves SSM-backed attributes for one team/pipeline/stage context, lazily and in bulk."""

    def __init__(
        self,
        aws: AwsSession,
        team: str | None = None,
        pipeline: str | None = None,
        stage: str | None = None,
    ) -> None:
        self._aws = aws
        self.context: dict[str, str | None] = {"team": team, "pipeline": pipeline, "stage": stage}
        self._lock = threading.Lock()

    def _describe_context(self) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in self.context.items())

    def spec(self, attribute: str) -> ParameterSpec:
        try:
            return PARAMETERS[attribute]
        except KeyError:
            raise ConfigurationError(
                f"{attribute!r} is not an SSM-backed attribute", attribute=attribute
            ) from None

    def parameter_name(self, attribute: str) -> str:
        """The SSM name for ``attribute`` in this context; ConfigurationError if context is missing."""
        spec = self.spec(attribute)
        missing = [field for field in spec.requires if not self.context.get(field)]
        if missing:
            raise ConfigurationError(
                f"{attribute} needs {', '.join(missing)} (parameter {spec.template}); "
                f"this client was created with {self._describe_context()}",
                attribute=attribute,
                missing_context=missing,
                context=self.context,
            )
        return spec.name(self.context)

    def context_names(self) -> list[str]:
        """Every parameter name this context can resolve."""
        team, pipeline, stage = (self.context[f] for f in CONTEXT_FIELDS)
        return parameter_names(team, pipeline, stage)

    def get(self, attribute: str) -> str:
        """The value of ``attribute``, fetching this context's parameters on first use."""
        name = self.parameter_name(attribute)
        spec = PARAMETERS[attribute]
        value = self.value_of(name)
        if value is None:
            note = f" ({spec.note})" if spec.note else ""
            raise parameter_not_found(
                f"SSM parameter {name} for {attribute} does not exist{note}; "
                f"client context: {self._describe_context()}",
                attribute=attribute,
                parameter=name,
                context=self.context,
            )
        return spec.postprocess(value) if spec.postprocess else value

    def value_of(self, name: str) -> str | None:
        """The value of SSM parameter ``name`` (``None`` when it does not exist).

        A cache miss refreshes every name of this context in one batched read, so the next
        attributes come from the process-wide cache.
        """
        ssm = self._aws.client("ssm")
        found, value = _cache.lookup(ssm, name, time.monotonic())
        if not found:
            with self._lock:
                found, value = _cache.lookup(ssm, name, time.monotonic())
                if not found:
                    self._refresh(ssm, name)
                    found, value = _cache.lookup(ssm, name, float("-inf"))
        return value

    def first_value(self, names: list[str], fill: Iterable[str] = ()) -> tuple[str | None, str | None]:
        """``(name, value)`` of the first of ``names`` that exists, or ``(None, None)``.

        Names are tried in order and a cached value (or cached absence) is used as is; at the first
        uncached name, it and the remaining ``names`` are read together with every uncached
        ``fill`` name (``GetParameters``, 10 names per request), so an object's later settings
        come from the cache.
        """
        ssm = self._aws.client("ssm")
        for index, name in enumerate(names):
            found, value = _cache.lookup(ssm, name, time.monotonic())
            if not found:
                with self._lock:
                    found, value = _cache.lookup(ssm, name, time.monotonic())
                    if not found:
                        now = time.monotonic()
                        batch = [
                            n
                            for n in dict.fromkeys([*names[index:], *fill])
                            if not _cache.lookup(ssm, n, now)[0]
                        ]
                        values: dict[str, str | None] = {}
                        for chunk in _chunks(batch, GET_PARAMETERS_MAX_NAMES):
                            values.update(self._get_parameters(ssm, chunk))
                        ttl = cache_ttl()
                        _cache.store(ssm, values, time.monotonic() + ttl if ttl > 0 else now)
                        # ttl == 0: the values serve this lookup only.
                        return self._first_in(names[index:], values)
            if value is not None:
                return name, value
        return None, None

    @staticmethod
    def _first_in(names: list[str], values: dict[str, str | None]) -> tuple[str | None, str | None]:
        for name in names:
            if values.get(name) is not None:
                return name, values[name]
        return None, None

    def _refresh(self, ssm: Any, needed: str) -> None:
        """GetParameters for every name of this context that is not cached (and ``needed``)."""
        now = time.monotonic()
        names = [n for n in self.context_names() if not _cache.lookup(ssm, n, now)[0]]
        if needed not in names:
            names.append(needed)
        values: dict[str, str | None] = {}
        for chunk in _chunks(names, GET_PARAMETERS_MAX_NAMES):
            values.update(self._get_parameters(ssm, chunk))
        ttl = cache_ttl()
        # ttl == 0 disables caching across accesses; the value is still used for this access.
        expires = time.monotonic() + ttl if ttl > 0 else now
        _cache.store(ssm, values, expires)

    def _get_parameters(self, ssm: Any, names: list[str]) -> dict[str, str | None]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = ssm.get_parameters(Names=names, WithDecryption=True)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code == "ThrottlingException":
                logger.warning("SSM RATE LIMIT REACHED reading %d parameters", len(names))
            raise ConfigurationError(
                f"could not read SSM parameters {names}: {code or exc}",
                parameter=names[0],
                context=self.context,
            ) from exc
        except BotoCoreError as exc:
            raise ConfigurationError(
                f"could not read SSM parameters {names}: {exc}", parameter=names[0], context=self.context
            ) from exc
        values: dict[str, str | None] = dict.fromkeys(response.get("InvalidParameters", []))
        for parameter in response.get("Parameters", []):
            values[parameter["Name"]] = parameter["Value"]
        for name in names:
            values.setdefault(name, None)
        logger.debug(
            "read %d SSM parameters (%d absent)", len(names), sum(v is None for v in values.values())
        )
        return values
