"""Spark mapper + reducer through the LetsData bridge vs the same work in plain PySpark.

Opt-in (it takes minutes): ``BENCH_SPARK=1`` or ``make bench-spark``. ``BENCH_SPARK_MB`` sets the input
size (default 100 MB of WET-like text, split in 4 files = 4 mapper tasks, as LetsData makes one mapper
task per manifest file). Both sides run on ``local[2]`` in the same warm SparkSession (the JVM start is
paid once, in a warm-up, and reported separately) and alternate, best of ``BENCH_SPARK_REPEAT`` (3).

Bridge: ``lambda_handler`` with the example WetSparkMapper / UnionSparkReducer (request validation,
registry, spark_utils session reuse, read/write helpers, envelope). Plain: the same transformations
with ``spark.read`` / ``df.write`` directly. Target: the bridge adds under 10 %.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

Row = tuple[str, str, str, str]
SKIPPED: list[Row] = [("mapper+reducer wall time", "skipped: set BENCH_SPARK=1 or make bench-spark", "-", "-")]
ROOT = Path(__file__).resolve().parent.parent


def _events() -> tuple[dict[str, Any], dict[str, Any]]:
    events = ROOT / "tests" / "events"
    mapper = json.loads((events / "SparkMapperInterface.mapper.json").read_text(encoding="utf-8"))
    reducer = json.loads((events / "SparkReducerInterface.reducer.json").read_text(encoding="utf-8"))
    return mapper, reducer


def _bridge(inputs: list[Path], work: Path) -> float:
    from letsdata_lambda_function import lambda_handler

    mapper, reducer = _events()
    started = time.perf_counter()
    mids = []
    for index, source in enumerate(inputs):
        event = copy.deepcopy(mapper)
        mid = str(work / "mid" / str(index))
        # MAPPER_AND_REDUCER: intermediate gzip parquet.
        event["data"].update(readUri=str(source), writeUri=mid, writeFormat="parquet",
                             writeOptions={"compression": "gzip"})
        _check(lambda_handler(event, None))
        mids.append(mid)
    event = copy.deepcopy(reducer)
    event["data"].update(readUris=mids, readFormat="parquet", readOptions={}, writeUri=str(work / "out"),
                         writeFormat="json", writeOptions={"compression": "gzip"})
    _check(lambda_handler(event, None))
    return time.perf_counter() - started


def _check(response: dict[str, Any]) -> None:
    if response.get("StatusCode") != 200:
        raise RuntimeError(f"bridge call failed: {json.dumps(response)[:2000]}")


def _plain(inputs: list[Path], work: Path) -> float:
    from functools import reduce

    from pyspark.sql import SparkSession

    from examples.letsdata.spark_reducer import language_totals
    from examples.letsdata.spark_wet_mapper import WET_LINE_SEP, wet_records_to_columns

    spark = SparkSession.builder.getOrCreate()
    started = time.perf_counter()
    mids = []
    for index, source in enumerate(inputs):
        mid = str(work / "mid" / str(index))
        records = spark.read.option("lineSep", WET_LINE_SEP).text(str(source))
        wet_records_to_columns(records).write.mode("overwrite").option("compression", "gzip").parquet(mid)
        mids.append(mid)
    frames = [spark.read.parquet(m) for m in mids]
    union = reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), frames)
    language_totals(union).write.mode("overwrite").option("compression", "gzip").json(str(work / "out"))
    return time.perf_counter() - started


def _result(work: Path) -> dict[str, tuple[int, int]]:
    import gzip

    rows = {}
    for part in sorted((work / "out").glob("part-*")):
        with gzip.open(part, "rt", encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                rows[row["language"]] = (row["records"], row["total_length"])
    return rows


def run() -> list[Row]:
    if os.environ.get("BENCH_SPARK") != "1":
        return SKIPPED
    from examples.letsdata.wet_sample import write_wet_file, write_wet_files

    megabytes = float(os.environ.get("BENCH_SPARK_MB", "100"))
    repeat = int(os.environ.get("BENCH_SPARK_REPEAT", "3"))
    previous = {k: os.environ.get(k) for k in ("SPARK_MASTER", "SPARK_TMP_ROOT", "LETSDATA_IMPL_SPARKMAPPERINTERFACE",
                                               "LETSDATA_IMPL_SPARKREDUCERINTERFACE", "LETS_DATA_STAGE")}
    tmp = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    try:
        os.environ.update(
            SPARK_MASTER="local[2]", SPARK_TMP_ROOT=str(tmp / "scratch"), LETS_DATA_STAGE="Test",
            LETSDATA_IMPL_SPARKMAPPERINTERFACE="examples.letsdata.spark_wet_mapper:WetSparkMapper",
            LETSDATA_IMPL_SPARKREDUCERINTERFACE="examples.letsdata.spark_reducer:UnionSparkReducer",
        )
        target = int(megabytes * 1_000_000)
        # ~640 B per page on average: four files of equal size, one mapper task each.
        inputs, expected = write_wet_files(tmp / "in", target, pages_per_file=max(1, target // 4 // 640))
        size = sum(p.stat().st_size for p in inputs)
        warm = tmp / "warm.warc.wet"
        write_wet_file(warm, 200, seed=99)
        cold = _bridge([warm], tmp / "warm-run")  # starts the JVM and the SparkSession once
        _plain([warm], tmp / "warm-plain")  # and warms the plain path's code too
        bridge_times, plain_times = [], []
        for attempt in range(repeat):
            plain_dir, bridge_dir = tmp / f"plain-{attempt}", tmp / f"bridge-{attempt}"
            # Alternate which side goes first so JIT warm-up and page cache favour neither.
            if attempt % 2 == 0:
                plain_times.append(_plain(inputs, plain_dir))
                bridge_times.append(_bridge(inputs, bridge_dir))
            else:
                bridge_times.append(_bridge(inputs, bridge_dir))
                plain_times.append(_plain(inputs, plain_dir))
            if _result(plain_dir) != _result(bridge_dir):
                raise RuntimeError("bridge and plain PySpark produced different results")
            if sum(v[0] for v in _result(bridge_dir).values()) != expected.pages:
                raise RuntimeError("page count differs from the generator's")
            shutil.rmtree(plain_dir, ignore_errors=True)
            shutil.rmtree(bridge_dir, ignore_errors=True)
        # Fixed cost per mapper+reducer pair, where Spark's own work is tiny: interleaved medians.
        small_bridge, small_plain = [], []
        for attempt in range(int(os.environ.get("BENCH_SPARK_SMALL_REPEAT", "8"))):
            small_plain.append(_plain([warm], tmp / f"small-plain-{attempt}"))
            small_bridge.append(_bridge([warm], tmp / f"small-bridge-{attempt}"))
        from letsdata_utils.spark_utils import stopSparkSession

        stopSparkSession()
        best_bridge, best_plain = min(bridge_times), min(plain_times)
        overhead = (best_bridge / best_plain - 1) * 100
        return [
            (f"mapper x{len(inputs)} + reducer, {size / 1e6:.0f} MB WET, local[2] (bridge)",
             f"{best_bridge:.2f} s", f"{best_plain:.2f} s plain PySpark",
             f"x{best_bridge / best_plain:.3f} ({overhead:+.1f} %, target < +10 %)"),
            ("throughput through the bridge", f"{size / 1e6 / best_bridge:.1f} MB/s",
             f"{size / 1e6 / best_plain:.1f} MB/s", "same run"),
            ("all runs (bridge | plain), s", " ".join(f"{t:.2f}" for t in bridge_times),
             " ".join(f"{t:.2f}" for t in plain_times), "alternating order; spread = machine noise"),
            ("mapper + reducer on 200 pages (fixed cost), median", f"{statistics.median(small_bridge):.3f} s",
             f"{statistics.median(small_plain):.3f} s plain",
             f"bridge adds {statistics.median(small_bridge) - statistics.median(small_plain):+.3f} s per pair"),
            ("first call incl. JVM + SparkSession start (200 pages)", f"{cold:.2f} s", "-", "paid once per container"),
        ]
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(tmp, ignore_errors=True)
