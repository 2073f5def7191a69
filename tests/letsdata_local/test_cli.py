"""The CLI end to end: every example configuration on the embedded default, and the failure modes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from letsdata_local.cli import EXIT_CONFIG, EXIT_MISSING, main

CONFIGS = Path(__file__).resolve().parents[2] / "letsdata_example_configs"


def _no_account() -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)
    os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent"


# (config, records read, documents written, errors, skips) for the bundled sample input
EXPECTED = {
    "dataset1.json": (600, 514, 6, 80),
    "dataset2.json": (20, 19, 1, 0),
    "dataset3.json": (60, 59, 1, 0),
    "dataset4_dynamodb_streams.json": (27, 26, 0, 1),
    "dataset5_dynamodb_table.json": (25, 25, 0, 0),
    "dataset7_wet_local.json": (6, 6, 0, 0),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_example_config_runs_on_the_embedded_default(name: str, capsys: Any, moto_server: Any) -> None:
    moto_server.reset()  # moto's state is process-wide: the embedded server would see earlier tests' resources
    _no_account()
    code = main(["run", str(CONFIGS / name), "--sample", "2", "--no-progress"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "embedded moto account" in err
    read, written, errors, skips = EXPECTED[name]
    assert f"{read} records read, {written} documents written, {errors} errors, {skips} skipped" in out
    sample = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert len(sample) == 2 and all("documentId" in d and "documentType" not in d for d in sample)


def test_the_embedded_account_is_new_on_every_run_so_nothing_is_resumed(capsys: Any, moto_server: Any) -> None:
    """make run twice: the second run processes everything again (its checkpoints were not kept)."""
    for _ in range(2):  # two `make run`s (each a new process: the embedded endpoint is not kept)
        _no_account()
        moto_server.reset()
        assert main(["run", str(CONFIGS / "dataset5_dynamodb_table.json"), "--no-progress"]) == 0
        out = capsys.readouterr().out
        assert "25 records read, 25 documents written" in out and "checkpoints -> (memory: this run only)" in out
    assert not Path("letsdata_local_output").exists() or not any(Path("letsdata_local_output").rglob("*.json"))


def test_errors_and_local_output_with_endpoint_and_create_resources(aws_endpoint: str, tmp_path: Path, capsys: Any) -> None:
    """Against an existing endpoint: seed the input ourselves, let --create-resources make the outputs."""
    from datalake_library.aws import shared_session

    session = shared_session(endpoint_url=aws_endpoint)
    s3 = session.client("s3")
    s3.create_bucket(Bucket="my-input")
    s3.put_object(Bucket="my-input", Key="in.jsonl", Body=b'{"id": "a"}\n{bad\n{"id": "b", "level": "DEBUG"}\n')
    cfg = {
        "datasetName": "Local1",
        "readConnector": {"connectorDestination": "S3", "bucketName": "my-input"},
        "writeConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "docs.jsonl")},
        "errorConnector": {"connectorDestination": "S3", "bucketName": "my-errors"},
        "computeEngine": {"computeEngineType": "LAMBDA"},
        "manifestFile": {"fileContents": "in.jsonl"},
    }
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps(cfg))
    code = main(["run", str(path), "--endpoint-url", aws_endpoint, "--create-resources", "--no-progress",
                 "--impl", "SingleFileParser=examples.letsdata.jsonl_log_parser:JsonLinesLogParser"])
    assert code == 0, capsys.readouterr().err
    # one task per manifest file: its documents are part files under docs/<task id>/
    parts = sorted((tmp_path / "docs").glob("*/part-*.jsonl"))
    assert [(p.parent.name[:14], p.name) for p in parts] == [("file-in.jsonl-", "part-00000.jsonl")]
    docs = [json.loads(x) for p in parts for x in p.read_text().splitlines()]
    assert [d["documentId"] for d in docs] == ["a"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="my-errors")["Contents"]]
    errors = [json.loads(x) for k in keys for x in s3.get_object(Bucket="my-errors", Key=k)["Body"].read().splitlines()]
    assert len(errors) == 1 and errors[0]["errorStartoffsetMap"] == {"JSONLOGS": "12"}
    assert errors[0]["errorEndoffsetMap"] == {"JSONLOGS": "17"}


def test_missing_resource_is_reported_before_processing(aws_endpoint: str, capsys: Any) -> None:
    code = main(["run", str(CONFIGS / "dataset1.json"), "--endpoint-url", aws_endpoint, "--no-progress"])
    err = capsys.readouterr().err
    assert code == EXIT_MISSING
    assert "S3 bucket 'letsdata-local-sample-logs' does not exist" in err


def test_invalid_config_exit_code_and_message(tmp_path: Path, capsys: Any) -> None:
    raw = json.loads((CONFIGS / "dataset3.json").read_text())
    raw["computeEngine"]["computeEngineType"] = "EMR"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(raw))
    assert main(["run", str(path)]) == EXIT_CONFIG
    err = capsys.readouterr().err
    assert "computeEngine.computeEngineType" in err and "LAMBDA, LAMBDA_AND_SAGEMAKER, SPARK" in err
    assert main(["run", str(CONFIGS / "dataset1.json"), "--impl", "Nope=a:B"]) == EXIT_CONFIG


def test_interrupt_loses_no_sqs_message_and_finalises_no_file(aws_endpoint: str, tmp_path: Path, make_bridge: Any) -> None:
    from datalake_library.aws import shared_session
    from letsdata_local.config import Config
    from letsdata_local.engine import BridgeClient, InProcessInvoker
    from letsdata_local.runner import Runner, RunOptions

    session = shared_session(endpoint_url=aws_endpoint)
    sqs = session.client("sqs")
    url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    for i in range(30):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"documentId": f"m{i}"}))
    make_bridge(QueueMessageReader="examples.letsdata.sqs_reader:QueueJsonMessageReader")
    inner = InProcessInvoker()
    calls = {"n": 0}

    def interrupted_on_second_batch(event: dict[str, Any]) -> dict[str, Any]:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return inner(event)

    out = tmp_path / "out.jsonl"
    cfg = Config({"datasetName": "I", "readConnector": {"connectorDestination": "SQS", "queueName": "jobs"},
                  "writeConnector": {"connectorDestination": "LOCAL", "path": str(out)},
                  "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "err.jsonl")},
                  "computeEngine": {"computeEngineType": "LAMBDA"}})
    runner = Runner(cfg, session, BridgeClient(interrupted_on_second_batch, "I", batch_size=10),
                    RunOptions(batch_size=10, progress=False))
    runner.check()
    summary = runner.run()
    assert summary.interrupted
    assert not out.exists() and (tmp_path / "out.jsonl.partial").exists()
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"]) == 30


def test_sqs_messages_deleted_after_successful_run(aws_endpoint: str, tmp_path: Path, make_bridge: Any) -> None:
    from datalake_library.aws import shared_session
    from letsdata_local.config import Config
    from letsdata_local.runner import Runner, RunOptions

    session = shared_session(endpoint_url=aws_endpoint)
    sqs = session.client("sqs")
    url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    for i in range(25):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"documentId": f"m{i}"}) if i != 3 else "not json")
    bridge = make_bridge(batch_size=10, QueueMessageReader="examples.letsdata.sqs_reader:QueueJsonMessageReader")
    cfg = Config({"datasetName": "S", "readConnector": {"connectorDestination": "SQS", "queueName": "jobs"},
                  "writeConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "o.jsonl")},
                  "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "e.jsonl")},
                  "computeEngine": {"computeEngineType": "LAMBDA"},
                  "manifestFile": {"sqsReaderTaskStopAfterConsecutiveEmptyReceives": 1}})
    runner = Runner(cfg, session, bridge, RunOptions(batch_size=10, progress=False))
    runner.check()
    summary = runner.run()
    assert (summary.records_read, summary.documents_written, summary.errors) == (25, 24, 1)
    assert len((tmp_path / "o.jsonl").read_text().splitlines()) == 24
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"]) == 0


def test_embedded_default_is_chosen_only_without_endpoint_and_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    from letsdata_local.embedded import credentials_configured, wants_embedded

    _no_account()
    assert not credentials_configured() and wants_embedded(None)
    assert not wants_embedded("http://127.0.0.1:1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    assert credentials_configured() and not wants_embedded(None)


def test_unimplemented_parser_fails_clearly_before_processing(capsys: Any, moto_server: Any) -> None:
    moto_server.reset()
    _no_account()
    stub = "SingleFileParser=letsdata_interfaces.readers.parsers.SingleFileParser:SingleFileParser"
    code = main(["run", str(CONFIGS / "dataset1.json"), "--impl", stub, "--no-progress"])
    captured = capsys.readouterr()
    assert code == 1 and "records read" not in captured.out
    assert "SingleFileParser.getS3FileType failed: Exception: Not Yet Implemented" in captured.err
