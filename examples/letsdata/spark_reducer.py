"""SparkReducerInterface example: per-language page counts and text volume across *all* inputs.

The reducer reads every URI of ``readUris`` (the mapper outputs under ``MAPPER_AND_REDUCER``, or the
manifest's files under ``REDUCER_ONLY``) and unions them **by column name** with
``allowMissingColumns=True``: files written by different mapper versions may order or omit columns.
The original template called ``dataframe.union(other)`` and dropped the result, so only the first
file ever reached the output.

Output columns: ``language``, ``records`` (pages), ``total_length`` (sum of ``length``), sorted by
language, written as the request says (``writeUri``/``writeFormat``/``writeOptions``).
"""

from __future__ import annotations

from functools import reduce
from typing import TYPE_CHECKING, Any

from examples.letsdata._spark_common import invalidate_secret_on_auth_failure, spark_credentials
from letsdata_interfaces.readers.spark.SparkReducerInterface import SparkReducerInterface

if TYPE_CHECKING:  # pragma: no cover - typing only
    from pyspark.sql import DataFrame

REQUIRED_COLUMNS = ("language", "length")


def union_all(frames: list[DataFrame]) -> DataFrame:
    """Union dataframes by column name; a column missing from some inputs becomes null there."""
    if not frames:
        raise ValueError("UnionSparkReducer needs at least one input dataframe (readUris is empty)")
    return reduce(lambda left, right: left.unionByName(right, allowMissingColumns=True), frames)


def language_totals(pages: DataFrame) -> DataFrame:
    """Pages and summed ``length`` per ``language``."""
    from pyspark.sql import functions as F

    missing = [c for c in REQUIRED_COLUMNS if c not in pages.columns]
    if missing:
        raise ValueError(f"UnionSparkReducer input lacks column(s) {missing}; got {pages.columns}")
    return (
        pages.groupBy("language")
        .agg(F.count(F.lit(1)).alias("records"), F.sum(F.col("length").cast("long")).alias("total_length"))
        .orderBy("language")
    )


class UnionSparkReducer(SparkReducerInterface):
    """Reduces every mapper output into one per-language summary."""

    def reducer(self, appName: str, readDestination: str, readUris: list[str], readFormat: str,
                readOptions: dict[str, Any], writeDestination: str, writeUri: str, writeFormat: str,
                writeMode: str, writeOptions: dict[str, Any], spark_credentials_secret_arn: str) -> None:
        from letsdata_utils.spark_utils import createSparkSession, readSparkDataframe, writeSparkDataframe

        if not isinstance(readUris, list) or not readUris:
            raise ValueError(f"UnionSparkReducer needs a non-empty readUris list, got {readUris!r}")
        readCredentials, writeCredentials = spark_credentials(self, readUris, writeUri, spark_credentials_secret_arn)
        spark = createSparkSession(appName, readDestination, writeDestination, readUris, writeUri,
                                   readCredentials, writeCredentials)
        with invalidate_secret_on_auth_failure(spark_credentials_secret_arn):
            frames = [readSparkDataframe(spark, readDestination, uri, readFormat, readOptions) for uri in readUris]
            totals = language_totals(union_all(frames))
            writeSparkDataframe(spark, writeDestination, writeUri, writeFormat, writeMode, writeOptions, totals)
