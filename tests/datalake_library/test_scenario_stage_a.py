"""Stage A scenarios (docs/sdlf-compatibility.md): routing -> process -> error -> redrive, on a full SDLF deployment
(moto server) through the example stage Lambdas in ``stage_lambdas``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest

from datalake_library import DataLakeClient
from datalake_library.errors import ConfigurationError
from datalake_library.testing import SdlfEnvironment
from tests.datalake_library import stage_lambdas


@pytest.fixture
def env(sdlf_environment: SdlfEnvironment, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> SdlfEnvironment:
    """The deployment, with stage A's Lambda variables set and downloads under ``tmp_path``."""
    for name, value in sdlf_environment.lambda_environment("A").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATALAKE_DOWNLOAD_DIR", str(tmp_path / "ephemeral"))
    return sdlf_environment


def _library_calls(service: str, operation: str) -> list[dict[str, Any]]:
    """Parameters of every ``operation`` call the library's shared client makes from now on."""
    seen: list[dict[str, Any]] = []
    client = DataLakeClient().s3.aws_session.client(service)
    client.meta.events.register(f"provide-client-params.{service}.{operation}", lambda params, **_: seen.append(dict(params)))
    return seen


JSON_LINES = b'{"id": 1, "name": "ada"}\n{"id": 2, "name": "grace"}\n'


def test_routing_starts_one_execution_per_record_with_a_json_object_input(env: SdlfEnvironment) -> None:
    starts = _library_calls("stepfunctions", "StartExecution")
    details = [
        env.put_raw_object("engineering/legislators/persons.json", JSON_LINES),
        env.put_raw_object("engineering/legislators/memberships.json", b"{}\n"),
        env.put_raw_object("engineering/parties/parties.json", b"{}\n"),
    ]
    stage_lambdas.stage_a_routing(env.sqs_event(details, env.stage("A").queue_arn or ""))

    assert len(starts) == 3
    for params in starts:
        assert params["stateMachineArn"] == env.stage("A").state_machine_arn
        assert isinstance(params["input"], str) and isinstance(json.loads(params["input"]), dict)
    executions = env.list_executions("A")
    assert env.list_executions("B") == []
    by_key = {e["input"]["key"]: e["input"] for e in executions}
    assert set(by_key) == {d["object"]["key"] for d in details}
    persons = by_key["engineering/legislators/persons.json"]
    assert persons == {
        **details[0]["object"],
        "bucket": env.raw_bucket,
        "team": "engineering",
        "dataset": "legislators",
        "pipeline": "main",
        "pipeline_stage": "A",
        "org": "forecourt",
        "domain": "datalake",
        "env": "dev",
    }
    assert by_key["engineering/parties/parties.json"]["dataset"] == "parties"


def test_routing_a_bad_record_fails_the_batch(env: SdlfEnvironment) -> None:
    good = env.put_raw_object("engineering/legislators/persons.json", JSON_LINES)
    with pytest.raises(ValueError):
        stage_lambdas.stage_a_routing(env.sqs_event([good, {"bucket": {"name": env.raw_bucket}, "object": {"key": "nodataset"}}]))


def _route_and_get_input(env: SdlfEnvironment, real_key: str, body: bytes = JSON_LINES) -> dict[str, Any]:
    env.client("s3").put_object(Bucket=env.raw_bucket, Key=real_key, Body=body)
    # EventBridge delivers keys URL-encoded: a space as '+', a '+' as '%2B', a '%' as '%25'.
    detail = env.s3_object_created_detail(quote_plus(real_key, safe="/"), size=len(body))
    stage_lambdas.stage_a_routing(env.sqs_event([detail]))
    (execution,) = [e for e in env.list_executions("A") if e["input"]["key"] == detail["object"]["key"]]
    return execution["input"]


@pytest.mark.parametrize(
    ("real_key", "expected_output_key"),
    [
        ("engineering/legislators/persons.json", "pre-stage/engineering/legislators/persons_parsed.json"),
        (
            "engineering/legislators/persons 2024+v1.json",
            "pre-stage/engineering/legislators/persons 2024+v1_parsed.json",
        ),
        ("engineering/legislators/rate%2Bplan.json", "pre-stage/engineering/legislators/rate%2Bplan_parsed.json"),
    ],
    ids=["plain", "space-and-plus", "literal-%2B"],
)
def test_process_downloads_transforms_and_uploads_with_the_team_key(
    env: SdlfEnvironment, tmp_path: Path, real_key: str, expected_output_key: str
) -> None:
    uploads = _library_calls("s3", "PutObject")
    event = _route_and_get_input(env, real_key)
    result = stage_lambdas.stage_a_process(event)

    assert result == {**event, "processedKeys": [expected_output_key]}
    s3 = env.client("s3")
    head = s3.head_object(Bucket=env.stage_bucket, Key=expected_output_key)
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"] == env.team_data_key_arn
    assert uploads and uploads[-1]["SSEKMSKeyId"] == env.team_data_key_arn
    parsed = json.loads(s3.get_object(Bucket=env.stage_bucket, Key=expected_output_key)["Body"].read())
    assert parsed == [{"id": 1, "name": "ada", "_line": 1}, {"id": 2, "name": "grace", "_line": 2}]
    # The stage bucket holds exactly the one output; the process Lambda cleaned its downloads up.
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=env.stage_bucket)["Contents"]] == [expected_output_key]
    assert not any(p.is_file() for p in (tmp_path / "ephemeral").rglob("*"))


