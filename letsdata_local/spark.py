"""SPARK compute: one mapper task per manifest file (run concurrently), then the reducer over their output.

Exactly the ``mapper`` / ``reducer`` wire requests of docs/letsdata-wire-contract.md (Interfaces and functions). Importable without
pyspark: Spark only starts inside the user's implementation, behind the bridge.
"""

from __future__ import annotations

import json
import time
from typing import Any

from letsdata_local.checkpoints import COMPLETED, CheckpointStore, MemoryCheckpointStore, TaskState
from letsdata_local.config import Config
from letsdata_local.engine import BridgeClient
from letsdata_local.readers import ResourceMissingError
from letsdata_local.resources import write_bucket, write_prefix
from letsdata_local.runner import RunOptions, Summary
from letsdata_local.spark_mappers import (
    REDUCER,
    REDUCER_TASK,
    SparkTask,
    mapper_task_id,
    run_mappers,
    run_spark_task,
)

SECRET_NAME = "letsdata-local-spark-credentials"


def spark_secret(session: Any, cfg: Config, embedded: bool) -> str:
    """The credentials secret the user's Spark code reads (layout: docs/letsdata-wire-contract.md, Spark and secrets)."""
    arn = cfg.get("computeEngine.sparkCredentialsSecretArn")
    if arn:
        return str(arn)
    if not embedded:
        raise ResourceMissingError("computeEngine.sparkCredentialsSecretArn is required for SPARK outside the "
                                   "embedded account")
    creds = session.boto3_session.get_credentials().get_frozen_credentials()
    c = {"AWS_ACCESS_KEY_ID": creds.access_key, "AWS_SECRET_ACCESS_KEY": creds.secret_key,
         "AWS_SESSION_TOKEN": creds.token or ""}
    secret = json.dumps({"mapper": {"read": c, "write": c}, "reducer": {"read": c, "write": c}})
    sm = session.client("secretsmanager")
    try:
        return str(sm.create_secret(Name=SECRET_NAME, SecretString=secret)["ARN"])
    except Exception:
        return str(sm.describe_secret(SecretId=SECRET_NAME)["ARN"])


