"""The example WET mapper and union reducer end to end through ``lambda_handler`` on local paths."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from examples.letsdata.spark_reducer import language_totals, union_all
from examples.letsdata.wet_sample import write_wet_file
from letsdata_lambda_function import lambda_handler
from tests.letsdata_spark.conftest import captured, mapper_event, read_json_dir, reducer_event, spark_secret

pytestmark = pytest.mark.spark

SECRETS_ERROR = "Get secrets value threw exception"


def _ok(response: dict[str, Any]) -> None:
    assert response["StatusCode"] == 200, json.dumps(response)[:3000]
    assert response["body"] == {"statusCode": "SUCCESS", "data": None}


def _error(response: dict[str, Any]) -> dict[str, Any]:
    assert response["StatusCode"] == 500, json.dumps(response)[:3000]
    body = response["body"]
    assert body["statusCode"] == "EXCEPTION"
    assert body["errorMessage"] == body["exception"]["errorMessage"]
    return dict(body)


def test_mapper_and_reducer_aggregate_every_input_file(spark: Any, tmp_path: Path) -> None:
    inputs = [tmp_path / "in" / "a.warc.wet", tmp_path / "in" / "b.warc.wet.gz", tmp_path / "in" / "c.warc.wet"]
    expected = write_wet_file(inputs[0], 40, seed=1)
    expected.merge(write_wet_file(inputs[1], 25, seed=2))
    expected.merge(write_wet_file(inputs[2], 7, seed=3))
    intermediates = []
    for index, source in enumerate(inputs):
        # MAPPER_AND_REDUCER: the mapper writes gzip parquet to an intermediate location.
        mid = tmp_path / "mid" / str(index)
        _ok(lambda_handler(mapper_event(str(source), str(mid), writeFormat="parquet"), None))
        assert (mid / "_SUCCESS").exists()
        intermediates.append(f"file://{mid}")
    out = tmp_path / "out"
    _ok(lambda_handler(reducer_event(intermediates, str(out), readFormat="parquet", readOptions={},
                                     writeFormat="json", writeOptions={"compression": "gzip"}), None))
    rows = read_json_dir(out)
    assert {r["language"]: r["records"] for r in rows} == dict(expected.records_by_language)
    assert {r["language"]: r["total_length"] for r in rows} == dict(expected.bytes_by_language)
    assert sum(r["records"] for r in rows) == 72


def test_mapper_output_columns_as_captured_request_asks(spark: Any, tmp_path: Path) -> None:
    """The captured request's own write settings (json + gzip) with local paths."""
    source = tmp_path / "one.warc.wet"
    expected = write_wet_file(source, 5, seed=9)
    out = tmp_path / "pages"
    _ok(lambda_handler(mapper_event(str(source), str(out)), None))
    assert all(p.name.endswith(".json.gz") for p in out.glob("part-*"))
    rows = read_json_dir(out)
    assert sorted(r["url"] for r in rows) == sorted(expected.urls)
    assert set(rows[0]) == {"url", "language", "length", "text"}
    for row in rows:
        assert len(row["text"].encode("utf-8")) + 1 == row["length"]  # the separator took the final "\n"


def test_union_is_by_name_and_keeps_rows_of_files_missing_columns(spark: Any) -> None:
    first = spark.createDataFrame([("eng", 10, "u1")], ["language", "length", "url"])
    second = spark.createDataFrame([(5, "deu")], ["length", "language"])
    third = spark.createDataFrame([("eng", 1)], ["language", "length"])
    totals = {r["language"]: (r["records"], r["total_length"]) for r in language_totals(
        union_all([first, second, third])).collect()}
    assert totals == {"eng": (2, 11), "deu": (1, 5)}
    with pytest.raises(ValueError, match="readUris is empty"):
        union_all([])
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['length'\]"):
        language_totals(spark.createDataFrame([("eng",)], ["language"]))


def test_captured_requests_without_a_secret_report_the_secrets_error(aws_endpoint: str, spark_env: Path) -> None:
    for name in ("SparkMapperInterface.mapper", "SparkReducerInterface.reducer"):
        body = _error(lambda_handler(captured(name), None))
        assert body["exception"]["errorType"] == "RuntimeError"
        assert SECRETS_ERROR in body["errorMessage"]
        assert "ResourceNotFoundException" in body["errorMessage"]


