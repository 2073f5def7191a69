"""spark_utils: configuration (no JVM) and real reads/writes on the shared local session."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path
from typing import Any

import pytest

from letsdata_utils import spark_utils
from letsdata_utils.spark_utils import (
    SparkConfigurationError,
    SparkIOError,
    build_spark_conf,
    createSparkSession,
    readSparkDataframe,
    writeSparkDataframe,
)

pytestmark = pytest.mark.spark

READ = {"AWS_ACCESS_KEY_ID": "RK", "AWS_SECRET_ACCESS_KEY": "RS", "AWS_SESSION_TOKEN": "RT"}
WRITE = {"AWS_ACCESS_KEY_ID": "WK", "AWS_SECRET_ACCESS_KEY": "WS", "AWS_SESSION_TOKEN": "WT"}
KEY = "spark.hadoop.fs.s3a.bucket.{}.{}"


def _conf(read_uri: Any = "s3a://read-bkt/in/x", write_uri: str = "s3a://write-bkt/out", **kw: Any) -> dict[str, str]:
    return build_spark_conf("S3", "S3", read_uri, write_uri, kw.pop("read", READ), kw.pop("write", WRITE), **kw)


# -- configuration ---------------------------------------------------------------------------
def test_that_importing_spark_utils_does_not_import_pyspark() -> None:
    import subprocess

    code = ("import letsdata_utils.spark_utils, letsdata_utils.secretmanager_util, sys\n"
            "import examples.letsdata.spark_wet_mapper, examples.letsdata.spark_reducer\n"
            "print('pyspark' in sys.modules)")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root).stdout
    assert out.strip() == "False"


def test_changed_credentials_or_endpoint_mean_a_new_session(monkeypatch: pytest.MonkeyPatch, spark_env: Path) -> None:
    """The reuse key changes with anything the live SparkContext cannot pick up (never with appName)."""
    fingerprint = spark_utils._fingerprint
    base = fingerprint(_conf())
    assert fingerprint(_conf()) == base
    assert fingerprint(_conf(write={**WRITE, "AWS_SESSION_TOKEN": "rotated"})) != base
    monkeypatch.setenv("SPARK_S3A_ENDPOINT", "http://127.0.0.1:1")
    assert fingerprint(_conf()) != base
    monkeypatch.delenv("SPARK_S3A_ENDPOINT")
    assert fingerprint(_conf(master="local[1]")) != base
    assert "RS" not in base and len(base) == 64  # a digest, never the secret itself


def test_master_argument_then_env_then_local(monkeypatch: pytest.MonkeyPatch, spark_env: Path) -> None:
    assert _conf(master="spark://127.0.0.1:7077")["spark.master"] == "spark://127.0.0.1:7077"
    monkeypatch.setenv("SPARK_MASTER", "local[1]")
    assert _conf()["spark.master"] == "local[1]"
    monkeypatch.delenv("SPARK_MASTER")
    conf = _conf()
    assert conf["spark.master"] == "local[*]"
    assert conf["spark.ui.enabled"] == "false"
    assert conf["spark.driver.bindAddress"] == "127.0.0.1" == conf["spark.driver.host"]


def test_per_bucket_credentials_for_read_and_write_buckets(spark_env: Path) -> None:
    conf = _conf()
    assert conf["spark.hadoop.fs.s3a.impl"] == "org.apache.hadoop.fs.s3a.S3AFileSystem"
    assert conf[KEY.format("read-bkt", "access.key")] == "RK"
    assert conf[KEY.format("read-bkt", "secret.key")] == "RS"
    assert conf[KEY.format("read-bkt", "session.token")] == "RT"
    assert conf[KEY.format("write-bkt", "access.key")] == "WK"
    assert conf[KEY.format("write-bkt", "session.token")] == "WT"
    assert conf[KEY.format("write-bkt", "aws.credentials.provider")].endswith("TemporaryAWSCredentialsProvider")


def test_same_bucket_gets_the_write_credentials(spark_env: Path) -> None:
    conf = _conf("s3a://one-bkt/in/x", "s3a://one-bkt/out/y")
    assert conf[KEY.format("one-bkt", "access.key")] == "WK"
    assert conf[KEY.format("one-bkt", "secret.key")] == "WS"
    assert conf[KEY.format("one-bkt", "session.token")] == "WT"


def test_reducer_configures_every_distinct_read_bucket(spark_env: Path) -> None:
    conf = _conf(["s3a://a-bkt/1", "s3a://b-bkt/2", "s3a://a-bkt/3", "/tmp/local"], "s3a://out-bkt/o")
    for bucket in ("a-bkt", "b-bkt"):
        assert conf[KEY.format(bucket, "access.key")] == "RK"
    assert conf[KEY.format("out-bkt", "access.key")] == "WK"
    with pytest.raises(SparkConfigurationError, match="readUris must be a non-empty list"):
        _conf([], "s3a://out-bkt/o")


def test_long_term_keys_use_the_simple_provider(spark_env: Path) -> None:
    conf = _conf(read={"AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "B", "AWS_SESSION_TOKEN": ""})
    assert KEY.format("read-bkt", "session.token") not in conf
    assert conf[KEY.format("read-bkt", "aws.credentials.provider")].endswith("SimpleAWSCredentialsProvider")


@pytest.mark.parametrize(("read_uri", "write_uri", "message"), [
    ("s3://bkt/key", "/tmp/o", r"readUri must be an s3a:// URI or a local path .*use the s3a:// scheme"),
    ("relative/path", "/tmp/o", "readUri must be an s3a:// URI or a local path"),
    ("/tmp/i", "http://host/x", "writeUri must be an s3a:// URI or a local path"),
    ("s3a:///no-bucket", "/tmp/o", "readUri is not a valid S3 URI"),
    (["/tmp/a", "gs://b/c"], "/tmp/o", r"readUris\[1\] must be"),
    (None, "/tmp/o", "readUris must be a non-empty list"),
])
def test_bad_uris_are_named(spark_env: Path, read_uri: Any, write_uri: str, message: str) -> None:
    with pytest.raises(SparkConfigurationError, match=message):
        _conf(read_uri, write_uri)


def test_bad_destination_and_missing_credentials(spark_env: Path) -> None:
    with pytest.raises(SparkConfigurationError, match="GCS readDestination not supported"):
        build_spark_conf("GCS", "S3", "/tmp/a", "/tmp/b", None, None)
    with pytest.raises(SparkConfigurationError, match="KAFKA writeDestination not supported"):
        build_spark_conf("s3", "KAFKA", "/tmp/a", "/tmp/b", None, None)
    with pytest.raises(SparkConfigurationError, match="readUri 's3a://r/k' is an s3a:// URI but the destination is LOCAL"):
        build_spark_conf("Local", "S3", "s3a://r/k", "/tmp/b", READ, None)
    assert build_spark_conf("local", "LOCAL", "/tmp/a", "file:///tmp/b", None, None)["spark.master"]
    with pytest.raises(SparkConfigurationError, match="write credentials are required for s3a bucket 'w-bkt'"):
        build_spark_conf("S3", "S3", "/tmp/a", "s3a://w-bkt/o", None, None)
    with pytest.raises(SparkConfigurationError, match="read credentials for bucket 'r-bkt' lack AWS_SECRET_ACCESS_KEY"):
        build_spark_conf("S3", "S3", "s3a://r-bkt/i", "/tmp/o", {"AWS_ACCESS_KEY_ID": "x"}, None)


def test_endpoint_override_and_jars(monkeypatch: pytest.MonkeyPatch, spark_env: Path, tmp_path: Path) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.delenv("SPARK_S3A_ENDPOINT", raising=False)
    monkeypatch.setenv("SPARK_JARS_DIR", str(tmp_path))
    (tmp_path / "hadoop-aws-3.3.1.jar").write_bytes(b"")
    (tmp_path / "aws-java-sdk-bundle-1.11.901.jar").write_bytes(b"")
    (tmp_path / "unrelated.jar").write_bytes(b"")
    conf = _conf()
    assert "spark.hadoop.fs.s3a.endpoint" not in conf
    assert conf["spark.jars"].split(",") == [str(tmp_path / "aws-java-sdk-bundle-1.11.901.jar"),
                                             str(tmp_path / "hadoop-aws-3.3.1.jar")]
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5555")
    conf = _conf()
    assert conf["spark.hadoop.fs.s3a.endpoint"] == "http://127.0.0.1:5555"
    assert conf["spark.hadoop.fs.s3a.path.style.access"] == "true"
    assert conf["spark.hadoop.fs.s3a.connection.ssl.enabled"] == "false"
    monkeypatch.setenv("SPARK_S3A_ENDPOINT", "https://minio.local:9000")
    assert _conf()["spark.hadoop.fs.s3a.connection.ssl.enabled"] == "true"
    local = build_spark_conf("S3", "S3", "/tmp/a", "/tmp/b", None, None)
    # The jars ride along even without s3a (they only reach the driver classpath at JVM start).
    assert local["spark.jars"] == conf["spark.jars"] and "spark.hadoop.fs.s3a.impl" not in local


def test_scratch_dirs_are_created_under_the_tmp_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(spark_utils.SPARK_TMP_ROOT_ENV, str(tmp_path / "lambda-tmp"))
    conf = build_spark_conf("S3", "S3", "/tmp/a", "/tmp/b", None, None)
    assert Path(conf["spark.local.dir"]).is_dir()
    assert Path(conf["spark.sql.warehouse.dir"]).is_dir()
    assert conf["spark.local.dir"].startswith(str(tmp_path / "lambda-tmp"))


# -- reading and writing on the shared session -----------------------------------------------
ROWS = [("a", 1, "x;y"), ("b", 2, "z")]


def _frame(spark: Any) -> Any:
    return spark.createDataFrame(ROWS, ["name", "n", "note"])


@pytest.mark.parametrize(("fmt", "write_options", "read_options", "suffix"), [
    ("json", {"compression": "gzip"}, {}, ".json.gz"),
    ("JSON", {}, {}, ".json"),
    ("csv", {"header": True, "sep": "|"}, {"header": "true", "sep": "|", "inferSchema": True}, ".csv"),
    ("Parquet", {"compression": "gzip"}, {}, ".gz.parquet"),
])
def test_roundtrip_each_format_with_options(spark: Any, tmp_path: Path, fmt: str, write_options: dict[str, Any],
                                            read_options: dict[str, Any], suffix: str) -> None:
    out = tmp_path / "out"
    writeSparkDataframe(spark, "S3", str(out), fmt, "overwrite", write_options, _frame(spark))
    parts = [p.name for p in out.glob("part-*")]
    assert parts and all(p.endswith(suffix) for p in parts), parts
    assert (out / "_SUCCESS").exists()
    back = readSparkDataframe(spark, "s3", f"file://{out}", fmt, read_options)
    assert sorted((r["name"], int(r["n"]), r["note"]) for r in back.collect()) == ROWS
    if fmt == "csv":
        text = "".join(p.read_text() for p in out.glob("part-*"))
        assert text.startswith("name|n|note") and "a|1|x;y" in text


def test_text_reads_honour_a_multi_character_lineSep(spark: Any, tmp_path: Path) -> None:
    source = tmp_path / "records.txt"
    source.write_bytes(b"first\nline\n\r\n\r\nsecond\n\r\n\r\nthird")
    df = readSparkDataframe(spark, "S3", str(source), "TEXT", {"lineSep": "\n\r\n\r\n"})
    assert [r.value for r in df.collect()] == ["first\nline", "second", "third"]
    plain = readSparkDataframe(spark, "S3", str(source), "text", {})
    assert plain.count() > 3  # default newline splitting differs: the option really is applied


def test_text_write_with_lineSep_and_gzip(spark: Any, tmp_path: Path) -> None:
    out = tmp_path / "text"
    df = spark.createDataFrame([("alpha",), ("beta",)], ["value"]).coalesce(1)
    writeSparkDataframe(spark, "S3", str(out), "text", "overwrite", {"lineSep": "||", "compression": "gzip"}, df)
    (part,) = list(out.glob("part-*.txt.gz"))
    assert gzip.decompress(part.read_bytes()) == b"alpha||beta||"


def test_text_write_needs_a_single_string_column(spark: Any, tmp_path: Path) -> None:
    with pytest.raises(SparkConfigurationError, match="exactly one string column, got name:string, n:bigint"):
        writeSparkDataframe(spark, "S3", str(tmp_path / "t"), "text", "overwrite", {}, _frame(spark))
    assert not (tmp_path / "t").exists()


def test_unsupported_formats_modes_and_options(spark: Any, tmp_path: Path) -> None:
    with pytest.raises(SparkConfigurationError, match="avro readFormat not supported"):
        readSparkDataframe(spark, "S3", str(tmp_path), "avro", {})
    with pytest.raises(SparkConfigurationError, match="orc writeFormat not supported"):
        writeSparkDataframe(spark, "S3", str(tmp_path / "o"), "orc", "overwrite", {}, _frame(spark))
    with pytest.raises(SparkConfigurationError, match="upsert writeMode not supported"):
        writeSparkDataframe(spark, "S3", str(tmp_path / "o"), "json", "upsert", {}, _frame(spark))
    with pytest.raises(SparkConfigurationError, match="readOptions value for 'lineSep' must be a string"):
        readSparkDataframe(spark, "S3", str(tmp_path), "text", {"lineSep": None})
    with pytest.raises(SparkConfigurationError, match="readUri must be an s3a:// URI or a local path"):
        readSparkDataframe(spark, "S3", "s3://bkt/key", "json", {})


def test_missing_input_is_a_clear_read_error(spark: Any, tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(SparkIOError, match=f"cannot read json from readUri {missing}: .*PATH_NOT_FOUND"):
        readSparkDataframe(spark, "S3", str(missing), "json", {})


def test_write_errors_name_the_write_side(spark: Any, tmp_path: Path) -> None:
    out = tmp_path / "exists"
    writeSparkDataframe(spark, "S3", str(out), "json", "overwrite", {}, _frame(spark))
    with pytest.raises(SparkIOError, match=f"cannot write json to writeUri {out}"):
        writeSparkDataframe(spark, "S3", str(out), "json", "errorifexists", {}, _frame(spark))


def test_live_session_is_reused_only_for_identical_settings(spark: Any, tmp_path: Path) -> None:
    again = createSparkSession("other-app", "S3", "S3", "/tmp/x", "/tmp/y", None, None)
    assert again is spark
    fresh = createSparkSession("other-app", "S3", "S3", "/tmp/x", "/tmp/y", None, None, reuse=False)
    assert fresh is not spark
    assert spark_utils._is_alive(fresh) and not spark_utils._is_alive(spark)
    assert fresh.range(3).count() == 3


def test_the_running_session_is_found_from_any_thread() -> None:
    """getActiveSession() is per thread; from a mapper thread the process's session must still be
    found (and stopped when the settings differ), or getOrCreate() keeps its old s3a settings."""
    import threading

    from letsdata_utils.spark_utils import _running_session

    process_wide = object()

    class FakeSessionClass:
        _instantiatedSession = process_wide
        _per_thread = threading.local()

        @classmethod
        def getActiveSession(cls) -> Any:
            return getattr(cls._per_thread, "session", None)

    found: list[Any] = []
    worker = threading.Thread(target=lambda: found.append(_running_session(FakeSessionClass)))
    worker.start()
    worker.join()
    assert found == [process_wide]
    own = object()
    FakeSessionClass._per_thread.session = own
    assert _running_session(FakeSessionClass) is own
    FakeSessionClass._instantiatedSession = None
    del FakeSessionClass._per_thread.session
    assert _running_session(FakeSessionClass) is None
