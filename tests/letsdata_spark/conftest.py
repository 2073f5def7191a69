"""Spark fixtures: ONE local SparkSession per test session, plus helpers for handler requests.

Only one SparkContext can live in a process. Every in-process Spark test goes through
``createSparkSession`` with the same settings (``SPARK_MASTER=local[2]``, local paths), so the live
session is reused; the s3a tests need other settings (jars, credentials, endpoint), which restart it
once. The standalone-cluster test runs its driver in a subprocess so it never collides with this one.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from letsdata_service import registry
from letsdata_service.Service import InterfaceNames
from letsdata_utils.secretmanager_util import SecretManagerUtil
from tests.conftest import EVENTS_DIR

MAPPER_IMPL = "examples.letsdata.spark_wet_mapper:WetSparkMapper"
REDUCER_IMPL = "examples.letsdata.spark_reducer:UnionSparkReducer"
SECRET_NAME = "letsdata-spark-credentials"


@pytest.fixture(scope="session")
def spark_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Environment for every Spark test: two local cores, scratch space in a temp dir."""
    import sys

    root = tmp_path_factory.mktemp("spark")
    patch = pytest.MonkeyPatch()
    patch.setenv("SPARK_MASTER", "local[2]")
    patch.setenv("SPARK_TMP_ROOT", str(root / "scratch"))
    patch.setenv("PYSPARK_PYTHON", sys.executable)
    patch.setenv("SPARK_LOCAL_IP", "127.0.0.1")
    yield root
    from letsdata_utils.spark_utils import stopSparkSession

    stopSparkSession()
    patch.undo()


@pytest.fixture
def spark(spark_env: Path, tmp_path: Path) -> Any:
    """The shared local SparkSession (started on first use, reused afterwards)."""
    from letsdata_utils.spark_utils import createSparkSession

    return createSparkSession("letsdata-tests", "S3", "S3", str(tmp_path / "in"), str(tmp_path / "out"), None, None)


@pytest.fixture(autouse=True)
def clean_state(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The example mapper/reducer selected through LETSDATA_IMPL_*, no cached instance or secret."""
    for iface in InterfaceNames:
        monkeypatch.delenv(registry.env_var_name(iface), raising=False)
    monkeypatch.setenv(registry.env_var_name("SparkMapperInterface"), MAPPER_IMPL)
    monkeypatch.setenv(registry.env_var_name("SparkReducerInterface"), REDUCER_IMPL)
    monkeypatch.setenv("LETS_DATA_STAGE", "Test")
    registry.reset_implementations()
    SecretManagerUtil.reset_instances()
    yield
    registry.reset_implementations()
    SecretManagerUtil.reset_instances()


def captured(name: str) -> dict[str, Any]:
    return json.loads((EVENTS_DIR / f"{name}.json").read_text(encoding="utf-8"))


def mapper_event(readUri: str, writeUri: str, **overrides: Any) -> dict[str, Any]:
    """The captured mapper request with its URIs (and any other data key) replaced."""
    event = copy.deepcopy(captured("SparkMapperInterface.mapper"))
    event["data"].update(readUri=readUri, writeUri=writeUri, **overrides)
    return event


def reducer_event(readUris: list[str], writeUri: str, **overrides: Any) -> dict[str, Any]:
    event = copy.deepcopy(captured("SparkReducerInterface.reducer"))
    event["data"].update(readUris=readUris, writeUri=writeUri, **overrides)
    return event


def spark_secret(read: dict[str, str] | None = None, write: dict[str, str] | None = None) -> dict[str, Any]:
    """A well-formed Spark credentials secret (moto accepts any key)."""
    read = read or {"AWS_ACCESS_KEY_ID": "readkey", "AWS_SECRET_ACCESS_KEY": "readsecret",
                    "AWS_SESSION_TOKEN": "readtoken"}
    write = write or {"AWS_ACCESS_KEY_ID": "writekey", "AWS_SECRET_ACCESS_KEY": "writesecret",
                      "AWS_SESSION_TOKEN": "writetoken"}
    return {"mapper": {"read": read, "write": write}, "reducer": {"read": read, "write": write}}


@pytest.fixture
def create_secret(aws_endpoint: str) -> Callable[[Any], str]:
    """Store a secret (dict -> JSON, str as is) in moto and return its ARN."""
    from datalake_library.aws import shared_session

    def create(value: Any, name: str = SECRET_NAME) -> str:
        text = value if isinstance(value, str) else json.dumps(value)
        client = shared_session().client("secretsmanager")
        return str(client.create_secret(Name=name, SecretString=text)["ARN"])

    return create


def read_json_dir(path: Path) -> list[dict[str, Any]]:
    """All JSON-lines records of a Spark json output directory (plain Python, no Spark)."""
    import gzip

    rows: list[dict[str, Any]] = []
    for part in sorted(path.glob("part-*")):
        opener = gzip.open if part.name.endswith(".gz") else open
        with opener(part, "rt", encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    return rows
