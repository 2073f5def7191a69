"""Checkpoint stores: a directory, an S3 prefix and a DynamoDB table behave the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from letsdata_local.checkpoints import (
    COMPLETED,
    FAILED,
    CheckpointError,
    DynamoDBCheckpointStore,
    LocalCheckpointStore,
    S3CheckpointStore,
    TaskState,
    open_store,
)


def _exercise(store: Any) -> None:
    assert store.load("file-a") is None and store.all() == []
    store.save(TaskState("file-a", "s3 file a", state=FAILED, position="400", part=3, records=10, last_error="boom"))
    store.save(TaskState("file-b", state=COMPLETED, records=7))
    loaded = store.load("file-a")
    assert (loaded.state, loaded.position, loaded.part, loaded.records, loaded.last_error) == (FAILED, "400", 3, 10, "boom")
    assert loaded.updated > 0
    store.save(TaskState("file-a", state=COMPLETED, position="800", part=4, records=20))
    assert sorted((s.task_id, s.state, s.records) for s in store.all()) == [("file-a", COMPLETED, 20),
                                                                            ("file-b", COMPLETED, 7)]
    store.clear()
    assert store.all() == [] and store.load("file-b") is None


def test_local_directory_store(tmp_path: Path) -> None:
    _exercise(LocalCheckpointStore(tmp_path / "cp"))
    assert [p.name for p in (tmp_path / "cp").iterdir()] == []  # no temp file left behind


def test_s3_store(session: Any) -> None:
    session.client("s3").create_bucket(Bucket="cp-bucket")
    _exercise(S3CheckpointStore(session, "cp-bucket", "runs/one"))
    store = open_store("s3://cp-bucket/runs/two/", "D", session)
    store.save(TaskState("t1"))
    keys = [o["Key"] for o in session.client("s3").list_objects_v2(Bucket="cp-bucket")["Contents"]]
    assert keys == ["runs/two/t1.json"]


def test_dynamodb_store_creates_its_table_and_keeps_datasets_apart(session: Any) -> None:
    store = open_store("dynamodb://letsdata-checkpoints", "DatasetOne", session)
    assert isinstance(store, DynamoDBCheckpointStore)
    store.create_table()
    store.create_table()  # already there: nothing to do
    other = DynamoDBCheckpointStore(session, "letsdata-checkpoints", "DatasetTwo")
    other.save(TaskState("file-a", records=99))
    _exercise(store)
    assert [(s.task_id, s.records) for s in other.all()] == [("file-a", 99)]


@pytest.mark.parametrize("spec, message", [
    ("s3://", "expected s3://bucket/prefix"),
    ("dynamodb://", "expected dynamodb://table-name"),
    ("dynamodb://a/b", "expected dynamodb://table-name"),
    ("gs://bucket/x", "expected a directory, s3://bucket/prefix or dynamodb://table"),
])
def test_bad_store_specs_are_named(spec: str, message: str) -> None:
    with pytest.raises(CheckpointError, match=message):
        open_store(spec, "D", object())


def test_unsafe_task_ids_and_corrupt_checkpoints_are_clear_errors(tmp_path: Path) -> None:
    store = LocalCheckpointStore(tmp_path)
    with pytest.raises(CheckpointError, match="task id '../x' is not a safe name"):
        store.save(TaskState("../x"))
    (tmp_path / "file-a.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="file-a.json is not valid JSON"):
        store.load("file-a")
