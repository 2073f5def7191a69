"""SPARK compute: one mapper invocation per manifest file, then the reducer over the mapper output.

Exactly the ``mapper`` / ``reducer`` wire requests of letsdata-wire §7.7/§7.8. Importable without
pyspark: Spark only starts inside the user's implementation, behind the bridge.
"""

from __future__ import annotations

import json
import time
from typing import Any

from letsdata_local.config import Config
from letsdata_local.engine import BridgeClient
from letsdata_local.readers import ResourceMissingError
from letsdata_local.resources import write_bucket, write_prefix
from letsdata_local.runner import RunOptions, Summary

SECRET_NAME = "letsdata-local-spark-credentials"


def spark_secret(session: Any, cfg: Config, embedded: bool) -> str:
    """The credentials secret the user's Spark code reads (letsdata-wire §8 layout)."""
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


def run_spark(cfg: Config, session: Any, bridge: BridgeClient, options: RunOptions, embedded: bool) -> Summary:
    summary = Summary()
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
    if mode in ("MAPPER_AND_REDUCER", "MAPPER_ONLY"):
        mapped: list[str] = []
        for i, uri in enumerate(read_uris):
            if mode == "MAPPER_ONLY":
                out_uri, out_fmt, out_opts = f"{final_uri}part-{i:05d}/", write_format, cfg.get("writeConnector.sparkWriteOptions")
            else:
                out_uri, out_fmt, out_opts = f"s3a://{out_bucket}/{cfg.dataset_name}/intermediate/{i:05d}/", "parquet", {"compression": "gzip"}
            bridge.call("SparkMapperInterface", "mapper", {
                **common, "appName": f"{cfg.dataset_name}-mapper-{i}", "readUri": uri, "readFormat": read_format,
                "readOptions": cfg.get("readConnector.sparkReadOptions"), "writeUri": out_uri,
                "writeFormat": out_fmt, "writeOptions": out_opts,
            })
            mapped.append(out_uri)
            summary.records_read += 1
        reduce_inputs, reduce_format, reduce_options = mapped, "parquet", {}
    else:
        reduce_inputs, reduce_format, reduce_options = read_uris, read_format, cfg.get("readConnector.sparkReadOptions")
    if mode in ("MAPPER_AND_REDUCER", "REDUCER_ONLY"):
        bridge.call("SparkReducerInterface", "reducer", {
            **common, "appName": f"{cfg.dataset_name}-reducer", "readUris": reduce_inputs,
            "readFormat": reduce_format, "readOptions": reduce_options, "writeUri": final_uri,
            "writeFormat": write_format, "writeOptions": cfg.get("writeConnector.sparkWriteOptions"),
        })
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
