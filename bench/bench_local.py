"""letsdata_local: splitter throughput and end-to-end S3 -> example parser -> Kinesis on moto.

Baselines are measured in the same run: a naive per-byte splitter (timed on a slice and scaled),
and the platform's original shape — one request per record and one PutRecord per document.
"""

from __future__ import annotations

import json
import os
import random
import time
from typing import Any

SPLIT_MB = int(os.environ.get("BENCH_LOCAL_SPLIT_MB", "100"))
E2E_RECORDS = int(os.environ.get("BENCH_LOCAL_E2E_RECORDS", "4000"))
NAIVE_SLICE = 2_000_000


def _jsonl(target_bytes: int, seed: int = 0) -> bytes:
    rnd = random.Random(seed)
    out: list[bytes] = []
    size = 0
    i = 0
    while size < target_bytes:
        line = json.dumps({"id": f"evt-{i:07d}", "level": "INFO", "service": "auth", "status": 200,
                           "message": "x" * rnd.randint(120, 190)}) + "\n"
        raw = line.encode()
        out.append(raw)
        size += len(raw)
        i += 1
    return b"".join(out)


def _wet(target_bytes: int) -> bytes:
    from examples.letsdata.wet_sample import wet_bytes

    data, _ = wet_bytes(1000, seed=11)
    return data * max(1, target_bytes // len(data))


def _timed(fn: Any) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _naive(data: bytes, start: bytes, end: bytes) -> int:
    from tests.letsdata_local.reference import naive_split

    return len(naive_split(data, start, end))


def _split_rate(data: bytes, start: bytes, end: bytes) -> tuple[float, int]:
    from letsdata_local.splitter import SplitSpec, split_stream

    chunk = 8 * 1024 * 1024
    chunks = [data[i : i + chunk] for i in range(0, len(data), chunk)]
    best = float("inf")
    count = 0
    for _ in range(3):
        started = time.perf_counter()
        count = 0
        for batch in split_stream(chunks, SplitSpec(start, end)):
            count += len(batch.offsets)  # offsets materialised: the full (offset, record) information
        best = min(best, time.perf_counter() - started)
    return len(data) / best / 1e6, count


def _e2e_wet(records: int) -> float:
    """S3 WET file (start == end, the Common Crawl convention) -> CommonCrawlWetFileParser -> Kinesis."""
    return _e2e(100, False, records, wet=True)


def _e2e(batch_size: int, single_writes: bool, records: int, wet: bool = False, compression: str = "GZIP") -> float:
    from datalake_library.aws import clear_shared_sessions, shared_session
    from datalake_library.testing import MotoServer
    from letsdata_local.config import Config
    from letsdata_local.engine import BridgeClient, InProcessInvoker
    from letsdata_local.resources import Provisioner
    from letsdata_local.runner import Runner, RunOptions
    from letsdata_service.registry import register_implementation, reset_implementations

    if wet:
        from examples.letsdata.wet_sample import wet_bytes

        data = wet_bytes(records, seed=2)[0]
        impl = "examples.letsdata.wet_parser:CommonCrawlWetFileParser"
    else:
        data = b"".join(
            (json.dumps({"id": f"e{i}", "level": "INFO", "message": "m" * 150}) + "\n").encode() for i in range(records)
        )
        impl = "examples.letsdata.jsonl_log_parser:JsonLinesLogParser"
    with MotoServer() as server:
        clear_shared_sessions()
        session = shared_session(endpoint_url=server.endpoint_url)
        cfg = Config({
            "datasetName": "bench",
            "readConnector": {"connectorDestination": "S3", "bucketName": "bench-input"},
            "writeConnector": {"connectorDestination": "KINESIS", "streamName": "bench-out",
                               "compression": compression},
            "errorConnector": {"connectorDestination": "S3", "bucketName": "bench-errors"},
            "computeEngine": {"computeEngineType": "LAMBDA"},
            "manifestFile": {"fileContents": "in.jsonl"},
        })
        provisioner = Provisioner(cfg, session)
        provisioner.bucket("bench-input")
        session.client("s3").put_object(Bucket="bench-input", Key="in.jsonl", Body=data)
        provisioner.create_outputs()
        reset_implementations()
        register_implementation("SingleFileParser", impl)
        bridge = BridgeClient(InProcessInvoker(), "bench", batch_size=batch_size)
        options = RunOptions(batch_size=batch_size, progress=False, single_record_writes=single_writes)
        runner = Runner(cfg, session, bridge, options)
        runner.check()
        summary = runner.run()
        reset_implementations()
        clear_shared_sessions()
        assert summary.documents_written == records, summary
        return summary.records_per_second


def _e2e_sqs(messages: int, commit_records: int) -> float:
    """SQS -> QueueJsonMessageReader -> LOCAL file, messages deleted once durable."""
    import tempfile

    from datalake_library.aws import clear_shared_sessions, shared_session
    from datalake_library.testing import MotoServer
    from letsdata_local.config import Config
    from letsdata_local.engine import BridgeClient, InProcessInvoker
    from letsdata_local.runner import Runner, RunOptions
    from letsdata_service.registry import register_implementation, reset_implementations

    with MotoServer() as server, tempfile.TemporaryDirectory() as out:
        clear_shared_sessions()
        session = shared_session(endpoint_url=server.endpoint_url)
        sqs = session.client("sqs")
        url = sqs.create_queue(QueueName="bench-in")["QueueUrl"]
        for start in range(0, messages, 10):
            sqs.send_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "MessageBody": json.dumps({"documentId": f"m{start + i}", "message": "m" * 150})}
                for i in range(min(10, messages - start))])
        cfg = Config({
            "datasetName": "benchsqs",
            "readConnector": {"connectorDestination": "SQS", "queueName": "bench-in"},
            "writeConnector": {"connectorDestination": "LOCAL", "path": f"{out}/docs.jsonl"},
            "errorConnector": {"connectorDestination": "LOCAL", "path": f"{out}/errors.jsonl"},
            "computeEngine": {"computeEngineType": "LAMBDA"},
            "manifestFile": {"sqsReaderTaskStopAfterConsecutiveEmptyReceives": 1},
        })
        reset_implementations()
        register_implementation("QueueMessageReader", "examples.letsdata.sqs_reader:QueueJsonMessageReader")
        options = RunOptions(batch_size=100, progress=False, commit_records=commit_records)
        runner = Runner(cfg, session, BridgeClient(InProcessInvoker(), "benchsqs", batch_size=100), options)
        runner.check()
        summary = runner.run()
        reset_implementations()
        clear_shared_sessions()
        assert summary.documents_written == messages, summary
        return summary.records_per_second


