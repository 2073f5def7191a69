"""--spark-master on a standalone cluster (a master and two workers on 127.0.0.1, started here):
one worker is killed mid-run, Spark re-runs its tasks on the other one, and they resume from their
checkpoints in S3 — every document exactly once, every record counted once.

Master and workers are started with ``spark-class`` as in tests/letsdata_spark/test_spark_cluster.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from datalake_library.testing import free_port
from letsdata_local.checkpoints import COMPLETED, S3CheckpointStore
from tests.conftest import ROOT
from tests.letsdata_local.test_tasks import _documents, _write_connector, all_ids, dataset, seed_files
from tests.letsdata_spark.test_spark_cluster import _spark_home, _stop, _wait_for

pytestmark = [pytest.mark.spark, pytest.mark.slow]

FILES, RECORDS = 4, 40


@pytest.fixture
def two_worker_cluster(aws_endpoint: str, tmp_path: Path) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """``(master URL, [worker A, worker B])``; every daemon in its own process group."""
    home = _spark_home()
    env = dict(os.environ, SPARK_HOME=str(home), SPARK_LOCAL_IP="127.0.0.1", SPARK_NO_DAEMONIZE="1",
               SPARK_LOG_DIR=str(tmp_path / "logs"), SPARK_DAEMON_MEMORY="256m", PYTHONPATH=str(ROOT),
               LETSDATA_TEST_SLEEP="0.04")
    port, ui_port = free_port(), free_port()
    url = f"spark://127.0.0.1:{port}"
    procs: list[subprocess.Popen[bytes]] = []
    try:
        master_log = tmp_path / "master.log"
        with master_log.open("wb") as out:
            procs.append(subprocess.Popen(
                [str(home / "bin" / "spark-class"), "org.apache.spark.deploy.master.Master",
                 "--host", "127.0.0.1", "--port", str(port), "--webui-port", str(ui_port)],
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True))
        _wait_for(master_log, "I have been elected leader", procs[0])
        for name in ("a", "b"):
            log = tmp_path / f"worker-{name}.log"
            with log.open("wb") as out:
                procs.append(subprocess.Popen(
                    [str(home / "bin" / "spark-class"), "org.apache.spark.deploy.worker.Worker", url,
                     "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--webui-port", str(free_port()),
                     "--work-dir", str(tmp_path / f"work-{name}")],
                    env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True))
            _wait_for(log, "Successfully registered with master", procs[-1])
        yield url, procs[1:]
    finally:
        for proc in reversed(procs):
            _stop(proc)


def _running(store: S3CheckpointStore) -> list[Any]:
    try:
        return [s for s in store.all() if s.state == "RUNNING" and s.records >= 10]
    except Exception:  # an object replaced while listing
        return []


def test_worker_killed_mid_run_and_the_tasks_resume_on_the_other(
    two_worker_cluster: tuple[str, list[subprocess.Popen[bytes]]], aws_endpoint: str, session: Any, tmp_path: Path
) -> None:
    master, workers = two_worker_cluster
    keys = seed_files(session, files=FILES, records=RECORDS)
    session.client("s3").create_bucket(Bucket="checkpoints")
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps(dataset(keys, _write_connector("S3", tmp_path), tmp_path)))
    submit = " ".join([
        "--conf spark.executor.memory=512m", "--conf spark.task.maxFailures=4",
        f"--conf spark.executorEnv.PYTHONPATH={ROOT}", "--conf spark.executorEnv.LETSDATA_TEST_SLEEP=0.04",
        "pyspark-shell",
    ])
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYSPARK_PYTHON": sys.executable, "SPARK_LOCAL_IP": "127.0.0.1",
           "PYSPARK_SUBMIT_ARGS": submit}
    command = [sys.executable, "-m", "letsdata_local", "run", str(path), "--endpoint-url", aws_endpoint,
               "--create-resources", "--no-progress", "--batch-size", "5", "--checkpoint-every", "5",
               "--spark-master", master, "--checkpoints", "s3://checkpoints/cluster/"]
    store = S3CheckpointStore(session, "checkpoints", "cluster/")
    driver = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 240
        while len(_running(store)) < 2:
            assert driver.poll() is None, driver.communicate()[1].decode()[-3000:]
            assert time.monotonic() < deadline, "no task made progress on the cluster"
            time.sleep(0.1)
        os.killpg(workers[0].pid, signal.SIGKILL)  # the worker, its executor and its Python workers
        out, err = driver.communicate(timeout=400)
    finally:
        if driver.poll() is None:
            driver.kill()
    assert driver.returncode == 0, err.decode()[-4000:]
    text = out.decode()
    assert f"{FILES * RECORDS} records read, {FILES * RECORDS} documents written" in text  # each counted once
    states = store.all()
    assert sorted((s.state, s.records) for s in states) == [(COMPLETED, RECORDS)] * FILES
    docs = _documents("S3", session, tmp_path)
    assert len(docs) == FILES * RECORDS and sorted(docs) == all_ids(FILES, RECORDS)
