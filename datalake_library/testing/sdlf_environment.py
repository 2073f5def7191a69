"""A complete SDLF deployment for one team and pipeline, created on a moto endpoint in ~100 ms.

Why: every stage Lambda depends on what sdlf-foundations, sdlf-team and sdlf-pipeline deploy — the
``/SDLF2/...`` and ``/SDLF/...`` SSM parameters, the raw/stage/analytics/artifacts buckets, the
octagon tables, the FIFO stage queue and its dead-letter queue, a state machine per stage and the
KMS keys. Recreating that by hand in every test is long and easy to get subtly wrong (a DLQ with
content-based de-duplication hides the missing dedup id; a parameter named ``mainaQueue`` instead
of ``mainAQueue`` is never found). This module builds it once, with the names and settings of
the SDLF 2.11.x templates (docs/sdlf-compatibility.md), and hands back a :class:`SdlfEnvironment` naming
everything it made.

Usage with pytest (the ``sdlf_environment`` fixture comes from this package's plugin, which is
registered automatically when the package is installed)::

    def test_my_routing_lambda(sdlf_environment, monkeypatch):
        env = sdlf_environment                    # team engineering, pipeline main, stages A and B
        for name, value in env.lambda_environment("A").items():   # PIPELINE, PIPELINE_STAGE, ORG...
            monkeypatch.setenv(name, value)
        detail = env.put_raw_object("engineering/legislators/persons.json", b'{"id": 1}')
        my_routing.lambda_handler(env.sqs_event([detail]), None)
        assert len(env.list_executions("A")) == 1

``sdlf_environment_factory`` builds variants (another team, no stage queues, no team keys, no
manifests table) for missing-parameter tests. Outside pytest call :func:`create_sdlf_environment`
with the ``endpoint_url`` of a :class:`~datalake_library.testing.MotoServer`.

Optional infrastructure mirrors the template switches that make the original library fail:
``manifests=False`` is ``pLegacyTables=false`` (no Manifests table or parameter),
``stage_queues=False`` is a stage without ``pEventPattern`` (no queues, no SQS parameters),
``team_keys=False`` is a team without its key parameters. ``omit_parameters`` drops any
individual parameter by exact name.

Importing this module does not import boto3 or moto: clients are built when an environment is.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from datalake_library.testing.safety import require_loopback_endpoints

if TYPE_CHECKING:  # pragma: no cover - typing only
    import boto3

    from datalake_library.aws.session import AwsSession

__all__ = [
    "GENERATIONS",
    "SdlfEnvironment",
    "StageResources",
    "create_sdlf_environment",
    "sdlf_parameter_names",
]

#: moto's default account; ARNs and bucket names embed it like a real deployment does.
DEFAULT_ACCOUNT_ID = "123456789012"
#: The minimal state machine each stage gets: the library only starts executions.
PASS_DEFINITION = json.dumps(
    {"Comment": "SDLF stage placeholder", "StartAt": "Pass", "States": {"Pass": {"Type": "Pass", "End": True}}}
)
_ONE_DAY = 24 * 60 * 60


def sdlf_parameter_names(team: str, pipeline: str, stage: str) -> dict[str, str]:
    """The byte-exact SSM names (docs/sdlf-compatibility.md), keyed by the library attribute that reads them.

    ``stage`` is concatenated verbatim after ``pipeline`` (``mainA``), foundation-level names live
    under ``/SDLF2/`` and team/pipeline/stage names under ``/SDLF/``, as in the 2.11.x templates.
    """
    return {
        "raw_bucket": "/SDLF2/S3/RawBucket",
        "stage_bucket": "/SDLF2/S3/StageBucket",
        "analytics_bucket": "/SDLF2/S3/AnalyticsBucket",
        "artifacts_bucket": "/SDLF2/S3/ArtifactsBucket",
        "object_metadata_table": "/SDLF2/Dynamo/ObjectCatalog",
        "manifests_table": "/SDLF2/Dynamo/Manifests",
        "state_machine_arn": f"/SDLF/SM/{team}/{pipeline}{stage}SM",
        "stage_queue": f"/SDLF/SQS/{team}/{pipeline}{stage}Queue",
        "stage_dlq": f"/SDLF/SQS/{team}/{pipeline}{stage}DLQ",
        "data_kms_key": "/SDLF2/KMS/KeyArn",
        "team_data_kms_key": f"/SDLF/KMS/{team}/DataKeyId",
        "team_infra_kms_key": f"/SDLF/KMS/{team}/InfraKeyId",
    }


@dataclass(frozen=True)
class StageResources:
    """What one pipeline stage (``A``, ``B``, ...) owns: its queues and its state machine."""

    stage: str
    state_machine_name: str
    state_machine_arn: str
    queue_name: str | None = None
    queue_url: str | None = None
    queue_arn: str | None = None
    dlq_name: str | None = None
    dlq_url: str | None = None
    dlq_arn: str | None = None


@dataclass(frozen=True)
class SdlfEnvironment:
    """Everything :func:`create_sdlf_environment` created, by name, plus small helpers for tests.

    ``parameters`` maps every SSM name that exists to its value; ``session`` is the
    :class:`~datalake_library.aws.AwsSession` the environment was built with (use
    :meth:`client` for assertions so they hit the same endpoint).
    """

    endpoint_url: str | None
    region: str
    account_id: str
    team: str
    pipeline: str
    org: str
    domain: str
    env: str
    raw_bucket: str
    stage_bucket: str
    analytics_bucket: str
    artifacts_bucket: str
    object_metadata_table: str
    manifests_table: str | None
    domain_key_arn: str
    team_data_key_arn: str | None
    team_infra_key_arn: str | None
    stages: Mapping[str, StageResources]
    parameters: Mapping[str, str]
    session: AwsSession = field(repr=False, compare=False)
    #: Which SDLF generation's parameters and tables were deployed ("2.6", "2.10", "2.11").
    generation: str = "2.11"
    #: octagon object ("Pipelines", "PipelineExecutionHistory", ...) -> table name (2.6 and 2.11).
    octagon_tables: Mapping[str, str] = field(default_factory=dict)
    #: Deployment instances of the 2.7 - 2.11.0 scheme ("2.10"): storage, dataset, and per stage.
    storage_instance: str | None = None
    dataset_instance: str | None = None
    deployment_instances: Mapping[str, str] = field(default_factory=dict)
    #: The dataset's pipeline-execution-history table ("2.10").
    peh_table: str | None = None

    # -- lookups -------------------------------------------------------------------------------
    def stage(self, stage: str) -> StageResources:
        """The resources of ``stage``; a clear error if the environment has no such stage."""
        try:
            return self.stages[stage]
        except KeyError:
            raise LookupError(
                f"the SDLF environment has no stage {stage!r}; it was built with stages {sorted(self.stages)}"
            ) from None

    def parameter_names(self, stage: str) -> dict[str, str]:
        """The SSM names for this team and pipeline at ``stage`` (present or omitted)."""
        return sdlf_parameter_names(self.team, self.pipeline, stage)

    def client(self, service: str) -> Any:
        """A boto3 client for ``service`` on the environment's endpoint (cached per service)."""
        return self.session.client(service)

    def lambda_environment(self, stage: str) -> dict[str, str]:
        """The variables SDLF sets on a stage's Lambdas (routing reads PIPELINE/PIPELINE_STAGE/ORG/
        DOMAIN/ENV, redrive reads TEAM/PIPELINE/STAGE). ``STAGE`` is the SSM spelling (``A``),
        not the templates' broken ``StageA`` (docs/sdlf-compatibility.md)."""
        self.stage(stage)
        variables = {
            "TEAM": self.team,
            "PIPELINE": self.pipeline,
            "PIPELINE_STAGE": stage,
            "STAGE": stage,
            "ORG": self.org,
            "DOMAIN": self.domain,
            "ENV": self.env,
        }
        if self.deployment_instances:
            # What the sdlf-stage-* templates of 2.7 - 2.11.0 set on their Lambdas.
            variables.update(
                {
                    "DEPLOYMENT_INSTANCE": self.deployment_instances[stage],
                    "DATASET_DEPLOYMENT_INSTANCE": self.dataset_instance or "",
                    "STORAGE_DEPLOYMENT_INSTANCE": self.storage_instance or "",
                }
            )
        return variables

    def octagon_pipeline_name(self, stage: str) -> str:
        """The name sdlf-team registers in the octagon Pipelines table: ``{team}-{pipeline}-{stage}``."""
        return f"{self.team}-{self.pipeline}-{stage}"

    def execution_history(self) -> list[dict[str, Any]]:
        """Every pipeline-execution-history record (octagon table, or the dataset's PEH table)."""
        from datalake_library.commons import deserialize_dynamodb_item

        table = self.peh_table or self.octagon_tables.get("PipelineExecutionHistory")
        if not table:
            raise LookupError(f"an SDLF {self.generation} environment has no pipeline-execution-history table")
        items: list[dict[str, Any]] = []
        for page in self.client("dynamodb").get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
            items.extend(deserialize_dynamodb_item(item) for item in page.get("Items", []))
        return items

    # -- event builders ------------------------------------------------------------------------
    def put_raw_object(self, key: str, body: bytes | str, bucket: str | None = None) -> dict[str, Any]:
        """Upload ``body`` to the raw bucket (or ``bucket``) and return the S3 EventBridge ``detail``
        that the stage A rule would put on the stage queue for it."""
        data = body.encode() if isinstance(body, str) else body
        target = bucket or self.raw_bucket
        response = self.client("s3").put_object(Bucket=target, Key=key, Body=data)
        return self.s3_object_created_detail(key, size=len(data), bucket=target, etag=response.get("ETag"))

    def s3_object_created_detail(
        self, key: str, size: int = 0, bucket: str | None = None, etag: str | None = None
    ) -> dict[str, Any]:
        """An ``aws.s3`` "Object Created" ``detail`` (the SQS body of the stage A queue; docs/sdlf-compatibility.md).

        ``key`` is used as EventBridge delivers it: URL-encoded (``+`` for a space).
        """
        return {
            "version": "0",
            "bucket": {"name": bucket or self.raw_bucket},
            "object": {
                "key": key,
                "size": size,
                "etag": (etag or "d41d8cd98f00b204e9800998ecf8427e").strip('"'),
                "sequencer": "0062E99A88DC407460",
            },
            "request-id": "N4N7GDK58NMKJ12R",
            "requester": self.account_id,
            "source-ip-address": "127.0.0.1",
            "reason": "PutObject",
        }

    def execution_status_change_detail(self, stage: str, output: Any) -> dict[str, Any]:
        """An ``aws.states`` "Execution Status Change" ``detail`` with status SUCCEEDED whose
        ``output`` is the JSON of ``output`` (stage B's queue receives these from stage A)."""
        sm = self.stage(stage)
        return {
            "executionArn": f"{sm.state_machine_arn.replace(':stateMachine:', ':execution:')}:run",
            "stateMachineArn": sm.state_machine_arn,
            "name": "run",
            "status": "SUCCEEDED",
            "input": "{}",
            "output": json.dumps(output),
        }

    @staticmethod
    def sqs_event(bodies: Iterable[Any], queue_arn: str = "") -> dict[str, Any]:
        """A Lambda SQS event with one record per body (dicts are JSON-encoded)."""
        records = []
        for index, body in enumerate(bodies):
            records.append(
                {
                    "messageId": f"00000000-0000-4000-8000-{index:012d}",
                    "receiptHandle": f"handle-{index}",
                    "body": body if isinstance(body, str) else json.dumps(body),
                    "attributes": {"MessageGroupId": "group", "ApproximateReceiveCount": "1"},
                    "messageAttributes": {},
                    "md5OfBody": "",
                    "eventSource": "aws:sqs",
                    "eventSourceARN": queue_arn,
                    "awsRegion": "us-east-1",
                }
            )
        return {"Records": records}

    # -- inspection ----------------------------------------------------------------------------
    def list_executions(self, stage: str) -> list[dict[str, Any]]:
        """Every execution of ``stage``'s state machine, each with its parsed ``input``."""
        sfn = self.client("stepfunctions")
        arn = self.stage(stage).state_machine_arn
        result = []
        for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=arn):
            for execution in page["executions"]:
                described = sfn.describe_execution(executionArn=execution["executionArn"])
                result.append({**described, "input": json.loads(described["input"])})
        return result

    def drain_queue(self, queue_url: str, attributes: Sequence[str] = ("All",)) -> list[dict[str, Any]]:
        """Receive (and delete) every visible message of ``queue_url``, with system attributes
        (``MessageGroupId``, ``MessageDeduplicationId``, ...)."""
        sqs = self.client("sqs")
        messages: list[dict[str, Any]] = []
        while True:
            batch = sqs.receive_message(
                QueueUrl=queue_url,
                MaxNumberOfMessages=10,
                WaitTimeSeconds=0,
                MessageSystemAttributeNames=list(attributes),
            ).get("Messages", [])
            if not batch:
                return messages
            messages.extend(batch)
            sqs.delete_message_batch(
                QueueUrl=queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)],
            )

    def queue_depth(self, queue_url: str) -> int:
        """``ApproximateNumberOfMessages`` of ``queue_url`` (exact on moto)."""
        attrs = self.client("sqs").get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        return int(attrs["ApproximateNumberOfMessages"])


