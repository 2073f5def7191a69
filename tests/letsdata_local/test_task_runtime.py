"""The task path is the runner's path: a task gets the size limits, the SQS acknowledgement and
visibility handling, the stream start positions and the commit points of ``letsdata_local.runner``
(docs/letsdata-local-tasks.md, "One runtime"). Expected values are counted by hand from the inputs.
"""

from __future__ import annotations

import gzip
import json
import threading
from pathlib import Path
from typing import Any

from letsdata_local.checkpoints import COMPLETED, LocalCheckpointStore
from letsdata_local.config import Config
from letsdata_local.engine import BridgeClient, InProcessInvoker
from letsdata_local.task_runner import TaskContext, run_task
from letsdata_local.tasks import plan_tasks

PADDED = "tests.letsdata_local.test_limits:PaddedMessageReader"
KINESIS_JSON = "examples.letsdata.kinesis_reader:KinesisJsonRecordReader"


def _sqs_config(write: dict[str, Any], tmp_path: Path) -> Config:
    return Config({"datasetName": "TaskRuntime", "readConnector": {"connectorDestination": "SQS", "queueName": "in"},
                   "writeConnector": write,
                   "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "errors.jsonl")},
                   "computeEngine": {"computeEngineType": "LAMBDA"},
                   "manifestFile": {"sqsReaderTaskStopAfterConsecutiveEmptyReceives": 1}})


def _send(session: Any, bodies: list[dict[str, Any]]) -> tuple[str, dict[str, str]]:
    sqs = session.client("sqs")
    url = sqs.create_queue(QueueName="in")["QueueUrl"]
    ids = {b["id"]: sqs.send_message(QueueUrl=url, MessageBody=json.dumps(b))["MessageId"] for b in bodies}
    return url, ids


def _run(cfg: Config, tmp_path: Path, session: Any, impl: str, name: str, batch: int, **ctx: Any) -> Any:
    from letsdata_service.registry import register_implementation

    register_implementation(name, impl)
    context = TaskContext(config=cfg.data, source=cfg.source, batch_size=batch, store=str(tmp_path / "cp"), **ctx)
    (task,) = plan_tasks(cfg, session)
    bridge = BridgeClient(InProcessInvoker(), cfg.dataset_name, batch_size=batch)
    return task, run_task(context, task, session=session, bridge=bridge, store=LocalCheckpointStore(tmp_path / "cp"))


def _parts(directory: Path) -> dict[str, list[dict[str, Any]]]:
    return {p.name: [json.loads(x) for x in p.read_text().splitlines()] for p in sorted(directory.glob("part-*.jsonl"))}