def run_spark(cfg: Config, session: Any, bridge: BridgeClient, options: RunOptions, embedded: bool,
              store: CheckpointStore | None = None, concurrency: int = 1) -> Summary:
    """Mapper tasks concurrently, then the reducer (letsdata_local/spark_mappers.py); ``store``
    keeps each one's state so a rerun invokes only what has not completed."""
    summary = Summary()
    store = store if store is not None else MemoryCheckpointStore()
    started = time.perf_counter()
    read_bucket = cfg.get("readConnector.bucketName")
    from letsdata_local.manifest import ManifestMissingError, single_file_keys

    try:
        keys = single_file_keys(cfg, session.client("s3"))
    except ManifestMissingError as exc:
        raise ResourceMissingError(str(exc)) from exc
    out_bucket = write_bucket(cfg)
    prefix = write_prefix(cfg)
    s3 = session.client("s3")
    for bucket in {read_bucket, out_bucket}:
        try:
            s3.head_bucket(Bucket=bucket)
        except Exception as exc:
            raise ResourceMissingError(f"S3 bucket {bucket!r} does not exist or is not accessible") from exc
    secret = spark_secret(session, cfg, embedded)
    mode = cfg.get("computeEngine.runSparkInterfaces")
    read_format = str(cfg.get("readConnector.sparkFileFormat")).lower()
    write_format = str(cfg.get("writeConnector.sparkFileFormat")).lower()
    common = {"readDestination": "S3", "writeDestination": "S3", "sparkCredentialsSecretArn": secret,
              "writeMode": cfg.get("writeConnector.writeMode")}
    final_uri = f"s3a://{out_bucket}/{prefix}"
    read_uris = [f"s3a://{read_bucket}/{k}" for k in keys]
    failed: list[TaskState] = []
    if mode in ("MAPPER_AND_REDUCER", "MAPPER_ONLY"):
        mappers: list[SparkTask] = []
        mapped: list[str] = []
        for i, (key, uri) in enumerate(zip(keys, read_uris, strict=True)):
            if mode == "MAPPER_ONLY":
                out_uri, out_fmt, out_opts = f"{final_uri}part-{i:05d}/", write_format, cfg.get("writeConnector.sparkWriteOptions")
            else:
                out_uri, out_fmt, out_opts = f"s3a://{out_bucket}/{cfg.dataset_name}/intermediate/{i:05d}/", "parquet", {"compression": "gzip"}
            mappers.append(SparkTask(mapper_task_id(key), f"spark mapper {key}", {
                **common, "appName": f"{cfg.dataset_name}-mapper-{i}", "readUri": uri, "readFormat": read_format,
                "readOptions": cfg.get("readConnector.sparkReadOptions"), "writeUri": out_uri,
                "writeFormat": out_fmt, "writeOptions": out_opts,
            }))
            mapped.append(out_uri)
        before = {t.task_id: (store.load(t.task_id) or TaskState(t.task_id)).records for t in mappers}
        states = run_mappers(bridge, store, mappers, concurrency)
        summary.records_read += sum(s.records - before[s.task_id] for s in states)
        failed = [s for s in states if s.state != COMPLETED]
        reduce_inputs, reduce_format, reduce_options = mapped, "parquet", {}
    else:
        reduce_inputs, reduce_format, reduce_options = read_uris, read_format, cfg.get("readConnector.sparkReadOptions")
    if mode in ("MAPPER_AND_REDUCER", "REDUCER_ONLY") and not failed:
        reducer = run_spark_task(bridge, store, SparkTask(REDUCER_TASK, "spark reducer", {
            **common, "appName": f"{cfg.dataset_name}-reducer", "readUris": reduce_inputs,
            "readFormat": reduce_format, "readOptions": reduce_options, "writeUri": final_uri,
            "writeFormat": write_format, "writeOptions": cfg.get("writeConnector.sparkWriteOptions"),
        }), REDUCER)
        if reducer.state != COMPLETED:
            failed.append(reducer)
    for state in failed:
        summary.notes.append(f"task {state.task_id} {state.state}: {state.last_error[:300]}")
    if failed:
        summary.notes.append("the reducer runs once every mapper completed: rerun to redrive only the failed tasks")
        summary.invocations = bridge.invocations
        summary.elapsed = time.perf_counter() - started
        summary.output = f"{final_uri} (not written: {len(failed)} task(s) failed)"
        summary.error_output = "(Spark has no error documents)"
        summary.interrupted = False
        return summary
    # count what was written (part files) for the summary
    listing = s3.get_paginator("list_objects_v2").paginate(Bucket=out_bucket, Prefix=prefix)
    parts = [o["Key"] for page in listing for o in page.get("Contents") or [] if o["Key"].rsplit("/", 1)[-1].startswith("part-")]
    rows = _count_rows(s3, out_bucket, parts, write_format)
    summary.documents_written = rows if rows is not None else len(parts)
    unit = "rows" if rows is not None else "part files (row count needs a reader for this format)"
    summary.output = f"{final_uri} ({len(parts)} part files, {summary.documents_written} {unit})"
    summary.notes.append(f"Spark: {summary.records_read} manifest file(s) mapped, mode {mode}")
    summary.error_output = "(Spark has no error documents)"
    summary.invocations = bridge.invocations
    summary.elapsed = time.perf_counter() - started
    return summary


def _count_rows(s3: Any, bucket: str, keys: list[str], fmt: str) -> int | None:
    """Rows written, for line-based formats (json/csv/text, gzip or not); None for parquet."""
    if fmt not in ("json", "text"):
        return None
    import gzip

    total = 0
    for key in keys:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        if body[:2] == b"\x1f\x8b":
            body = gzip.decompress(body)
        total += sum(1 for line in body.splitlines() if line.strip())
    return total
