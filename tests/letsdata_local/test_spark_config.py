"""The Spark example configuration end to end (mapper per manifest file, then the reducer) on moto."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from letsdata_local.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.spark
@pytest.mark.slow
def test_spark_example_config_runs_mapper_then_reducer(aws_endpoint: str, capsys: Any) -> None:
    from datalake_library.aws import shared_session

    config = ROOT / "letsdata_example_configs" / "dataset6_spark.json"
    code = main(["run", str(config), "--embedded", "--endpoint-url", aws_endpoint, "--no-progress"])
    out, err = capsys.readouterr()
    assert code == 0, err[-3000:]
    assert "2 records read" in out and "3 invocations" in out  # 2 mapper calls + 1 reducer call
    s3 = shared_session(endpoint_url=aws_endpoint).client("s3")
    bucket = "letsdata-local-wetsparkmapperreducer"
    listing = s3.list_objects_v2(Bucket=bucket, Prefix="WetSparkMapperReducer/")["Contents"]
    intermediates = {o["Key"].split("/")[2] for o in listing if "/intermediate/" in o["Key"]}
    assert intermediates == {"00000", "00001"}  # one mapper output per manifest file
    parts = [o["Key"] for o in listing if "/documents/part-" in o["Key"]]
    rows = [json.loads(line) for k in parts for line in gzip.decompress(s3.get_object(Bucket=bucket, Key=k)["Body"].read()).splitlines()]
    pages = (ROOT / "examples" / "data" / "sample.warc.wet").read_bytes().count(b"WARC-Type: conversion")
    assert sum(r["records"] for r in rows) == 2 * pages  # both files (plain and gzip) reached the reducer
