"""Stage B scenarios (docs/sdlf-compatibility.md): scheduled and SQS-triggered routing, the failure branch, and
redrive, on a full SDLF deployment (moto server) through the example stage Lambdas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from datalake_library import DataLakeClient
from datalake_library.testing import SdlfEnvironment
from tests.datalake_library import stage_lambdas


@pytest.fixture
def env(sdlf_environment: SdlfEnvironment, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> SdlfEnvironment:
    for name, value in sdlf_environment.lambda_environment("B").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATALAKE_DOWNLOAD_DIR", str(tmp_path / "ephemeral"))
    return sdlf_environment


def _schedule_payload(env: SdlfEnvironment) -> dict[str, str]:
    """What the stage B schedule sends to the routing Lambda (docs/sdlf-compatibility.md)."""
    return {
        "team": env.team,
        "pipeline": env.pipeline,
        "pipeline_stage": "B",
        "trigger_type": "schedule",
        "event_pattern": "true",
        "org": env.org,
        "domain": env.domain,
        "env": env.env,
    }


def _stage_a_output(env: SdlfEnvironment, index: int, dataset: str = "legislators") -> dict[str, Any]:
    """The process Lambda's return value for one object (stage A's state machine output is a
    one-element array holding it)."""
    key = f"{env.team}/{dataset}/file-{index:04d}.json"
    return {
        "key": key,
        "bucket": env.raw_bucket,
        "team": env.team,
        "dataset": dataset,
        "pipeline": env.pipeline,
        "pipeline_stage": "A",
        "processedKeys": [f"pre-stage/{env.team}/{dataset}/file-{index:04d}_parsed.json"],
    }


def _status_change_body(env: SdlfEnvironment, index: int, **kwargs: Any) -> str:
    return json.dumps(env.execution_status_change_detail("A", [_stage_a_output(env, index, **kwargs)]))


def _fill(env: SdlfEnvironment, queue_url: str, bodies: list[str]) -> None:
    """Put ``bodies`` on a FIFO queue the way the EventBridge rule does (group ``{team}-{pipeline}``)."""
    sqs = env.client("sqs")
    for start in range(0, len(bodies), 10):
        chunk = bodies[start : start + 10]
        response = sqs.send_message_batch(
            QueueUrl=queue_url,
            Entries=[
                {"Id": str(i), "MessageBody": b, "MessageGroupId": "engineering-main", "MessageDeduplicationId": f"{start + i}"}
                for i, b in enumerate(chunk)
            ],
        )
        assert not response.get("Failed")


def _receive_sizes() -> list[int]:
    """MaxNumberOfMessages of every ReceiveMessage the library's shared SQS client sends from now on."""
    sizes: list[int] = []
    sqs = DataLakeClient().sqs.sqs
    sqs.meta.events.register(
        "provide-client-params.sqs.ReceiveMessage", lambda params, **_: sizes.append(params["MaxNumberOfMessages"])
    )
    return sizes


@pytest.mark.parametrize(
    ("n", "batches"),
    [(0, []), (5, [5]), (10, [10]), (25, [10, 10, 5]), (150, [10] * 10)],
    ids=["N=0", "N=5", "N=10", "N=25", "N=150"],
)
def test_scheduled_routing_batches_and_starts_one_execution_with_the_union(
    env: SdlfEnvironment, n: int, batches: list[int]
) -> None:
    queue_url = env.stage("B").queue_url or ""
    _fill(env, queue_url, [_status_change_body(env, i) for i in range(n)])
    sizes = _receive_sizes()

    response = stage_lambdas.stage_b_routing(_schedule_payload(env))

    assert sizes == batches
    taken = min(n, 100)
    assert env.queue_depth(queue_url) == n - taken
    executions = env.list_executions("B")
    if n == 0:
        assert response is None and executions == []
        return
    assert len(executions) == 1
    body = executions[0]["input"]["body"]
    assert executions[0]["input"] == response
    # FIFO: the first 100 messages, whose keys are the union of processedKeys.
    assert body["keysToProcess"] == [
        f"pre-stage/engineering/legislators/file-{i:04d}_parsed.json" for i in range(taken)
    ]
    assert body["bucket"] == env.stage_bucket
    assert (body["team"], body["pipeline"], body["pipeline_stage"], body["dataset"]) == (
        "engineering",
        "main",
        "B",
        "legislators",
    )
    assert (body["org"], body["domain"], body["env"]) == ("forecourt", "datalake", "dev")
    assert executions[0]["input"]["statusCode"] == 200
    assert env.list_executions("A") == []


