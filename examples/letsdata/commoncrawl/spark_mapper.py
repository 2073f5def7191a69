"""SparkMapperInterface example: a Common Crawl segment (WARC + WAT + WET) -> index records on Spark.

It produces the documents :class:`examples.letsdata.commoncrawl.reader.CommonCrawlReader` writes —
the same fields, in the same flattened shape — but with Spark SQL only (no Python UDF), so the work
stays in the JVM:

* each file is read as ``text`` with ``lineSep = "WARC/1.0\\r\\n"``: one row per WARC record;
* headers are pulled out with ``regexp_extract``, WAT JSON with ``from_json`` (a schema holding only
  the fields used), CLD2 language statistics with a second ``from_json``;
* the WAT response and metadata rows and the WET conversion rows are joined on the target URI.

The platform hands the mapper one ``readUri`` per manifest entry: the WARC file. The WAT and WET
files are found by Common Crawl's naming (``/warc/`` -> ``/wat/`` and ``/wet/``, ``.warc.gz`` ->
``.warc.wat.gz`` / ``.warc.wet.gz``), or given as ``readOptions`` ``watUri`` / ``wetUri`` (removed
before the options go to Spark).

The Spark engine has no error documents: a URL whose records are broken (an HTTP response without
a status line, WAT JSON that does not parse) or that has no WET text is left out, as the state-machine
reader turns it into an error or skip document. Spark's JSON writer omits null fields, where the
Python reader writes ``null``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from examples.letsdata._spark_common import invalidate_secret_on_auth_failure, spark_credentials
from examples.letsdata.commoncrawl.reader import INDEX_FIELDS, INDEX_RECORD_TYPE
from letsdata_interfaces.readers.spark.SparkMapperInterface import SparkMapperInterface

if TYPE_CHECKING:  # pragma: no cover - typing only
    from pyspark.sql import Column, DataFrame

RECORD_SEPARATOR = "WARC/1.0\r\n"

WAT_SCHEMA = (
    "Envelope struct<"
    "`WARC-Header-Metadata`: struct<`WARC-Type`: string>, "
    "`Payload-Metadata`: struct<"
    "`HTTP-Response-Metadata`: struct<Headers: map<string, string>, "
    "`HTML-Metadata`: struct<Head: struct<Title: string, Metas: array<map<string, string>>, "
    "Link: array<map<string, string>>>>>, "
    "`WARC-Metadata-Metadata`: struct<`Metadata-Records`: array<struct<Name: string, Value: string>>>>>"
)
CLD2_SCHEMA = ("reliable boolean, `text-bytes` bigint, languages array<struct<code: string, `code-iso-639-3`: string, "
               "`text-covered`: double, score: double, name: string>>")

#: HTML meta name/property -> IndexRecord field (as the WAT parser maps them)
META_FIELDS = {"description": "description", "keywords": "keywords", "og:url": "og_url",
               "og:site_name": "og_site_name", "og:type": "og_type", "og:image": "og_image",
               "og:title": "og_title", "og:description": "og_description"}


def companion_uri(warc_uri: str, kind: str) -> str:
    """The WAT or WET file of a Common Crawl WARC file (``kind`` is ``"wat"`` or ``"wet"``)."""
    if "/warc/" not in warc_uri or not warc_uri.endswith((".warc.gz", ".warc")):
        raise ValueError(f"cannot derive the {kind.upper()} file of {warc_uri!r}: expected a Common Crawl "
                         f".../warc/....warc.gz path (or pass readOptions {kind}Uri)")
    head, _, name = warc_uri.rpartition("/warc/")
    suffix = ".gz" if name.endswith(".gz") else ""
    return f"{head}/{kind}/{name.removesuffix('.gz')}.{kind}{suffix}"


def warc_records(records: DataFrame) -> DataFrame:
    """One row per WARC record: ``type``, ``uri``, ``length`` (Content-Length) and ``payload``."""
    from pyspark.sql import functions as F

    value = F.col("value")
    header = F.substring_index(value, "\r\n\r\n", 1)

    def field(name: str) -> Column:
        return F.regexp_extract(header, "(?m)^" + name + r":\s*([^\r\n]*)", 1)

    payload = F.regexp_replace(value.substr(F.instr(value, "\r\n\r\n") + 4, F.length(value)), "\r\n\r\n$", "")
    return records.where(F.instr(value, "\r\n\r\n") > 0).select(
        F.lower(field("WARC-Type")).alias("type"), field("WARC-Target-URI").alias("uri"),
        field("Content-Length").cast("long").alias("length"), payload.alias("payload"))


def _first(array: str, predicate: str, key: str) -> Column:
    from pyspark.sql import functions as F

    return F.expr(f"element_at(filter({array}, x -> {predicate}), 1)['{key}']")


def index_records(warc: DataFrame, wat: DataFrame, wet: DataFrame) -> DataFrame:
    """The flattened IndexRecord documents of a segment (see the module docstring)."""
    from pyspark.sql import functions as F

    status_line = F.substring_index(F.col("payload"), "\r\n", 1)
    broken_warc = warc.where(
        ((F.col("type") == "response") & ~status_line.rlike(r"^HTTP/\S+ [0-9]+"))
        | ((F.col("type") == "request") & ~status_line.rlike(r"^\S+ \S+ HTTP/\S+$"))).select("uri")
    meta = wat.where(F.col("type") == "metadata").select(
        "uri", F.from_json("payload", WAT_SCHEMA).alias("j"))
    described = F.col("j.Envelope.`WARC-Header-Metadata`.`WARC-Type`")
    broken_wat = meta.where(described.isNull()).select("uri")
    head = "j.Envelope.`Payload-Metadata`.`HTTP-Response-Metadata`.`HTML-Metadata`.Head"
    meta_columns = [
        _first(f"{head}.Metas", f"lower(coalesce(x['name'], x['property'])) = '{name}'", "content").alias(column)
        for name, column in META_FIELDS.items()]
    responses = meta.where(described == "response").select(
        "uri", F.col(f"{head}.Title").alias("title"), *meta_columns,
        _first(f"{head}.Link", "lower(x['rel']) = 'icon'", "url").alias("icon"),
        _first(f"{head}.Link", "lower(x['rel']) = 'canonical'", "url").alias("canonical"),
        F.col("j.Envelope.`Payload-Metadata`.`HTTP-Response-Metadata`.Headers")["Content-Type"].alias("contentType"))
    records = "j.Envelope.`Payload-Metadata`.`WARC-Metadata-Metadata`.`Metadata-Records`"
    cld2 = F.from_json(_first(records, "x.Name = 'languages-cld2'", "Value"), CLD2_SCHEMA)
    languages = meta.where(described == "metadata").select(
        "uri", _first(records, "x.Name = 'charset-detected'", "Value").alias("charset"),
        cld2["reliable"].alias("reliable"), cld2["text-bytes"].alias("textBytes"),
        cld2["languages"].alias("languages"))
    texts = wet.where(F.col("type") == "conversion").select(
        "uri", F.col("length").alias("docTextContentLength"),
        F.regexp_replace("payload", "\n+$", "").alias("docText"))
    broken = broken_warc.union(broken_wat).distinct()
    joined = responses.join(languages, "uri").join(texts, "uri").join(broken, "uri", "left_anti")
    columns = [F.col("uri").alias("url") if name == "url" else F.col(name) for name in INDEX_FIELDS]
    return joined.select(*columns, F.col("uri").alias("documentId"), F.lit(INDEX_RECORD_TYPE).alias("recordType"),
                         F.col("uri").alias("partitionKey"),
                         F.create_map().cast("map<string,string>").alias("documentMetadata"))


class CommonCrawlSparkMapper(SparkMapperInterface):
    """Maps one Common Crawl segment (its WARC file's URI) to one index record per URL."""

    def mapper(self, appName: str, readDestination: str, readUri: str, readFormat: str,
               readOptions: dict[str, Any], writeDestination: str, writeUri: str, writeFormat: str,
               writeMode: str, writeOptions: dict[str, Any], spark_credentials_secret_arn: str) -> None:
        from letsdata_utils.spark_utils import createSparkSession, readSparkDataframe, writeSparkDataframe

        if not isinstance(readFormat, str) or readFormat.lower() != "text":
            raise ValueError(f"CommonCrawlSparkMapper reads WARC files as text: readFormat must be 'text', "
                             f"got {readFormat!r}")
        options = {k: v for k, v in (readOptions or {}).items() if k.lower() != "linesep"}
        wat_uri = options.pop("watUri", None) or companion_uri(readUri, "wat")
        wet_uri = options.pop("wetUri", None) or companion_uri(readUri, "wet")
        options["lineSep"] = RECORD_SEPARATOR
        uris = [readUri, wat_uri, wet_uri]
        readCredentials, writeCredentials = spark_credentials(self, uris, writeUri, spark_credentials_secret_arn)
        spark = createSparkSession(appName, readDestination, writeDestination, readUri, writeUri,
                                   readCredentials, writeCredentials)
        with invalidate_secret_on_auth_failure(spark_credentials_secret_arn):
            frames = [warc_records(readSparkDataframe(spark, readDestination, uri, "text", options)) for uri in uris]
            documents = index_records(*frames)
            writeSparkDataframe(spark, writeDestination, writeUri, writeFormat, writeMode, writeOptions, documents)
