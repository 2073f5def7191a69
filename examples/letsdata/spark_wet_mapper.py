"""SparkMapperInterface example: Common Crawl WET text records -> (url, language, length, text).

The platform hands the mapper one WET file (``readFormat="text"``) with ``lineSep="\\n\\r\\n\\r\\n"``, so
each Spark "line" is one WARC record: a ``WARC/1.0`` header block (CRLF-separated ``Name: value``
lines), an empty line, then the page text. The mapper keeps ``WARC-Type: conversion`` records (the
first record of a file is ``warcinfo``) and extracts the columns with Spark SQL functions only, no
Python UDF, so the work stays in the JVM and runs the same on ``local[*]`` and on a cluster.

``length`` is the record's ``Content-Length`` (UTF-8 bytes), or the text's byte length when the header
is absent. The output goes where the request says (``writeUri``/``writeFormat``/``writeOptions``); under
``MAPPER_AND_REDUCER`` that is gzip parquet read by :mod:`examples.letsdata.spark_reducer`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from examples.letsdata._spark_common import invalidate_secret_on_auth_failure, spark_credentials
from letsdata_interfaces.readers.spark.SparkMapperInterface import SparkMapperInterface

if TYPE_CHECKING:  # pragma: no cover - typing only
    from pyspark.sql import DataFrame

#: The WET record separator used by LetsData's Spark read connector.
WET_LINE_SEP = "\n\r\n\r\n"
OUTPUT_COLUMNS = ("url", "language", "length", "text")


def wet_records_to_columns(records: DataFrame) -> DataFrame:
    """Turn a one-column (``value``) dataframe of WARC records into url, language, length, text."""
    from pyspark.sql import functions as F

    if records.columns != ["value"]:
        raise ValueError(
            f"WetSparkMapper expects text records (a single 'value' column), got columns {records.columns}"
        )
    value = F.col("value")
    separator = F.instr(value, "\r\n\r\n")
    header = F.substring_index(value, "\r\n\r\n", 1)
    text = value.substr(separator + 4, F.length(value))

    def header_field(name: str) -> Any:
        return F.regexp_extract(header, name + r": ([^\r\n]*)", 1)

    content_length = F.when(header_field("Content-Length") != "", header_field("Content-Length").cast("int"))
    return (
        records.where((separator > 0) & (header_field("WARC-Type") == "conversion"))
        .select(
            header_field("WARC-Target-URI").alias("url"),
            F.when(header_field("WARC-Identified-Content-Language") != "",
                   header_field("WARC-Identified-Content-Language")).alias("language"),
            F.coalesce(content_length, F.octet_length(text)).alias("length"),
            text.alias("text"),
        )
    )


class WetSparkMapper(SparkMapperInterface):
    """Maps one WET file to one row per page."""

    def mapper(self, appName: str, readDestination: str, readUri: str, readFormat: str,
               readOptions: dict[str, Any], writeDestination: str, writeUri: str, writeFormat: str,
               writeMode: str, writeOptions: dict[str, Any], spark_credentials_secret_arn: str) -> None:
        from letsdata_utils.spark_utils import createSparkSession, readSparkDataframe, writeSparkDataframe

        if not isinstance(readFormat, str) or readFormat.lower() != "text":
            raise ValueError(f"WetSparkMapper reads WET files as text records: readFormat must be 'text', got {readFormat!r}")
        options = dict(readOptions or {})
        if not any(key.lower() == "linesep" for key in options):
            options["lineSep"] = WET_LINE_SEP
        readCredentials, writeCredentials = spark_credentials(self, [readUri], writeUri, spark_credentials_secret_arn)
        spark = createSparkSession(appName, readDestination, writeDestination, readUri, writeUri,
                                   readCredentials, writeCredentials)
        with invalidate_secret_on_auth_failure(spark_credentials_secret_arn):
            records = readSparkDataframe(spark, readDestination, readUri, readFormat, options)
            pages = wet_records_to_columns(records)
            writeSparkDataframe(spark, writeDestination, writeUri, writeFormat, writeMode, writeOptions, pages)