def run() -> list[tuple[str, str, str, str]]:
    import logging

    logging.getLogger("letsdata").setLevel(logging.WARNING)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    rows: list[tuple[str, str, str, str]] = []
    jsonl = _jsonl(SPLIT_MB * 1_000_000)
    wet = _wet(SPLIT_MB * 1_000_000)
    warc = b"WARC/1.0\r\nWARC-Type: conversion\r\n"
    for label, data, start, end, target in (
        ("split start+end patterns (end included)", jsonl, b'{"id": ', b"}\n", 300),
        ("split single-byte end, no start", jsonl, b"", b"\n", 700),
        ("split WET start == end (record ends before the next)", wet, warc, warc, 300),
        ("split WET example hints (end included)", wet, b"WARC-Type: conversion", b"\n\r\n\r\n", 300),
    ):
        sample = data[:NAIVE_SLICE]
        rate, count = _split_rate(data, start, end)
        started = time.perf_counter()
        _naive(sample, start, end)
        naive_rate = len(sample) / (time.perf_counter() - started) / 1e6
        ref = min(_timed(lambda buf=data, sep=end: buf.split(sep)) for _ in range(3))  # C-speed context for this run's load
        rows.append((f"{label} ({len(data) / 1e6:.0f} MB, {count} records)", f"{rate:,.0f} MB/s",
                     f"naive {naive_rate:,.1f} MB/s", f"{rate / naive_rate:.0f}x (target >= {target} MB/s; "
                     f"bytes.split in this run: {len(data) / ref / 1e6:,.0f} MB/s)"))
    wet_rate = _e2e_wet(E2E_RECORDS)
    batched = _e2e(100, False, E2E_RECORDS)
    single = _e2e(1, True, max(E2E_RECORDS // 4, 200))
    rows.append((f"e2e S3 -> JsonLinesLogParser -> Kinesis on moto ({E2E_RECORDS} records)",
                 f"{batched:,.0f} rec/s (batch 100, PutRecords)", f"{single:,.0f} rec/s (1 request + 1 PutRecord each)",
                 f"{batched / single:.1f}x (target >= 10x)"))
    rows.append((f"e2e S3 WET -> CommonCrawlWetFileParser (start == end) -> Kinesis on moto ({E2E_RECORDS} records)",
                 f"{wet_rate:,.0f} rec/s (batch 100, PutRecords)", f"{batched:,.0f} rec/s JSON lines, same run",
                 f"{wet_rate / batched:.2f}x of JSON lines"))
    # interleaved, best of three each: this machine's load drifts within a run
    gzipped, plain = [batched], []
    for _ in range(2):
        plain.append(_e2e(100, False, E2E_RECORDS, compression="NONE"))
        gzipped.append(_e2e(100, False, E2E_RECORDS))
    plain.append(_e2e(100, False, E2E_RECORDS, compression="NONE"))
    rows.append((f"e2e Kinesis output gzip per record (the default, as LetsData writes it) ({E2E_RECORDS} records)",
                 f"{max(gzipped):,.0f} rec/s (GZIP, best of 3)", f"{max(plain):,.0f} rec/s (NONE, best of 3)",
                 f"{max(gzipped) / max(plain):.2f}x"))
    sqs_messages = 300  # moto answers each SQS call in ~0.1 s on this machine: keep the section short
    periodic = _e2e_sqs(sqs_messages, 1000)
    per_batch = _e2e_sqs(sqs_messages, 1)
    rows.append((f"e2e SQS -> QueueJsonMessageReader -> LOCAL, deleted once durable ({sqs_messages} messages)",
                 f"{periodic:,.0f} rec/s (commit every 10 s / 1,000 messages)",
                 f"{per_batch:,.0f} rec/s (fsync + delete after every batch)", f"{periodic / per_batch:.2f}x"))
    return rows
