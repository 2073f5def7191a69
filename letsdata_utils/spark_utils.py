"""Spark session, read and write helpers for LetsData Spark mappers and reducers.

Why it looks like this (docs/letsdata-wire-contract.md, Spark and secrets; docs/performance.md):

* pyspark is imported inside the functions only: importing ``letsdata_utils`` (and therefore the
  Lambda handler) must not load pyspark, a 345 MB dependency non-Spark datasets never need.
* The master comes from the ``master`` argument, else ``SPARK_MASTER``, else ``local[*]``, so the
  same mapper runs in a Lambda container, on a laptop, or against a standalone cluster
  (``spark://host:7077``) without code changes.
* s3a credentials are set per bucket (``fs.s3a.bucket.<b>.access.key`` ...). When the read and the
  write bucket are the same, Hadoop can hold only one credential set for it; the original then
  used the *read* credentials and writes failed. Here the bucket gets the *write* credentials: the
  s3a output committer must list and read the destination anyway, so a principal allowed to write
  a bucket can read it, whereas read-only credentials can never write. A warning says so.
* A reducer passes every read URI; every distinct bucket gets credentials (the original set them
  for ``readUris[0]`` only and raised ``IndexError`` on an empty list).
* Tests and local runs point s3a at an S3-compatible endpoint (moto server) through
  ``SPARK_S3A_ENDPOINT``, ``AWS_ENDPOINT_URL_S3`` or ``AWS_ENDPOINT_URL``.
* A warm container reuses its live SparkSession when the requested configuration (master, jars,
  credentials, endpoint) is unchanged: starting Spark costs 3+ s. Any difference stops the old
  session first (the original always stopped it), because Hadoop caches FileSystem objects with
  the credentials they were built with, on the driver and on every executor.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from datalake_library import settings

if TYPE_CHECKING:  # pragma: no cover - typing only
    from pyspark.sql import DataFrame, SparkSession

logger = logging.getLogger("letsdata.spark")

DEFAULT_MASTER = "local[*]"
#: Destinations the helpers accept (compared case-insensitively). LOCAL is for local runs/tests.
SUPPORTED_DESTINATIONS = ("S3", "LOCAL")
READ_FORMATS = ("json", "csv", "text", "parquet")
WRITE_FORMATS = ("json", "csv", "text", "parquet")
#: Jars needed by s3a (fetched by scripts/fetch_spark_jars.py, or baked into the container image).
S3A_JAR_PREFIXES = ("hadoop-aws-", "aws-java-sdk-bundle-")
_REPO_JARS_DIR = Path(__file__).resolve().parent.parent / ".cache" / "spark-jars"
#: Spark's scratch space: Lambda's only writable place is /tmp, and it is empty at each cold start.
SPARK_TMP_ROOT_ENV = "SPARK_TMP_ROOT"

_state_lock = threading.Lock()
_live_fingerprint: str | None = None


class SparkConfigurationError(ValueError):
    """A destination, URI, format or credential set the helpers cannot use."""


class SparkIOError(RuntimeError):
    """Spark could not read or write a dataframe; the message names the side, format and URI."""


# -- URIs and buckets ------------------------------------------------------------------------
def is_s3a_uri(uri: str) -> bool:
    return isinstance(uri, str) and uri.startswith("s3a://")


def is_local_uri(uri: str) -> bool:
    """``file://...`` or an absolute filesystem path."""
    return isinstance(uri, str) and (uri.startswith("file://") or os.path.isabs(uri))


def s3a_bucket(uri: str, role: str = "readUri") -> str:
    """The bucket of an ``s3a://bucket/key`` URI; a clear error names ``role`` otherwise."""
    parsed = urlparse(uri) if isinstance(uri, str) else None
    if parsed is None or parsed.scheme != "s3a" or not parsed.netloc:
        raise SparkConfigurationError(f"{role} is not a valid S3 URI (expected s3a://<bucket>/<key>): {uri!r}")
    return parsed.netloc


def validate_uri(uri: Any, role: str) -> str:
    """Accept ``s3a://bucket/...``, ``file://...`` or an absolute path; reject everything else clearly."""
    if not isinstance(uri, str) or not uri:
        raise SparkConfigurationError(f"{role} must be a non-empty string, got {uri!r}")
    if is_s3a_uri(uri):
        s3a_bucket(uri, role)
        return uri
    if is_local_uri(uri):
        return uri
    scheme = urlparse(uri).scheme
    hint = " (use the s3a:// scheme for S3)" if scheme in ("s3", "s3n") else ""
    raise SparkConfigurationError(
        f"{role} must be an s3a:// URI or a local path (file:// or absolute), got {uri!r}{hint}"
    )


