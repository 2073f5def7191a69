"""The same example mapper and reducer on a Spark standalone cluster (master + worker on 127.0.0.1).

Master and worker are started from the pyspark distribution with ``spark-class`` (the pip package has
no ``sbin/start-master.sh``), bound to loopback with one core and 1 GiB, and stopped in a finalizer.
The driver runs in a subprocess (see cluster_driver.py) so it does not collide with the local
SparkContext of the other tests.
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

import pytest

from datalake_library.testing import free_port
from examples.letsdata.wet_sample import write_wet_file
from tests.conftest import ROOT
from tests.letsdata_spark.conftest import MAPPER_IMPL, REDUCER_IMPL, read_json_dir

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def _spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def _wait_for(log: Path, text: str, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            raise RuntimeError(f"{log.name} exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)
    raise TimeoutError(f"{text!r} not seen in {log} within {timeout}s:\n{log.read_text(errors='replace')[-3000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a daemon we started (its own process group, so spark-class's java child goes too)."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture
def standalone_cluster(tmp_path: Path) -> Iterator[str]:
    home = _spark_home()
    env = dict(os.environ, SPARK_HOME=str(home), SPARK_LOCAL_IP="127.0.0.1", SPARK_NO_DAEMONIZE="1",
               SPARK_LOG_DIR=str(tmp_path / "logs"), SPARK_DAEMON_MEMORY="256m")
    port, ui_port, worker_ui = free_port(), free_port(), free_port()
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
        worker_log = tmp_path / "worker.log"
        with worker_log.open("wb") as out:
            procs.append(subprocess.Popen(
                [str(home / "bin" / "spark-class"), "org.apache.spark.deploy.worker.Worker", url,
                 "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--webui-port", str(worker_ui),
                 "--work-dir", str(tmp_path / "work")],
                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True))
        _wait_for(worker_log, "Successfully registered with master", procs[1])
        yield url
    finally:
        for proc in reversed(procs):
            _stop(proc)


def test_same_mapper_and_reducer_run_on_a_standalone_cluster(standalone_cluster: str, tmp_path: Path) -> None:
    inputs = [tmp_path / "in" / "a.warc.wet", tmp_path / "in" / "b.warc.wet.gz"]
    expected = write_wet_file(inputs[0], 30, seed=11).merge(write_wet_file(inputs[1], 20, seed=12))
    env = dict(os.environ, SPARK_MASTER=standalone_cluster, SPARK_LOCAL_IP="127.0.0.1",
               PYSPARK_PYTHON=sys.executable, SPARK_TMP_ROOT=str(tmp_path / "scratch"),
               # No s3a here: keep the 190 MB SDK bundle from being shipped to the executor.
               SPARK_JARS_DIR=str(tmp_path / "no-jars"),
               PYSPARK_SUBMIT_ARGS="--conf spark.executor.memory=512m --conf spark.cores.max=1 pyspark-shell",
               LETSDATA_IMPL_SPARKMAPPERINTERFACE=MAPPER_IMPL, LETSDATA_IMPL_SPARKREDUCERINTERFACE=REDUCER_IMPL,
               LETS_DATA_STAGE="Test")
    done = subprocess.run(
        [sys.executable, "-m", "tests.letsdata_spark.cluster_driver", str(tmp_path / "job"), *map(str, inputs)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-4000:]
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    responses, info = lines[:-1], lines[-1]
    assert info["master"] == standalone_cluster
    assert len(responses) == 3
    for response in responses:
        assert response["StatusCode"] == 200, json.dumps(response)[:3000]
    rows = read_json_dir(tmp_path / "job" / "out")
    assert {r["language"]: r["records"] for r in rows} == dict(expected.records_by_language)
    assert {r["language"]: r["total_length"] for r in rows} == dict(expected.bytes_by_language)
