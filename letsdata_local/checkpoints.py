"""Where each task's progress is kept, so a stopped run resumes instead of starting again.

A task's :class:`TaskState` is saved after every durable write (see ``docs/letsdata-local-tasks.md``):
its position in the source, the number of the next output part and the counts so far. Three stores,
one interface, chosen by :func:`open_store` from a spec string:

* a directory (default ``letsdata_local_output/<dataset>/checkpoints``): one JSON file per task,
  replaced atomically — enough when every task runs on this machine;
* ``s3://bucket/prefix``: one object per task — reachable from every Spark executor;
* ``dynamodb://table``: one item per task (``datasetName`` + ``taskId`` key) — the same, with
  single-digit-millisecond writes.

Stores are built from plain strings so a worker process or Spark executor can reopen them.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Protocol

PENDING = "PENDING"
RUNNING = "RUNNING"
COMPLETED = "COMPLETED"
FAILED = "FAILED"
INTERRUPTED = "INTERRUPTED"
BLOCKED = "BLOCKED"

_TASK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


class CheckpointError(ValueError):
    """An invalid checkpoint store spec, or a stored state that cannot be read."""


@dataclass
class TaskState:
    """One task's progress; counts cover only work whose output is durable."""

    task_id: str
    description: str = ""
    state: str = PENDING
    #: what the task reads: the S3 key (state machines: the manifest line), shard id, segment number or worker index
    source: str = ""
    #: where to resume reading (S3 byte offset, shard sequence number, scan key JSON, a state machine's
    #: per-file checkpoint JSON); None = start
    position: str | None = None
    #: number of the next output part file this task writes (part names are per task)
    part: int = 0
    records: int = 0
    documents: int = 0
    errors: int = 0
    skips: int = 0
    invocations: int = 0
    last_error: str = ""
    updated: float = 0.0

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes, where: str = "checkpoint") -> TaskState:
        try:
            raw = json.loads(text)
        except ValueError as exc:
            raise CheckpointError(f"{where} is not valid JSON: {exc}") from exc
        if not isinstance(raw, dict) or not isinstance(raw.get("task_id"), str):
            raise CheckpointError(f"{where} is not a task checkpoint (no task_id)")
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})


def check_task_id(task_id: str) -> str:
    """Task ids become file names and key parts: keep them to a safe alphabet."""
    if not _TASK_ID.match(task_id):
        raise CheckpointError(f"task id {task_id!r} is not a safe name ([A-Za-z0-9._-], at most 200 characters)")
    return task_id


class CheckpointStore(Protocol):
    """What the task runner and the ``tasks`` subcommand need from a store."""

    location: str

    def load(self, task_id: str) -> TaskState | None: ...

    def save(self, state: TaskState) -> None: ...

    def all(self) -> list[TaskState]: ...

    def clear(self) -> None: ...


class MemoryCheckpointStore:
    """Checkpoints that live as long as the run: for an account that is new on every run (the
    embedded moto account), where there is nothing to resume."""

    location = "(memory: this run only)"

    def __init__(self) -> None:
        self._states: dict[str, str] = {}

    def load(self, task_id: str) -> TaskState | None:
        text = self._states.get(task_id)
        return TaskState.from_json(text) if text else None

    def save(self, state: TaskState) -> None:
        state.updated = time.time()
        self._states[check_task_id(state.task_id)] = state.to_json()

    def all(self) -> list[TaskState]:
        return [TaskState.from_json(text) for text in self._states.values()]

    def clear(self) -> None:
        self._states.clear()


