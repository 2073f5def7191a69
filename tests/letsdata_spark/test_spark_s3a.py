"""s3a:// reads and writes against the moto server on 127.0.0.1, credentials from moto Secrets Manager.

Needs the hadoop-aws and aws-java-sdk-bundle jars that ``make jars`` fetches (a dependency of
``make test``); the test fails, never skips, when they are missing.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from examples.letsdata.wet_sample import wet_bytes
from letsdata_lambda_function import lambda_handler
from letsdata_utils.spark_utils import s3a_jars
from tests.letsdata_spark.conftest import mapper_event, reducer_event, spark_secret

pytestmark = pytest.mark.spark

READ_BUCKET = "letsdata-commoncrawl"
WRITE_BUCKET = "letsdata-dataset-out"


def _keys(s3: Any, bucket: str, prefix: str) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))


def test_s3a_jars_are_available() -> None:
    jars = s3a_jars()
    names = {Path(j).name for j in jars}
    assert {"hadoop-aws-3.3.1.jar", "aws-java-sdk-bundle-1.11.901.jar"} <= names, (
        "run `make jars` (scripts/fetch_spark_jars.py) to fetch the s3a jars"
    )


def test_mapper_and_reducer_over_s3a(aws_endpoint: str, spark_env: Path,
                                     create_secret: Callable[..., str]) -> None:
    from datalake_library.aws import shared_session

    s3 = shared_session().client("s3")
    for bucket in (READ_BUCKET, WRITE_BUCKET):
        s3.create_bucket(Bucket=bucket)
    expected = None
    read_uris = []
    for index in range(2):
        data, sample = wet_bytes(30 + index * 11, seed=index)
        expected = sample if expected is None else expected.merge(sample)
        key = f"crawl-data/wet/part-{index}.warc.wet.gz"
        s3.put_object(Bucket=READ_BUCKET, Key=key, Body=gzip.compress(data))
        read_uris.append(f"s3a://{READ_BUCKET}/{key}")
    arn = create_secret(spark_secret())

    intermediates = []
    for index, uri in enumerate(read_uris):
        out = f"s3a://{WRITE_BUCKET}/intermediate/{index}"
        response = lambda_handler(mapper_event(uri, out, writeFormat="parquet", sparkCredentialsSecretArn=arn), None)
        assert response["StatusCode"] == 200, json.dumps(response)[:3000]
        keys = _keys(s3, WRITE_BUCKET, f"intermediate/{index}/")
        assert f"intermediate/{index}/_SUCCESS" in keys
        assert any(k.endswith(".gz.parquet") for k in keys)
        intermediates.append(out)

    event = reducer_event(intermediates, f"s3a://{WRITE_BUCKET}/result", readFormat="parquet", readOptions={},
                          writeFormat="json", writeOptions={"compression": "gzip"}, sparkCredentialsSecretArn=arn)
    response = lambda_handler(event, None)
    assert response["StatusCode"] == 200, json.dumps(response)[:3000]
    rows = []
    for key in _keys(s3, WRITE_BUCKET, "result/part-"):
        body = s3.get_object(Bucket=WRITE_BUCKET, Key=key)["Body"].read()
        rows.extend(json.loads(line) for line in io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(body))) if line)
    assert expected is not None
    assert {r["language"]: r["records"] for r in rows} == dict(expected.records_by_language)
    assert {r["language"]: r["total_length"] for r in rows} == dict(expected.bytes_by_language)


def test_missing_s3a_object_is_a_clear_error(aws_endpoint: str, spark_env: Path,
                                             create_secret: Callable[..., str]) -> None:
    from datalake_library.aws import shared_session

    s3 = shared_session().client("s3")
    s3.create_bucket(Bucket=READ_BUCKET)
    s3.create_bucket(Bucket=WRITE_BUCKET)
    arn = create_secret(spark_secret())
    uri = f"s3a://{READ_BUCKET}/crawl-data/missing.warc.wet.gz"
    response = lambda_handler(mapper_event(uri, f"s3a://{WRITE_BUCKET}/out", sparkCredentialsSecretArn=arn), None)
    assert response["StatusCode"] == 500
    assert f"cannot read text from readUri {uri}" in response["body"]["errorMessage"]
    assert _keys(s3, WRITE_BUCKET, "out") == []
