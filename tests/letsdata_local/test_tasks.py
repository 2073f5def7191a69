"""Tasks, per-task output names, checkpoints, resume and redrive (docs/letsdata-local-tasks.md).

Input files are JSON lines of one fixed length, so every expected byte position is computed by
hand from the line length, never from the code under test.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest

from letsdata_local.checkpoints import COMPLETED, FAILED, LocalCheckpointStore
from letsdata_local.cli import EXIT_FAILED, main
from letsdata_local.config import Config
from letsdata_local.engine import BridgeClient, InProcessInvoker, InvokeError
from letsdata_local.scheduler import configured_concurrency, run_dataset
from letsdata_local.task_runner import TaskContext
from letsdata_local.tasks import KINESIS_SHARD, S3_FILE, lineage_order, plan_tasks

PARSER = "tests.letsdata_local.task_parsers:SlowLogParser"


def line(file_no: int, i: int) -> bytes:
    """Every line is exactly 40 bytes: {"id": "f0-r0000", "pad": "xxxxxxxxxx"} and a newline."""
    return f'{{"id": "f{file_no}-r{i:04d}", "pad": "{"x" * 10}"}}\n'.encode()


LINE = 40


def seed_files(session: Any, files: int, records: int, bucket: str = "input") -> list[str]:
    s3 = session.client("s3")
    s3.create_bucket(Bucket=bucket)
    keys = []
    for n in range(files):
        body = b"".join(line(n, i) for i in range(records))
        assert len(body) == records * LINE
        key = f"logs/f{n}.jsonl"
        s3.put_object(Bucket=bucket, Key=key, Body=body)
        keys.append(key)
    return keys


def dataset(keys: list[str], write: dict[str, Any], tmp: Path, **extra: Any) -> dict[str, Any]:
    return {
        "datasetName": "TasksTest",
        "readConnector": {"connectorDestination": "S3", "bucketName": "input"},
        "writeConnector": write,
        "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp / "errors.jsonl")},
        "computeEngine": {"computeEngineType": "LAMBDA", **extra},
        "manifestFile": {"fileContents": "\n".join(keys)},
        "letsdataLocal": {"implementations": {"SingleFileParser": PARSER}},
    }


class FailingInvoker:
    """The in-process bridge, failing the ``fail_at``-th parseDocument invocation (1-based)."""

    def __init__(self, fail_at: int = 0, fail_file: str = "") -> None:
        self.inner = InProcessInvoker()
        self.fail_at = fail_at
        self.fail_file = fail_file
        self.parse_calls = 0
        self.files: list[str] = []

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        if event["function"] == "parseDocument":
            self.parse_calls += 1
            items = event.get("batchedData") or [event["data"]]
            self.files.extend(item["fileName"] for item in items)
            if self.parse_calls == self.fail_at or (self.fail_file and items[0]["fileName"] == self.fail_file):
                raise InvokeError("the function timed out")
        return self.inner(event)


def run(cfg: Config, tmp: Path, invoker: Any, session: Any, **kwargs: Any) -> Any:
    from letsdata_service.registry import register_implementation

    register_implementation("SingleFileParser", PARSER)
    ctx = TaskContext(config=cfg.data, source=cfg.source, batch_size=5, checkpoint_every=10,
                      store=str(tmp / "checkpoints"))
    bridge = BridgeClient(invoker, cfg.dataset_name, batch_size=5)
    return run_dataset(cfg, ctx, session, concurrency=1, processes=False, bridge=bridge, **kwargs)


def local_documents(base: Path) -> list[str]:
    return [json.loads(x)["documentId"] for p in sorted(base.glob("*/part-*.jsonl")) for x in p.read_text().splitlines()]


def all_ids(files: int, records: int) -> list[str]:
    return sorted(f"f{n}-r{i:04d}" for n in range(files) for i in range(records))


# --------------------------------------------------------------------------------------------
def test_lineage_order_puts_every_parent_before_its_children() -> None:
    shards = [
        {"ShardId": "s-4", "ParentShardId": "s-3", "AdjacentParentShardId": "s-2"},  # merge of 2 and 3
        {"ShardId": "s-3", "ParentShardId": "s-1"},
        {"ShardId": "s-1"},
        {"ShardId": "s-2", "ParentShardId": "s-0"},
        {"ShardId": "s-0"},
    ]
    assert [s["ShardId"] for s in lineage_order(shards)] == ["s-0", "s-1", "s-2", "s-3", "s-4"]


def test_kinesis_tasks_follow_shard_lineage(session: Any) -> None:
    kinesis = session.client("kinesis")
    kinesis.create_stream(StreamName="events", ShardCount=1)
    kinesis.split_shard(StreamName="events", ShardToSplit="shardId-000000000000",
                        NewStartingHashKey=str(2**127))
    cfg = Config({"datasetName": "K", "readConnector": {"connectorDestination": "KINESIS", "streamName": "events"},
                  "writeConnector": {"connectorDestination": "LOCAL"}, "computeEngine": {"computeEngineType": "LAMBDA"}})
    tasks = plan_tasks(cfg, session)
    assert [t.task_id for t in tasks] == ["shard-shardId-000000000000", "shard-shardId-000000000001",
                                          "shard-shardId-000000000002"]
    assert all(t.kind == KINESIS_SHARD for t in tasks)
    assert [t.parents for t in tasks] == [(), ("shard-shardId-000000000000",), ("shard-shardId-000000000000",)]


def test_s3_plans_one_task_per_manifest_file_with_stable_distinct_ids() -> None:
    cfg = Config({"datasetName": "S", "readConnector": {"connectorDestination": "S3", "bucketName": "b"},
                  "writeConnector": {"connectorDestination": "LOCAL"}, "computeEngine": {"computeEngineType": "LAMBDA"},
                  "manifestFile": {"fileContents": "a/x.jsonl\n# comment\nb/x.jsonl\n\na/x.jsonl\n"}})
    first = plan_tasks(cfg, None)
    assert [(t.kind, t.source) for t in first] == [(S3_FILE, "a/x.jsonl"), (S3_FILE, "b/x.jsonl")]
    assert first[0].task_id != first[1].task_id  # same base name, different files
    assert all(t.task_id.startswith("file-") and t.task_id.count("x.jsonl") == 1 for t in first)
    assert [t.task_id for t in plan_tasks(cfg, None)] == [t.task_id for t in first]


def test_concurrency_comes_from_the_configuration_field() -> None:
    base = {"datasetName": "C", "readConnector": {"connectorDestination": "SQS", "queueName": "q"},
            "writeConnector": {"connectorDestination": "LOCAL"}}
    assert configured_concurrency(Config({**base, "computeEngine": {"computeEngineType": "LAMBDA"}})) == 1
    assert configured_concurrency(Config({**base, "computeEngine": {"computeEngineType": "LAMBDA", "concurrency": 7}})) == 7
    sm = {"computeEngineType": "LAMBDA_AND_SAGEMAKER", "lambda": {"lambdaConcurrency": 3}}
    assert configured_concurrency(Config({**base, "computeEngine": sm})) == 3
    assert configured_concurrency(Config({**base, "computeEngine": sm}), override=2) == 2
    with pytest.raises(ValueError, match="computeEngine.concurrency must be an integer >= 1"):
        configured_concurrency(Config({**base, "computeEngine": {"computeEngineType": "LAMBDA", "concurrency": 0}}))
    sqs = Config({**base, "computeEngine": {"computeEngineType": "LAMBDA", "concurrency": 3}})
    assert [t.task_id for t in plan_tasks(sqs, None, sqs_workers=3)] == ["sqs-worker-000", "sqs-worker-001",
                                                                          "sqs-worker-002"]


def test_cli_writes_per_task_parts_and_a_rerun_neither_duplicates_nor_renames(
    aws_endpoint: str, session: Any, tmp_path: Path, capsys: Any
) -> None:
    keys = seed_files(session, files=2, records=12)
    out = tmp_path / "out" / "docs.jsonl"
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps(dataset(keys, {"connectorDestination": "LOCAL", "path": str(out)}, tmp_path)))
    args = ["run", str(path), "--endpoint-url", aws_endpoint, "--no-progress", "--batch-size", "5",
            "--checkpoint-every", "5", "--checkpoints", str(tmp_path / "cp")]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert "24 records read, 24 documents written, 0 errors, 0 skipped" in first
    assert "tasks: 2 of 2 run at concurrency 1 (2 completed)" in first
    base = tmp_path / "out" / "docs"
    names = sorted(str(p.relative_to(base)) for p in base.glob("*/part-*.jsonl"))
    # 12 records, a commit every 5: parts 0, 1, 2 (5 + 5 + 2 documents) in each task's directory
    assert [n.split("/")[1] for n in names] == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"] * 2
    assert len({n.split("/")[0] for n in names}) == 2
    assert sorted(local_documents(base)) == all_ids(2, 12)
    contents = {n: (base / n).read_bytes() for n in names}

    assert main(args) == 0  # everything complete: nothing runs again
    again = capsys.readouterr().out
    assert "0 records read" in again and "already complete" in again
    assert main([*args, "--restart"]) == 0  # from scratch: the same names, the same contents
    assert "24 records read" in capsys.readouterr().out
    assert {str(p.relative_to(base)): p.read_bytes() for p in base.glob("*/part-*.jsonl")} == contents


def _read_s3_documents(session: Any, bucket: str) -> list[str]:
    s3 = session.client("s3")
    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for o in page.get("Contents") or []]
    return [json.loads(x)["documentId"] for k in keys
            for x in s3.get_object(Bucket=bucket, Key=k)["Body"].read().splitlines()]


def _write_connector(dest: str, tmp: Path) -> dict[str, Any]:
    if dest == "LOCAL":
        return {"connectorDestination": "LOCAL", "path": str(tmp / "docs.jsonl")}
    if dest == "S3":
        return {"connectorDestination": "S3", "bucketName": "output", "keyPrefix": "docs/"}
    return {"connectorDestination": "DYNAMODB", "tableName": "docs"}


def _documents(dest: str, session: Any, tmp: Path) -> list[str]:
    if dest == "LOCAL":
        return local_documents(tmp / "docs")
    if dest == "S3":
        return _read_s3_documents(session, "output")
    items = [i for page in session.client("dynamodb").get_paginator("scan").paginate(TableName="docs")
             for i in page["Items"]]
    return [i["documentId"]["S"] for i in items]


@pytest.mark.parametrize("dest", ["LOCAL", "S3", "DYNAMODB"])
def test_failed_task_resumes_from_its_checkpoint_and_writes_every_document_once(
    dest: str, aws_endpoint: str, session: Any, tmp_path: Path
) -> None:
    from letsdata_local.resources import Provisioner

    keys = seed_files(session, files=1, records=50)
    cfg = Config(dataset(keys, _write_connector(dest, tmp_path), tmp_path))
    Provisioner(cfg, session).create_outputs()
    # batches of 5, a checkpoint every 10 records for files / every batch for DynamoDB;
    # the 7th parse call (records 31-35) fails
    summary, results = run(cfg, tmp_path, FailingInvoker(fail_at=7), session)
    (state,) = [r.state for r in results]
    assert state.state == FAILED and "the function timed out" in state.last_error
    assert state.position == str(30 * LINE) and state.records == 30
    summary, results = run(cfg, tmp_path, FailingInvoker(), session)
    assert results[0].state.state == COMPLETED and results[0].state.records == 50
    assert summary.records_read == 20  # only what was left
    docs = _documents(dest, session, tmp_path)
    assert sorted(docs) == all_ids(1, 50)  # every document exactly once


class SaveFailsOnce(LocalCheckpointStore):
    """A store whose n-th save raises: the window after a part is published, before the checkpoint."""

    def __init__(self, directory: Path, fail_at: int) -> None:
        super().__init__(directory)
        self.saves = 0
        self.fail_at = fail_at

    def save(self, state: Any) -> None:
        self.saves += 1
        if self.saves == self.fail_at:
            raise OSError("disk full")
        super().save(state)


@pytest.mark.parametrize("dest", ["LOCAL", "S3"])
def test_a_part_published_after_the_last_checkpoint_is_replaced_not_duplicated(
    dest: str, aws_endpoint: str, session: Any, tmp_path: Path
) -> None:
    from letsdata_local.resources import Provisioner
    from letsdata_local.task_runner import run_task
    from letsdata_local.tasks import plan_tasks as plan

    keys = seed_files(session, files=1, records=30)
    cfg = Config(dataset(keys, _write_connector(dest, tmp_path), tmp_path))
    Provisioner(cfg, session).create_outputs()
    ctx = TaskContext(config=cfg.data, source=cfg.source, batch_size=5, checkpoint_every=10, store=str(tmp_path / "cp"))
    (task,) = plan(cfg, session)
    bridge = BridgeClient(InProcessInvoker(), cfg.dataset_name, batch_size=5)
    from letsdata_service.registry import register_implementation

    register_implementation("SingleFileParser", PARSER)
    # saves: 1 = RUNNING, 2 = after part 0, 3 = after part 1 -> fails once part 1 is published
    store = SaveFailsOnce(tmp_path / "cp", fail_at=3)
    result = run_task(ctx, task, session=session, bridge=bridge, store=store)
    assert result.state.state == FAILED and "disk full" in result.state.last_error
    stored = LocalCheckpointStore(tmp_path / "cp").load(task.task_id)
    assert stored is not None and stored.part == 1 and stored.position == str(10 * LINE)
    assert sorted(_documents(dest, session, tmp_path)) == all_ids(1, 20)  # part 1 is there, uncovered
    result = run_task(ctx, task, session=session, bridge=bridge, store=LocalCheckpointStore(tmp_path / "cp"))
    assert result.state.state == COMPLETED
    assert sorted(_documents(dest, session, tmp_path)) == all_ids(1, 30)


def test_redrive_runs_only_the_failed_task_and_tasks_lists_it(
    aws_endpoint: str, session: Any, tmp_path: Path, capsys: Any
) -> None:
    keys = seed_files(session, files=2, records=10)
    raw = dataset(keys, _write_connector("LOCAL", tmp_path), tmp_path)
    cfg = Config(raw)
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps(raw))
    assert main(["tasks", str(path), "--checkpoints", str(tmp_path / "checkpoints")]) == 0
    before = capsys.readouterr().out.splitlines()  # planned from the manifest, none run yet
    assert [row.split()[1:3] for row in before[1:3]] == [["PENDING", "-"], ["PENDING", "-"]]
    summary, results = run(cfg, tmp_path, FailingInvoker(fail_file="logs/f1.jsonl"), session)
    assert [r.state.state for r in results] == [COMPLETED, FAILED]
    assert any("--redrive" in note for note in summary.notes)

    assert main(["tasks", str(path), "--checkpoints", str(tmp_path / "checkpoints")]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].split() == ["TASK", "STATE", "POSITION", "RECORDS", "DOCUMENTS", "ERRORS", "SKIPS", "LAST",
                                  "ERROR"]
    rows = {row.split()[0]: row.split() for row in listing[1:3]}
    done, failed = results[0].state.task_id, results[1].state.task_id
    assert rows[done][1:7] == ["COMPLETED", str(10 * LINE), "10", "10", "0", "0"]
    assert rows[failed][1:7] == ["FAILED", "-", "0", "0", "0", "0"]
    assert "InvokeError: the function timed out" in " ".join(rows[failed][7:])

    invoker = FailingInvoker()
    summary, results = run(cfg, tmp_path, invoker, session, redrive=True)
    assert [r.state.task_id for r in results] == [failed]
    assert set(invoker.files) == {"logs/f1.jsonl"} and len(invoker.files) == 10
    assert sorted(local_documents(tmp_path / "docs")) == all_ids(2, 10)


def test_kinesis_destination_gets_at_most_one_batch_again(aws_endpoint: str, session: Any, tmp_path: Path) -> None:
    from letsdata_local.resources import Provisioner
    from letsdata_local.task_runner import run_task
    from letsdata_local.tasks import plan_tasks as plan

    keys = seed_files(session, files=1, records=20)
    cfg = Config(dataset(keys, {"connectorDestination": "KINESIS", "streamName": "out"}, tmp_path))
    Provisioner(cfg, session).create_outputs()
    ctx = TaskContext(config=cfg.data, source=cfg.source, batch_size=5, store=str(tmp_path / "cp"))
    (task,) = plan(cfg, session)
    from letsdata_service.registry import register_implementation

    register_implementation("SingleFileParser", PARSER)
    bridge = BridgeClient(InProcessInvoker(), cfg.dataset_name, batch_size=5)
    # saves: 1 = RUNNING, then one per batch: the 3rd batch is put but its checkpoint fails
    failed = run_task(ctx, task, session=session, bridge=bridge, store=SaveFailsOnce(tmp_path / "cp", fail_at=4))
    assert failed.state.state == FAILED
    run_task(ctx, task, session=session, bridge=bridge, store=LocalCheckpointStore(tmp_path / "cp"))
    kinesis = session.client("kinesis")
    iterator = kinesis.get_shard_iterator(StreamName="out", ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator)["Records"]
    # the Kinesis destination gzips each record (writeConnector.compression defaults to GZIP)
    ids = [json.loads(gzip.decompress(r["Data"]))["documentId"] for r in records]
    assert sorted(set(ids)) == all_ids(1, 20)
    assert len(ids) == 25  # the one unacknowledged batch of 5, again


def test_in_process_code_runs_in_worker_processes_at_the_configured_concurrency(
    aws_endpoint: str, session: Any, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = seed_files(session, files=2, records=6)
    pids = tmp_path / "pids"
    pids.mkdir()
    monkeypatch.setenv("LETSDATA_TEST_PID_DIR", str(pids))
    monkeypatch.setenv("LETSDATA_TEST_SLEEP", "0.05")
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps(dataset(keys, _write_connector("LOCAL", tmp_path), tmp_path, concurrency=2)))
    code = main(["run", str(path), "--endpoint-url", aws_endpoint, "--batch-size", "3",
                 "--checkpoints", str(tmp_path / "cp")])
    out, err = capsys.readouterr()
    assert code == 0 and "12 records read, 12 documents written" in out
    assert "letsdata_local (2 tasks): 12rec" in err  # one progress bar over both worker processes
    assert "tasks: 2 of 2 run at concurrency 2 (2 completed)" in out
    workers = {int(p.name) for p in pids.iterdir()}
    assert len(workers) == 2 and os.getpid() not in workers
    assert sorted(local_documents(tmp_path / "docs")) == all_ids(2, 6)


def test_failed_tasks_give_a_failure_exit_code(aws_endpoint: str, session: Any, tmp_path: Path, capsys: Any) -> None:
    keys = seed_files(session, files=1, records=3)
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps(dataset([*keys, "logs/missing.jsonl"], _write_connector("LOCAL", tmp_path), tmp_path)))
    code = main(["run", str(path), "--endpoint-url", aws_endpoint, "--no-progress", "--checkpoints", str(tmp_path / "c")])
    out = capsys.readouterr().out
    assert code == EXIT_FAILED
    assert "3 records read, 3 documents written" in out and "(1 completed, 1 failed)" in out
    assert "S3 objects missing in bucket 'input': 'logs/missing.jsonl'" in out


def test_sqs_workers_drain_the_queue_together_and_delete_only_what_is_durable(
    aws_endpoint: str, session: Any, tmp_path: Path
) -> None:
    from letsdata_service.registry import register_implementation

    sqs = session.client("sqs")
    url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
    for start in range(0, 40, 10):
        sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "MessageBody": json.dumps({"documentId": f"m{i:02d}"})} for i in range(start, start + 10)])
    register_implementation("QueueMessageReader", "examples.letsdata.sqs_reader:QueueJsonMessageReader")
    cfg = Config({"datasetName": "Q", "readConnector": {"connectorDestination": "SQS", "queueName": "jobs"},
                  "writeConnector": _write_connector("LOCAL", tmp_path),
                  "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "errors.jsonl")},
                  "computeEngine": {"computeEngineType": "LAMBDA", "concurrency": 2},
                  "manifestFile": {"sqsReaderTaskStopAfterConsecutiveEmptyReceives": 2}})
    ctx = TaskContext(config=cfg.data, source=cfg.source, batch_size=5, store=str(tmp_path / "cp"),
                      implementations={"QueueMessageReader": "examples.letsdata.sqs_reader:QueueJsonMessageReader"})
    # remote-style fan-out on threads: two workers share the queue
    summary, results = run_dataset(cfg, ctx, session, concurrency=2, processes=False)
    assert [r.state.task_id for r in results] == ["sqs-worker-000", "sqs-worker-001"]
    assert all(r.state.state == COMPLETED for r in results)
    # a standard queue delivers at least once (moto's concurrent receives, like SQS, may repeat one)
    assert sum(r.state.records for r in results) >= 40 and summary.documents_written >= 40
    docs = local_documents(tmp_path / "docs")
    assert sorted(set(docs)) == [f"m{i:02d}" for i in range(40)] and len(docs) == summary.documents_written
    assert all(r.state.records > 0 for r in results)  # both workers took messages
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"]) == 0


class InterruptingInvoker(FailingInvoker):
    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        if event["function"] == "parseDocument" and self.parse_calls + 1 == self.fail_at:
            raise KeyboardInterrupt
        return super().__call__(event)


def test_ctrl_c_stops_the_run_at_its_last_checkpoint_and_the_rerun_completes_it(
    aws_endpoint: str, session: Any, tmp_path: Path
) -> None:
    keys = seed_files(session, files=2, records=20)
    cfg = Config(dataset(keys, _write_connector("LOCAL", tmp_path), tmp_path))
    # parse calls 1-4 are the first file; the 6th (records 6-10 of the second) is interrupted
    summary, results = run(cfg, tmp_path, InterruptingInvoker(fail_at=6), session)
    assert summary.interrupted
    assert [(r.state.state, r.state.records) for r in results] == [(COMPLETED, 20), ("INTERRUPTED", 0)]
    assert sorted(local_documents(tmp_path / "docs")) == all_ids(1, 20)  # the uncommitted 5 are not there
    summary, results = run(cfg, tmp_path, FailingInvoker(), session)
    assert not summary.interrupted and summary.records_read == 20
    assert sorted(local_documents(tmp_path / "docs")) == all_ids(2, 20)


class RecordingStore(LocalCheckpointStore):
    """Remembers the order of every (task, state) saved, across threads."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self.events: list[tuple[str, str]] = []

    def save(self, state: Any) -> None:
        self.events.append((state.task_id, state.state))
        super().save(state)


