"""Stage Lambdas of every SDLF generation on one layer (moto server): the <= 2.6 stage A/B shapes
(octagon, resource_configs, legacy interface constructors) on a 2.6 deployment, and the 2.7 -
2.11.0 construct shapes (``datalake_library.sdlf``, deployment instances) on a 2.10 deployment.
Expectations are written from the upstream templates and stage code (docs/sdlf-compatibility.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from datalake_library.testing import SdlfEnvironment
from tests.datalake_library import legacy_stage_lambdas as stage
from tests.datalake_library.legacy_stage_lambdas import LambdaContext

PERSONS = [
    {"id": "p1", "name": "Ada", "links": [{"note": "x"}], "identifiers": {"scheme": "y"}},
    {"id": "p2", "name": "Grace"},
]


@pytest.fixture
def env26(
    sdlf_environment_factory: Callable[..., SdlfEnvironment], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> SdlfEnvironment:
    from datalake_library.octagon.peh import PipelineExecutionHistoryAPI

    PipelineExecutionHistoryAPI.pipelines.clear()
    env = sdlf_environment_factory(generation="2.6")
    for name, value in env.lambda_environment("A").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATALAKE_DOWNLOAD_DIR", str(tmp_path / "ephemeral"))
    return env


@pytest.fixture
def env210(
    sdlf_environment_factory: Callable[..., SdlfEnvironment], monkeypatch: pytest.MonkeyPatch
) -> SdlfEnvironment:
    env = sdlf_environment_factory(generation="2.10")
    for name, value in env.lambda_environment("A").items():
        monkeypatch.setenv(name, value)
    return env


def _ctx(step: str, stage_name: str = "A") -> LambdaContext:
    return LambdaContext(f"sdlf-engineering-main-{step}-{stage_name}")


def _peh(env: SdlfEnvironment, peh_id: str) -> dict[str, Any]:
    records = {r["id"]: r for r in env.execution_history()}
    return records[peh_id]


def test_kit_deploys_the_2_6_parameter_names_and_octagon_tables(env26: SdlfEnvironment) -> None:
    names = set(env26.parameters)
    assert {"/SDLF/S3/RawBucket", "/SDLF/S3/CentralBucket", "/SDLF/S3/StageBucket", "/SDLF/KMS/KeyArn"} <= names
    assert {"/SDLF/Dynamo/ObjectCatalog", "/SDLF/Dynamo/TransformMapping", "/SDLF/Dynamo/Pipelines"} <= names
    assert {"/SDLF/SQS/engineering/mainAQueue", "/SDLF/SM/engineering/mainBSM", "/SDLF/KMS/engineering/DataKeyId"} <= names
    assert not any(name.startswith("/SDLF2/") for name in names)
    assert env26.octagon_tables["PipelineExecutionHistory"] == "octagon-PipelineExecutionHistory-dev"
    item = env26.client("dynamodb").get_item(
        TableName="octagon-Pipelines-dev", Key={"name": {"S": "engineering-main-A"}}
    )["Item"]
    assert item["status"] == {"S": "ACTIVE"}


def test_kit_deploys_the_instance_scheme(env210: SdlfEnvironment) -> None:
    assert env210.deployment_instances == {"A": "maina", "B": "mainb"}
    params = env210.parameters
    assert params["/sdlf/storage/rStageBucket/dev"] == env210.stage_bucket
    assert params["/sdlf/dataset/rDynamoPipelineExecutionHistory/legislators"] == env210.peh_table
    assert params["/sdlf/pipeline/rQueueRoutingStep/maina"] == "sdlf-engineering-main-queue-A.fifo"
    assert params["/sdlf/pipeline/rDeadLetterQueueRoutingStep/mainb"] == "sdlf-engineering-main-dlq-B.fifo"
    assert params["/sdlf/pipeline/rStateMachine/mainb"] == env210.stage("B").state_machine_arn
    assert params["/sdlf/dataset/rKMSDataKey/legislators"] == env210.team_data_key_arn
    for current in ("/SDLF2/S3/RawBucket", "/SDLF/SM/engineering/mainASM", "/SDLF/SQS/engineering/mainAQueue"):
        assert current not in params


def test_v26_stage_a_routing_to_postupdate(env26: SdlfEnvironment) -> None:
    key = "engineering/legislators/persons.json"
    detail = env26.put_raw_object(key, json.dumps(PERSONS))
    stage.v26_stage_a_routing(env26.sqs_event([detail]))

    [execution] = env26.list_executions("A")
    # 2.6 routing passed json.dumps(...) to run_state_machine: the input is a JSON string.
    details = json.loads(execution["input"])
    assert details["key"] == key and details["bucket"] == env26.raw_bucket
    assert (details["team"], details["dataset"], details["pipeline_stage"], details["env"]) == (
        "engineering",
        "legislators",
        "A",
        "dev",
    )

    pre = stage.v26_stage_a_preupdate(dict(details), _ctx("preupdate"))
    body = pre["body"]
    peh_id = body["peh_id"]
    # the legacy DynamoInterface(config) set id/timestamp on the caller's dict, as before
    assert body["id"] == f"s3://{env26.raw_bucket}/{key}" and isinstance(body["timestamp"], int)
    catalog = env26.client("dynamodb").get_item(
        TableName=env26.object_metadata_table, Key={"id": {"S": f"s3://{env26.raw_bucket}/{key}"}}
    )["Item"]
    assert catalog["team"] == {"S": "engineering"}
    record = _peh(env26, peh_id)
    assert record["pipeline"] == "engineering-main-A" and record["dataset"] == "engineering-legislators"
    assert record["status"] == "A Preupdate Processing" and record["active"] is True
    assert [h["status"] for h in record["history"]] == ["STARTED", "A Preupdate Processing"]

    processed = stage.v26_stage_a_process(pre, _ctx("process"))
    out_key = "pre-stage/engineering/legislators/persons_parsed.json"
    assert processed["body"]["processedKeys"] == [out_key]
    obj = env26.client("s3").get_object(Bucket=env26.stage_bucket, Key=out_key)
    assert json.loads(obj["Body"].read()) == [{"id": "p1", "name": "Ada"}, {"id": "p2", "name": "Grace"}]
    assert obj["ServerSideEncryption"] == "aws:kms" and obj["SSEKMSKeyId"] == env26.team_data_key_arn

    assert stage.v26_stage_a_postupdate(processed, _ctx("postupdate")) == 200
    record = _peh(env26, peh_id)
    assert (record["status"], record["active"], record["success"]) == ("COMPLETED", False, True)
    assert record["history"][-1]["status"] == "COMPLETED" and record["duration_in_seconds"] >= 0
    staged = env26.client("dynamodb").get_item(
        TableName=env26.object_metadata_table, Key={"id": {"S": f"s3://{env26.stage_bucket}/{out_key}"}}
    )["Item"]
    assert staged["stage"] == {"S": "stage"} and staged["peh_id"] == {"S": peh_id}
    pipeline = env26.client("dynamodb").get_item(TableName="octagon-Pipelines-dev", Key={"name": {"S": "engineering-main-A"}})["Item"]
    assert pipeline["last_execution_status"] == {"S": "COMPLETED"} and pipeline["last_execution_id"] == {"S": peh_id}
    assert pipeline["version"] == {"N": "2"}


def test_v26_unregistered_pipeline_starts_nothing(env26: SdlfEnvironment) -> None:
    from datalake_library import octagon

    client = octagon.OctagonClient().with_run_lambda(True).with_configuration_instance("dev").build()
    assert client.start_pipeline_execution("engineering-other-A") is None
    assert client.is_pipeline_set() is False
    assert env26.execution_history() == []
    with pytest.raises(ValueError, match="not yet assigned"):
        client.update_pipeline_execution("A Process Processing")


def test_v26_failure_closes_the_execution_and_error_lambda_fills_the_dlq(env26: SdlfEnvironment) -> None:
    details = {
        "key": "engineering/legislators/missing.json",
        "bucket": env26.raw_bucket,
        "team": "engineering",
        "dataset": "legislators",
        "pipeline": "main",
        "pipeline_stage": "A",
        "env": "dev",
    }
    pre = stage.v26_stage_a_preupdate(dict(details), _ctx("preupdate"))
    with pytest.raises(Exception):  # noqa: B017 - the object does not exist: any error fails the step
        stage.v26_stage_a_process(pre, _ctx("process"))
    record = _peh(env26, pre["body"]["peh_id"])
    assert (record["status"], record["active"], record["success"]) == ("FAILED", False, False)
    assert record["issue_comment"].startswith("Process Error:")

    stage.v26_error(json.dumps(pre))
    [message] = env26.drain_queue(env26.stage("A").dlq_url or "")
    assert json.loads(message["Body"]) == pre
    assert message["Attributes"]["MessageGroupId"] == "failed"


def test_v26_redrive_moves_one_message_back(env26: SdlfEnvironment) -> None:
    sqs = env26.client("sqs")
    for n in range(2):
        sqs.send_message(
            QueueUrl=env26.stage("A").dlq_url, MessageBody=f"m{n}", MessageGroupId="failed", MessageDeduplicationId=f"d{n}"
        )
    assert stage.v26_redrive() == 1
    assert [m["Body"] for m in env26.drain_queue(env26.stage("A").queue_url or "")] == ["m0"]
    assert env26.queue_depth(env26.stage("A").dlq_url or "") == 1


def test_v26_redrive_of_an_empty_dlq_does_nothing(env26: SdlfEnvironment) -> None:
    assert stage.v26_redrive() == 0


def test_v26_stage_b_routing_merges_the_queue_into_one_execution(env26: SdlfEnvironment) -> None:
    sqs = env26.client("sqs")
    for n, keys in enumerate([["pre-stage/engineering/legislators/a.json"], ["pre-stage/engineering/legislators/b.json"]]):
        output = [{"statusCode": 200, "body": {"processedKeys": keys, "dataset": "legislators"}}]
        sqs.send_message(
            QueueUrl=env26.stage("B").queue_url,
            MessageBody=json.dumps(env26.execution_status_change_detail("A", output)),
            MessageGroupId="engineering-main",
            MessageDeduplicationId=f"b{n}",
        )
    scheduler = {"team": "engineering", "pipeline": "main", "pipeline_stage": "B", "env": "dev", "trigger_type": "schedule"}
    response = stage.v26_stage_b_routing(scheduler)
    [execution] = env26.list_executions("B")
    assert execution["input"] == response
    assert response is not None and response["body"]["keysToProcess"] == [
        "pre-stage/engineering/legislators/a.json",
        "pre-stage/engineering/legislators/b.json",
    ]
    assert response["body"]["bucket"] == env26.stage_bucket
    assert env26.queue_depth(env26.stage("B").queue_url or "") == 0
    assert stage.v26_stage_b_routing(scheduler) is None  # queue empty: nothing started
    assert len(env26.list_executions("B")) == 1
    glue = stage.fetch_metadata(execution["input"])["body"]["glue"]
    assert glue["job_name"] == "sdlf-engineering-legislators-glue-job"
    assert glue["arguments"]["--OUTPUT_LOCATION"] == f"s3://{env26.stage_bucket}/post-stage/engineering/legislators"


@pytest.mark.parametrize("transform", ["", "sdlf-engineering-legislators-emr-job", "sdlf-engineering-task"], ids=["glue", "emr", "ecs"])
def test_construct_routing_event_trigger(env210: SdlfEnvironment, monkeypatch: pytest.MonkeyPatch, transform: str) -> None:
    monkeypatch.setenv("STAGE_TRANSFORM", transform)
    detail = env210.s3_object_created_detail("engineering/legislators/persons.json", size=10)
    records = stage.construct_routing(env210.sqs_event([detail, detail]), _ctx("routing"))
    [execution] = env210.list_executions("A")
    # the construct passes json.dumps(records): the input is the JSON text of the list
    started = json.loads(execution["input"])
    assert started == records and len(started) == 2
    peh_id = started[0]["transform"]["peh_id"]
    assert started[0]["transform"] == {"peh_id": peh_id, "transform": transform}
    assert started[0]["bucket"] == {"name": env210.raw_bucket}
    record = _peh(env210, peh_id)
    assert (record["pipeline"], record["dataset"], record["status"]) == ("maina", "legislators", "maina Transform Processing")

    stage.construct_postupdate([{"Items": started}], _ctx("postupdate"))
    record = _peh(env210, peh_id)
    assert (record["status"], record["success"], record["active"]) == ("COMPLETED", True, False)
    assert [h["status"] for h in record["history"]] == ["STARTED", "maina Transform Processing", "maina Postupdate Processing", "COMPLETED"]


def test_construct_routing_schedule_and_event_schedule(env210: SdlfEnvironment, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAGE_TRANSFORM", "")
    schedule = {"team": "engineering", "pipeline": "main", "pipeline_stage": "A", "trigger_type": "schedule"}
    records = stage.construct_routing(dict(schedule), _ctx("routing"))
    assert [r["trigger_type"] for r in records] == ["schedule"]

    sqs = env210.client("sqs")
    for n in range(3):
        sqs.send_message(QueueUrl=env210.stage("A").queue_url, MessageBody=json.dumps({"n": n}), MessageGroupId="g")
    records = stage.construct_routing({**schedule, "event_pattern": "true"}, _ctx("routing"))
    assert sorted(r["n"] for r in records) == [0, 1, 2]
    assert env210.queue_depth(env210.stage("A").queue_url or "") == 0
    # an empty event-schedule run closes its execution as COMPLETED without starting anything
    assert stage.construct_routing({**schedule, "event_pattern": "true"}, _ctx("routing")) == []
    assert len(env210.list_executions("A")) == 2
    statuses = sorted(r["status"] for r in env210.execution_history())
    assert statuses == ["COMPLETED", "maina Transform Processing", "maina Transform Processing"]


def test_construct_routing_unknown_trigger_closes_the_execution_as_failed(env210: SdlfEnvironment) -> None:
    with pytest.raises(ValueError, match="trigger type"):
        stage.construct_routing({"unexpected": True}, _ctx("routing"))
    [record] = env210.execution_history()
    assert (record["status"], record["success"]) == ("FAILED", False)
    assert record["issue_comment"].startswith("maina Routing Error: ValueError")


def test_construct_error_and_redrive(env210: SdlfEnvironment) -> None:
    stage.construct_error(json.dumps([{"n": 1}]))
    assert env210.queue_depth(env210.stage("A").dlq_url or "") == 1
    assert stage.construct_redrive() == 1
    [message] = env210.drain_queue(env210.stage("A").queue_url or "")
    assert json.loads(message["Body"]) == [{"n": 1}]
    assert message["Attributes"]["MessageGroupId"] == "redrive"
