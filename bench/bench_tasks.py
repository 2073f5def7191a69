"""letsdata_local tasks: records/s at concurrency 1, 2 and 4, checkpoint cost, resume after a kill at 50 %.

Four S3 files (four tasks) on an in-process moto server, LOCAL output. The implementation is the
JSON-lines example parser slowed down (tests/letsdata_local/task_parsers.py): 20 ms of waiting per
invocation (one record per invocation — the remote-invocation case), or CPU-bound busy work. The
baseline of every ratio is concurrency 1 of the same implementation in the same run.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

FILES = 4
RECORDS = int(os.environ.get("BENCH_TASKS_RECORDS", "250"))
PARSER = "tests.letsdata_local.task_parsers:SlowLogParser"


def _seed(session: Any, records: int) -> list[str]:
    s3 = session.client("s3")
    s3.create_bucket(Bucket="bench-input")
    keys = []
    for n in range(FILES):
        body = "".join(json.dumps({"id": f"f{n}-{i:06d}", "message": "x" * 100}) + "\n" for i in range(records))
        s3.put_object(Bucket="bench-input", Key=f"f{n}.jsonl", Body=body.encode())
        keys.append(f"f{n}.jsonl")
    return keys


def _config(tmp: Path, keys: list[str], name: str) -> Path:
    path = tmp / f"{name}.json"
    path.write_text(json.dumps({
        "datasetName": name,
        "readConnector": {"connectorDestination": "S3", "bucketName": "bench-input"},
        "writeConnector": {"connectorDestination": "LOCAL", "path": str(tmp / name / "docs.jsonl")},
        "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp / name / "errors.jsonl")},
        "computeEngine": {"computeEngineType": "LAMBDA"},
        "manifestFile": {"fileContents": "\n".join(keys)},
        "letsdataLocal": {"implementations": {"SingleFileParser": PARSER}},
    }))
    return path


def _rate(path: Path, endpoint: str, tmp: Path, *args: str) -> float:
    import contextlib
    import io

    from letsdata_local.cli import main

    out = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(out):
        code = main(["run", str(path), "--endpoint-url", endpoint, "--no-progress", "--restart",
                     "--checkpoints", str(tmp / "cp" / path.stem), *args])
    elapsed = time.perf_counter() - started
    if code != 0:
        raise RuntimeError(f"bench run failed ({code}): {out.getvalue()[-500:]}")
    return FILES * RECORDS / elapsed


def _durable(checkpoints: Path) -> int:
    total = 0
    for path in checkpoints.glob("*.json"):
        try:
            total += json.loads(path.read_text())["records"]
        except (ValueError, OSError):
            continue
    return total


def _resume_after_kill(tmp: Path, keys: list[str], endpoint: str) -> tuple[float, float]:
    """Wall time of a full CLI run, and of the run that resumes one SIGKILLed at 50 % durable."""
    import signal
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    path = _config(tmp, keys, "benchresume")
    cp = tmp / "cp-resume"
    command = [sys.executable, "-m", "letsdata_local", "run", str(path), "--endpoint-url", endpoint, "--no-progress",
               "--concurrency", "2", "--batch-size", "10", "--checkpoint-every", "10", "--checkpoints", str(cp)]
    env = {**os.environ, "PYTHONPATH": str(root), "LETSDATA_TEST_SLEEP": "0.005"}
    started = time.perf_counter()
    subprocess.run([*command, "--restart"], env=env, check=True, capture_output=True, cwd=tmp)
    full = time.perf_counter() - started
    proc = subprocess.Popen([*command, "--restart"], env=env, cwd=tmp, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while _durable(cp) < FILES * RECORDS // 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True, cwd=tmp)
    return full, time.perf_counter() - started


def run() -> list[tuple[str, str, str, str]]:
    from datalake_library.aws import clear_shared_sessions, shared_session
    from datalake_library.testing import MotoServer

    rows: list[tuple[str, str, str, str]] = []
    saved = dict(os.environ)
    with MotoServer() as server, tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        try:
            os.environ["AWS_ENDPOINT_URL"] = server.endpoint_url
            clear_shared_sessions()
            keys = _seed(shared_session(endpoint_url=server.endpoint_url), RECORDS)
            for label, env, batch in (("wait 20 ms/invocation", "LETSDATA_TEST_SLEEP", "1"),
                                      ("CPU-bound 5 ms/record", "LETSDATA_TEST_SPIN", "10")):
                os.environ[env] = "0.02" if env == "LETSDATA_TEST_SLEEP" else "0.005"
                path = _config(tmp, keys, "benchtasks")
                base = _rate(path, server.endpoint_url, tmp, "--concurrency", "1", "--batch-size", batch)
                rows.append((f"{label}: concurrency 1", f"{base:,.0f} rec/s", f"{base:,.0f} rec/s", "1.00x"))
                for n in (2, 4):
                    rate = _rate(path, server.endpoint_url, tmp, "--concurrency", str(n), "--batch-size", batch)
                    rows.append((f"{label}: concurrency {n}", f"{rate:,.0f} rec/s", f"{base:,.0f} rec/s",
                                 f"{rate / base:.2f}x"))
                del os.environ[env]
            path = _config(tmp, keys, "benchcheckpoints")
            without = _rate(path, server.endpoint_url, tmp, "--checkpoint-every", "1000000", "--batch-size", "10")
            every = _rate(path, server.endpoint_url, tmp, "--checkpoint-every", "10", "--batch-size", "10")
            rows.append(("checkpoint every batch of 10 (LOCAL parts)", f"{every:,.0f} rec/s",
                         f"{without:,.0f} rec/s (one per task)", f"{every / without:.2f}x"))
            hundred = _rate(path, server.endpoint_url, tmp, "--checkpoint-every", "100", "--batch-size", "10")
            rows.append(("checkpoint every 100 records (LOCAL parts)", f"{hundred:,.0f} rec/s",
                         f"{without:,.0f} rec/s (one per task)", f"{hundred / without:.2f}x"))
            full, resume = _resume_after_kill(tmp, keys, server.endpoint_url)
            rows.append(("resume after SIGKILL at 50 % (wall s)", f"{resume:.1f} s", f"{full:.1f} s (full run)",
                         f"{resume / full:.2f}x"))
        finally:
            os.environ.clear()
            os.environ.update(saved)
            clear_shared_sessions()
    return rows