def _check_destination(destination: Any, role: str) -> str:
    if not isinstance(destination, str) or destination.upper() not in SUPPORTED_DESTINATIONS:
        raise SparkConfigurationError(
            f"{destination} {role} not supported (supported: {', '.join(SUPPORTED_DESTINATIONS)})"
        )
    return destination.upper()


def _check_uri_for_destination(destination: str, uri: str, role: str) -> None:
    """S3 takes s3a:// URIs (and local paths, for local runs); LOCAL takes local paths only."""
    if destination == "LOCAL" and is_s3a_uri(uri):
        raise SparkConfigurationError(f"{role} {uri!r} is an s3a:// URI but the destination is LOCAL")


# -- configuration ---------------------------------------------------------------------------
def resolve_master(master: str | None = None) -> str:
    """The argument, else ``SPARK_MASTER``, else ``local[*]``."""
    return master or settings.get("SPARK_MASTER") or DEFAULT_MASTER


def s3a_endpoint() -> str | None:
    """An S3-compatible endpoint override for s3a (tests, MinIO, moto), or None for AWS."""
    for name in ("SPARK_S3A_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"):
        value = settings.get(name)
        if value:
            return value
    return None


def s3a_jars(jars_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """The hadoop-aws and aws-java-sdk-bundle jars to add, if a jar directory holds them.

    Looked up in the first of ``jars_dir``, ``SPARK_JARS_DIR`` or the repository's ``.cache/spark-jars``
    (filled by ``make jars``) that is given; an explicit directory without the jars means "none". An
    image that bakes the jars into pyspark's own ``jars/`` needs none.
    """
    directory = Path(jars_dir or settings.get("SPARK_JARS_DIR") or _REPO_JARS_DIR)
    if not directory.is_dir():
        return []
    return sorted(str(p) for p in directory.glob("*.jar") if p.name.startswith(S3A_JAR_PREFIXES))


def _credential_settings(bucket: str, creds: Mapping[str, Any] | None, role: str) -> dict[str, str]:
    if creds is None:
        raise SparkConfigurationError(f"{role} credentials are required for s3a bucket {bucket!r}")
    if not isinstance(creds, Mapping):
        raise SparkConfigurationError(f"{role} credentials must be a dict, got {type(creds).__name__}")
    values: dict[str, str] = {}
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        value = creds.get(key)
        if not isinstance(value, str) or not value:
            raise SparkConfigurationError(f"{role} credentials for bucket {bucket!r} lack {key}")
        values[key] = value
    token = creds.get("AWS_SESSION_TOKEN")
    prefix = f"spark.hadoop.fs.s3a.bucket.{bucket}."
    settings = {
        prefix + "access.key": values["AWS_ACCESS_KEY_ID"],
        prefix + "secret.key": values["AWS_SECRET_ACCESS_KEY"],
    }
    if token:
        settings[prefix + "session.token"] = str(token)
        settings[prefix + "aws.credentials.provider"] = "org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider"
    else:
        settings[prefix + "aws.credentials.provider"] = "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider"
    return settings


def _tmp_dirs() -> dict[str, str]:
    """Spark scratch directories under /tmp, created now (Lambda mounts an empty /tmp at run time)."""
    root = Path(settings.get(SPARK_TMP_ROOT_ENV))
    dirs = {"local": root / "local", "warehouse": root / "warehouse"}
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    return {
        "spark.local.dir": str(dirs["local"]),
        "spark.sql.warehouse.dir": str(dirs["warehouse"]),
    }


def build_spark_conf(
    readDestination: str,
    writeDestination: str,
    readUri: str | Sequence[str],
    writeUri: str,
    readCredentials: Mapping[str, Any] | None,
    writeCredentials: Mapping[str, Any] | None,
    master: str | None = None,
    jars_dir: str | os.PathLike[str] | None = None,
    extraConf: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """Every Spark setting :func:`createSparkSession` applies, as a plain dict (unit-testable
    without a JVM). ``readUri`` may be a list (a reducer's ``readUris``)."""
    read_destination = _check_destination(readDestination, "readDestination")
    write_destination = _check_destination(writeDestination, "writeDestination")
    read_uris = [readUri] if isinstance(readUri, str) else list(readUri) if readUri is not None else []
    if not read_uris:
        raise SparkConfigurationError("readUris must be a non-empty list of URIs")
    for index, uri in enumerate(read_uris):
        role = "readUri" if isinstance(readUri, str) else f"readUris[{index}]"
        validate_uri(uri, role)
        _check_uri_for_destination(read_destination, uri, role)
    validate_uri(writeUri, "writeUri")
    _check_uri_for_destination(write_destination, writeUri, "writeUri")

    conf: dict[str, str] = {
        "spark.master": resolve_master(master),
        "spark.ui.enabled": "false",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.host": "127.0.0.1",
        # Progress bars are terminal noise in CloudWatch logs.
        "spark.ui.showConsoleProgress": "false",
    }
    conf.update(_tmp_dirs())

    # The s3a jars go on every session, not only s3a ones: they reach the driver's classpath only when
    # the JVM starts, so a JVM first started without them could never read s3a:// later in the process.
    jars = s3a_jars(jars_dir)
    if jars:
        conf["spark.jars"] = ",".join(jars)

    read_buckets = list(dict.fromkeys(s3a_bucket(u) for u in read_uris if is_s3a_uri(u)))
    write_bucket = s3a_bucket(writeUri, "writeUri") if is_s3a_uri(writeUri) else None
    if read_buckets or write_bucket:
        conf["spark.hadoop.fs.s3a.impl"] = "org.apache.hadoop.fs.s3a.S3AFileSystem"
        for bucket in read_buckets:
            if bucket == write_bucket:
                continue  # configured below with the write credentials
            conf.update(_credential_settings(bucket, readCredentials, "read"))
        if write_bucket:
            if write_bucket in read_buckets and readCredentials and dict(readCredentials) != dict(writeCredentials or {}):
                logger.warning(
                    "read and write share bucket %s: it is configured with the write credentials", write_bucket
                )
            conf.update(_credential_settings(write_bucket, writeCredentials, "write"))
        endpoint = s3a_endpoint()
        if endpoint:
            conf["spark.hadoop.fs.s3a.endpoint"] = endpoint
            conf["spark.hadoop.fs.s3a.path.style.access"] = "true"
            conf["spark.hadoop.fs.s3a.connection.ssl.enabled"] = str(endpoint.startswith("https")).lower()
        if not jars:
            logger.info("no hadoop-aws jars found (SPARK_JARS_DIR); relying on the Spark classpath for s3a")
    for key, value in (extraConf or {}).items():
        conf[str(key)] = _option_value(key, value, "extraConf")
    return conf


def _fingerprint(conf: Mapping[str, str]) -> str:
    """A digest (never the values themselves) of the settings that need a fresh SparkContext."""
    text = json.dumps(sorted(conf.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def createSparkSession(
    appName: str,
    readDestination: str,
    writeDestination: str,
    readUri: str | Sequence[str],
    writeUri: str,
    readCredentials: Mapping[str, Any] | None,
    writeCredentials: Mapping[str, Any] | None,
    master: str | None = None,
    jars_dir: str | os.PathLike[str] | None = None,
    extraConf: Mapping[str, Any] | None = None,
    reuse: bool = True,
) -> SparkSession:
    """A SparkSession configured for reading ``readUri`` (one URI or a reducer's list) and writing
    ``writeUri``.

    With ``reuse`` (the default) a live session this function created with the same settings is
    returned as is; otherwise any active session is stopped and a new one is built.
    """
    global _live_fingerprint
    if not isinstance(appName, str) or not appName:
        raise SparkConfigurationError(f"appName must be a non-empty string, got {appName!r}")
    conf = build_spark_conf(readDestination, writeDestination, readUri, writeUri, readCredentials,
                            writeCredentials, master, jars_dir, extraConf)
    fingerprint = _fingerprint(conf)

    from pyspark.sql import SparkSession

    with _state_lock:
        active = _running_session(SparkSession)
        if active is not None and reuse and fingerprint == _live_fingerprint and _is_alive(active):
            logger.debug("reusing the live SparkSession (same master, jars and credentials)")
            return active
        if active is not None:
            active.stop()
        _live_fingerprint = None
        builder = SparkSession.builder.appName(appName)
        for key, value in conf.items():
            builder = builder.config(key, value)
        spark = builder.getOrCreate()
        _live_fingerprint = fingerprint
        logger.info("SparkSession started: master=%s app=%s", conf["spark.master"], appName)
        return spark


def _running_session(session_class: Any) -> Any:
    """The process's running session, whichever thread started it.

    ``SparkSession.getActiveSession()`` is per thread: from a worker thread (letsdata_local runs
    mapper tasks on a thread pool) it answers None while the process-wide session is alive, and
    ``getOrCreate()`` would then hand back that session with its old Hadoop settings ("Using an
    existing Spark session; only runtime SQL configurations will take effect") -- s3a would keep the
    previous endpoint and credentials.
    """
    return session_class.getActiveSession() or getattr(session_class, "_instantiatedSession", None)


def _is_alive(spark: Any) -> bool:
    try:
        return not spark.sparkContext._jsc.sc().isStopped()
    except Exception:  # a dead py4j gateway counts as stopped
        return False


def stopSparkSession() -> None:
    """Stop the active session (tests, shutdown); the next :func:`createSparkSession` starts afresh."""
    global _live_fingerprint
    from pyspark.sql import SparkSession

    with _state_lock:
        active = _running_session(SparkSession)
        if active is not None:
            active.stop()
        _live_fingerprint = None


# -- reading and writing ---------------------------------------------------------------------
def _option_value(key: Any, value: Any, role: str) -> str:
    if not isinstance(key, str) or not key:
        raise SparkConfigurationError(f"{role} keys must be non-empty strings, got {key!r}")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise SparkConfigurationError(
        f"{role} value for {key!r} must be a string, number or boolean, got {type(value).__name__}"
    )


def _options(options: Mapping[str, Any] | None, role: str) -> dict[str, str]:
    if options is None:
        return {}
    if not isinstance(options, Mapping):
        raise SparkConfigurationError(f"{role} must be a dict, got {type(options).__name__}")
    return {key: _option_value(key, value, role) for key, value in options.items()}


def _format(fmt: Any, supported: Sequence[str], role: str) -> str:
    name = fmt.lower() if isinstance(fmt, str) else None
    if name is None or name not in supported:
        raise SparkConfigurationError(f"{fmt} {role} not supported (supported: {', '.join(supported)})")
    return name


def readSparkDataframe(
    spark: SparkSession,
    readDestination: str,
    readUri: str,
    readFormat: str,
    readOptions: Mapping[str, Any] | None,
) -> DataFrame:
    """Load ``readUri`` as ``readFormat`` (json, csv, text, parquet; any case) with every option.

    Options go to Spark unchanged, ``lineSep`` included (text, json and csv honour it; the
    original's special case for it never ran). Spark's analysis errors (missing path, bad
    options) are re-raised as :class:`SparkIOError` naming the format and URI.
    """
    destination = _check_destination(readDestination, "readDestination")
    uri = validate_uri(readUri, "readUri")
    _check_uri_for_destination(destination, uri, "readUri")
    fmt = _format(readFormat, READ_FORMATS, "readFormat")
    options = _options(readOptions, "readOptions")
    try:
        return spark.read.format(fmt).options(**options).load(uri)
    except Exception as exc:
        if _is_spark_error(exc):
            raise SparkIOError(f"cannot read {fmt} from readUri {uri}: {_first_line(exc)}") from exc
        raise


def writeSparkDataframe(
    spark: SparkSession,
    writeDestination: str,
    writeUri: str,
    writeFormat: str,
    writeMode: str,
    writeOptions: Mapping[str, Any] | None,
    df: DataFrame,
) -> DataFrame:
    """Save ``df`` to ``writeUri`` as ``writeFormat`` (json, csv, text, parquet) and return it.

    A failed job raises :class:`SparkIOError`; Spark's commit protocol publishes output (and the
    ``_SUCCESS`` marker) only when every task succeeded, so a failure is never reported as success.
    """
    destination = _check_destination(writeDestination, "writeDestination")
    uri = validate_uri(writeUri, "writeUri")
    _check_uri_for_destination(destination, uri, "writeUri")
    fmt = _format(writeFormat, WRITE_FORMATS, "writeFormat")
    options = _options(writeOptions, "writeOptions")
    if not isinstance(writeMode, str) or writeMode.lower() not in ("overwrite", "append", "ignore", "error",
                                                                   "errorifexists"):
        raise SparkConfigurationError(
            f"{writeMode} writeMode not supported (supported: overwrite, append, ignore, error, errorifexists)"
        )
    if fmt == "text":
        fields = df.schema.fields
        if len(fields) != 1 or fields[0].dataType.typeName() != "string":
            raise SparkConfigurationError(
                "text writeFormat needs exactly one string column, got "
                + ", ".join(f"{f.name}:{f.dataType.simpleString()}" for f in fields)
            )
    try:
        df.write.mode(writeMode.lower()).format(fmt).options(**options).save(uri)
    except Exception as exc:
        if _is_spark_error(exc):
            raise SparkIOError(f"cannot write {fmt} to writeUri {uri}: {_first_line(exc)}") from exc
        raise
    return df


def _is_spark_error(exc: BaseException) -> bool:
    module = type(exc).__module__
    return module.startswith(("pyspark", "py4j"))


def _first_line(exc: BaseException) -> str:
    """The first meaningful line of a Spark/JVM error (JVM stack traces stay in the cause)."""
    text = str(exc).strip()
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line[:500]
    return type(exc).__name__