def test_download_lands_under_the_bucket_dir_and_two_downloads_both_survive(env: SdlfEnvironment, tmp_path: Path) -> None:
    s3 = env.client("s3")
    keys = {
        "engineering/legislators/2024/persons.json": b"2024",
        "engineering/legislators/2025/persons.json": b"2025",  # same basename, other prefix
        "engineering/legislators/a b+c.json": b"space",
    }
    for key, body in keys.items():
        s3.put_object(Bucket=env.raw_bucket, Key=key, Body=body)
    client = DataLakeClient("engineering", "legislators", stage="a")
    paths = [client.s3.download_object(env.raw_bucket, quote_plus(key, safe="/")) for key in keys]

    owner = Path(paths[0]).parts[-3]  # the interface's own directory, dl-<pid>-<random>
    root = tmp_path / "ephemeral" / env.raw_bucket / owner
    assert paths == [
        str(root / "engineering%2Flegislators%2F2024%2Fpersons.json" / "persons.json"),
        str(root / "engineering%2Flegislators%2F2025%2Fpersons.json" / "persons.json"),
        str(root / "engineering%2Flegislators%2Fa%20b%2Bc.json" / "a b+c.json"),
    ]
    assert [Path(p).name for p in paths] == ["persons.json", "persons.json", "a b+c.json"]
    assert [Path(p).read_bytes() for p in paths] == list(keys.values())
    assert client.s3.cleanup_downloads() == 3
    assert not any(Path(p).exists() for p in paths)


def test_error_lambda_sends_the_input_to_the_dlq_with_group_failed(env: SdlfEnvironment) -> None:
    event = _route_and_get_input(env, "engineering/legislators/persons.json")
    stage_lambdas.stage_a_error(event)
    stage_lambdas.stage_a_error(json.dumps(event))  # Step Functions may hand the input over as a string

    res = env.stage("A")
    assert res.dlq_name == "sdlf-engineering-main-dlq-A.fifo"
    messages = env.drain_queue(res.dlq_url or "")
    assert [json.loads(m["Body"]) for m in messages] == [event, event]
    assert {m["Attributes"]["MessageGroupId"] for m in messages} == {"failed"}
    dedup_ids = [m["Attributes"]["MessageDeduplicationId"] for m in messages]
    assert len(set(dedup_ids)) == 2  # the DLQ has no content-based dedup: both copies kept
    assert env.queue_depth(res.queue_url or "") == 0


def test_redrive_moves_one_message_from_the_dlq_to_the_queue(env: SdlfEnvironment, monkeypatch: pytest.MonkeyPatch) -> None:
    res = env.stage("A")
    sqs = env.client("sqs")
    detail = env.put_raw_object("engineering/legislators/persons.json", JSON_LINES)
    # What the queue's redrive policy leaves in the DLQ after a failed routing: the raw detail.
    sqs.send_message(QueueUrl=res.dlq_url, MessageBody=json.dumps(detail), MessageGroupId="engineering-main", MessageDeduplicationId="d1")
    sqs.send_message(QueueUrl=res.dlq_url, MessageBody='{"second": true}', MessageGroupId="other", MessageDeduplicationId="d2")

    assert stage_lambdas.stage_a_redrive() == 1
    assert env.queue_depth(res.dlq_url or "") == 1
    moved = env.drain_queue(res.queue_url or "")
    assert [json.loads(m["Body"]) for m in moved] == [detail]
    assert moved[0]["Attributes"]["MessageGroupId"] == "redrive"

    # The redriven body routes normally.
    stage_lambdas.stage_a_routing(env.sqs_event([m["Body"] for m in moved]))
    assert [e["input"]["key"] for e in env.list_executions("A")] == ["engineering/legislators/persons.json"]


def test_redrive_of_a_flattened_error_message_breaks_routing_unless_normalised(env: SdlfEnvironment) -> None:
    """(docs/sdlf-compatibility.md) The DLQ also holds the error Lambda's flattened execution input; the
    original routing fails on it after a redrive. The normaliser recovers the S3 detail."""
    event = _route_and_get_input(env, "engineering/legislators/persons.json")
    stage_lambdas.stage_a_error(event)
    assert stage_lambdas.stage_a_redrive() == 1
    (moved,) = env.drain_queue(env.stage("A").queue_url or "")
    assert moved["Attributes"]["MessageGroupId"] == "redrive"
    flattened = json.loads(moved["Body"])
    assert flattened == event and isinstance(flattened["bucket"], str)

    with pytest.raises(KeyError, match="object"):  # the flattened body has no S3 "object"
        stage_lambdas.stage_a_routing(env.sqs_event([moved["Body"]]))
    before = len(env.list_executions("A"))
    stage_lambdas.stage_a_routing(env.sqs_event([stage_lambdas.routing_detail_from_dlq_body(flattened)]))
    executions = env.list_executions("A")
    assert len(executions) == before + 1
    newest = max(executions, key=lambda e: e["startDate"])["input"]
    assert (newest["bucket"], newest["key"], newest["dataset"]) == (env.raw_bucket, event["key"], "legislators")


def test_redrive_with_the_templates_stage_name_is_a_named_configuration_error(
    env: SdlfEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(docs/sdlf-compatibility.md) The redrive Lambdas get STAGE=StageA while the parameters use ``A``."""
    monkeypatch.setenv("STAGE", "StageA")
    with pytest.raises(ConfigurationError, match="/SDLF/SQS/engineering/mainStageADLQ"):
        stage_lambdas.stage_a_redrive()
