"""Orchestration: read -> bridge (LAMBDA / LAMBDA_AND_SAGEMAKER) -> write, with batching and a summary.

The loop is deliberately simple and single-threaded (the user's code dominates the cost): pages
from the reader are gathered into batches of ``batch_size`` records (or fewer, when the reader is
idle or the byte budget is reached), each batch is one ``batchedData`` invocation, documents go to
the write connector and errors to the error connector, then the writers are flushed and — only if
that made the output durable — the source records are acknowledged.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from letsdata_local.config import Config, ConfigError
from letsdata_local.documents import Outcome, document_outcome, error_document, outcome_for
from letsdata_local.engine import BridgeClient, InvocationTimeout, ItemResult
from letsdata_local.limits import DocumentTooLargeError, PayloadTooLargeError, describe_source
from letsdata_local.readers import (
    DynamoDBStreamsReader,
    DynamoDBTableReader,
    KinesisReader,
    Reader,
    S3SingleFileReader,
    SourceRecord,
    SqsReader,
    read_stream_arg,
)
from letsdata_local.resources import (
    error_bucket,
    error_prefix,
    local_path,
    write_bucket,
    write_prefix,
    write_queue,
    write_stream,
    write_table,
)
from letsdata_local.writers import (
    DynamoDBWriter,
    KinesisWriter,
    LocalFileWriter,
    S3PartWriter,
    SingleRecordKinesisWriter,
    SqsWriter,
    WriteError,
    Writer,
)

log = logging.getLogger("letsdata_local")

#: Requests above this many record bytes are split: Lambda's synchronous payload limit is 6 MB and
#: JSON escaping can double non-ASCII text (``\uXXXX``), so stay well under half of it.
MAX_BATCH_BYTES = 2 * 1024 * 1024 + 512 * 1024


@dataclass
class Summary:
    records_read: int = 0
    documents_written: int = 0
    errors: int = 0
    skips: int = 0
    invocations: int = 0
    elapsed: float = 0.0
    interrupted: bool = False
    output: str = ""
    error_output: str = ""
    sample: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: One line per errored task: the task, the record it stopped at and the exception.
    task_errors: list[str] = field(default_factory=list)
    #: Records read but not processed because their task had errored.
    not_processed: int = 0

    @property
    def records_per_second(self) -> float:
        return self.records_read / self.elapsed if self.elapsed > 0 else 0.0

    def lines(self) -> list[str]:
        status = "INTERRUPTED" if self.interrupted else "ERRORED" if self.task_errors else "done"
        return [
            f"letsdata_local {status}: {self.records_read} records read, {self.documents_written} documents written, "
            f"{self.errors} errors, {self.skips} skipped",
            f"  {self.invocations} invocations, {self.elapsed:.2f}s elapsed, {self.records_per_second:,.0f} records/s",
            f"  documents -> {self.output}",
            f"  errors    -> {self.error_output}",
            *(f"  {note}" for note in self.notes),
            *(f"  task error: {line}" for line in self.task_errors),
            *([f"  {self.not_processed} records of errored tasks not processed"] if self.not_processed else []),
        ]


@dataclass
class RunOptions:
    batch_size: int = 100
    sample: int = 0
    progress: bool = True
    chunk_size: int = 8 * 1024 * 1024
    sqs_wait_seconds: int = 0
    single_record_writes: bool = False  # benchmark baseline: one PutRecord per document
    endpoint_url: str | None = None
    #: False (default): an exception from the user's code is a task error, as on the platform — the
    #: task stops at that record. True: it becomes an error document and the run goes on.
    exceptions_as_errors: bool = False
    #: readers that acknowledge (SQS): make the output durable and delete the messages at least
    #: this often (seconds) or after this many records, whichever comes first, whenever the source
    #: is idle, and at the end
    commit_seconds: float = 10.0
    commit_records: int = 1000


def check_runnable(cfg: Config) -> None:
    """Refuse, before anything starts, what the platform accepts but this runtime cannot run."""
    runnable = ("SINGLEFILEREADER", "SINGLEFILESTATEMACHINEREADER", "MULTIPLEFILESTATEMACHINEREADER")
    if cfg.read_destination == "S3" and cfg.engine != "SPARK" and cfg.reader_type not in runnable:
        raise ConfigError(f"{cfg.source}: field readConnector.readerType {cfg.reader_type} is not supported by "
                          f"letsdata_local yet (S3 datasets run with {', '.join(runnable)})")
    if cfg.read_destination == "S3" and cfg.engine != "SPARK" and cfg.reader_type != "SINGLEFILEREADER":
        from letsdata_local.state_machine import check_config

        check_config(cfg)  # the reader / parser classes are named and import, before anything starts


def build_reader(cfg: Config, session: Any, bridge: BridgeClient, options: RunOptions) -> Reader:
    dest = cfg.read_destination
    if dest == "S3" and cfg.reader_type in ("SINGLEFILESTATEMACHINEREADER", "MULTIPLEFILESTATEMACHINEREADER"):
        raise ConfigError(f"{cfg.source}: field readConnector.readerType {cfg.reader_type} has no bridge envelope: "
                          "its tasks read with letsdata_local.state_machine_tasks.StateMachineTaskReader")
    check_runnable(cfg)
    if dest == "S3":
        from letsdata_local.manifest import parse_manifest

        text = cfg.get("manifestFile.fileContents")
        keys = [] if text is None else [
            e.key for e in parse_manifest(str(text), cfg.reader_type, f"{cfg.source}: field manifestFile.fileContents")
        ]
        return S3SingleFileReader(
            session, bridge, cfg.get("readConnector.bucketName"), keys, chunk_size=options.chunk_size,
            manifest_uri=cfg.get("manifestFile.manifestFileS3Uri"), config_source=cfg.source,
        )
    if dest == "SQS":
        return sqs_reader(cfg, session, options.sqs_wait_seconds)
    if dest == "KINESIS":
        return kinesis_reader(cfg, session)
    if dest == "DYNAMODB_STREAMS":
        return dynamodb_streams_reader(cfg, session)
    if dest == "DYNAMODB_TABLE":
        return DynamoDBTableReader(session, cfg.get("readConnector.tableName"), int(cfg.get("manifestFile.totalSegments")))
    raise ValueError(f"unsupported read connector {dest}")  # unreachable: the schema restricts it


def sqs_reader(cfg: Config, session: Any, wait_seconds: int = 0) -> SqsReader:
    """The queue reader (one SQS task is one such reader: several drain the same queue)."""
    return SqsReader(
        session,
        queue_name=cfg.get("readConnector.queueName"),
        queue_url=cfg.get("readConnector.queueUrl"),
        queue_arn=cfg.get("readConnector.queueArn"),
        empty_receives_to_stop=int(cfg.get("manifestFile.sqsReaderTaskStopAfterConsecutiveEmptyReceives")),
        wait_seconds=wait_seconds,
        continuous=cfg.get("manifestFile.sqsReaderTaskStopCondition") == "CONTINUOUS",
    )


def kinesis_reader(cfg: Config, session: Any, shard_id: str | None = None,
                   after_sequence: str | None = None) -> KinesisReader:
    """The stream reader with the configuration's start position and stop condition; with
    ``shard_id`` it reads that one shard (a task), resuming after ``after_sequence``."""
    return KinesisReader(
        session,
        read_stream_arg(cfg.get("readConnector.streamName"), cfg.get("readConnector.streamArn")),
        start_from=cfg.get("manifestFile.kinesisReaderTaskStartFromCondition"),
        start_timestamp=cfg.get("manifestFile.kinesisReaderTaskStartFromTimestamp"),
        stop_condition=cfg.get("manifestFile.kinesisReaderTaskStopCondition"),
        shard_id=shard_id,
        after_sequence=after_sequence,
    )


def dynamodb_streams_reader(cfg: Config, session: Any, shard_id: str | None = None,
                            after_sequence: str | None = None) -> DynamoDBStreamsReader:
    """As :func:`kinesis_reader`, for the table's DynamoDB stream."""
    start_from = cfg.get("manifestFile.dynamoDBReaderTaskStartFromCondition")
    if start_from == "AT_TIMESTAMP":
        raise ConfigError(
            f"{cfg.source}: field manifestFile.dynamoDBReaderTaskStartFromCondition is AT_TIMESTAMP, which "
            "DynamoDB Streams cannot do (its shard iterators start at TRIM_HORIZON, LATEST or a sequence "
            "number); use EARLIEST or LATEST"
        )
    return DynamoDBStreamsReader(
        session,
        cfg.get("readConnector.streamArn"),
        cfg.get("readConnector.tableName"),
        start_from=start_from,
        stop_condition=cfg.get("manifestFile.dynamoDBReaderTaskStopCondition"),
        empty_reads_to_stop=int(cfg.get("manifestFile.dynamoDBReaderTaskStopAfterConsecutiveEmptyReads")),
        shard_id=shard_id,
        after_sequence=after_sequence,
    )


