"""Read connectors: each turns a source into ``data`` items for the bridge, page by page.

A reader yields *pages* (lists of :class:`SourceRecord`); an empty page means "nothing right now",
which lets the runner send a partially filled batch instead of waiting. ``ack`` is called only after
every document produced from those records has been durably written (SQS deletes happen there, so
an interruption never loses a message). ``check`` runs before any processing and reports a missing
bucket, object, queue, stream or table by name.
"""

from __future__ import annotations

import base64
import logging
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from letsdata_local.engine import BridgeClient
from letsdata_local.splitter import GzipStreamError, RecordBatch, RecordSplitter, SplitSpec, gunzip_chunks

log = logging.getLogger("letsdata_local")

#: S3 objects are streamed in chunks this large (platform notes §7: 1-8 MiB is the sweet spot).
DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024


class ResourceMissingError(RuntimeError):
    """A bucket, object, queue, stream or table the configuration names does not exist."""


@dataclass
class SourceRecord:
    """One unit of work: the wire ``data`` for the reader's parse function.

    ``error`` set means the record cannot even be sent (e.g. not valid UTF-8): it becomes an error
    document without a bridge call. ``size`` approximates the request bytes (for batch limits).
    """

    data: dict[str, Any]
    source_id: str
    start_offsets: dict[str, str]
    end_offsets: dict[str, str]
    ack: Any = None
    error: str | None = None
    size: int = 0
    error_type: str = "UnicodeDecodeError"
    #: The platform task the record belongs to (S3: the manifest file); "" = the whole run.
    task: str = ""


class Reader:
    """Base class: subclasses set ``interface``/``function`` and implement :meth:`pages`."""

    interface = ""
    function = ""
    #: True when records must be acknowledged (deleted) after their output is durable; the runner
    #: then flushes the writers after every batch instead of letting them fill their own batches.
    needs_ack = False

    def check(self) -> None:  # pragma: no cover - overridden
        """Verify the source exists; raise :class:`ResourceMissingError` naming it."""

    def pages(self) -> Iterator[list[SourceRecord]]:  # pragma: no cover - overridden
        raise NotImplementedError

    def ack(self, records: Sequence[SourceRecord]) -> None:
        """Called once the records' documents are durable (default: nothing to do)."""

    def skip_task(self, task: str) -> None:
        """The task errored: read no more of it (default: nothing to do; the runner drops its records)."""

    def notes(self) -> list[str]:
        """Remarks for the run summary (e.g. an input that held no record at all)."""
        return []


def _missing(kind: str, name: str, exc: Exception) -> ResourceMissingError:
    return ResourceMissingError(f"{kind} {name!r} does not exist or is not accessible ({_error_code(exc)})")


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        error = response.get("Error") or {}
        return str(error.get("Code") or error.get("Message") or exc)
    return str(exc)


# --------------------------------------------------------------------------------------------
# S3 + SingleFileParser
# --------------------------------------------------------------------------------------------
def hint_to_spec(start_hint: Any, end_hint: Any) -> SplitSpec:
    """Build the splitter spec from the two RecordParseHint wire dicts."""

    def pattern(hint: Any, which: str) -> tuple[bytes, int]:
        if hint is None:
            return b"", 0
        if not isinstance(hint, dict):
            raise ValueError(f"getRecord{which}Pattern returned {hint!r}, expected a RecordParseHint")
        kind = str(hint.get("recordHintType", "PATTERN")).upper()
        if kind == "OFFSET":
            return b"", int(hint.get("offset") or 0)
        text = hint.get("pattern")
        if not isinstance(text, str):
            raise ValueError(f"getRecord{which}Pattern returned a PATTERN hint without a string pattern")
        return text.encode("utf-8"), 0

    start, start_offset = pattern(start_hint, "Start")
    end, end_length = pattern(end_hint, "End")
    if start_offset:
        raise ValueError("an OFFSET start hint other than 0 is not supported by letsdata_local")
    return SplitSpec(start=start, end=end, fixed_length=end_length)


@dataclass
class _S3File:
    manifest_key: str
    file_type: str = ""
    key: str = ""
    spec: SplitSpec | None = None


