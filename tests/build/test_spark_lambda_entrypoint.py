"""container/spark-lambda-entrypoint.sh: Spark's /tmp directories and driver heap, made at start.

The wrapper is run for real with a temporary scratch root and, in place of the base image's
/lambda-entrypoint.sh, a tiny script that reports the environment and arguments it was exec'd with.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.build.conftest import BASH, ROOT, tool

ENTRYPOINT = ROOT / "container" / "spark-lambda-entrypoint.sh"


@pytest.fixture
def next_entrypoint(tmp_path: Path) -> Path:
    script = tmp_path / "next.py"
    script.write_text(
        "import json, os, sys\n"
        "json.dump({'argv': sys.argv[1:], 'env': {k: v for k, v in os.environ.items() if k.startswith('SPARK_')}},"
        " sys.stdout)\n"
    )
    wrapper = tmp_path / "next.sh"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{script}" "$@"\n')
    wrapper.chmod(0o755)
    return wrapper


def start(tmp_path: Path, next_entrypoint: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "SPARK_TMP_ROOT": str(tmp_path / "spark"),
            "LETSDATA_NEXT_ENTRYPOINT": str(next_entrypoint)}
    return subprocess.run(
        [BASH, str(ENTRYPOINT), "letsdata_lambda_function.lambda_handler"],
        capture_output=True, text=True, env={**base, **env}, timeout=30, check=False,
    )


def read_defaults(conf_dir: Path) -> dict[str, str]:
    pairs = (line.split(None, 1) for line in (conf_dir / "spark-defaults.conf").read_text().splitlines() if line)
    return {key: value.strip() for key, value in pairs}


def test_is_shellcheck_clean_strict_and_executable() -> None:
    text = ENTRYPOINT.read_text()
    assert text.startswith("#!/usr/bin/env bash\n") and "set -euo pipefail" in text
    assert ENTRYPOINT.stat().st_mode & 0o111
    result = subprocess.run([tool("shellcheck"), str(ENTRYPOINT)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout


def test_creates_directories_and_sizes_heap_from_lambda_memory(tmp_path, next_entrypoint) -> None:
    result = start(tmp_path, next_entrypoint, AWS_LAMBDA_FUNCTION_MEMORY_SIZE="3008")

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["argv"] == ["letsdata_lambda_function.lambda_handler"]
    env = report["env"]
    spark = tmp_path / "spark"
    assert env["SPARK_DRIVER_MEMORY"] == "1804m"  # 60 % of 3008 MB
    assert env["SPARK_LOCAL_DIRS"] == str(spark / "local")
    assert env["SPARK_CONF_DIR"] == str(spark / "conf")
    assert env["SPARK_TMP_ROOT"] == str(spark)  # shared with letsdata_utils.spark_utils
    for name in ("local", "logs", "work", "conf", "warehouse", "ivy", "derby"):
        assert (spark / name).is_dir(), name
    defaults = read_defaults(spark / "conf")
    assert defaults["spark.driver.memory"] == "1804m"
    assert defaults["spark.local.dir"] == str(spark / "local")
    assert defaults["spark.driver.bindAddress"] == "127.0.0.1"
    assert defaults["spark.ui.enabled"] == "false"


@pytest.mark.parametrize(
    ("env", "heap"),
    [
        ({"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "10240"}, "6144m"),
        ({"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128"}, "256m"),  # floor
        ({}, "614m"),  # outside Lambda: 1024 MB assumed
        ({"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "2048", "LETSDATA_SPARK_DRIVER_MEMORY_PERCENT": "75"}, "1536m"),
        ({"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "2048", "SPARK_DRIVER_MEMORY": "3g"}, "3g"),  # explicit wins
    ],
)
def test_heap_follows_memory_setting(tmp_path, next_entrypoint, env, heap) -> None:
    result = start(tmp_path, next_entrypoint, **env)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["env"]["SPARK_DRIVER_MEMORY"] == heap
    assert read_defaults(tmp_path / "spark" / "conf")["spark.driver.memory"] == heap


def test_second_start_reuses_existing_directories(tmp_path, next_entrypoint) -> None:
    assert start(tmp_path, next_entrypoint).returncode == 0
    result = start(tmp_path, next_entrypoint, AWS_LAMBDA_FUNCTION_MEMORY_SIZE="4096")
    assert result.returncode == 0, result.stderr
    assert read_defaults(tmp_path / "spark" / "conf")["spark.driver.memory"] == "2457m"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "lots"}, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE must be a whole number"),
        ({"LETSDATA_SPARK_DRIVER_MEMORY_PERCENT": "95"}, "from 10 to 90"),
        ({"LETSDATA_SPARK_DRIVER_MEMORY_PERCENT": "x"}, "from 10 to 90"),
        ({"SPARK_DRIVER_MEMORY": "-Xmx1g"}, "SPARK_DRIVER_MEMORY must look like"),
    ],
)
def test_bad_settings_stop_with_a_clear_message(tmp_path, next_entrypoint, env, message) -> None:
    result = start(tmp_path, next_entrypoint, **env)

    assert result.returncode != 0
    assert message in result.stderr
    assert result.stdout == "", "the runtime must not start with a bad configuration"


def test_unwritable_scratch_root_is_reported(tmp_path, next_entrypoint) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = start(tmp_path, next_entrypoint, SPARK_TMP_ROOT=str(blocker / "spark"))

    assert result.returncode != 0
    assert "cannot create Spark directories" in result.stderr


SPARK_PROBE = """
import json
from pyspark.sql import SparkSession

spark = SparkSession.builder.master("local[1]").appName("entrypoint-probe").getOrCreate()
try:
    conf = spark.sparkContext.getConf()
    json.dump({
        "driver_memory": conf.get("spark.driver.memory"),
        "local_dir": conf.get("spark.local.dir"),
        "max_heap": spark.sparkContext._jvm.java.lang.Runtime.getRuntime().maxMemory(),
        "rows": spark.range(10).count(),
    }, open(__import__("sys").argv[1], "w"))
finally:
    spark.stop()
"""


@pytest.mark.spark
@pytest.mark.slow
def test_pyspark_started_after_the_entrypoint_gets_the_computed_heap(tmp_path) -> None:
    """The real mechanism: spark-submit reads SPARK_CONF_DIR/spark-defaults.conf and sizes -Xmx from it."""
    import os

    probe = tmp_path / "probe.py"
    probe.write_text(SPARK_PROBE)
    out = tmp_path / "probe.json"
    next_entrypoint = tmp_path / "next.sh"
    next_entrypoint.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{probe}" "{out}"\n')
    next_entrypoint.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPARK_", "PYSPARK_"))}
    env.update(AWS_LAMBDA_FUNCTION_MEMORY_SIZE="1000", SPARK_TMP_ROOT=str(tmp_path / "spark"),
               LETSDATA_NEXT_ENTRYPOINT=str(next_entrypoint))

    result = subprocess.run([BASH, str(ENTRYPOINT), "handler"], capture_output=True, text=True, env=env,
                            timeout=300, check=False)

    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["rows"] == 10
    assert report["driver_memory"] == "600m"
    assert report["local_dir"] == str(tmp_path / "spark" / "local")
    # Runtime.maxMemory() is -Xmx minus one survivor space: a little under 600 MiB, far from the 1 GiB default.
    assert 0.8 * 600 * 2**20 < report["max_heap"] <= 600 * 2**20