def test_an_sqs_task_turns_an_oversize_kinesis_document_into_an_error_naming_the_message(
    session: Any, tmp_path: Path
) -> None:
    kinesis = session.client("kinesis")
    kinesis.create_stream(StreamName="out", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="out")
    # d3: 1.6 MB of random base64, still over Kinesis' 1 MiB record limit after gzip; the others small
    bodies = [{"id": f"d{i}", "pad": 1_600_000 if i == 3 else 50, "mode": "random"} for i in range(8)]
    url, ids = _send(session, bodies)
    cfg = _sqs_config({"connectorDestination": "KINESIS", "streamName": "out"}, tmp_path)
    task, result = _run(cfg, tmp_path, session, PADDED, "QueueMessageReader", 4)
    assert task.task_id == "sqs-worker-000"
    assert result.state.state == COMPLETED
    assert (result.state.records, result.state.documents, result.state.errors) == (8, 7, 1)
    iterator = kinesis.get_shard_iterator(StreamName="out", ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    written = [json.loads(gzip.decompress(r["Data"])) for r in kinesis.get_records(ShardIterator=iterator)["Records"]]
    assert sorted(d["id"] for d in written) == ["d0", "d1", "d2", "d4", "d5", "d6", "d7"]
    (errors,) = _parts(tmp_path / "errors" / "sqs-worker-000").values()
    assert len(errors) == 1 and f"SQS message {ids['d3']}" in errors[0]["errorMessage"]
    attrs = session.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == attrs["ApproximateNumberOfMessagesNotVisible"] == "0"
    assert not [t for t in threading.enumerate() if t.name == "sqs-visibility"]  # the reader was closed


def test_an_sqs_task_commits_a_part_every_checkpoint_interval(session: Any, tmp_path: Path) -> None:
    _send(session, [{"id": f"m{i:02d}", "pad": 5} for i in range(12)])
    cfg = _sqs_config({"connectorDestination": "LOCAL", "path": str(tmp_path / "docs.jsonl")}, tmp_path)
    _, result = _run(cfg, tmp_path, session, PADDED, "QueueMessageReader", 5, checkpoint_every=5)
    assert result.state.state == COMPLETED and result.state.records == 12
    parts = _parts(tmp_path / "docs" / "sqs-worker-000")
    # 12 messages, batches of up to 5 (fewer when a receive runs dry), a commit every 5 records
    # and at the end: every document in exactly one part, and more than one part
    assert sorted(d["id"] for docs in parts.values() for d in docs) == [f"m{i:02d}" for i in range(12)]
    assert len(parts) >= 3 and list(parts)[0] == "part-00000.jsonl"
    assert result.state.part == len(parts)


def test_a_kinesis_shard_task_starts_where_the_configuration_says(session: Any, tmp_path: Path) -> None:
    kinesis = session.client("kinesis")
    kinesis.create_stream(StreamName="events", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="events")
    for i in range(6):
        kinesis.put_record(StreamName="events", Data=json.dumps({"id": f"e{i}"}).encode(), PartitionKey="k")

    def config(start: str, out: str) -> Config:
        return Config({"datasetName": f"Shard{start}", "readConnector": {"connectorDestination": "KINESIS",
                                                                        "streamName": "events"},
                       "writeConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / out)},
                       "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / f"{out}-errors")},
                       "computeEngine": {"computeEngineType": "LAMBDA"},
                       "manifestFile": {"kinesisReaderTaskStartFromCondition": start}})

    _, latest = _run(config("LATEST", "latest.jsonl"), tmp_path / "a", session, KINESIS_JSON, "KinesisRecordReader", 10)
    assert latest.state.state == COMPLETED and latest.state.records == 0  # only what arrives after the start
    _, earliest = _run(config("EARLIEST", "earliest.jsonl"), tmp_path / "b", session, KINESIS_JSON,
                       "KinesisRecordReader", 10)
    assert earliest.state.state == COMPLETED and earliest.state.records == 6
    (docs,) = _parts(tmp_path / "earliest" / "shard-shardId-000000000000").values()
    assert len(docs) == 6


def test_a_closed_shard_whose_iterator_never_ends_is_finished_once_its_ending_sequence_was_read() -> None:
    from letsdata_local.readers import KinesisReader
    from tests.letsdata_local.test_stream_readers import _FakeStream, _Session, _shard

    # s0 is closed (EndingSequenceNumber 9) but, as on moto, its iterator never ends: an empty page
    # before 9 proves nothing; after 9 the shard is done and its child is read
    shards = [_shard("s1", "s0", closed=False), _shard("s0")]
    pages = {"s0": [["1"], [], ["9"], [], [], []], "s1": [["10"]]}
    fake = _FakeStream(shards, pages, open_shards={"s0", "s1"})
    reader = KinesisReader(_Session(fake), "s", idle_sleep=0)
    from itertools import islice

    pages_read = list(islice(reader.pages(), 50))  # bounded: a shard that never finishes fails, not hangs
    values = [json.loads(r.data["data"])["v"] for page in pages_read for r in page]
    assert values == ["1", "9", "10"] and len(pages_read) < 50
    assert fake.reads.count("s0") == 4  # 1, the empty page, 9, one empty page after the end