def build_writer(cfg: Config, session: Any, options: RunOptions) -> Writer:
    dest = cfg.write_destination
    if dest == "KINESIS":
        cls = SingleRecordKinesisWriter if options.single_record_writes else KinesisWriter
        return cls(session, write_stream(cfg), gzip_records=cfg.get("writeConnector.compression") == "GZIP")
    if dest == "SQS":
        from letsdata_local.readers import resolve_queue_url

        url = resolve_queue_url(session.client("sqs"), write_queue(cfg), cfg.get("writeConnector.queueUrl"))
        return SqsWriter(session, url, cfg.get("writeConnector.messageIdAttributeName"))
    if dest == "S3":
        return S3PartWriter(session, write_bucket(cfg), write_prefix(cfg))
    if dest == "DYNAMODB":
        return DynamoDBWriter(session, write_table(cfg))
    return LocalFileWriter(local_path(cfg, "writeConnector", "documents.jsonl"))


def build_error_writer(cfg: Config, session: Any) -> Writer:
    if cfg.error_destination == "S3":
        return S3PartWriter(session, error_bucket(cfg), error_prefix(cfg))
    return LocalFileWriter(local_path(cfg, "errorConnector", "errors.jsonl"))


def call_within_limits(
    bridge: BridgeClient, interface: str, function: str, items: list[Any], records: list[SourceRecord]
) -> list[ItemResult]:
    """``bridge.call_many`` for ``items`` (one per record in ``records``), within Lambda's 6 MB.

    A request or response over the limit is split in two and retried; a single item that still does
    not fit gets an error naming its source record. The platform sends one record per invocation,
    so there too only that record fails.
    """
    if not items:
        return []
    try:
        results = bridge.call_many(interface, function, items)
    except PayloadTooLargeError as exc:
        if len(items) > 1:
            middle = len(items) // 2
            return (call_within_limits(bridge, interface, function, items[:middle], records[:middle])
                    + call_within_limits(bridge, interface, function, items[middle:], records[middle:]))
        where = describe_source(records[0].data, records[0].source_id)
        return [ItemResult(False, error_message=f"{where}: {exc}", error_type=PAYLOAD_TOO_LARGE)]
    # The bridge itself answers for a result that cannot fit the response (docs/letsdata-bridge.md):
    # the same case, reported the same way.
    return [ItemResult(False, error_message=f"{describe_source(record.data, record.source_id)}: "
                                            f"{result.error_message}", error_type=PAYLOAD_TOO_LARGE)
            if not result.ok and result.error_message.startswith(BRIDGE_RESPONSE_TOO_LARGE) else result
            for result, record in zip(results, records, strict=True)]


