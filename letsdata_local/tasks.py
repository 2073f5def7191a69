"""The platform's tasks: how a dataset's read is split, and a reader for each task.

LetsData turns a dataset into tasks, one per unit of work (``docs/letsdata-local-tasks.md``):

* S3: one task per manifest line (a file; for a state-machine reader, the line's files);
* Kinesis and DynamoDB Streams: one task per shard, a child shard only after its parents
  (``ParentShardId`` / ``AdjacentParentShardId``) so records of a key stay in order;
* DynamoDB table: one task per scan segment (``manifestFile.totalSegments``);
* SQS: N identical workers draining the queue (N = the dataset's concurrency).

Task ids are derived from the source only (file key, shard id, segment number, worker index), so
the same configuration plans the same ids on every run — that is what checkpoints, output part
names and ``--task`` refer to. Each task reader can resume from the position stored in its
checkpoint and tells the runner the position after any record it produced.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from letsdata_local.config import Config
from letsdata_local.engine import BridgeClient
from letsdata_local.readers import (
    DynamoDBStreamsReader,
    DynamoDBTableReader,
    KinesisReader,
    Reader,
    S3SingleFileReader,
    SourceRecord,
    read_stream_arg,
    stream_name_from,
)

S3_FILE = "S3_FILE"
KINESIS_SHARD = "KINESIS_SHARD"
DYNAMODB_STREAMS_SHARD = "DYNAMODB_STREAMS_SHARD"
DYNAMODB_SCAN_SEGMENT = "DYNAMODB_SCAN_SEGMENT"
SQS_WORKER = "SQS_WORKER"
STATE_MACHINE_LINE = "STATE_MACHINE_LINE"  # one manifest line of a state-machine dataset

#: Tasks whose source is finite: once COMPLETED they are not run again (stream and queue tasks
#: resume from their position and pick up what arrived since).
FINITE_KINDS = (S3_FILE, DYNAMODB_SCAN_SEGMENT, STATE_MACHINE_LINE)


@dataclass(frozen=True)
class Task:
    """One unit of work. ``source`` is the file key, shard id, segment number or worker index."""

    task_id: str
    kind: str
    source: str
    parents: tuple[str, ...] = ()
    total: int = 0  # scan segments: TotalSegments
    #: state-machine lines: (file type, key) per file of the line ("" as the type of a single file)
    files: tuple[tuple[str, str], ...] = ()

    @property
    def description(self) -> str:
        if self.kind == S3_FILE:
            return f"s3 file {self.source}"
        if self.kind == STATE_MACHINE_LINE:
            return f"state-machine line {self.source}"
        if self.kind == DYNAMODB_SCAN_SEGMENT:
            return f"scan segment {self.source} of {self.total}"
        if self.kind == SQS_WORKER:
            return f"sqs worker {self.source}"
        return f"shard {self.source}"


def file_task_id(key: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9.-]+", "-", key).strip("-.")[-60:].lstrip("-.")
    return f"file-{slug or 'x'}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:8]}"


def _shard_task_id(shard_id: str) -> str:
    return "shard-" + re.sub(r"[^A-Za-z0-9._-]+", "-", shard_id)[:190]


def lineage_order(shards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Shards with every parent before its children (stable by shard id otherwise)."""
    by_id = {s["ShardId"]: s for s in shards}
    ordered: list[dict[str, Any]] = []
    placed: set[str] = set()

    def place(shard: dict[str, Any], trail: frozenset[str]) -> None:
        sid = shard["ShardId"]
        if sid in placed or sid in trail:
            return
        for key in ("ParentShardId", "AdjacentParentShardId"):
            parent = shard.get(key)
            if parent in by_id:
                place(by_id[parent], trail | {sid})
        placed.add(sid)
        ordered.append(shard)

    for shard in sorted(shards, key=lambda s: s["ShardId"]):
        place(shard, frozenset())
    return ordered


def _shard_tasks(kind: str, shards: list[dict[str, Any]]) -> list[Task]:
    known = {s["ShardId"] for s in shards}
    tasks = []
    for shard in lineage_order(shards):
        parents = tuple(
            _shard_task_id(shard[k]) for k in ("ParentShardId", "AdjacentParentShardId") if shard.get(k) in known
        )
        tasks.append(Task(_shard_task_id(shard["ShardId"]), kind, shard["ShardId"], parents))
    return tasks


