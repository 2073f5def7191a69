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
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from letsdata_local.config import Config, ConfigError
from letsdata_local.documents import Outcome, document_outcome, error_document, outcome_for
from letsdata_local.engine import BridgeClient, InvocationTimeout, ItemResult
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


def check_runnable(cfg: Config) -> None:
    """Refuse, before anything starts, what the platform accepts but this runtime cannot run."""
    if cfg.read_destination == "S3" and cfg.engine != "SPARK" and cfg.reader_type != "SINGLEFILEREADER":
        raise ConfigError(f"{cfg.source}: field readConnector.readerType {cfg.reader_type} is not supported by "
                          "letsdata_local yet (S3 datasets run with SINGLEFILEREADER)")


def build_reader(cfg: Config, session: Any, bridge: BridgeClient, options: RunOptions) -> Reader:
    dest = cfg.read_destination
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
        return SqsReader(
            session,
            queue_name=cfg.get("readConnector.queueName"),
            queue_url=cfg.get("readConnector.queueUrl"),
            queue_arn=cfg.get("readConnector.queueArn"),
            empty_receives_to_stop=int(cfg.get("manifestFile.sqsReaderTaskStopAfterConsecutiveEmptyReceives")),
            wait_seconds=options.sqs_wait_seconds,
        )
    if dest == "KINESIS":
        return KinesisReader(session, read_stream_arg(cfg.get("readConnector.streamName"), cfg.get("readConnector.streamArn")))
    if dest == "DYNAMODB_STREAMS":
        return DynamoDBStreamsReader(session, cfg.get("readConnector.streamArn"), cfg.get("readConnector.tableName"))
    if dest == "DYNAMODB_TABLE":
        return DynamoDBTableReader(session, cfg.get("readConnector.tableName"), int(cfg.get("manifestFile.totalSegments")))
    raise ValueError(f"unsupported read connector {dest}")  # unreachable: the schema restricts it


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
        extracted = self.bridge.call_many(
            self.IFACE, "extractDocumentElementsForVectorization", [{"document": d} for d in documents]
        )
        outcomes: list[Outcome | None] = [None] * len(records)
        construct_items: list[dict[str, Any]] = []
        construct_index: list[int] = []
        for i, (record, doc, result) in enumerate(zip(records, documents, extracted, strict=True)):
            if not result.ok or not isinstance(result.data, dict):
                outcomes[i] = outcome_for(
                    result if not result.ok else ItemResult(False, error_message="extract returned no dict"),
                    record.source_id, record.start_offsets, record.end_offsets,
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
        constructed = self.bridge.call_many(self.IFACE, "constructVectorDoc", construct_items)
        for i, result in zip(construct_index, constructed, strict=True):
            record = records[i]
            outcomes[i] = document_outcome(result, record.source_id, record.start_offsets, record.end_offsets)
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
    """Runs one dataset with LAMBDA or LAMBDA_AND_SAGEMAKER compute."""

    def __init__(self, cfg: Config, session: Any, bridge: BridgeClient, options: RunOptions) -> None:
        self.cfg = cfg
        self.session = session
        self.bridge = bridge
        self.options = options
        self.reader = build_reader(cfg, session, bridge, options)
        self.sagemaker = SagemakerStage(cfg, session, bridge) if cfg.engine == "LAMBDA_AND_SAGEMAKER" else None
        self.writer: Writer | None = None
        self.error_writer: Writer | None = None
        self.summary = Summary()

    def check(self) -> None:
        """Everything that can be missing is reported before the first record is processed."""
        self.reader.check()
        self.writer = build_writer(self.cfg, self.session, self.options)
        self.writer.check()
        self.error_writer = build_error_writer(self.cfg, self.session)
        self.error_writer.check()
        self.summary.output = self.writer.location
        self.summary.error_output = self.error_writer.location

    def batches(self) -> Iterator[list[SourceRecord]]:
        batch: list[SourceRecord] = []
        size = 0
        for page in self.reader.pages():
            if not page:
                if batch:
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
            if record.error is not None:
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
            results = self.bridge.call_many(
                self.reader.interface, self.reader.function, [batch[i].data for i in to_call]
            )
            for i, result in zip(to_call, results, strict=True):
                record = batch[i]
                outcomes[i] = outcome_for(result, record.source_id, record.start_offsets, record.end_offsets)
        return [o for o in outcomes if o is not None]

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
        self.summary.task_errors.append(f"{task or 'the run'} stopped at record {where}: {error}")

    def run(self) -> Summary:
        if self.writer is None:
            self.check()
        assert self.writer is not None and self.error_writer is not None
        writer, error_writer, summary = self.writer, self.error_writer, self.summary
        started = time.perf_counter()
        pending_acks: list[SourceRecord] = []
        progress = _progress(self.options.progress)
        failed: set[str] = set()  # errored tasks ("" = the run itself)
        try:
            for batch in self.batches():
                if failed:
                    kept = [record for record in batch if record.task not in failed]
                    summary.not_processed += len(batch) - len(kept)
                    batch = kept
                if not batch:
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
                    if outcome.exception and not self.options.exceptions_as_errors:
                        metadata = outcome.record.get("documentMetadata") or {}
                        self._task_failed(record.task, record.source_id,
                                          f"{metadata.get('errorType', 'Exception')}: {outcome.record.get('errorMessage')}",
                                          failed)
                        summary.not_processed += 1
                        continue
                    processed.append(record)
                    if outcome.kind == Outcome.DOCUMENT:
                        writer.write(outcome.record)
                        summary.documents_written += 1
                        if len(summary.sample) < self.options.sample:
                            summary.sample.append(outcome.record)
                    elif outcome.kind == Outcome.ERROR:
                        error_writer.write(outcome.record)
                        summary.errors += 1
                    else:
                        summary.skips += 1
                summary.records_read += len(processed)
                if self.reader.needs_ack:
                    pending_acks.extend(processed)
                    durable = writer.flush() & error_writer.flush()
                    if durable:
                        self.reader.ack(pending_acks)
                        pending_acks = []
                if progress is not None:
                    progress.update(len(batch))
                if "" in failed:
                    break
            summary.notes.extend(self.reader.notes())
            writer.close()
            error_writer.close()
            if pending_acks:
                self.reader.ack(pending_acks)
        except KeyboardInterrupt:
            summary.interrupted = True
            writer.abort()
            error_writer.abort()
        except BaseException:
            writer.abort()
            error_writer.abort()
            raise
        finally:
            if progress is not None:
                progress.close()
            summary.elapsed = time.perf_counter() - started
            summary.invocations = self.bridge.invocations
        return summary


def _progress(enabled: bool) -> Any:
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm is part of the "local" extra; run without a bar
        return None
    return tqdm(file=sys.stderr, unit="rec", desc="letsdata_local", dynamic_ncols=True, mininterval=0.5)