def test_child_shards_start_only_after_their_parent_completed(aws_endpoint: str, session: Any, tmp_path: Path) -> None:
    impl = "examples.letsdata.kinesis_reader:KinesisJsonRecordReader"
    kinesis = session.client("kinesis")
    kinesis.create_stream(StreamName="events", ShardCount=1)
    record = {"recordType": "Event", "partitionKey": "k", "documentMetadata": {}}
    for i in range(10):
        kinesis.put_record(StreamName="events", PartitionKey=f"k{i}",
                           Data=json.dumps({**record, "documentId": f"before-{i}"}).encode())
    kinesis.split_shard(StreamName="events", ShardToSplit="shardId-000000000000", NewStartingHashKey=str(2**127))
    for i in range(10):
        kinesis.put_record(StreamName="events", PartitionKey=f"k{i}",
                           Data=json.dumps({**record, "documentId": f"after-{i}"}).encode())
    cfg = Config({"datasetName": "K", "readConnector": {"connectorDestination": "KINESIS", "streamName": "events"},
                  "writeConnector": _write_connector("LOCAL", tmp_path),
                  "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "errors.jsonl")},
                  "computeEngine": {"computeEngineType": "LAMBDA", "concurrency": 3}})
    ctx = TaskContext(config=cfg.data, source=cfg.source, batch_size=5, store=str(tmp_path / "cp"),
                      implementations={"KinesisRecordReader": impl})
    store = RecordingStore(tmp_path / "cp")
    from letsdata_local import scheduler

    plan = scheduler.prepare(cfg, ctx, session, concurrency=3)
    results, interrupted = scheduler.run_tasks(ctx, plan.selected, 3, processes=False, completed=set(),
                                               session=session, store=store)
    assert not interrupted and all(r.state.state == COMPLETED for r in results)
    parent_done = store.events.index(("shard-shardId-000000000000", COMPLETED))
    child_starts = [i for i, (task, state) in enumerate(store.events) if task != "shard-shardId-000000000000"
                    and state == "RUNNING"]
    assert len(child_starts) == 2 and min(child_starts) > parent_done
    docs = local_documents(tmp_path / "docs")
    assert sorted(docs) == sorted([f"before-{i}" for i in range(10)] + [f"after-{i}" for i in range(10)])


