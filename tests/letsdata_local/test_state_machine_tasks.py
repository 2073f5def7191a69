"""State-machine datasets as tasks (docs/letsdata-local-tasks.md, docs/state-machine-readers.md):
one task per manifest line on the runner's one loop — per-task part files, checkpoints and resume,
the destinations' size limits, the ``tasks`` listing.

The input is the 40-byte JSON lines of ``tests/letsdata_local/test_tasks.py``; the reader
(``tests/letsdata_local/state_machine_task_readers.py``) joins every two lines into one composite
named after the first line's id, so composite ``k`` of a file spans bytes ``80k .. 80k + 80``.
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

from letsdata_local.cli import main
from tests.conftest import ROOT
from tests.letsdata_local.test_tasks import _documents, _write_connector, seed_files

READER = "tests.letsdata_local.state_machine_task_readers:PairReader"


def sm_dataset(keys: list[str], write: dict[str, Any], tmp: Path, concurrency: int = 1) -> dict[str, Any]:
    return {
        "datasetName": "StateMachineTasks",
        "readConnector": {"connectorDestination": "S3", "bucketName": "input",
                          "readerType": "Single File State Machine Reader",
                          "singleFileStateMachineReaderImplementationClassName": READER},
        "writeConnector": write,
        "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp / "errors.jsonl")},
        "computeEngine": {"computeEngineType": "LAMBDA", "concurrency": concurrency},
        "manifestFile": {"fileContents": "\n".join(keys)},
    }


def composite_ids(files: int, records: int) -> list[str]:
    """The first line of every pair: f0-r0000, f0-r0002, ..."""
    return sorted(f"f{n}-r{i:04d}" for n in range(files) for i in range(0, records, 2))


def local_parts(base: Path) -> dict[str, list[str]]:
    """``<task dir>/<part name>`` -> the documentIds in it."""
    return {str(p.relative_to(base)): [json.loads(x)["documentId"] for x in p.read_text().splitlines()]
            for p in sorted(base.glob("*/part-*.jsonl"))}


def test_two_manifest_lines_run_as_two_tasks_with_distinct_part_names(
    aws_endpoint: str, session: Any, tmp_path: Path, capsys: Any
) -> None:
    keys = seed_files(session, files=2, records=12)
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps(sm_dataset(keys, {"connectorDestination": "LOCAL", "path": str(tmp_path / "docs.jsonl")},
                                          tmp_path, concurrency=2)))
    checkpoints = tmp_path / "cp"
    args = ["run", str(path), "--endpoint-url", aws_endpoint, "--no-progress", "--batch-size", "3", "--checkpoint-every", "3",
            "--checkpoints", str(checkpoints)]
    assert main(args) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    # 2 files x 12 lines = 24 records in, 2 x 6 composites out
    assert "24 records read, 12 documents written, 0 errors, 0 skipped" in out
    assert "tasks: 2 of 2 run at concurrency 2 (2 completed)" in out
    parts = local_parts(tmp_path / "docs")
    # 6 composites per task, a commit every 3: two parts of three in each task's own directory
    assert sorted(name.split("/")[1] for name in parts) == ["part-00000.jsonl"] * 2 + ["part-00001.jsonl"] * 2
    task_dirs = sorted({name.split("/")[0] for name in parts})
    assert len(task_dirs) == 2
    assert task_dirs[0].startswith("file-logs-f0.jsonl-") and task_dirs[1].startswith("file-logs-f1.jsonl-")
    assert parts[f"{task_dirs[0]}/part-00000.jsonl"] == ["f0-r0000", "f0-r0002", "f0-r0004"]
    assert parts[f"{task_dirs[1]}/part-00001.jsonl"] == ["f1-r0006", "f1-r0008", "f1-r0010"]
    assert sorted(i for ids in parts.values() for i in ids) == composite_ids(2, 12)

    assert main(["tasks", str(path), "--checkpoints", str(checkpoints), "--json"]) == 0
    listed = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert sorted(s["task_id"] for s in listed) == task_dirs
    for state in listed:
        assert (state["state"], state["records"], state["documents"], state["part"]) == ("COMPLETED", 12, 6, 2)
        # the position is the state machine's checkpoint: the file's offset after the last composite
        assert json.loads(state["position"])["LOG"]["offset"] == 12 * 40

    assert main(args) == 0  # complete tasks are not run again
    assert "0 records read" in capsys.readouterr().out
    assert local_parts(tmp_path / "docs") == parts


def test_an_oversize_composite_becomes_an_error_document_naming_its_source_records(
    aws_endpoint: str, session: Any, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = seed_files(session, files=1, records=24)
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps(sm_dataset(keys, _write_connector("DYNAMODB", tmp_path), tmp_path)))
    monkeypatch.setenv("LETSDATA_TEST_HUGE", "f0-r0005")  # the third composite (lines 4 and 5) is > 400 KB
    args = ["run", str(path), "--endpoint-url", aws_endpoint, "--no-progress", "--create-resources",
            "--checkpoints", str(tmp_path / "cp")]
    assert main(args) == 0, capsys.readouterr().err
    assert "24 records read, 11 documents written, 1 errors, 0 skipped" in capsys.readouterr().out
    assert sorted(_documents("DYNAMODB", session, tmp_path)) == [i for i in composite_ids(1, 24) if i != "f0-r0004"]
    (errors,) = [json.loads(x) for p in (tmp_path / "errors").glob("*/part-*.jsonl") for x in p.read_text().splitlines()]
    assert errors["documentId"] == "f0-r0004"
    assert errors["documentMetadata"] == {"errorType": "DocumentTooLarge"}
    assert errors["errorStartoffsetMap"] == {"LOG": "160"} and errors["errorEndoffsetMap"] == {"LOG": "240"}
    assert errors["errorMessage"].startswith("source records LOG file logs/f0.jsonl bytes 160..240: "
                                             "document 'f0-r0004': the document is ")
    assert "over the DYNAMODB limit of 409,600 bytes" in errors["errorMessage"]


def test_an_exception_in_the_reader_fails_its_task_there_and_the_rerun_starts_at_that_composite(
    aws_endpoint: str, session: Any, tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = seed_files(session, files=1, records=12)
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps(sm_dataset(keys, {"connectorDestination": "LOCAL", "path": str(tmp_path / "docs.jsonl")},
                                          tmp_path)))
    checkpoints = tmp_path / "cp"
    args = ["run", str(path), "--endpoint-url", aws_endpoint, "--no-progress", "--batch-size", "3",
            "--checkpoint-every", "3", "--checkpoints", str(checkpoints)]
    monkeypatch.setenv("LETSDATA_TEST_RAISE_AT", "f0-r0006")  # the fourth composite
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "6 records read, 3 documents written" in out
    assert ("task error: logs/f0.jsonl stopped at record LOG:logs/f0.jsonl@{'LOG': '240'}: "
            "RuntimeError: cannot join f0-r0006") in out
    assert main(["tasks", str(path), "--checkpoints", str(checkpoints), "--json"]) == 0
    (state,) = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert (state["state"], state["records"], state["documents"]) == ("FAILED", 6, 3)
    assert json.loads(state["position"])["LOG"]["offset"] == 240

    monkeypatch.delenv("LETSDATA_TEST_RAISE_AT")
    assert main(args) == 0
    assert "6 records read, 3 documents written" in capsys.readouterr().out  # from the failed composite on
    parts = local_parts(tmp_path / "docs")
    assert [name.split("/")[1] for name in parts] == ["part-00000.jsonl", "part-00001.jsonl"]
    assert sorted(i for ids in parts.values() for i in ids) == composite_ids(1, 12)


def _durable_records(checkpoints: Path) -> int:
    total = 0
    for path in checkpoints.glob("*.json"):
        try:
            total += json.loads(path.read_text())["records"]
        except (ValueError, OSError):  # replaced while reading
            continue
    return total


@pytest.mark.slow
@pytest.mark.parametrize("dest", ["LOCAL", "S3", "DYNAMODB"])
def test_a_resumed_state_machine_dataset_writes_every_composite_exactly_once(
    dest: str, aws_endpoint: str, session: Any, tmp_path: Path
) -> None:
    files, records = 2, 60
    keys = seed_files(session, files=files, records=records)
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps(sm_dataset(keys, _write_connector(dest, tmp_path), tmp_path, concurrency=2)))
    checkpoints = tmp_path / "cp"
    command = [sys.executable, "-m", "letsdata_local", "run", str(path), "--endpoint-url", aws_endpoint,
               "--create-resources", "--no-progress", "--batch-size", "5", "--checkpoint-every", "5",
               "--checkpoints", str(checkpoints)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LETSDATA_TEST_SLEEP": "0.05"}
    proc = subprocess.Popen(command, cwd=tmp_path, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while _durable_records(checkpoints) < 30:  # input records: 15 composites durable
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the run made no progress"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    killed_at = _durable_records(checkpoints)
    assert 30 <= killed_at < files * records, "the kill must land mid-run"

    env["LETSDATA_TEST_SLEEP"] = "0"
    resumed = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=300, check=False)
    assert resumed.returncode == 0, resumed.stderr.decode()[-3000:]
    assert f"{files * records - killed_at} records read" in resumed.stdout.decode()  # only what was not durable
    docs = _documents(dest, session, tmp_path)
    assert len(docs) == files * records // 2 and sorted(docs) == composite_ids(files, records)
