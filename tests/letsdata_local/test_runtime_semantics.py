"""Timeouts, exceptions from user code and unusable implementations, as docs/letsdata-local.md states them."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from letsdata_local.cli import EXIT_CONFIG, EXIT_FAILED, main
from letsdata_local.config import Config
from letsdata_local.engine import BridgeClient, FakeLambdaContext, InProcessInvoker, InvocationTimeout
from letsdata_local.runner import Runner, RunOptions

RAISING = "tests.letsdata_local.impls:RaisingParser"
HANGING = "tests.letsdata_local.impls:HangingParser"


def _lines(*ids: str) -> bytes:
    return "".join(json.dumps({"id": i, "level": "INFO"}) + "\n" for i in ids).encode()


def _config(tmp_path: Path, keys: str, timeout: int = 900, **local: Any) -> Config:
    return Config({
        "datasetName": "Sem", "readConnector": {"connectorDestination": "S3", "bucketName": "in-bucket"},
        "writeConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "docs.jsonl")},
        "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "errors.jsonl")},
        "computeEngine": {"computeEngineType": "LAMBDA", "timeoutInSeconds": timeout},
        "manifestFile": {"fileContents": keys}, "letsdataLocal": local,
    })


def _run(session: Any, cfg: Config, impl: str, batch_size: int = 100, exceptions_as_errors: bool = False) -> Any:
    from letsdata_service.registry import register_implementation

    register_implementation("SingleFileParser", impl)
    invoker = InProcessInvoker(timeout_seconds=int(cfg.get("computeEngine.timeoutInSeconds")))
    bridge = BridgeClient(invoker, "Sem", batch_size=batch_size, split_timed_out_batches=exceptions_as_errors)
    runner = Runner(cfg, session, bridge, RunOptions(batch_size=batch_size, progress=False,
                                                     exceptions_as_errors=exceptions_as_errors))
    runner.check()
    return runner.run()


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["documentId"] for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture
def two_files(session: Any) -> Any:
    s3 = session.client("s3")
    s3.create_bucket(Bucket="in-bucket")
    s3.put_object(Bucket="in-bucket", Key="a.jsonl", Body=_lines("a1", "a2", "BOOM-HANG", "a4"))
    s3.put_object(Bucket="in-bucket", Key="b.jsonl", Body=_lines("b1", "b2"))
    return session


def test_context_reports_the_time_really_left_and_the_timeout_is_enforced() -> None:
    seen: list[int] = []

    def handler(event: Any, context: FakeLambdaContext) -> Any:
        seen.append(context.get_remaining_time_in_millis())
        time.sleep(0.3)
        seen.append(context.get_remaining_time_in_millis())
        if event.get("hang"):
            time.sleep(2)
        return {"body": {"statusCode": "SUCCESS", "data": None}}

    invoker = InProcessInvoker(handler, timeout_seconds=1)
    invoker({"requestId": "r"})
    assert 900 <= seen[0] <= 1000 and 600 <= seen[1] <= seen[0] - 250
    started = time.monotonic()
    with pytest.raises(InvocationTimeout, match=r"Task timed out after 1\.00 seconds"):
        invoker({"requestId": "r", "hang": True})
    assert time.monotonic() - started < 1.8
    invoker({"requestId": "r"})  # a fresh worker: the timed-out call is still sleeping in its own thread
    assert seen[-2] >= 900
    with pytest.raises(ValueError, match="timeout_seconds"):
        InProcessInvoker(handler, timeout_seconds=901)


def test_exception_from_user_code_is_a_task_error_by_default(two_files: Any, tmp_path: Path) -> None:
    summary = _run(two_files, _config(tmp_path, "a.jsonl\nb.jsonl"), RAISING)
    # task a.jsonl stops at its third record; a1, a2 were written, a4 is not processed; b.jsonl runs
    assert _ids(tmp_path / "docs.jsonl") == ["a1", "a2", "b1", "b2"]
    assert (summary.records_read, summary.errors, summary.not_processed) == (4, 0, 2)
    assert summary.task_errors == [
        "a.jsonl stopped at record a.jsonl@60: RuntimeError: cannot parse the record at 60"
    ]
    assert not (tmp_path / "errors.jsonl").exists() or _ids(tmp_path / "errors.jsonl") == []


def test_exceptions_as_errors_turns_them_into_error_documents(two_files: Any, tmp_path: Path) -> None:
    summary = _run(two_files, _config(tmp_path, "a.jsonl\nb.jsonl"), RAISING, exceptions_as_errors=True)
    assert _ids(tmp_path / "docs.jsonl") == ["a1", "a2", "a4", "b1", "b2"]
    error = json.loads((tmp_path / "errors.jsonl").read_text())
    assert error["errorStartoffsetMap"] == {"JSONLOGS": "60"} and "cannot parse the record at 60" in error["errorMessage"]
    assert (summary.records_read, summary.errors, summary.task_errors) == (6, 1, [])


def test_a_hanging_invocation_times_out_as_a_task_error(two_files: Any, tmp_path: Path) -> None:
    started = time.monotonic()
    summary = _run(two_files, _config(tmp_path, "a.jsonl\nb.jsonl", timeout=1), HANGING, batch_size=2)
    assert time.monotonic() - started < 10
    assert _ids(tmp_path / "docs.jsonl") == ["a1", "a2", "b1", "b2"]
    # the bridge answers before the deadline (docs/letsdata-bridge.md): the hanging record's own error
    [task_error] = summary.task_errors
    assert re.fullmatch(r"a\.jsonl stopped at record a\.jsonl@60: Exception: letsdata timeout - "
                        r"SingleFileParser\.parseDocument batchedData\[0\] did not finish in time: the invocation "
                        r"had \d+ ms left when the request arrived and the bridge answers 500 ms before the deadline",
                        task_error), task_error


def test_a_hanging_record_with_exceptions_as_errors_fails_alone(two_files: Any, tmp_path: Path) -> None:
    summary = _run(two_files, _config(tmp_path, "a.jsonl\nb.jsonl", timeout=1), HANGING, batch_size=2,
                   exceptions_as_errors=True)
    assert _ids(tmp_path / "docs.jsonl") == ["a1", "a2", "a4", "b1", "b2"]  # a4, not started in time, is resent
    error = json.loads((tmp_path / "errors.jsonl").read_text())
    assert error["documentId"] == "a.jsonl@60"
    assert error["errorMessage"].startswith("letsdata timeout - SingleFileParser.parseDocument batchedData[0] did "
                                            "not finish in time: the invocation had ")
    assert error["documentMetadata"] == {"errorType": "Exception"}
    assert summary.errors == 1 and summary.task_errors == []


def test_cli_exit_code_and_summary_name_the_errored_task(two_files: Any, tmp_path: Path, aws_endpoint: str,
                                                          capsys: Any) -> None:
    path = tmp_path / "cfg.json"
    path.write_text(json.dumps(_config(tmp_path, "a.jsonl\nb.jsonl").data))
    code = main(["run", str(path), "--endpoint-url", aws_endpoint, "--no-progress", "--impl", f"SingleFileParser={RAISING}"])
    out = capsys.readouterr().out
    assert code == EXIT_FAILED
    assert "ERRORED: 4 records read, 4 documents written, 0 errors, 0 skipped" in out
    assert "task error: a.jsonl stopped at record a.jsonl@60: RuntimeError" in out


@pytest.mark.parametrize(
    ("source", "target", "field"),
    [
        ("config", "tests.letsdata_local.no_such_module:Parser", "field letsdataLocal.implementations.SingleFileParser"),
        ("config", "tests.letsdata_local.impls:NoSuchClass", "field letsdataLocal.implementations.SingleFileParser"),
        ("cli", "tests.letsdata_local.no_such_module:Parser", "--impl SingleFileParser"),
    ],
)
def test_an_implementation_that_cannot_be_imported_stops_the_run_before_anything(
    tmp_path: Path, capsys: Any, source: str, target: str, field: str
) -> None:
    raw = json.loads(json.dumps(_config(tmp_path, "a.jsonl").data))
    argv = ["run", str(tmp_path / "cfg.json"), "--no-progress"]
    if source == "config":
        raw["letsdataLocal"]["implementations"] = {"SingleFileParser": target}
    else:
        argv += ["--impl", f"SingleFileParser={target}"]
    (tmp_path / "cfg.json").write_text(json.dumps(raw))
    threads = threading.active_count()
    assert main(argv) == EXIT_CONFIG
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and captured.out == ""
    assert field in lines[0] and ("no_such_module" in lines[0] or "NoSuchClass" in lines[0])
    if source == "config":
        assert str(tmp_path / "cfg.json") in lines[0]
    assert threading.active_count() == threads  # no embedded server was started