def test_an_exception_stops_the_task_at_that_record_and_the_rerun_starts_there(
    aws_endpoint: str, session: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = seed_files(session, files=1, records=50)
    cfg = Config(dataset(keys, _write_connector("LOCAL", tmp_path), tmp_path))
    monkeypatch.setenv("LETSDATA_TEST_RAISE_AT", str(23 * LINE))  # the 24th record
    summary, results = run(cfg, tmp_path, InProcessInvoker(), session)
    (state,) = [r.state for r in results]
    assert state.state == FAILED and state.records == 23 and state.position == str(23 * LINE)
    assert state.last_error == f"stopped at record logs/f0.jsonl@{23 * LINE}: RuntimeError: cannot parse the record at 920"
    assert summary.task_errors == [f"logs/f0.jsonl {state.last_error} (task {state.task_id})"]
    assert sorted(local_documents(tmp_path / "docs")) == all_ids(1, 50)[:23]  # the records before it, durable
    monkeypatch.delenv("LETSDATA_TEST_RAISE_AT")
    summary, results = run(cfg, tmp_path, InProcessInvoker(), session)
    assert results[0].state.state == COMPLETED and summary.records_read == 27
    assert sorted(local_documents(tmp_path / "docs")) == all_ids(1, 50)


def test_task_option_runs_only_the_named_task(aws_endpoint: str, session: Any, tmp_path: Path, capsys: Any) -> None:
    keys = seed_files(session, files=3, records=4)
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps(dataset(keys, _write_connector("LOCAL", tmp_path), tmp_path)))
    cfg = Config(json.loads(path.read_text()))
    second = plan_tasks(cfg, None)[1].task_id
    args = ["run", str(path), "--endpoint-url", aws_endpoint, "--no-progress", "--checkpoints", str(tmp_path / "cp")]
    assert main([*args, "--task", second]) == 0
    assert "tasks: 1 of 3 run" in capsys.readouterr().out
    assert sorted(local_documents(tmp_path / "docs")) == [f"f1-r{i:04d}" for i in range(4)]
    assert main([*args, "--task", "file-nope"]) == 2
    assert "--task 'file-nope': no such task" in capsys.readouterr().err