def test_scheduled_routing_deduplicates_bodies_and_keys(env: SdlfEnvironment) -> None:
    queue_url = env.stage("B").queue_url or ""
    same = _status_change_body(env, 1)
    # Identical bodies (explicit distinct dedup ids) and two outputs naming the same key.
    overlapping = json.dumps(
        env.execution_status_change_detail("A", [{**_stage_a_output(env, 2), "processedKeys": _stage_a_output(env, 1)["processedKeys"] + _stage_a_output(env, 2)["processedKeys"]}])
    )
    _fill(env, queue_url, [same, same, overlapping])
    stage_lambdas.stage_b_routing(_schedule_payload(env))
    (execution,) = env.list_executions("B")
    assert execution["input"]["body"]["keysToProcess"] == [
        "pre-stage/engineering/legislators/file-0001_parsed.json",
        "pre-stage/engineering/legislators/file-0002_parsed.json",
    ]


def test_fewer_messages_than_the_minimum_starts_nothing_and_leaves_the_queue(env: SdlfEnvironment) -> None:
    queue_url = env.stage("B").queue_url or ""
    _fill(env, queue_url, [_status_change_body(env, i) for i in range(5)])
    client = DataLakeClient(env.team, pipeline=env.pipeline, stage="B")
    sizes = _receive_sizes()
    assert client.sqs.receive_min_max_messages(10, 100, client.sqs.stage_queue_url) == []
    assert sizes == []
    assert env.queue_depth(queue_url) == 5
    assert env.list_executions("B") == []


def test_receive_min_max_honours_an_explicit_queue_url(env: SdlfEnvironment) -> None:
    """The original counted messages on ``queue_url`` but received from the stage queue."""
    stage_queue = env.stage("B").queue_url or ""
    other = env.client("sqs").create_queue(
        QueueName="sdlf-engineering-main-queue-replay.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    _fill(env, stage_queue, [_status_change_body(env, i) for i in range(2)])
    other_bodies = [_status_change_body(env, i) for i in range(100, 103)]
    _fill(env, other, other_bodies)

    client = DataLakeClient(env.team, pipeline=env.pipeline, stage="B")
    assert sorted(client.sqs.receive_min_max_messages(1, 100, queue_url=other)) == sorted(other_bodies)
    assert env.queue_depth(other) == 0
    assert env.queue_depth(stage_queue) == 2


def test_sqs_triggered_routing_parses_status_change_details(env: SdlfEnvironment) -> None:
    event = env.sqs_event([_status_change_body(env, i) for i in (3, 1, 2)], env.stage("B").queue_arn or "")
    response = stage_lambdas.stage_b_routing(event)
    (execution,) = env.list_executions("B")
    assert execution["input"] == response
    assert execution["input"]["body"]["keysToProcess"] == [
        f"pre-stage/engineering/legislators/file-{i:04d}_parsed.json" for i in (1, 2, 3)
    ]


def test_sqs_triggered_routing_failure_sends_the_response_to_the_dlq_and_reraises(env: SdlfEnvironment) -> None:
    good = _status_change_body(env, 7)
    broken = json.dumps({"status": "SUCCEEDED"})  # a status-change detail without "output"
    with pytest.raises(KeyError, match="output"):
        stage_lambdas.stage_b_routing(env.sqs_event([good, broken]))

    assert env.list_executions("B") == []
    (message,) = env.drain_queue(env.stage("B").dlq_url or "")
    assert message["Attributes"]["MessageGroupId"] == "failed"
    sent = json.loads(message["Body"])
    assert sent["statusCode"] == 200
    assert sent["body"]["keysToProcess"] == ["pre-stage/engineering/legislators/file-0007_parsed.json"]
    assert sent["body"]["bucket"] == env.stage_bucket


def test_sqs_triggered_routing_failure_before_any_key_sends_nothing(env: SdlfEnvironment) -> None:
    with pytest.raises(json.JSONDecodeError):
        stage_lambdas.stage_b_routing(env.sqs_event(["not json"]))
    assert env.queue_depth(env.stage("B").dlq_url or "") == 0


def test_error_lambda_b_builds_its_client_from_the_body(env: SdlfEnvironment) -> None:
    response = stage_lambdas.stage_b_routing(env.sqs_event([_status_change_body(env, 1)]))
    assert response is not None
    stage_lambdas.stage_b_error(response)
    (message,) = env.drain_queue(env.stage("B").dlq_url or "")
    assert json.loads(message["Body"]) == response
    assert message["Attributes"]["MessageGroupId"] == "failed"


def test_redrive_b_starts_the_state_machine_directly_from_a_dlq_message(env: SdlfEnvironment) -> None:
    response = stage_lambdas.stage_b_routing(env.sqs_event([_status_change_body(env, 1), _status_change_body(env, 2)]))
    stage_lambdas.stage_b_error(response or {})
    stage_lambdas.stage_b_error(response or {})
    assert len(env.list_executions("B")) == 1

    assert stage_lambdas.stage_b_redrive() == 1
    executions = env.list_executions("B")
    assert len(executions) == 2
    assert all(e["input"] == response for e in executions)
    assert env.queue_depth(env.stage("B").dlq_url or "") == 1
    assert env.queue_depth(env.stage("B").queue_url or "") == 0