@pytest.mark.parametrize(("secret", "message"), [
    ("{oops", "is not valid JSON"),
    ({"reducer": {}}, "key 'mapper' is missing"),
    ({"mapper": {"read": spark_secret()["mapper"]["read"]}}, "key 'mapper.write' is missing"),
])
def test_malformed_secret_gives_an_envelope_naming_the_problem(
    create_secret: Callable[..., str], spark_env: Path, tmp_path: Path, secret: Any, message: str
) -> None:
    arn = create_secret(secret)
    source = tmp_path / "in.warc.wet"
    write_wet_file(source, 3)
    event = mapper_event(str(source), "s3a://letsdata-out-bkt/pages", sparkCredentialsSecretArn=arn)
    body = _error(lambda_handler(event, None))
    assert message in body["errorMessage"]
    assert body["exception"]["errorType"] == "SparkCredentialsSecretError"


@pytest.mark.parametrize(("read_uri", "message"), [
    ("s3://commoncrawl/x.warc.wet.gz", "readUri must be an s3a:// URI or a local path"),
    ("crawl-data/x.warc.wet.gz", "readUri must be an s3a:// URI or a local path"),
])
def test_wrong_uri_gives_a_clear_envelope(spark_env: Path, tmp_path: Path, read_uri: str, message: str) -> None:
    body = _error(lambda_handler(mapper_event(read_uri, str(tmp_path / "out")), None))
    assert message in body["errorMessage"]
    assert not (tmp_path / "out").exists()


def test_unreadable_input_fails_and_writes_nothing(spark: Any, tmp_path: Path) -> None:
    missing = tmp_path / "missing.warc.wet"
    out = tmp_path / "out"
    body = _error(lambda_handler(mapper_event(str(missing), str(out)), None))
    assert body["exception"]["errorType"] == "SparkIOError"
    assert f"cannot read text from readUri {missing}" in body["errorMessage"]
    assert not (out / "_SUCCESS").exists()


def test_reducer_with_an_unreadable_uri_fails_without_output(spark: Any, tmp_path: Path) -> None:
    source = tmp_path / "a.warc.wet"
    write_wet_file(source, 3)
    mid = tmp_path / "mid"
    _ok(lambda_handler(mapper_event(str(source), str(mid), writeFormat="parquet"), None))
    out = tmp_path / "out"
    event = reducer_event([str(mid), str(tmp_path / "gone")], str(out), readFormat="parquet", readOptions={})
    body = _error(lambda_handler(event, None))
    assert f"readUri {tmp_path / 'gone'}" in body["errorMessage"]
    assert not out.exists()


def test_mapper_rejects_a_non_text_read_format(spark_env: Path, tmp_path: Path) -> None:
    body = _error(lambda_handler(mapper_event(str(tmp_path / "x"), str(tmp_path / "o"), readFormat="json"), None))
    assert "readFormat must be 'text'" in body["errorMessage"]


def test_empty_reducer_input_list_is_rejected(spark_env: Path, tmp_path: Path) -> None:
    body = _error(lambda_handler(reducer_event([], str(tmp_path / "o")), None))
    assert "readUris" in body["errorMessage"]


def test_failure_inside_the_write_job_reports_an_error_and_commits_nothing(spark: Any, tmp_path: Path) -> None:
    """A corrupt gzip input passes analysis but fails in the tasks of the write job."""
    good = tmp_path / "in" / "good.warc.wet"
    write_wet_file(good, 20)
    corrupt = tmp_path / "in" / "corrupt.warc.wet.gz"
    corrupt.write_bytes(b"\x1f\x8b\x08\x00" + b"definitely not deflate data" * 100)
    out = tmp_path / "out"
    body = _error(lambda_handler(mapper_event(str(tmp_path / "in"), str(out)), None))
    assert body["exception"]["errorType"] == "SparkIOError"
    assert f"cannot write json to writeUri {out}" in body["errorMessage"]
    assert not (out / "_SUCCESS").exists()
    assert list(out.glob("part-*")) == []  # task output stays in _temporary, never committed
