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
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from letsdata_local.engine import BridgeClient
from letsdata_local.splitter import GzipStreamError, RecordBatch, RecordSplitter, SplitSpec, gunzip_chunks

log = logging.getLogger("letsdata_local")

#: S3 objects are streamed in chunks this large (1-8 MiB is the sweet spot: docs/performance.md, S3 streaming).
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
    #: Outcomes the source already produced (a state machine's composite and the error docs of the
    #: records it rejected, ``letsdata_local.documents.Outcome``): written as they are, no bridge call.
    outcomes: list[Any] | None = None
    #: How many input records this unit stands for (a composite joins several), for the counts.
    records: int = 1


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

    def position_of(self, record: SourceRecord) -> str | None:
        """Where a rerun resumes after ``record`` (stored in the task's checkpoint), or None when
        the source itself remembers (an SQS queue: acknowledged messages are gone)."""
        return None

    def notes(self) -> list[str]:
        """Remarks for the run summary (e.g. an input that held no record at all)."""
        return []

    def close(self) -> None:
        """Release background work (threads); called once the run ends, however it ends."""


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
    """Receives messages; deletes each one only once its documents are durable.

    Stop conditions (``manifestFile.sqsReaderTaskStopCondition``): ``DRAINQUEUES`` stops after
    ``empty_receives_to_stop`` consecutive empty receives; ``CONTINUOUS`` keeps receiving until the
    run is interrupted (Ctrl-C) or :meth:`stop` is called.

    While a message is in flight (received, documents not yet durable) a heartbeat thread extends
    its visibility every third of the visibility timeout, so a slow run never sees its own messages
    come back. A message that comes back anyway (a redelivery racing a delete) is recognised by its
    id and never processed twice within a run: if it was already deleted, the new copy is deleted
    too; if it is still in flight, only its newest receipt handle is kept.
    """

    session: Any
    queue_name: str | None = None
    queue_url: str | None = None
    queue_arn: str | None = None
    empty_receives_to_stop: int = 3
    wait_seconds: int = 0
    idle_sleep: float = 0.2
    #: seconds a received message stays invisible (and is extended by); None = the queue's own
    visibility_timeout: int | None = None
    continuous: bool = False
    #: messages deleted / skipped as redeliveries during this run (for the summary and tests)
    deleted: int = 0
    redeliveries: int = 0

    interface = "QueueMessageReader"
    function = "parseMessage"
    needs_ack = True
    #: empty receives tolerated while messages are in flight before they count anyway
    MAX_BUSY_EMPTY_RECEIVES = 100

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._inflight: dict[str, str] = {}  # message id -> newest receipt handle
        self._done: set[str] = set()
        self._stop = threading.Event()
        self._closed = threading.Event()
        self._pages_done = False
        self._heartbeat: threading.Thread | None = None

    def check(self) -> None:
        sqs = self.session.client("sqs")
        self.queue_url = resolve_queue_url(sqs, self.queue_name, self.queue_url, self.queue_arn)
        if self.visibility_timeout is None:
            attrs = sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["VisibilityTimeout"])
            self.visibility_timeout = int((attrs.get("Attributes") or {}).get("VisibilityTimeout", 30))
        if self.visibility_timeout < 1:  # 0 would show in-flight messages to the next receive at once
            log.info("SQS queue %s has no visibility timeout; received messages are hidden for 30 s", self.queue_url)
            self.visibility_timeout = 30

    def stop(self) -> None:
        """Ask a continuous reader to finish after the current receive."""
        self._stop.set()

    def pages(self) -> Iterator[list[SourceRecord]]:
        if not self.queue_url or self.visibility_timeout is None:
            self.check()
        assert self.visibility_timeout is not None
        sqs = self.session.client("sqs")
        self._start_heartbeat()
        empty = busy_empties = 0
        while not self._stop.is_set() and (self.continuous or empty < self.empty_receives_to_stop):
            reply = sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=10,
                WaitTimeSeconds=self.wait_seconds,
                VisibilityTimeout=self.visibility_timeout,
                MessageAttributeNames=["All"],
                MessageSystemAttributeNames=["MessageGroupId", "MessageDeduplicationId"],
            )
            fresh = self._fresh(reply.get("Messages") or [])
            if not fresh:
                with self._lock:
                    in_flight = bool(self._inflight)
                # with messages in flight an empty receive proves nothing (a FIFO queue holds back a
                # group's next messages until they are deleted): the idle page makes the runner commit
                # them, and only then do empty receives count towards the stop condition
                if not in_flight or busy_empties >= self.MAX_BUSY_EMPTY_RECEIVES:
                    empty += 1
                else:
                    busy_empties += 1
                yield []
                if self.idle_sleep and (self.continuous or empty < self.empty_receives_to_stop):
                    self._stop.wait(self.idle_sleep)
                continue
            empty = busy_empties = 0
            yield [self._record(m) for m in fresh]
        self._pages_done = True

    def _fresh(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The messages not seen before in this run; redeliveries are settled here."""
        fresh, stale = [], []
        with self._lock:
            for message in messages:
                message_id, handle = message["MessageId"], message["ReceiptHandle"]
                if message_id in self._done:
                    stale.append(handle)
                elif message_id in self._inflight:
                    self._inflight[message_id] = handle
                    self.redeliveries += 1
                else:
                    self._inflight[message_id] = handle
                    fresh.append(message)
        if stale:
            self.redeliveries += len(stale)
            self._delete(stale)
        return fresh

    def _start_heartbeat(self) -> None:
        if self._heartbeat is None:
            self._heartbeat = threading.Thread(target=self._extend_loop, name="sqs-visibility", daemon=True)
            self._heartbeat.start()

    def _extend_loop(self) -> None:
        assert self.visibility_timeout is not None
        interval = max(self.visibility_timeout / 3.0, 0.1)
        sqs = self.session.client("sqs")
        while not self._closed.wait(interval):
            with self._lock:
                handles = list(self._inflight.values())
            if not handles and self._pages_done:
                return  # nothing in flight and nothing more to receive
            for start in range(0, len(handles), 10):
                entries = [
                    {"Id": str(i), "ReceiptHandle": h, "VisibilityTimeout": self.visibility_timeout}
                    for i, h in enumerate(handles[start : start + 10])
                ]
                try:
                    sqs.change_message_visibility_batch(QueueUrl=self.queue_url, Entries=entries)
                except Exception as exc:  # never kill the heartbeat; the next beat tries again
                    log.warning("could not extend the visibility of in-flight SQS messages (%s)", _error_code(exc))

    def close(self) -> None:
        self._stop.set()
        self._closed.set()
        if self._heartbeat is not None:
            self._heartbeat.join(timeout=5)
            self._heartbeat = None

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
        return SourceRecord(data, message_id, offsets, offsets, ack=message_id,
                            size=len(message.get("Body", "")))

    def ack(self, records: Sequence[SourceRecord]) -> None:
        """Delete the messages (with their newest receipt handles); they are never processed again."""
        with self._lock:
            handles = []
            for record in records:
                handle = self._inflight.pop(record.ack, None) if record.ack else None
                if handle:
                    handles.append(handle)
                    self._done.add(record.ack)
        self._delete(handles)

    def _delete(self, handles: list[str]) -> None:
        sqs = self.session.client("sqs")
        for start in range(0, len(handles), 10):
            entries = [{"Id": str(i), "ReceiptHandle": h} for i, h in enumerate(handles[start : start + 10])]
            reply = sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=entries)
            self.deleted += len(entries) - len(reply.get("Failed") or [])
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


#: start positions (``manifestFile.*ReaderTaskStartFromCondition``) and stop conditions
#: (``manifestFile.*ReaderTaskStopCondition``) of the stream readers
EARLIEST, LATEST, AT_TIMESTAMP = "EARLIEST", "LATEST", "AT_TIMESTAMP"
CAUGHT_UP, CONTINUOUS = "CAUGHT_UP", "CONTINUOUS"


@dataclass
class _ShardState:
    shard_id: str
    parents: tuple[str, ...]
    closed: bool
    iterator: str | None = None
    empty_reads: int = 0
    #: the sequence number of the last record read (to resume after an expired iterator)
    last_sequence: str | None = None
    #: a closed shard's ``SequenceNumberRange``
    starting: str | None = None
    ending: str | None = None

    def read_to_end(self) -> bool:
        """A closed shard whose every sequence number was read (or whose range holds none).

        AWS ends a closed shard's iterator after its last record, so this matters only where the
        iterator never ends (moto, whose split also moves a parent's records to its children and
        leaves the parent's range empty). Sequence numbers that are not decimal prove nothing."""
        try:
            ending = int(self.ending or "")
            if self.last_sequence is not None:
                return int(self.last_sequence) >= ending
            return ending <= int(self.starting or "")
        except ValueError:
            return False


class _ShardWalker:
    """Reads a stream's shards the way a lineage-aware consumer must: a shard is read only once
    its parent (and adjacent parent, after a merge) has been read to its end, so records of a key
    come out in order across splits and merges. Open shards are read round-robin.

    A shard is finished when its iterator ends (a closed shard read to its end, however many empty
    pages come first), or - for ``CAUGHT_UP`` - when ``caught_up`` says its open tip was reached.
    ``CONTINUOUS`` polls open shards until :meth:`stop`.

    Shard iterators expire (five minutes for both services), and a shard waits while the others'
    pages are processed: an expired iterator is replaced by one that starts right after the last
    record read (``iterator_for`` sees ``last_sequence``), so nothing is skipped or read twice.
    """

    def __init__(self, list_shards: Any, iterator_for: Any, read: Any, caught_up: Any, stop_condition: str,
                 idle_sleep: float, stop: threading.Event, sequence_of: Any, skipped: set[str],
                 only: str | None = None, resume_after: str | None = None) -> None:
        #: one shard's task (``only``): read just that shard, resuming after ``resume_after``; its
        #: parents are the scheduler's business (a child task starts after its parents' tasks)
        self.only = only
        self.resume_after = resume_after
        self.sequence_of = sequence_of
        #: shards whose task errored: read no further, and (never finished) their children are not read
        self.skipped = skipped
        self.list_shards = list_shards
        self.iterator_for = iterator_for
        self.read = read
        self.caught_up = caught_up
        self.stop_condition = stop_condition
        self.idle_sleep = idle_sleep
        self.stop = stop
        self.finished: set[str] = set()
        self.known: dict[str, _ShardState] = {}

    def _refresh(self) -> None:
        for shard in self.list_shards():
            shard_id = shard["ShardId"]
            if self.only is not None and shard_id != self.only:
                continue
            if shard_id not in self.known:
                parents = tuple(p for p in (shard.get("ParentShardId"), shard.get("AdjacentParentShardId")) if p)
                numbers = shard.get("SequenceNumberRange") or {}
                closed = "EndingSequenceNumber" in numbers
                resume = self.resume_after if shard_id == self.only else None
                self.known[shard_id] = _ShardState(shard_id, parents, closed, last_sequence=resume,
                                                   starting=numbers.get("StartingSequenceNumber"),
                                                   ending=numbers.get("EndingSequenceNumber"))

    def _ready(self, state: _ShardState) -> bool:
        """A shard can be read once every parent still in the stream has been read to its end."""
        return all(p in self.finished or p not in self.known for p in state.parents)

    def pages(self) -> Iterator[tuple[str, list[dict[str, Any]]]]:
        self._refresh()
        while not self.stop.is_set():
            active = [s for s in self.known.values()
                      if s.shard_id not in self.finished and s.shard_id not in self.skipped and self._ready(s)]
            if not active:
                return
            progressed = False
            for state in active:
                if self.stop.is_set():
                    return
                if state.shard_id in self.skipped:
                    continue
                if state.iterator is None:
                    state.iterator = self.iterator_for(state)
                    if state.iterator is None:  # nothing to read in this shard (e.g. LATEST on a closed shard)
                        self.finished.add(state.shard_id)
                        progressed = True
                        continue
                try:
                    records, next_iterator, reply = self.read(state.iterator)
                except Exception as exc:
                    if _error_code(exc) != "ExpiredIteratorException":
                        raise
                    log.info("shard %s: iterator expired; resuming after %s", state.shard_id, state.last_sequence)
                    state.iterator = self.iterator_for(state)
                    if state.iterator is None:
                        self.finished.add(state.shard_id)
                        continue
                    records, next_iterator, reply = self.read(state.iterator)
                state.iterator = next_iterator
                if records:
                    state.last_sequence = self.sequence_of(records[-1])
                    state.empty_reads = 0
                    progressed = True
                    yield state.shard_id, records
                else:
                    state.empty_reads += 1
                    yield state.shard_id, []
                if next_iterator is None:  # the shard is closed and read to its end
                    self.finished.add(state.shard_id)
                    progressed = True
                    self._refresh()  # its children may be new
                elif (not records and not state.closed and self.stop_condition == CAUGHT_UP
                      and self.caught_up(state, reply)):
                    self.finished.add(state.shard_id)
                    progressed = True
                elif not records and state.closed and self.caught_up(state, reply) and state.read_to_end():
                    self.finished.add(state.shard_id)  # a closed shard whose iterator never ends
                    progressed = True
                    self._refresh()
            if not progressed and self.idle_sleep:
                self.stop.wait(self.idle_sleep)


@dataclass
class KinesisReader(Reader):
    """Every shard, parents before children, from the start position until the stop condition.

    ``CAUGHT_UP`` (default) finishes an open shard at its tip: an empty read with
    ``MillisBehindLatest == 0``. ``CONTINUOUS`` keeps polling until the run is interrupted.
    """

    session: Any
    stream: str
    page_limit: int = 1000
    stream_arn: str = ""
    start_from: str = EARLIEST
    #: epoch milliseconds, for AT_TIMESTAMP
    start_timestamp: int | None = None
    stop_condition: str = CAUGHT_UP
    #: pause when a round of reads brought nothing (each shard allows 5 reads a second)
    idle_sleep: float = 0.25
    #: a task reads one shard (None: every shard, in lineage order), after this sequence number
    shard_id: str | None = None
    after_sequence: str | None = None

    interface = "KinesisRecordReader"
    function = "parseMessage"

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._skipped: set[str] = set()

    def skip_task(self, task: str) -> None:
        """A task is a shard (the platform runs one per shard): stop reading it and its children."""
        self._skipped.add(task)

    def stop(self) -> None:
        self._stop.set()

    def close(self) -> None:
        self._stop.set()

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

        def list_shards() -> list[dict[str, Any]]:
            return [s for page in kinesis.get_paginator("list_shards").paginate(StreamName=name) for s in page["Shards"]]

        def iterator_for(state: _ShardState) -> str | None:
            kwargs: dict[str, Any] = {"StreamName": name, "ShardId": state.shard_id}
            if state.last_sequence is not None:  # resuming: right after the last record read
                kwargs.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=state.last_sequence)
            elif self.start_from == LATEST:
                if state.closed:
                    return None
                kwargs["ShardIteratorType"] = "LATEST"
            elif self.start_from == AT_TIMESTAMP:
                kwargs["ShardIteratorType"] = "AT_TIMESTAMP"
                kwargs["Timestamp"] = (self.start_timestamp or 0) / 1000.0
            else:
                kwargs["ShardIteratorType"] = "TRIM_HORIZON"
            return str(kinesis.get_shard_iterator(**kwargs)["ShardIterator"])

        def read(iterator: str) -> tuple[list[dict[str, Any]], str | None, dict[str, Any]]:
            reply = kinesis.get_records(ShardIterator=iterator, Limit=self.page_limit)
            return reply.get("Records") or [], reply.get("NextShardIterator"), reply

        def caught_up(state: _ShardState, reply: dict[str, Any]) -> bool:
            return not reply.get("MillisBehindLatest")

        walker = _ShardWalker(list_shards, iterator_for, read, caught_up, self.stop_condition, self.idle_sleep,
                              self._stop, lambda record: record["SequenceNumber"], self._skipped,
                              self.shard_id, self.after_sequence)
        for shard_id, records in walker.pages():
            yield [self._record(shard_id, r) for r in records]

    def position_of(self, record: SourceRecord) -> str | None:
        """The record's sequence number: a rerun of its shard's task resumes right after it."""
        return record.start_offsets.get("sequenceNumber") or None

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
            return SourceRecord({}, seq, offsets, offsets, error=f"record data is not valid (gzip) UTF-8: {exc}",
                                task=shard_id)
        data = {
            "streamArn": self.stream_arn,
            "shardId": shard_id,
            "partitionKey": record["PartitionKey"],
            "sequenceNumber": seq,
            "approximateArrivalTimestamp": _epoch_millis(record.get("ApproximateArrivalTimestamp")),
            "data": text,
        }
        return SourceRecord(data, seq, offsets, offsets, size=len(raw), task=shard_id)


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
    """Every shard of the table's stream, parents before children, from the start position until
    the stop condition.

    DynamoDB Streams may return empty pages before a shard's later records, so an empty page never
    ends a shard by itself: a closed shard is read until its iterator ends; an open shard is
    finished (``CAUGHT_UP``, default) after ``empty_reads_to_stop`` consecutive empty pages, or
    polled until interrupted (``CONTINUOUS``).
    """

    session: Any
    stream_arn: str | None = None
    table_name: str | None = None
    start_from: str = EARLIEST
    stop_condition: str = CAUGHT_UP
    empty_reads_to_stop: int = 3
    #: pause when a round of reads brought nothing (each shard allows 5 reads a second)
    idle_sleep: float = 0.25
    #: a task reads one shard (None: every shard, in lineage order), after this sequence number
    shard_id: str | None = None
    after_sequence: str | None = None

    interface = "DynamoDBStreamsRecordReader"
    function = "parseRecord"

    def skip_task(self, task: str) -> None:
        """A task is a shard: stop reading it and its children."""
        self._skipped.add(task)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._skipped: set[str] = set()
        if self.start_from not in (EARLIEST, LATEST):
            raise ValueError(f"DynamoDB Streams can start from {EARLIEST} or {LATEST}, not {self.start_from}")

    def stop(self) -> None:
        self._stop.set()

    def close(self) -> None:
        self._stop.set()

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

        def iterator_for(state: _ShardState) -> str | None:
            kwargs: dict[str, Any] = {"StreamArn": self.stream_arn, "ShardId": state.shard_id}
            if state.last_sequence is not None:  # resuming: right after the last record read
                kwargs.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=state.last_sequence)
            elif self.start_from == LATEST and state.closed:
                return None
            else:
                kwargs["ShardIteratorType"] = "LATEST" if self.start_from == LATEST else "TRIM_HORIZON"
            return str(streams.get_shard_iterator(**kwargs)["ShardIterator"])

        def read(iterator: str) -> tuple[list[dict[str, Any]], str | None, dict[str, Any]]:
            reply = streams.get_records(ShardIterator=iterator, Limit=1000)
            return reply.get("Records") or [], reply.get("NextShardIterator"), reply

        def caught_up(state: _ShardState, reply: dict[str, Any]) -> bool:
            return state.empty_reads >= self.empty_reads_to_stop

        walker = _ShardWalker(self._shards, iterator_for, read, caught_up, self.stop_condition, self.idle_sleep,
                              self._stop, lambda record: str((record.get("dynamodb") or {}).get("SequenceNumber")),
                              self._skipped, self.shard_id, self.after_sequence)
        for shard_id, records in walker.pages():
            yield [self._record(shard_id, r) for r in records]

    def position_of(self, record: SourceRecord) -> str | None:
        """The record's sequence number: a rerun of its shard's task resumes right after it."""
        return record.start_offsets.get("sequenceNumber") or None

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
        return SourceRecord(data, seq, offsets, offsets, size=int(ddb.get("SizeBytes", 0)), task=shard_id)


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
