"""Driver run in a subprocess by test_spark_cluster: the example mapper and reducer via lambda_handler.

Kept out of the pytest process because a process can hold only one SparkContext, and the in-process
tests keep a local one alive. Usage: ``python -m tests.letsdata_spark.cluster_driver <workdir> <inputs...>``;
prints one JSON line per handler response. The master comes from ``SPARK_MASTER`` (spark://...).
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

from letsdata_lambda_function import lambda_handler
from tests.conftest import EVENTS_DIR


def main(argv: list[str]) -> int:
    work = Path(argv[0])
    mapper = json.loads((EVENTS_DIR / "SparkMapperInterface.mapper.json").read_text(encoding="utf-8"))
    reducer = json.loads((EVENTS_DIR / "SparkReducerInterface.reducer.json").read_text(encoding="utf-8"))
    intermediates = []
    for index, source in enumerate(argv[1:]):
        event = copy.deepcopy(mapper)
        mid = f"file://{work / 'mid' / str(index)}"
        event["data"].update(readUri=source, writeUri=mid, writeFormat="parquet")
        sys.stdout.write(json.dumps(lambda_handler(event, None)) + "\n")
        intermediates.append(mid)
    reducer["data"].update(readUris=intermediates, readFormat="parquet", readOptions={},
                           writeUri=f"file://{work / 'out'}", writeFormat="json", writeOptions={})
    sys.stdout.write(json.dumps(lambda_handler(reducer, None)) + "\n")
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    sys.stdout.write(json.dumps({"master": active.sparkContext.master if active else None}) + "\n")
    if active is not None:
        active.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
