"""SPARK engine: mapper tasks concurrently up to the concurrency, then the reducer; a failed mapper
is redriven alone. The bridge is a recording invoker (no JVM): what is checked is the orchestration."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from letsdata_local.checkpoints import COMPLETED, FAILED, LocalCheckpointStore
from letsdata_local.config import Config
from letsdata_local.engine import BridgeClient
from letsdata_local.runner import RunOptions
from letsdata_local.spark import run_spark
from letsdata_local.spark_mappers import mapper_task_id

KEYS = ["crawl/a.wet", "crawl/b.wet", "crawl/c.wet", "crawl/d.wet"]


class SparkInvoker:
    """Answers mapper/reducer requests with SUCCESS after a short wait; fails chosen read URIs."""

    def __init__(self, fail: set[str] | None = None) -> None:
        self.fail = fail or set()
        self.calls: list[tuple[str, str]] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.lock = threading.Lock()

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        data = event["data"]
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self.calls.append((event["function"], data.get("readUri") or ",".join(data["readUris"])))
        time.sleep(0.1)
        with self.lock:
            self.in_flight -= 1
        if data.get("readUri") in self.fail:
            return {"body": {"statusCode": "ERROR", "errorMessage": "SparkIOError: cannot read", "exception":
                             {"errorType": "SparkIOError", "errorMessage": "cannot read"}}}
        return {"body": {"statusCode": "SUCCESS", "data": None}}


def _cfg() -> Config:
    return Config({"datasetName": "Wet", "readConnector": {"connectorDestination": "S3", "bucketName": "wet-input"},
                   "writeConnector": {"connectorDestination": "S3", "bucketName": "wet-output"},
                   "computeEngine": {"computeEngineType": "SPARK"},
                   "manifestFile": {"fileContents": "\n".join(KEYS)}})


def test_mappers_run_concurrently_then_the_reducer_and_a_failed_mapper_is_redriven_alone(
    aws_endpoint: str, session: Any, tmp_path: Path
) -> None:
    s3 = session.client("s3")
    s3.create_bucket(Bucket="wet-input")
    s3.create_bucket(Bucket="wet-output")
    store = LocalCheckpointStore(tmp_path / "cp")
    failing = SparkInvoker(fail={"s3a://wet-input/crawl/c.wet"})
    summary = run_spark(_cfg(), session, BridgeClient(failing, "Wet"), RunOptions(progress=False), embedded=True,
                        store=store, concurrency=3)
    assert failing.most_in_flight == 3  # four mappers, three at a time
    assert sorted(failing.calls) == [("mapper", f"s3a://wet-input/{k}") for k in KEYS]  # no reducer
    states = {s.task_id: s.state for s in store.all()}
    assert states == {mapper_task_id(k): (FAILED if k == "crawl/c.wet" else COMPLETED) for k in KEYS}
    assert any("cannot read" in note for note in summary.notes)

    redrive = SparkInvoker()
    summary = run_spark(_cfg(), session, BridgeClient(redrive, "Wet"), RunOptions(progress=False), embedded=True,
                        store=store, concurrency=3)
    intermediates = ",".join(f"s3a://wet-output/Wet/intermediate/{i:05d}/" for i in range(4))
    assert redrive.calls == [("mapper", "s3a://wet-input/crawl/c.wet"), ("reducer", intermediates)]
    assert summary.records_read == 1
    assert {s.task_id: s.state for s in store.all()} == {**{mapper_task_id(k): COMPLETED for k in KEYS},
                                                         "reducer": COMPLETED}