#: ``ItemResult.error_type`` of a record whose request or response cannot fit Lambda's limit
PAYLOAD_TOO_LARGE = "PayloadTooLarge"
#: How the bridge's error for a result over Lambda's response limit starts.
BRIDGE_RESPONSE_TOO_LARGE = "letsdata response - "


def classify(result: ItemResult, record: SourceRecord, bare_document: bool = False) -> Outcome:
    """The outcome of one record's result. A payload over Lambda's limit is an error document and
    the run goes on (the user's code did not fail); anything else follows ``outcome_for``."""
    if not result.ok and result.error_type == PAYLOAD_TOO_LARGE:
        return Outcome(Outcome.ERROR, error_document(record.source_id, record.start_offsets, record.end_offsets,
                                                     result.error_message, PAYLOAD_TOO_LARGE))
    classify_as = document_outcome if bare_document else outcome_for
    return classify_as(result, record.source_id, record.start_offsets, record.end_offsets)


class SagemakerStage:
    """LAMBDA_AND_SAGEMAKER: extract -> sagemaker-runtime InvokeEndpoint -> construct."""

    IFACE = "SagemakerVectorsInterface"

    def __init__(self, cfg: Config, session: Any, bridge: BridgeClient) -> None:
        self.bridge = bridge
        self.client = session.client("sagemaker-runtime")
        self.endpoint = cfg.get("computeEngine.endpoint.sagemakerEndpointName") or f"{cfg.dataset_name}-endpoint"
        self.content_type = cfg.get("computeEngine.endpoint.contentType")

    def vector(self, text: str) -> list[float]:
        reply = self.client.invoke_endpoint(
            EndpointName=self.endpoint,
            ContentType=self.content_type,
            Accept="application/json",
            Body=json.dumps({"inputs": text}).encode("utf-8"),
        )
        raw = reply["Body"].read()
        try:
            value: Any = json.loads(raw)
        except ValueError as exc:
            raise ValueError(f"endpoint {self.endpoint} returned a non-JSON body: {raw[:100]!r}") from exc
        return to_vector(value)

    def process(self, records: list[SourceRecord], documents: list[dict[str, Any]]) -> list[Outcome]:
        extracted = call_within_limits(
            self.bridge, self.IFACE, "extractDocumentElementsForVectorization", [{"document": d} for d in documents],
            records,
        )
        outcomes: list[Outcome | None] = [None] * len(records)
        construct_items: list[dict[str, Any]] = []
        construct_index: list[int] = []
        for i, (record, doc, result) in enumerate(zip(records, documents, extracted, strict=True)):
            if not result.ok or not isinstance(result.data, dict):
                outcomes[i] = classify(
                    result if not result.ok else ItemResult(False, error_message="extract returned no dict"), record
                )
                continue
            try:
                vectors = {name: self.vector(str(text)) for name, text in result.data.items()}
            except Exception as exc:
                outcomes[i] = Outcome(Outcome.ERROR, error_document(
                    record.source_id, record.start_offsets, record.end_offsets, str(exc), type(exc).__name__))
                continue
            construct_items.append({"documentInterface": doc, "vectorsMap": vectors})
            construct_index.append(i)
        constructed = call_within_limits(
            self.bridge, self.IFACE, "constructVectorDoc", construct_items, [records[i] for i in construct_index]
        )
        for i, result in zip(construct_index, constructed, strict=True):
            record = records[i]
            outcomes[i] = classify(result, record, bare_document=True)
        return [o for o in outcomes if o is not None]