@dataclass
class S3SingleFileReader(Reader):
    """Streams each manifest object, splits it with the parser's hints and emits parseDocument items.

    ``keys`` are the manifest's lines when they are inline (``S3ReaderTextManifestFile``); with an
    ``S3ReaderS3LinkManifestFile`` they are fetched from ``manifest_uri`` and parsed in
    :meth:`check`, before the first record (a bad line is a :class:`ConfigError` naming it).
    """

    session: Any
    bridge: BridgeClient
    bucket: str
    keys: list[str]
    chunk_size: int = DEFAULT_CHUNK_SIZE
    files: list[_S3File] = field(default_factory=list)
    bytes_read: int = 0
    manifest_uri: str | None = None
    config_source: str = "<config>"
    failed_tasks: set[str] = field(default_factory=set)
    empty_files: list[str] = field(default_factory=list)

    interface = "SingleFileParser"
    function = "parseDocument"

    def _fetch_manifest(self, s3: Any) -> list[str]:
        from letsdata_local.manifest import ManifestMissingError, fetch_s3_manifest

        assert self.manifest_uri is not None
        try:
            entries = fetch_s3_manifest(s3, self.manifest_uri, "SINGLEFILEREADER", self.config_source)
        except ManifestMissingError as exc:
            raise ResourceMissingError(str(exc)) from exc
        return [entry.key for entry in entries]

    def check(self) -> None:
        s3 = self.session.client("s3")
        if self.manifest_uri and not self.keys:
            self.keys = self._fetch_manifest(s3)
        try:
            s3.head_bucket(Bucket=self.bucket)
        except Exception as exc:
            raise _missing("S3 bucket", self.bucket, exc) from exc
        if not self.keys:
            raise ResourceMissingError("the manifest lists no S3 files to read")
        self.files = [self._resolve(key) for key in self.keys]
        missing = []
        for item in self.files:
            try:
                s3.head_object(Bucket=self.bucket, Key=item.key)
            except Exception:
                missing.append(item.key)
        if missing:
            raise ResourceMissingError(
                f"S3 objects missing in bucket {self.bucket!r}: {', '.join(repr(k) for k in missing[:10])}"
            )

    def _resolve(self, manifest_key: str) -> _S3File:
        """Ask the user's parser, through the bridge, how to read this file (as the platform does)."""
        iface = self.interface
        file_type = self.bridge.call(iface, "getS3FileType", {})
        if not isinstance(file_type, str):
            raise ValueError(f"getS3FileType returned {file_type!r}, expected a string")
        key = self.bridge.call(iface, "getResolvedS3FileName", {"s3FileType": file_type, "fileName": manifest_key})
        if not isinstance(key, str) or not key:
            raise ValueError(f"getResolvedS3FileName returned {key!r}, expected an S3 key")
        start = self.bridge.call(iface, "getRecordStartPattern", {"s3FileType": file_type})
        end = self.bridge.call(iface, "getRecordEndPattern", {"s3FileType": file_type})
        return _S3File(manifest_key, file_type, key, hint_to_spec(start, end))

    def pages(self) -> Iterator[list[SourceRecord]]:
        if not self.files:
            self.check()
        s3 = self.session.client("s3")
        for item in self.files:
            assert item.spec is not None
            body = s3.get_object(Bucket=self.bucket, Key=item.key)["Body"]
            splitter = RecordSplitter(item.spec)
            found = 0
            try:
                for chunk in gunzip_chunks(self._counted(body.iter_chunks(self.chunk_size))):
                    if item.key in self.failed_tasks:
                        break
                    page = self._records(item, splitter.feed(chunk))
                    found += len(page)
                    yield page
                if item.key in self.failed_tasks:
                    continue
                page = self._records(item, splitter.finish())
                found += len(page)
                yield page
                if not found:
                    self.empty_files.append(item.key)
            except GzipStreamError as exc:
                # what was decoded went out above; the rest of this file becomes one error record
                offset = splitter.pending_offset
                yield [SourceRecord({}, f"{item.key}@{offset}", {item.file_type: str(offset)},
                                    {item.file_type: str(offset)}, error=f"{item.key}: {exc}",
                                    error_type="GzipStreamError", task=item.key)]
            finally:
                body.close()

    def skip_task(self, task: str) -> None:
        self.failed_tasks.add(task)

    def notes(self) -> list[str]:
        return [f"no record found in s3://{self.bucket}/{key}: no match of the record start pattern"
                f" ({self._start_of(key)!r})" for key in self.empty_files]

    def _start_of(self, key: str) -> str:
        spec = next((f.spec for f in self.files if f.key == key), None)
        return spec.start.decode("utf-8", "replace") if spec is not None else ""

    def _counted(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            self.bytes_read += len(chunk)
            yield chunk

    @staticmethod
    def _records(item: _S3File, batch: RecordBatch) -> list[SourceRecord]:
        out: list[SourceRecord] = []
        file_type, key = item.file_type, item.key
        for offset, raw in zip(batch.offsets, batch.records, strict=True):
            start = {file_type: str(offset)}
            end = {file_type: str(offset + len(raw))}
            source_id = f"{key}@{offset}"
            try:
                content = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                out.append(SourceRecord({}, source_id, start, end, error=f"record is not valid UTF-8: {exc}", task=key))
                continue
            data = {
                "s3FileType": file_type,
                "fileName": key,
                "offsetBytes": offset,
                "content": content,
                "startIndex": 0,
                "endIndex": len(raw),
            }
            out.append(SourceRecord(data, source_id, start, end, size=len(raw), task=key))
        return out


# --------------------------------------------------------------------------------------------
# SQS
# --------------------------------------------------------------------------------------------
def resolve_queue_url(sqs: Any, name: str | None = None, url: str | None = None, arn: str | None = None) -> str:
    if url:
        return url
    kwargs: dict[str, str] = {}
    if arn:
        parts = arn.split(":")
        if len(parts) < 6:
            raise ValueError(f"not an SQS queue ARN: {arn!r}")
        name = parts[5]
        kwargs["QueueOwnerAWSAccountId"] = parts[4]
    if not name:
        raise ValueError("an SQS queue needs a queueName, queueUrl or queueArn")
    try:
        return str(sqs.get_queue_url(QueueName=name, **kwargs)["QueueUrl"])
    except Exception as exc:
        raise _missing("SQS queue", name, exc) from exc


@dataclass
class SqsReader(Reader):
    """Receives until N consecutive empty receives (DrainQueues); deletes only after the write."""

    session: Any
    queue_name: str | None = None
    queue_url: str | None = None
    queue_arn: str | None = None
    empty_receives_to_stop: int = 3
    wait_seconds: int = 0
    idle_sleep: float = 0.2
    visibility_timeout: int = 600

    interface = "QueueMessageReader"
    function = "parseMessage"
    needs_ack = True

    def check(self) -> None:
        self.queue_url = resolve_queue_url(self.session.client("sqs"), self.queue_name, self.queue_url, self.queue_arn)

    def pages(self) -> Iterator[list[SourceRecord]]:
        if not self.queue_url:
            self.check()
        sqs = self.session.client("sqs")
        empty = 0
        while empty < self.empty_receives_to_stop:
            reply = sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=10,
                WaitTimeSeconds=self.wait_seconds,
                VisibilityTimeout=self.visibility_timeout,
                MessageAttributeNames=["All"],
                MessageSystemAttributeNames=["MessageGroupId", "MessageDeduplicationId"],
            )
            messages = reply.get("Messages") or []
            if not messages:
                empty += 1
                yield []
                if self.idle_sleep and empty < self.empty_receives_to_stop:
                    time.sleep(self.idle_sleep)
                continue
            empty = 0
            yield [self._record(m) for m in messages]

    @staticmethod
    def _record(message: dict[str, Any]) -> SourceRecord:
        attrs = message.get("Attributes") or {}
        attributes: dict[str, Any] = {}
        for name, value in (message.get("MessageAttributes") or {}).items():
            entry: dict[str, Any] = {"dataType": value.get("DataType")}
            if "StringValue" in value:
                entry["stringValue"] = value["StringValue"]
            if "BinaryValue" in value:
                entry["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode("ascii")
            attributes[name] = entry
        message_id = message["MessageId"]
        data = {
            "messageId": message_id,
            "messageGroupId": attrs.get("MessageGroupId"),
            "messageDeduplicationId": attrs.get("MessageDeduplicationId"),
            "messageAttributes": attributes,
            "messageBody": message.get("Body", ""),
        }
        offsets = {"messageId": message_id}
        return SourceRecord(data, message_id, offsets, offsets, ack=message["ReceiptHandle"],
                            size=len(message.get("Body", "")))

    def ack(self, records: Sequence[SourceRecord]) -> None:
        sqs = self.session.client("sqs")
        handles = [r.ack for r in records if r.ack]
        for start in range(0, len(handles), 10):
            entries = [{"Id": str(i), "ReceiptHandle": h} for i, h in enumerate(handles[start : start + 10])]
            reply = sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
            for failure in reply.get("Failed") or []:
                log.warning("could not delete an SQS message (%s); it will be redelivered", failure.get("Code"))


# --------------------------------------------------------------------------------------------
# Kinesis
# --------------------------------------------------------------------------------------------
def stream_name_from(arn_or_name: str) -> str:
    return arn_or_name.split("/", 1)[1] if arn_or_name.startswith("arn:") and "/" in arn_or_name else arn_or_name


def _epoch_millis(value: Any) -> int:
    if hasattr(value, "timestamp"):
        return int(value.timestamp() * 1000)
    return int(value or 0)


@dataclass
class KinesisReader(Reader):
    """Every shard from TRIM_HORIZON until caught up (an empty read at the tip)."""

    session: Any
    stream: str
    page_limit: int = 1000
    stream_arn: str = ""

    interface = "KinesisRecordReader"
    function = "parseMessage"

    def check(self) -> None:
        try:
            summary = self.session.client("kinesis").describe_stream_summary(StreamName=stream_name_from(self.stream))
        except Exception as exc:
            raise _missing("Kinesis stream", self.stream, exc) from exc
        self.stream_arn = summary["StreamDescriptionSummary"]["StreamARN"]

    def pages(self) -> Iterator[list[SourceRecord]]:
        if not self.stream_arn:
            self.check()
        kinesis = self.session.client("kinesis")
        name = stream_name_from(self.stream)
        shards = [s for page in kinesis.get_paginator("list_shards").paginate(StreamName=name) for s in page["Shards"]]
        for shard in shards:
            shard_id = shard["ShardId"]
            iterator = kinesis.get_shard_iterator(
                StreamName=name, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            while iterator:
                reply = kinesis.get_records(ShardIterator=iterator, Limit=self.page_limit)
                records = reply.get("Records") or []
                if records:
                    yield [self._record(shard_id, r) for r in records]
                iterator = reply.get("NextShardIterator")
                if not records and not reply.get("MillisBehindLatest"):
                    break

    def _record(self, shard_id: str, record: dict[str, Any]) -> SourceRecord:
        seq = record["SequenceNumber"]
        offsets = {"sequenceNumber": seq, "shardId": shard_id}
        raw: bytes = record["Data"]
        try:
            if raw[:2] == b"\x1f\x8b":  # gzip records (as LetsData-managed Kinesis destinations write)
                import gzip

                raw = gzip.decompress(raw)
            text = raw.decode("utf-8")
        except (UnicodeDecodeError, OSError, EOFError) as exc:
            return SourceRecord({}, seq, offsets, offsets, error=f"record data is not valid (gzip) UTF-8: {exc}")
        data = {
            "streamArn": self.stream_arn,
            "shardId": shard_id,
            "partitionKey": record["PartitionKey"],
            "sequenceNumber": seq,
            "approximateArrivalTimestamp": _epoch_millis(record.get("ApproximateArrivalTimestamp")),
            "data": text,
        }
        return SourceRecord(data, seq, offsets, offsets, size=len(raw))


# --------------------------------------------------------------------------------------------
# DynamoDB Streams and DynamoDB table
# --------------------------------------------------------------------------------------------
def plain(value: Any) -> Any:
    """Deserialised DynamoDB values made JSON-plain: Decimal -> int/float, bytes -> base64, set -> list."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((plain(v) for v in value), key=repr)
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if hasattr(value, "value") and type(value).__name__ == "Binary":
        return base64.b64encode(bytes(value.value)).decode("ascii")
    return value


def unmarshal(image: dict[str, Any] | None) -> dict[str, Any]:
    """AttributeValue JSON (``{"S": "x"}``) to plain values, as the platform sends them."""
    if not image:
        return {}
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    return {k: plain(deserializer.deserialize(v)) for k, v in image.items()}


@dataclass
class DynamoDBStreamsReader(Reader):
    """Every shard of the table's stream from TRIM_HORIZON until an empty read."""

    session: Any
    stream_arn: str | None = None
    table_name: str | None = None

    interface = "DynamoDBStreamsRecordReader"
    function = "parseRecord"

    def check(self) -> None:
        if not self.stream_arn:
            try:
                table = self.session.client("dynamodb").describe_table(TableName=self.table_name)["Table"]
            except Exception as exc:
                raise _missing("DynamoDB table", str(self.table_name), exc) from exc
            self.stream_arn = table.get("LatestStreamArn")
            if not self.stream_arn:
                raise ResourceMissingError(f"DynamoDB table {self.table_name!r} has no stream enabled")
        try:
            self.session.client("dynamodbstreams").describe_stream(StreamArn=self.stream_arn, Limit=1)
        except Exception as exc:
            raise _missing("DynamoDB stream", str(self.stream_arn), exc) from exc

    def _shards(self) -> list[dict[str, Any]]:
        streams = self.session.client("dynamodbstreams")
        shards: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"StreamArn": self.stream_arn}
        while True:
            description = streams.describe_stream(**kwargs)["StreamDescription"]
            shards.extend(description.get("Shards") or [])
            last = description.get("LastEvaluatedShardId")
            if not last:
                return shards
            kwargs["ExclusiveStartShardId"] = last

    def pages(self) -> Iterator[list[SourceRecord]]:
        if not self.stream_arn:
            self.check()
        streams = self.session.client("dynamodbstreams")
        for shard in self._shards():
            shard_id = shard["ShardId"]
            iterator = streams.get_shard_iterator(
                StreamArn=self.stream_arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            while iterator:
                reply = streams.get_records(ShardIterator=iterator, Limit=1000)
                records = reply.get("Records") or []
                if not records:
                    break
                yield [self._record(shard_id, r) for r in records]
                iterator = reply.get("NextShardIterator")

    def _record(self, shard_id: str, record: dict[str, Any]) -> SourceRecord:
        ddb = record.get("dynamodb") or {}
        identity = record.get("userIdentity") or {}
        seq = str(ddb.get("SequenceNumber", ""))
        created = ddb.get("ApproximateCreationDateTime")
        data = {
            "streamArn": self.stream_arn,
            "shardId": shard_id,
            "eventId": record.get("eventID", ""),
            "eventName": record.get("eventName", ""),
            "identityPrincipalId": identity.get("PrincipalId"),
            "identityType": identity.get("Type"),
            "sequenceNumber": seq,
            "sizeBytes": int(ddb.get("SizeBytes", 0)),
            "streamViewType": ddb.get("StreamViewType", ""),
            "approximateCreationDateTime": _epoch_millis(created) // 1000,
            "data": {
                "keys": unmarshal(ddb.get("Keys")),
                "oldImage": unmarshal(ddb.get("OldImage")),
                "newImage": unmarshal(ddb.get("NewImage")),
            },
        }
        offsets = {"sequenceNumber": seq, "shardId": shard_id}
        return SourceRecord(data, seq, offsets, offsets, size=int(ddb.get("SizeBytes", 0)))


_DONE = object()


@dataclass
class DynamoDBTableReader(Reader):
    """Parallel scan: one thread per segment, pages handed to the runner through a bounded queue."""

    session: Any
    table_name: str
    total_segments: int = 4
    key_names: list[str] = field(default_factory=list)

    interface = "DynamoDBTableItemReader"
    function = "parseDynamoDBItem"

    def check(self) -> None:
        try:
            table = self.session.client("dynamodb").describe_table(TableName=self.table_name)["Table"]
        except Exception as exc:
            raise _missing("DynamoDB table", self.table_name, exc) from exc
        self.key_names = [k["AttributeName"] for k in table["KeySchema"]]

    def pages(self) -> Iterator[list[SourceRecord]]:
        if not self.key_names:
            self.check()
        ddb = self.session.client("dynamodb")
        pages: queue.Queue[Any] = queue.Queue(maxsize=2 * self.total_segments)
        stop = threading.Event()

        def put(item: Any) -> None:
            while not stop.is_set():
                try:
                    pages.put(item, timeout=0.2)
                    return
                except queue.Full:
                    continue

        def scan(segment: int) -> None:
            try:
                paginator = ddb.get_paginator("scan")
                for page in paginator.paginate(
                    TableName=self.table_name, Segment=segment, TotalSegments=self.total_segments
                ):
                    if stop.is_set():
                        return
                    put((segment, page.get("Items") or []))
            except Exception as exc:  # surfaced in the consumer
                put(exc)
            finally:
                put(_DONE)

        with ThreadPoolExecutor(max_workers=self.total_segments, thread_name_prefix="ddb-scan") as pool:
            for segment in range(self.total_segments):
                pool.submit(scan, segment)
            done = 0
            try:
                while done < self.total_segments:
                    item = pages.get()
                    if item is _DONE:
                        done += 1
                        continue
                    if isinstance(item, Exception):
                        raise item
                    segment, items = item
                    yield [self._record(segment, i) for i in items]
            finally:
                stop.set()

    def _record(self, segment: int, raw_item: dict[str, Any]) -> SourceRecord:
        item = unmarshal(raw_item)
        keys = {k: item[k] for k in self.key_names if k in item}
        data = {"tableName": self.table_name, "segmentNumber": segment, "data": {"keys": keys, "item": item}}
        source_id = "|".join(str(v) for v in keys.values())
        offsets = {"keys": source_id, "segment": str(segment)}
        return SourceRecord(data, source_id, offsets, offsets, size=len(str(raw_item)))


def read_stream_arg(name: str | None, arn: str | None) -> str:
    """The Kinesis stream to read: its name, or the name inside its ARN."""
    value = name or arn
    if not value:
        raise ValueError("a Kinesis read connector needs streamName or streamArn")
    return stream_name_from(value)