def plan_tasks(cfg: Config, session: Any, sqs_workers: int = 1) -> list[Task]:
    """The dataset's tasks in the order they should start (parents first)."""
    dest = cfg.read_destination
    from letsdata_local.state_machine_tasks import is_state_machine

    if is_state_machine(cfg):
        from letsdata_local.state_machine_tasks import line_task_id, line_text, manifest_lines

        lines = {line_task_id(files): files for files in manifest_lines(cfg, session)}  # duplicates once
        return [Task(task_id, STATE_MACHINE_LINE, line_text(files), files=tuple(files.items()))
                for task_id, files in lines.items()]
    if dest == "S3":
        from letsdata_local.manifest import single_file_keys

        s3 = session.client("s3") if cfg.get("manifestFile.manifestFileS3Uri") else None
        keys = list(dict.fromkeys(single_file_keys(cfg, s3)))
        return [Task(file_task_id(k), S3_FILE, k) for k in keys]
    if dest == "SQS":
        return [Task(f"sqs-worker-{i:03d}", SQS_WORKER, str(i)) for i in range(max(1, sqs_workers))]
    if dest == "DYNAMODB_TABLE":
        total = int(cfg.get("manifestFile.totalSegments"))
        return [
            Task(f"segment-{i:04d}-of-{total:04d}", DYNAMODB_SCAN_SEGMENT, str(i), total=total) for i in range(total)
        ]
    if dest == "KINESIS":
        reader = KinesisReader(session, read_stream_arg(cfg.get("readConnector.streamName"), cfg.get("readConnector.streamArn")))
        reader.check()
        pages = session.client("kinesis").get_paginator("list_shards").paginate(StreamName=stream_name_from(reader.stream))
        return _shard_tasks(KINESIS_SHARD, [s for page in pages for s in page["Shards"]])
    if dest == "DYNAMODB_STREAMS":
        streams = DynamoDBStreamsReader(session, cfg.get("readConnector.streamArn"), cfg.get("readConnector.tableName"))
        streams.check()
        return _shard_tasks(DYNAMODB_STREAMS_SHARD, streams._shards())
    raise ValueError(f"unsupported read connector {dest}")  # unreachable: the schema restricts it


# --------------------------------------------------------------------------------------------
# Task readers: one source unit each, resumable from a position
# --------------------------------------------------------------------------------------------
@dataclass
class S3FileTaskReader(S3SingleFileReader):
    """One manifest file. Resumes after the byte offset (of the uncompressed stream) stored last:
    records that start before it are read but not sent again."""

    resume_offset: int = 0

    def pages(self) -> Iterator[list[SourceRecord]]:
        skip = self.resume_offset
        for page in super().pages():
            if skip:
                page = [r for r in page if _first_int(r.start_offsets) >= skip]
            yield page

    def position_of(self, record: SourceRecord) -> str | None:
        return str(_first_int(record.end_offsets))


def _first_int(offsets: dict[str, str]) -> int:
    return int(next(iter(offsets.values())))


#: A stream task reads one shard with the stream reader itself (its start position, stop
#: condition, closed-shard and expired-iterator handling), given ``shard_id`` and ``after_sequence``.
KinesisShardTaskReader = KinesisReader
DynamoDBStreamsShardTaskReader = DynamoDBStreamsReader


@dataclass
class DynamoDBSegmentTaskReader(DynamoDBTableReader):
    """One parallel-scan segment; the position is the key of the last durable item (JSON of its
    AttributeValues), used as ``ExclusiveStartKey`` on resume."""

    segment: int = 0
    start_key: str | None = None
    raw_keys: dict[int, dict[str, Any]] = field(default_factory=dict)

    def pages(self) -> Iterator[list[SourceRecord]]:
        if not self.key_names:
            self.check()
        ddb = self.session.client("dynamodb")
        kwargs: dict[str, Any] = {"TableName": self.table_name, "Segment": self.segment, "TotalSegments": self.total_segments}
        if self.start_key:
            kwargs["ExclusiveStartKey"] = json.loads(self.start_key)
        for page in ddb.get_paginator("scan").paginate(**kwargs):
            out = []
            for item in page.get("Items") or []:
                record = self._record(self.segment, item)
                record.ack = json.dumps({k: item[k] for k in self.key_names if k in item}, sort_keys=True)
                out.append(record)
            yield out

    def position_of(self, record: SourceRecord) -> str | None:
        return str(record.ack) if record.ack else None


def task_reader(task: Task, cfg: Config, session: Any, bridge: BridgeClient, position: str | None,
                chunk_size: int, sqs_wait_seconds: int = 0, exceptions_as_errors: bool = False) -> Reader:
    """The reader of one task, positioned to resume after ``position``."""
    if task.kind == STATE_MACHINE_LINE:
        from letsdata_local.state_machine_tasks import StateMachineTaskReader

        return StateMachineTaskReader(cfg, session, dict(task.files), task.task_id, position, chunk_size,
                                      exceptions_as_errors)
    if task.kind == S3_FILE:
        return S3FileTaskReader(session, bridge, cfg.get("readConnector.bucketName"), [task.source],
                                chunk_size=chunk_size, resume_offset=int(position or 0))
    from letsdata_local.runner import dynamodb_streams_reader, kinesis_reader, sqs_reader

    if task.kind == KINESIS_SHARD:
        return kinesis_reader(cfg, session, shard_id=task.source, after_sequence=position)
    if task.kind == DYNAMODB_STREAMS_SHARD:
        return dynamodb_streams_reader(cfg, session, shard_id=task.source, after_sequence=position)
    if task.kind == DYNAMODB_SCAN_SEGMENT:
        return DynamoDBSegmentTaskReader(session, cfg.get("readConnector.tableName"), task.total,
                                         segment=int(task.source), start_key=position)
    if task.kind == SQS_WORKER:  # the queue itself is the checkpoint: messages are deleted once durable
        return sqs_reader(cfg, session, sqs_wait_seconds)
    raise ValueError(f"unknown task kind {task.kind!r}")