def to_vector(value: Any) -> list[float]:
    """An embedding from common endpoint reply shapes: a list of numbers, a batch of one, a token
    matrix (mean-pooled), or a dict with ``embedding``/``vectors``/``predictions``."""
    if isinstance(value, dict):
        for key in ("embedding", "embeddings", "vectors", "vector", "predictions"):
            if key in value:
                return to_vector(value[key])
        raise ValueError(f"cannot find a vector in the endpoint reply keys {sorted(value)[:10]}")
    if isinstance(value, list) and value and all(isinstance(x, int | float) for x in value):
        return [float(x) for x in value]
    if isinstance(value, list) and len(value) == 1:
        return to_vector(value[0])
    if isinstance(value, list) and value and all(isinstance(r, list) for r in value):
        rows = [to_vector(r) for r in value]
        width = len(rows[0])
        return [sum(r[d] for r in rows) / len(rows) for d in range(width)]
    raise ValueError("the endpoint reply is not a vector")


class Runner:
    """Runs one reader (the whole dataset, or one task of it) with LAMBDA or LAMBDA_AND_SAGEMAKER
    compute: the one read -> invoke -> write -> commit loop of letsdata_local.

    A task (``letsdata_local.task_runner``) passes its own ``reader`` (one file, shard, segment or
    queue worker), its part-file ``writer``/``error_writer`` and ``on_commit``, which is called
    with the records of every commit once their output is durable (and acknowledged): that is where
    the task saves its checkpoint. ``stop`` (an event) ends the run after the current batch, with
    what was processed committed. A state-machine task's records carry the outcomes the state
    machine produced (``SourceRecord.outcomes``): they are written as they are, without a bridge call.
    """

    def __init__(self, cfg: Config, session: Any, bridge: BridgeClient, options: RunOptions, *,
                 reader: Reader | None = None, writer: Writer | None = None, error_writer: Writer | None = None,
                 on_commit: Callable[[list[SourceRecord]], None] | None = None,
                 stop: threading.Event | None = None) -> None:
        self.cfg = cfg
        self.session = session
        self.bridge = bridge
        self.options = options
        self.reader = reader if reader is not None else build_reader(cfg, session, bridge, options)
        self.sagemaker = SagemakerStage(cfg, session, bridge) if cfg.engine == "LAMBDA_AND_SAGEMAKER" else None
        self.writer: Writer | None = writer
        self.error_writer: Writer | None = error_writer
        self.on_commit = on_commit
        self.stop = stop
        self.summary = Summary()
        #: one entry per errored task: (task, the record it stopped at, the error)
        self.failures: list[tuple[str, str, str]] = []
        self._pending: list[SourceRecord] = []
        self._last_commit = time.monotonic()
        self._checked = False

    @property
    def _tracks(self) -> bool:
        """Commit points matter: records are acknowledged (SQS) or checkpointed (a task)."""
        return self.reader.needs_ack or self.on_commit is not None

    def check(self) -> None:
        """Everything that can be missing is reported before the first record is processed."""
        self.reader.check()
        if self.writer is None:
            self.writer = build_writer(self.cfg, self.session, self.options)
        self.writer.check()
        if self.error_writer is None:
            self.error_writer = build_error_writer(self.cfg, self.session)
        self.error_writer.check()
        self._checked = True
        self.summary.output = self.writer.location
        self.summary.error_output = self.error_writer.location

    def batches(self) -> Iterator[list[SourceRecord]]:
        batch: list[SourceRecord] = []
        size = 0
        for page in self.reader.pages():
            if not page:  # the source is idle: send what is gathered, or say so (an empty batch)
                yield batch
                batch, size = [], 0
                continue
            for record in page:
                if batch and (len(batch) >= self.options.batch_size or size + record.size > MAX_BATCH_BYTES):
                    yield batch
                    batch, size = [], 0
                batch.append(record)
                size += record.size
        if batch:
            yield batch

    def process(self, batch: list[SourceRecord]) -> list[Outcome]:
        outcomes: list[Outcome | None] = [None] * len(batch)
        to_call: list[int] = []
        for i, record in enumerate(batch):
            if record.outcomes is not None:  # produced by the source (a state machine): no bridge call
                outcomes[i] = Outcome(Outcome.PRODUCED, {})
            elif record.error is not None:
                outcomes[i] = Outcome(Outcome.ERROR, error_document(
                    record.source_id, record.start_offsets, record.end_offsets, record.error, record.error_type))
            else:
                to_call.append(i)
        if self.sagemaker is not None:
            docs: list[dict[str, Any]] = []
            ok: list[int] = []
            for i in to_call:
                doc = self._document_of(batch[i])
                if isinstance(doc, dict):
                    docs.append(doc)
                    ok.append(i)
                else:
                    record = batch[i]
                    outcomes[i] = Outcome(Outcome.ERROR, error_document(
                        record.source_id, record.start_offsets, record.end_offsets,
                        f"record is not a JSON document: {doc}", "ValueError"))
            for i, outcome in zip(ok, self.sagemaker.process([batch[i] for i in ok], docs), strict=True):
                outcomes[i] = outcome
        else:
            results = self._invoke([batch[i] for i in to_call])
            for i, result in zip(to_call, results, strict=True):
                record = batch[i]
                outcomes[i] = classify(result, record)
        return [o for o in outcomes if o is not None]

    def _invoke(self, records: list[SourceRecord]) -> list[ItemResult]:
        return call_within_limits(self.bridge, self.reader.interface, self.reader.function,
                                  [r.data for r in records], records)

    @staticmethod
    def _document_of(record: SourceRecord) -> dict[str, Any] | str:
        """With SageMaker compute the source records are already documents (flat JSON)."""
        data = record.data
        if isinstance(data.get("data"), dict):
            return dict(data["data"].get("newImage") or data["data"].get("item") or {})
        text = data.get("data") or data.get("messageBody") or data.get("content")
        try:
            value = json.loads(text) if isinstance(text, str) else None
        except ValueError as exc:
            return str(exc)
        return value if isinstance(value, dict) else "not a JSON object"

    def _task_failed(self, task: str, where: str, error: str, failed: set[str]) -> None:
        """A task error, as on the platform: the task stops at ``where`` and reads no further."""
        failed.add(task)
        self.reader.skip_task(task)
        self.failures.append((task, where, error))
        self.summary.task_errors.append(f"{task or 'the run'} stopped at record {where}: {error}")

    def run(self) -> Summary:
        if not self._checked:
            self.check()
        assert self.writer is not None and self.error_writer is not None
        writer, error_writer, summary = self.writer, self.error_writer, self.summary
        started = time.perf_counter()
        progress = _progress(self.options.progress)
        failed: set[str] = set()  # errored tasks ("" = the run itself)
        try:
            for batch in self.batches():
                if failed:
                    kept = [record for record in batch if record.task not in failed]
                    summary.not_processed += len(batch) - len(kept)
                    batch = kept
                if not batch:  # idle: commit what is in flight (a FIFO queue waits for it, and a
                    if self._pending and (self.reader.needs_ack or self._commit_due()):  # continuous
                        self._commit()  # run may idle for long)
                    if self.stop is not None and self.stop.is_set():
                        summary.interrupted = True
                        break
                    continue
                try:
                    outcomes = self.process(batch)
                except InvocationTimeout as exc:  # the whole invocation failed: a task error for each task in it
                    for task in dict.fromkeys(record.task for record in batch):
                        self._task_failed(task, f"{batch[0].source_id} .. {batch[-1].source_id}",
                                          f"TimeoutError: {exc}", failed)
                    summary.not_processed += len(batch)
                    if "" in failed:
                        break
                    continue
                processed: list[SourceRecord] = []
                for record, outcome in zip(batch, outcomes, strict=True):
                    if record.task in failed:
                        summary.not_processed += 1
                        continue
                    produced: list[Outcome] = (record.outcomes or [] if outcome.kind == Outcome.PRODUCED
                                               else [outcome])
                    raised = next((o for o in produced if o.exception), None)
                    if raised is not None and not self.options.exceptions_as_errors:
                        metadata = raised.record.get("documentMetadata") or {}
                        self._task_failed(record.task, record.source_id,
                                          f"{metadata.get('errorType', 'Exception')}: {raised.record.get('errorMessage')}",
                                          failed)
                        summary.not_processed += record.records
                        continue
                    processed.append(record)
                    for item in produced:
                        self._write(record, item)
                self._settle_rejected()
                summary.records_read += sum(record.records for record in processed)
                if self._tracks:
                    self._pending.extend(processed)
                    if self._commit_due():
                        self._commit()
                if progress is not None:
                    progress.update(len(batch))
                if "" in failed:
                    break
                if self.stop is not None and self.stop.is_set():
                    summary.interrupted = True
                    break
            summary.notes.extend(self.reader.notes())
            if self._tracks and self._pending:
                self._commit()
            writer.close()
            error_writer.close()
        except KeyboardInterrupt:
            summary.interrupted = True
            writer.abort()
            error_writer.abort()
        except WriteError as exc:
            self._ack_durable(exc)
            writer.abort()
            error_writer.abort()
            raise
        except BaseException:
            writer.abort()
            error_writer.abort()
            raise
        finally:
            self.reader.close()
            redeliveries = getattr(self.reader, "redeliveries", 0)
            if redeliveries:
                summary.notes.append(f"{redeliveries} SQS redeliveries of messages already read were not processed again")
            if progress is not None:
                progress.close()
            summary.elapsed = time.perf_counter() - started
            summary.invocations = self.bridge.invocations
        return summary

    def _write(self, record: SourceRecord, outcome: Outcome) -> None:
        assert self.writer is not None and self.error_writer is not None
        summary = self.summary
        if outcome.kind == Outcome.DOCUMENT:
            try:
                self.writer.write(outcome.record, record)
            except DocumentTooLargeError as exc:
                self._error(record, f"document {outcome.record.get('documentId')!r}: {exc}", "DocumentTooLarge")
                return
            summary.documents_written += 1
            if len(summary.sample) < self.options.sample:
                summary.sample.append(outcome.record)
        elif outcome.kind == Outcome.ERROR:
            self.error_writer.write(outcome.record, record)
            summary.errors += 1
        else:
            summary.skips += 1

    def _error(self, record: SourceRecord, message: str, error_type: str) -> None:
        """An error document for ``record`` that says where the record came from."""
        assert self.error_writer is not None
        where = describe_source(record.data, record.source_id)
        self.error_writer.write(
            error_document(record.source_id, record.start_offsets, record.end_offsets, f"{where}: {message}", error_type),
            record,
        )
        self.summary.errors += 1

    def _settle_rejected(self) -> None:
        """Documents the destination refused for their content become error documents."""
        assert self.writer is not None
        for rejected in self.writer.take_rejected():
            self.summary.documents_written -= 1
            record = rejected.source if isinstance(rejected.source, SourceRecord) else None
            message = f"document {rejected.document_id!r} rejected by the destination: {rejected.code}: {rejected.message}"
            if record is None:
                log.error("%s (source record unknown)", message)
                continue
            self._error(record, message, rejected.code)

    def _commit_due(self) -> bool:
        return (
            len(self._pending) >= self.options.commit_records
            or time.monotonic() - self._last_commit >= self.options.commit_seconds
            or (self.writer is not None and self.writer.wants_commit())
        )

    def _commit(self) -> None:
        """Make every document written so far durable, then acknowledge the records they came from."""
        assert self.writer is not None and self.error_writer is not None
        durable = self.writer.commit()
        self._settle_rejected()  # rejections found while sending become error documents first
        durable = self.error_writer.commit() and durable
        if durable:
            if self.reader.needs_ack:
                self.reader.ack(self._pending)
            if self.on_commit is not None and self._pending:
                self.on_commit(self._pending)
            self._pending = []
            self._last_commit = time.monotonic()

    def _ack_durable(self, exc: WriteError) -> None:
        """A write failed for good: acknowledge exactly the records whose documents are durable, and
        say how many will be read again, so nothing is re-sent silently."""
        if not self.reader.needs_ack or not self._pending:
            return
        assert self.writer is not None and self.error_writer is not None
        failed = {id(s) for s in exc.failed_sources}
        try:  # everything else written so far must be durable before its records are acknowledged
            self.writer.commit()
            self.error_writer.commit()
        except Exception:  # noqa: BLE001 - when that fails too, nothing is acknowledged
            failed = {id(r) for r in self._pending}
        durable = [r for r in self._pending if id(r) not in failed]
        if durable:
            self.reader.ack(durable)
        kept = len(self._pending) - len(durable)
        exc.args = (f"{exc.args[0]}; {len(durable)} source records whose documents are durable were acknowledged, "
                    f"{kept} were not and will be read again",)
        self._pending = []


def _progress(enabled: bool) -> Any:
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm is part of the "local" extra; run without a bar
        return None
    return tqdm(file=sys.stderr, unit="rec", desc="letsdata_local", dynamic_ncols=True, mininterval=0.5)
