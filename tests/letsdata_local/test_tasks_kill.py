"""SIGKILL at any point, then the same command again: every document exactly once.

The run is a real ``python -m letsdata_local`` process (two worker processes, a checkpoint every
batch of 5 records) against the test session's moto server, killed with SIGKILL — its whole
process group — once the checkpoints show some but not all of the records durable.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.letsdata_local.test_tasks import _documents, _write_connector, all_ids, dataset, seed_files

pytestmark = pytest.mark.slow

FILES, RECORDS = 2, 60


def _durable_records(checkpoints: Path) -> int:
    total = 0
    for path in checkpoints.glob("*.json"):
        try:
            total += json.loads(path.read_text())["records"]
        except (ValueError, OSError):  # replaced while reading
            continue
    return total


def _group_gone(pgid: int, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    os.killpg(pgid, signal.SIGKILL)
    return False


@pytest.mark.parametrize("dest", ["LOCAL", "S3", "DYNAMODB"])
def test_sigkill_then_resume_writes_every_document_exactly_once(
    dest: str, aws_endpoint: str, session: Any, tmp_path: Path
) -> None:
    keys = seed_files(session, files=FILES, records=RECORDS)
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps(dataset(keys, _write_connector(dest, tmp_path), tmp_path, concurrency=2)))
    checkpoints = tmp_path / "cp"
    command = [sys.executable, "-m", "letsdata_local", "run", str(path), "--endpoint-url", aws_endpoint,
               "--create-resources", "--no-progress", "--batch-size", "5", "--checkpoint-every", "5",
               "--checkpoints", str(checkpoints)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LETSDATA_TEST_SLEEP": "0.03"}
    proc = subprocess.Popen(command, cwd=tmp_path, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while _durable_records(checkpoints) < 30:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the run made no progress"
            time.sleep(0.02)
    finally:
        if dest == "LOCAL":  # only the driver: its workers must not outlive it
            proc.kill()
        else:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    if dest == "LOCAL":
        assert _group_gone(proc.pid), "worker processes outlived the killed driver"
    killed_at = _durable_records(checkpoints)
    assert 30 <= killed_at < FILES * RECORDS, "the kill must land mid-run"

    env["LETSDATA_TEST_SLEEP"] = "0"
    resumed = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=300, check=False)
    assert resumed.returncode == 0, resumed.stderr.decode()[-3000:]
    out = resumed.stdout.decode()
    assert f"{FILES * RECORDS - killed_at} records read" in out  # only what was not durable
    docs = _documents(dest, session, tmp_path)
    assert len(docs) == FILES * RECORDS and sorted(docs) == all_ids(FILES, RECORDS)