_builder_sessions: dict[str | None, AwsSession] = {}
_builder_lock = threading.Lock()


def _builder_session(endpoint_url: str | None) -> AwsSession:
    """A private :class:`AwsSession` per explicit endpoint, kept across calls: building six clients costs
    ~0.5 s, and a moto reset wipes resources, not endpoints. It is not the library's shared
    session, so building an environment never warms the clients a test is measuring."""
    from datalake_library.aws.session import AwsSession

    if not endpoint_url:  # decorator mode: clients must be built inside the current mock
        return AwsSession()
    with _builder_lock:
        aws = _builder_sessions.get(endpoint_url)
        if aws is None:
            aws = _builder_sessions[endpoint_url] = AwsSession(endpoint_url=endpoint_url)
        return aws


def _check_name(kind: str, value: str, low: int, high: int) -> str:
    if not low <= len(value) <= high:
        raise ValueError(f"{kind} name {value!r} is {len(value)} characters; AWS requires {low}-{high}")
    return value


def create_sdlf_environment(
    team: str = "engineering",
    pipeline: str = "main",
    stages: Sequence[str] = ("A", "B"),
    *,
    endpoint_url: str | None = None,
    session: boto3.Session | AwsSession | None = None,
    org: str = "forecourt",
    domain: str = "datalake",
    env: str = "dev",
    suffix: str = "",
    manifests: bool = True,
    stage_queues: bool = True,
    team_keys: bool = True,
    omit_parameters: Iterable[str] = (),
    analytics_bucket_as_arn: bool = False,
    related_parameters: bool = True,
    generation: str = "2.11",
    octagon: bool | None = None,
    storage_instance: str = "dev",
    dataset_instance: str = "legislators",
    allow_remote_endpoint: bool = False,
) -> SdlfEnvironment:
    """Create a full SDLF deployment for ``team``/``pipeline`` and each of ``stages``.

    Point it at a moto server (``endpoint_url``, or ``AWS_ENDPOINT_URL`` in the environment), or
    call it inside moto's ``mock_aws``: it creates buckets, tables, queues and keys and overwrites
    SSM parameters, so any other endpoint — including none, i.e. real AWS — raises
    :class:`~datalake_library.testing.safety.UnsafeEndpointError` before anything is created, unless
    ``allow_remote_endpoint=True`` (docs/safety.md). ``session`` may be a
    boto3 Session or an :class:`AwsSession`; by default a private one is used, so the library's
    process-wide client cache is not warmed by the fixture.

    ``analytics_bucket_as_arn`` stores ``/SDLF2/S3/AnalyticsBucket`` as a legacy ``arn:aws:s3:::``
    value (the library must strip it). ``related_parameters`` also publishes the parameters
    the library does not read (``/SDLF2/Misc/pOrg`` ...), as a real deployment has them.

    ``generation`` picks which SDLF generation's deployment to reproduce (docs/sdlf-compatibility.md):

    * ``"2.11"`` (default): the ``/SDLF2/`` and ``/SDLF/`` parameters of 2.11.x; with
      ``octagon=True`` also the octagon tables sdlf-foundations still creates and their
      ``/SDLF2/Dynamo/{TransformMapping,Datasets,Pipelines}`` parameters (the sdlf-stage-emrserverless,
      -ecsfargate and -dataquality constructs of 2.11.2 use them);
    * ``"2.6"``: the ``/SDLF/`` parameter names of SDLF up to 2.6 and the octagon tables, with
      ``{team}-{pipeline}-{stage}`` registered ACTIVE in ``octagon-Pipelines-{env}``;
    * ``"2.10"``: the deployment-instance scheme of 2.7 - 2.11.0 (``/sdlf/storage/...``,
      ``/sdlf/dataset/...``, ``/sdlf/pipeline/...`` for ``storage_instance``, ``dataset_instance``
      and one pipeline instance per stage, ``{pipeline}{stage}`` lower-cased), with the
      dataset's pipeline-execution-history and manifests tables.
    """
    from datalake_library.aws.session import AwsSession

    if generation not in GENERATIONS:
        raise ValueError(f"generation must be one of {', '.join(GENERATIONS)}, got {generation!r}")
    if not team or not pipeline:
        raise ValueError("create_sdlf_environment needs a non-empty team and pipeline")
    stages = tuple(stages)
    if not stages or any(not s for s in stages) or len(set(stages)) != len(stages):
        raise ValueError(f"stages must be distinct non-empty names, got {stages!r}")
    if isinstance(session, AwsSession):
        aws = session
    elif session is not None:
        aws = AwsSession(session=session, endpoint_url=endpoint_url)
    else:
        aws = _builder_session(endpoint_url)
    require_loopback_endpoints(
        aws,
        ("s3", "kms", "dynamodb", "sqs", "stepfunctions", "ssm"),
        allow_remote_endpoint=allow_remote_endpoint,
        what="create_sdlf_environment",
        how_to_allow="pass allow_remote_endpoint=True",
    )
    region = aws.region_name or "us-east-1"
    account = DEFAULT_ACCOUNT_ID
    omitted = set(omit_parameters)
    publishable = {
        name
        for stage in stages
        for attribute, name in sdlf_parameter_names(team, pipeline, stage).items()
        if (manifests or attribute != "manifests_table")
        and (stage_queues or attribute not in ("stage_queue", "stage_dlq"))
        and (team_keys or attribute not in ("team_data_kms_key", "team_infra_kms_key"))
    }
    related = (
        _related_parameters(team, pipeline, stages, org, domain, env, region, account) if related_parameters else {}
    )
    unknown = omitted - publishable - set(related) if generation == "2.11" else set()
    if unknown:
        # Checked before anything is created, so a typo never leaves a half-built account.
        raise ValueError(f"omit_parameters names parameters this environment does not publish: {sorted(unknown)}")

    s3 = aws.client("s3")
    kms = aws.client("kms")
    ddb = aws.client("dynamodb")
    sqs = aws.client("sqs")
    sfn = aws.client("stepfunctions")
    ssm = aws.client("ssm")

    # KMS: the domain key (sdlf-foundations) and the team's data and infra keys (sdlf-team).
    def new_key(description: str) -> str:
        return str(kms.create_key(Description=description, KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["Arn"])

    domain_key = new_key(f"sdlf {domain} {env} domain key")
    team_data_key = new_key(f"sdlf {team} data key") if team_keys else None
    team_infra_key = new_key(f"sdlf {team} infra key") if team_keys else None

    # S3: the four foundation buckets; the catalog derives `stage` from the last '-' token.
    prefix = f"{org}-{domain}-{env}-{region}-{account}"
    buckets = {
        kind: _check_name("S3 bucket", f"{prefix}-{kind}{suffix}", 3, 63)
        for kind in ("raw", "stage", "analytics", "artifacts")
    }
    for bucket in buckets.values():
        kwargs: dict[str, Any] = {"Bucket": bucket}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**kwargs)

    # DynamoDB: the octagon object catalog (always) and the legacy manifests table.
    object_table = f"octagon-ObjectMetadata-{env}{suffix}"
    ddb.create_table(
        TableName=object_table,
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": domain_key},
    )
    manifests_table = f"octagon-Manifests-{env}{suffix}" if manifests else None
    if manifests_table:
        ddb.create_table(
            TableName=manifests_table,
            AttributeDefinitions=[
                {"AttributeName": "dataset_name", "AttributeType": "S"},
                {"AttributeName": "datafile_name", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "dataset_name", "KeyType": "HASH"},
                {"AttributeName": "datafile_name", "KeyType": "RANGE"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        ddb.update_time_to_live(
            TableName=manifests_table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"}
        )

    # Per stage: DLQ, stage queue redriving to it after one receive, and a state machine.
    stage_resources: dict[str, StageResources] = {}
    for stage in stages:
        sm_name = _check_name("state machine", f"sdlf-{team}-{pipeline}-sm-{stage}", 1, 80)
        sm_arn = sfn.create_state_machine(
            name=sm_name,
            definition=PASS_DEFINITION,
            roleArn=f"arn:aws:iam::{account}:role/sdlf-{team}-{pipeline}-sm-role-{stage}",
        )["stateMachineArn"]
        queue: dict[str, str | None] = {}
        if stage_queues:
            queue = _create_stage_queues(sqs, team, pipeline, stage, team_infra_key)
        stage_resources[stage] = StageResources(
            stage=stage, state_machine_name=sm_name, state_machine_arn=sm_arn, **queue
        )

    # SSM: every SDLF parameter that this deployment would publish, plus the related ones.
    parameters: dict[str, str] = {
        "/SDLF2/S3/RawBucket": buckets["raw"],
        "/SDLF2/S3/StageBucket": buckets["stage"],
        "/SDLF2/S3/AnalyticsBucket": (
            f"arn:aws:s3:::{buckets['analytics']}" if analytics_bucket_as_arn else buckets["analytics"]
        ),
        "/SDLF2/S3/ArtifactsBucket": buckets["artifacts"],
        "/SDLF2/Dynamo/ObjectCatalog": object_table,
        "/SDLF2/KMS/KeyArn": domain_key,
    }
    if manifests_table:
        parameters["/SDLF2/Dynamo/Manifests"] = manifests_table
    if team_data_key and team_infra_key:
        parameters[f"/SDLF/KMS/{team}/DataKeyId"] = team_data_key
        parameters[f"/SDLF/KMS/{team}/InfraKeyId"] = team_infra_key
    for stage, resources in stage_resources.items():
        names = sdlf_parameter_names(team, pipeline, stage)
        parameters[names["state_machine_arn"]] = resources.state_machine_arn
        if resources.queue_name and resources.dlq_name:
            parameters[names["stage_queue"]] = resources.queue_name
            parameters[names["stage_dlq"]] = resources.dlq_name
    parameters.update(related)
    octagon_tables: dict[str, str] = {}
    deployment_instances: dict[str, str] = {}
    peh_table: str | None = None
    if octagon is None:
        octagon = generation == "2.6"
    if octagon:
        octagon_tables = _create_octagon_tables(ddb, team, pipeline, stages, env, suffix)
        parameters.update(
            {
                "/SDLF2/Dynamo/TransformMapping": octagon_tables["Datasets"],
                "/SDLF2/Dynamo/Datasets": octagon_tables["Datasets"],
                "/SDLF2/Dynamo/Pipelines": octagon_tables["Pipelines"],
            }
        )
    if generation == "2.6":
        parameters = _v2_parameter_names(parameters)
    elif generation == "2.10":
        deployment_instances = {stage: f"{pipeline}{stage}".lower() for stage in stages}
        peh_table = f"sdlf-{dataset_instance}-peh-{env}{suffix}"
        _create_table(ddb, peh_table, [("id", "S")])
        parameters = _instance_parameters(
            parameters, stage_resources, storage_instance, dataset_instance, deployment_instances, peh_table
        )
    unknown_after = omitted - set(parameters)
    if unknown_after:
        raise ValueError(f"omit_parameters names parameters this environment does not publish: {sorted(unknown_after)}")
    for name in sorted(omitted):
        del parameters[name]
    for name, value in parameters.items():
        ssm.put_parameter(Name=name, Value=value, Type="String", Overwrite=True)

    return SdlfEnvironment(
        endpoint_url=endpoint_url,
        region=region,
        account_id=account,
        team=team,
        pipeline=pipeline,
        org=org,
        domain=domain,
        env=env,
        raw_bucket=buckets["raw"],
        stage_bucket=buckets["stage"],
        analytics_bucket=buckets["analytics"],
        artifacts_bucket=buckets["artifacts"],
        object_metadata_table=object_table,
        manifests_table=manifests_table,
        domain_key_arn=domain_key,
        team_data_key_arn=team_data_key,
        team_infra_key_arn=team_infra_key,
        stages=stage_resources,
        parameters=parameters,
        session=aws,
        generation=generation,
        octagon_tables=octagon_tables,
        storage_instance=storage_instance if generation == "2.10" else None,
        dataset_instance=dataset_instance if generation == "2.10" else None,
        deployment_instances=deployment_instances,
        peh_table=peh_table,
    )


#: The SDLF generations the kit can deploy (see ``create_sdlf_environment``).
GENERATIONS = ("2.6", "2.10", "2.11")
#: octagon objects sdlf-foundations creates a table for, and their key schema.
_OCTAGON_KEYS: dict[str, list[tuple[str, str]]] = {
    "Datasets": [("name", "S")],
    "Pipelines": [("name", "S")],
    "PipelineExecutionHistory": [("id", "S")],
    "Events": [("id", "S")],
    "Artifacts": [("id", "S")],
    "Metrics": [("root", "S"), ("metric", "S")],
}


def _create_table(ddb: Any, name: str, keys: list[tuple[str, str]]) -> None:
    ddb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": k, "AttributeType": t} for k, t in keys],
        KeySchema=[
            {"AttributeName": k, "KeyType": "HASH" if index == 0 else "RANGE"} for index, (k, _) in enumerate(keys)
        ],
        BillingMode="PAY_PER_REQUEST",
    )


def _create_octagon_tables(
    ddb: Any, team: str, pipeline: str, stages: Sequence[str], env: str, suffix: str
) -> dict[str, str]:
    """The octagon tables of sdlf-foundations, with each stage registered ACTIVE in Pipelines the
    way sdlf-team's pipelines Lambda does (``{team}-{pipeline}-{stage}``)."""
    tables = {obj: f"octagon-{obj}-{env}{suffix}" for obj in _OCTAGON_KEYS}
    for obj, table in tables.items():
        _create_table(ddb, table, _OCTAGON_KEYS[obj])
    for stage in stages:
        ddb.put_item(
            TableName=tables["Pipelines"],
            Item={
                "name": {"S": f"{team}-{pipeline}-{stage}"},
                "type": {"S": "TRANSFORMATION"},
                "status": {"S": "ACTIVE"},
                "pipeline": {"M": {"max_items_process": {"N": "100"}, "min_items_process": {"N": "1"}}},
                "version": {"N": "1"},
            },
        )
    return tables


def _v2_parameter_names(parameters: dict[str, str]) -> dict[str, str]:
    """The same deployment as SDLF <= 2.6 published it: every ``/SDLF2/`` name under ``/SDLF/``
    (the domain key as ``/SDLF/KMS/KeyArn``, the raw bucket also as ``/SDLF/S3/CentralBucket``)."""
    renamed = {name.replace("/SDLF2/", "/SDLF/", 1): value for name, value in parameters.items()}
    if "/SDLF/S3/RawBucket" in renamed:
        renamed["/SDLF/S3/CentralBucket"] = renamed["/SDLF/S3/RawBucket"]
    return renamed


def _instance_parameters(
    parameters: dict[str, str],
    stage_resources: Mapping[str, StageResources],
    storage_instance: str,
    dataset_instance: str,
    deployment_instances: Mapping[str, str],
    peh_table: str,
) -> dict[str, str]:
    """The deployment-instance parameters of 2.7 - 2.11.0 for the same resources, named as the CDK
    constructs publish them (written out here, independently of the library's table)."""
    published = {
        f"/sdlf/storage/rRawBucket/{storage_instance}": parameters["/SDLF2/S3/RawBucket"],
        f"/sdlf/storage/rStageBucket/{storage_instance}": parameters["/SDLF2/S3/StageBucket"],
        f"/sdlf/storage/rAnalyticsBucket/{storage_instance}": parameters["/SDLF2/S3/AnalyticsBucket"],
        f"/sdlf/storage/rArtifactsBucket/{storage_instance}": parameters["/SDLF2/S3/ArtifactsBucket"],
        f"/sdlf/dataset/rDynamoPipelineExecutionHistory/{dataset_instance}": peh_table,
    }
    if "/SDLF2/Dynamo/Manifests" in parameters:
        published[f"/sdlf/dataset/rDynamoManifests/{dataset_instance}"] = parameters["/SDLF2/Dynamo/Manifests"]
    team_keys = [v for k, v in parameters.items() if k.startswith("/SDLF/KMS/") and k.endswith("/DataKeyId")]
    if team_keys:
        published[f"/sdlf/dataset/rKMSDataKey/{dataset_instance}"] = team_keys[0]
    for stage, resources in stage_resources.items():
        instance = deployment_instances[stage]
        published[f"/sdlf/pipeline/rStateMachine/{instance}"] = resources.state_machine_arn
        if resources.queue_name and resources.dlq_name:
            published[f"/sdlf/pipeline/rQueueRoutingStep/{instance}"] = resources.queue_name
            published[f"/sdlf/pipeline/rDeadLetterQueueRoutingStep/{instance}"] = resources.dlq_name
    return published


def _related_parameters(
    team: str, pipeline: str, stages: Sequence[str], org: str, domain: str, env: str, region: str, account: str
) -> dict[str, str]:
    """Parameters a deployment publishes that the library does not read."""
    related = {
        "/SDLF2/Misc/pOrg": org,
        "/SDLF2/Misc/pDomain": domain,
        "/SDLF2/Misc/pEnv": env,
        f"/SDLF/EventBridge/{team}/EventBusName": f"sdlf-{team}",
        f"/SDLF/SNS/{team}/Notifications": f"arn:aws:sns:{region}:{account}:sdlf-{team}-notifications",
    }
    for stage in stages:
        related[f"/SDLF/Pipelines/{team}/{pipeline}/{stage}"] = "placeholder"
    return related


def _create_stage_queues(
    sqs: Any, team: str, pipeline: str, stage: str, infra_key: str | None
) -> dict[str, str | None]:
    """The stage DLQ (no content-based dedup, 14 days) and the stage queue (content-based dedup,
    visibility 60 s, 7 days, redrive after one receive), as sdlf-pipeline creates them."""
    encryption = {"KmsMasterKeyId": infra_key} if infra_key else {}
    dlq_name = _check_name("SQS queue", f"sdlf-{team}-{pipeline}-dlq-{stage}.fifo", 1, 80)
    dlq_url = sqs.create_queue(
        QueueName=dlq_name,
        Attributes={
            "FifoQueue": "true",
            "ContentBasedDeduplication": "false",
            "MessageRetentionPeriod": str(14 * _ONE_DAY),
            **encryption,
        },
    )["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue_name = _check_name("SQS queue", f"sdlf-{team}-{pipeline}-queue-{stage}.fifo", 1, 80)
    queue_url = sqs.create_queue(
        QueueName=queue_name,
        Attributes={
            "FifoQueue": "true",
            "ContentBasedDeduplication": "true",
            "VisibilityTimeout": "60",
            "MessageRetentionPeriod": str(7 * _ONE_DAY),
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "1"}),
            **encryption,
        },
    )["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return {
        "queue_name": queue_name,
        "queue_url": queue_url,
        "queue_arn": queue_arn,
        "dlq_name": dlq_name,
        "dlq_url": dlq_url,
        "dlq_arn": dlq_arn,
    }