class LocalCheckpointStore:
    """One ``<task_id>.json`` per task in a directory, written to a temp file and renamed."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.location = str(self.directory)

    def _path(self, task_id: str) -> Path:
        return self.directory / f"{check_task_id(task_id)}.json"

    def load(self, task_id: str) -> TaskState | None:
        path = self._path(task_id)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        return TaskState.from_json(text, str(path))

    def save(self, state: TaskState) -> None:
        state.updated = time.time()
        path = self._path(state.task_id)
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.directory, prefix=f".{state.task_id}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(state.to_json())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def all(self) -> list[TaskState]:
        if not self.directory.is_dir():
            return []
        return [TaskState.from_json(p.read_text(encoding="utf-8"), str(p)) for p in sorted(self.directory.glob("*.json"))]

    def clear(self) -> None:
        if self.directory.is_dir():
            for path in self.directory.glob("*.json"):
                path.unlink(missing_ok=True)


class S3CheckpointStore:
    """One ``<prefix><task_id>.json`` object per task (a single PUT is atomic in S3)."""

    def __init__(self, session: Any, bucket: str, prefix: str) -> None:
        self.client = session.client("s3")
        self.bucket = bucket
        self.prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        self.location = f"s3://{bucket}/{self.prefix}"

    def _key(self, task_id: str) -> str:
        return f"{self.prefix}{check_task_id(task_id)}.json"

    def load(self, task_id: str) -> TaskState | None:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(task_id))["Body"].read()
        except self.client.exceptions.NoSuchKey:
            return None
        return TaskState.from_json(body, f"s3://{self.bucket}/{self._key(task_id)}")

    def save(self, state: TaskState) -> None:
        state.updated = time.time()
        self.client.put_object(Bucket=self.bucket, Key=self._key(state.task_id), Body=state.to_json().encode("utf-8"))

    def _keys(self) -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        return [o["Key"] for page in pages for o in page.get("Contents") or [] if o["Key"].endswith(".json")]

    def all(self) -> list[TaskState]:
        return [
            TaskState.from_json(self.client.get_object(Bucket=self.bucket, Key=k)["Body"].read(), k) for k in self._keys()
        ]

    def clear(self) -> None:
        keys = self._keys()
        for start in range(0, len(keys), 1000):
            self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in keys[start : start + 1000]], "Quiet": True}
            )


class DynamoDBCheckpointStore:
    """One item per task: key ``datasetName`` (hash) + ``taskId`` (range), the state as JSON."""

    def __init__(self, session: Any, table: str, dataset: str) -> None:
        self.client = session.client("dynamodb")
        self.table = table
        self.dataset = dataset
        self.location = f"dynamodb://{table} (datasetName={dataset})"

    def create_table(self) -> None:
        """Create the table (on-demand billing) if it does not exist yet."""
        try:
            self.client.describe_table(TableName=self.table)
            return
        except self.client.exceptions.ResourceNotFoundException:
            pass
        self.client.create_table(
            TableName=self.table,
            KeySchema=[{"AttributeName": "datasetName", "KeyType": "HASH"}, {"AttributeName": "taskId", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "datasetName", "AttributeType": "S"},
                {"AttributeName": "taskId", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        self.client.get_waiter("table_exists").wait(TableName=self.table)

    def load(self, task_id: str) -> TaskState | None:
        item = self.client.get_item(
            TableName=self.table,
            Key={"datasetName": {"S": self.dataset}, "taskId": {"S": check_task_id(task_id)}},
            ConsistentRead=True,
        ).get("Item")
        return TaskState.from_json(item["state"]["S"], f"{self.location} {task_id}") if item else None

    def save(self, state: TaskState) -> None:
        state.updated = time.time()
        self.client.put_item(TableName=self.table, Item={
            "datasetName": {"S": self.dataset},
            "taskId": {"S": check_task_id(state.task_id)},
            "state": {"S": state.to_json()},
        })

    def _items(self) -> list[dict[str, Any]]:
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            KeyConditionExpression="datasetName = :d",
            ExpressionAttributeValues={":d": {"S": self.dataset}},
            ConsistentRead=True,
        )
        return [item for page in pages for item in page.get("Items") or []]

    def all(self) -> list[TaskState]:
        return [TaskState.from_json(i["state"]["S"], self.location) for i in self._items()]

    def clear(self) -> None:
        for item in self._items():
            self.client.delete_item(TableName=self.table, Key={"datasetName": item["datasetName"], "taskId": item["taskId"]})


#: the spec of :class:`MemoryCheckpointStore` (usable only where the tasks run in this process)
MEMORY = "memory://"


def default_store_spec(dataset_slug: str) -> str:
    return str(Path("letsdata_local_output") / dataset_slug / "checkpoints")


def open_store(spec: str, dataset: str, session: Any = None) -> CheckpointStore:
    """A store from its spec: a directory, ``s3://bucket/prefix``, ``dynamodb://table`` or
    ``memory://`` (this process only)."""
    if spec == MEMORY:
        return MemoryCheckpointStore()
    if spec.startswith("s3://"):
        bucket, _, prefix = spec.removeprefix("s3://").partition("/")
        if not bucket:
            raise CheckpointError(f"checkpoint store {spec!r}: expected s3://bucket/prefix")
        if session is None:
            raise CheckpointError("an S3 checkpoint store needs an AWS session")
        return S3CheckpointStore(session, bucket, prefix or f"letsdata-local-checkpoints/{dataset}/")
    if spec.startswith("dynamodb://"):
        table = spec.removeprefix("dynamodb://").strip("/")
        if not table or "/" in table:
            raise CheckpointError(f"checkpoint store {spec!r}: expected dynamodb://table-name")
        if session is None:
            raise CheckpointError("a DynamoDB checkpoint store needs an AWS session")
        return DynamoDBCheckpointStore(session, table, dataset)
    if "://" in spec:
        raise CheckpointError(f"checkpoint store {spec!r}: expected a directory, s3://bucket/prefix or dynamodb://table")
    return LocalCheckpointStore(spec)
