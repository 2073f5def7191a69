"""--spark-master: the tasks as Spark tasks (local[2] here), checkpoints in S3 on the dataset's account."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from letsdata_local.checkpoints import COMPLETED, S3CheckpointStore
from letsdata_local.spark_tasks import lineage_waves
from letsdata_local.tasks import KINESIS_SHARD, Task
from tests.conftest import ROOT
from tests.letsdata_local.test_tasks import _documents, _write_connector, all_ids, dataset, seed_files


def test_lineage_waves_put_children_after_their_parents() -> None:
    a, b = Task("a", KINESIS_SHARD, "a"), Task("b", KINESIS_SHARD, "b")
    c = Task("c", KINESIS_SHARD, "c", parents=("a", "b"))
    d = Task("d", KINESIS_SHARD, "d", parents=("c",))
    assert [[t.task_id for t in w] for w in lineage_waves([a, b, c, d], set())] == [["a", "b"], ["c"], ["d"]]
    # a parent completed in an earlier run does not hold its child back
    assert [[t.task_id for t in w] for w in lineage_waves([c, d], {"a", "b"})] == [["c"], ["d"]]


@pytest.mark.spark
@pytest.mark.slow
def test_tasks_run_as_spark_tasks_with_checkpoints_in_s3(aws_endpoint: str, session: Any, tmp_path: Path) -> None:
    keys = seed_files(session, files=3, records=8)
    session.client("s3").create_bucket(Bucket="checkpoints")
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps(dataset(keys, _write_connector("S3", tmp_path), tmp_path)))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYSPARK_PYTHON": sys.executable, "SPARK_LOCAL_IP": "127.0.0.1"}
    command = [sys.executable, "-m", "letsdata_local", "run", str(path), "--endpoint-url", aws_endpoint,
               "--create-resources", "--no-progress", "--spark-master", "local[2]",
               "--checkpoints", "s3://checkpoints/run1/"]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    assert "24 records read, 24 documents written" in done.stdout.decode()
    assert "Spark: 3 task(s) on local[2]" in done.stdout.decode()
    states = S3CheckpointStore(session, "checkpoints", "run1/").all()
    assert sorted((s.state, s.records) for s in states) == [(COMPLETED, 8)] * 3
    assert sorted(_documents("S3", session, tmp_path)) == all_ids(3, 8)
