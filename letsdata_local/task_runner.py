"""Running one task: its reader, bridge and writers, with a checkpoint after every durable write.

Everything a task needs travels in a :class:`TaskContext` of plain values, so the same function
runs in this process, in a worker process (in-process user code, concurrency > 1) or on a Spark
executor. The loop (``docs/letsdata-local-tasks.md``):

1. load the task's checkpoint; a finished finite task (S3 file, scan segment) is not run again;
2. remove the one output part a killed run may have published beyond the checkpoint;
3. read from the stored position, send batches through the bridge, buffer documents and errors;
4. at each commit point (every batch for Kinesis/SQS/DynamoDB destinations, every
   ``checkpoint_every`` records or full part for file destinations, and at the end): make the
   output durable, acknowledge the source records (SQS), then save the new position, part number
   and counts — in that order, so the checkpoint never covers output that is not durable.
"""

from __future__ import annotations

import json
import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from letsdata_local.checkpoints import (
    COMPLETED,
    FAILED,
    INTERRUPTED,
    RUNNING,
    CheckpointStore,
    TaskState,
    open_store,
)
from letsdata_local.config import Config
from letsdata_local.documents import Outcome
from letsdata_local.engine import BridgeClient, InvocationTimeout
from letsdata_local.parts import LocalPartSink, PartSink, S3PartSink, local_parts_base
from letsdata_local.resources import error_bucket, error_prefix, local_path, write_bucket, write_prefix
from letsdata_local.runner import Runner, RunOptions, SagemakerStage, Summary, build_writer
from letsdata_local.tasks import FINITE_KINDS, Task, task_reader

log = logging.getLogger("letsdata_local")

#: A file part is committed once it holds this many bytes even before ``checkpoint_every`` records.
PART_BYTES = 64 * 1024 * 1024

IN_PROCESS = "in-process"
LAMBDA = "lambda"
HTTP = "http"


@dataclass
class TaskContext:
    """Plain, picklable description of a run: rebuilt into objects wherever the task runs."""

    config: dict[str, Any]
    source: str = "<config>"
    implementations: dict[str, str] = field(default_factory=dict)
    endpoint_url: str | None = None
    invoke: tuple[str, str] = (IN_PROCESS, "")
    batch_size: int = 100
    chunk_size: int = 8 * 1024 * 1024
    sqs_wait_seconds: int = 0
    sample: int = 0
    checkpoint_every: int = 10_000
    store: str = ""
    #: ``computeEngine.timeoutInSeconds``: the limit of each invocation
    timeout_seconds: float = 900.0
    #: an exception from the user's code is an error document (True) or, as on the platform, a task
    #: error that stops the task at that record (False)
    exceptions_as_errors: bool = False

    def cfg(self) -> Config:
        """The configuration, already validated and normalised by the driver (validating the
        normalised form again would reject the defaults it filled in)."""
        cfg = Config.__new__(Config)
        cfg.source = self.source
        cfg.data = json.loads(json.dumps(self.config))
        return cfg


@dataclass
class TaskResult:
    state: TaskState
    sample: list[dict[str, Any]] = field(default_factory=list)
    output: str = ""
    error_output: str = ""
    ran: bool = True
    interrupted: bool = False
    notes: list[str] = field(default_factory=list)


class TaskError(RuntimeError):
    """The user's code raised (or an invocation timed out): the task stops at that record, as on
    the platform; what came before it is committed."""


def build_bridge(ctx: TaskContext, cfg: Config, session: Any) -> BridgeClient:
    from letsdata_local.engine import HttpInvoker, InProcessInvoker, LambdaInvoker

    kind, target = ctx.invoke
    invoker: Any
    if kind == LAMBDA:
        invoker = LambdaInvoker(target, session)
    elif kind == HTTP:
        invoker = HttpInvoker(target, timeout=ctx.timeout_seconds + 5.0)
    else:
        from letsdata_service.registry import register_implementation

        for name, impl in ctx.implementations.items():
            register_implementation(name, impl)
        invoker = InProcessInvoker(timeout_seconds=ctx.timeout_seconds)
    return BridgeClient(invoker, cfg.dataset_name, batch_size=ctx.batch_size,
                        split_timed_out_batches=ctx.exceptions_as_errors)


def document_sink(cfg: Config, session: Any, task_id: str) -> PartSink | None:
    """The part sink of a file destination (LOCAL, S3); None for record destinations."""
    if cfg.write_destination == "S3":
        return S3PartSink(session, write_bucket(cfg), write_prefix(cfg), task_id)
    if cfg.write_destination == "LOCAL":
        return LocalPartSink(local_parts_base(local_path(cfg, "writeConnector", "documents.jsonl")), task_id)
    return None


def error_sink(cfg: Config, session: Any, task_id: str) -> PartSink:
    if cfg.error_destination == "S3":
        return S3PartSink(session, error_bucket(cfg), error_prefix(cfg), task_id)
    return LocalPartSink(local_parts_base(local_path(cfg, "errorConnector", "errors.jsonl")), task_id)


class _TaskRunner(Runner):
    """The batching and bridge calls of :class:`Runner`, over one task's reader."""

    def __init__(self, cfg: Config, session: Any, bridge: BridgeClient, options: RunOptions, reader: Any) -> None:
        self.cfg = cfg
        self.session = session
        self.bridge = bridge
        self.options = options
        self.reader = reader
        self.sagemaker = SagemakerStage(cfg, session, bridge) if cfg.engine == "LAMBDA_AND_SAGEMAKER" else None
        self.writer = None
        self.error_writer = None
        self.summary = Summary()


def run_task(
    ctx: TaskContext,
    task: Task,
    *,
    session: Any = None,
    bridge: BridgeClient | None = None,
    store: CheckpointStore | None = None,
    progress: Callable[[int], None] | None = None,
    stop: threading.Event | None = None,
) -> TaskResult:
    """Run (or resume) one task to its end; failures are recorded in its state, never raised."""
    from datalake_library.aws import shared_session

    cfg = ctx.cfg()
    session = session or shared_session(endpoint_url=ctx.endpoint_url)
    store = store or open_store(ctx.store, cfg.dataset_name, session)
    state = store.load(task.task_id) or TaskState(task.task_id, task.description)
    if state.state == COMPLETED and task.kind in FINITE_KINDS:
        return TaskResult(state, ran=False)
    state.description, state.source = task.description, task.source
    result = TaskResult(state)
    docs: PartSink | None = None
    errors: PartSink | None = None
    try:
        bridge = bridge or build_bridge(ctx, cfg, session)
        options = RunOptions(batch_size=ctx.batch_size, progress=False, chunk_size=ctx.chunk_size,
                             sqs_wait_seconds=ctx.sqs_wait_seconds, endpoint_url=ctx.endpoint_url,
                             exceptions_as_errors=ctx.exceptions_as_errors)
        reader = task_reader(task, cfg, session, bridge, state.position, ctx.chunk_size, ctx.sqs_wait_seconds)
        reader.check()
        docs = document_sink(cfg, session, task.task_id)
        records_writer = None if docs is not None else build_writer(cfg, session, options)
        if records_writer is not None:
            records_writer.check()
        errors = error_sink(cfg, session, task.task_id)
        result.output = docs.location if docs is not None else str(records_writer.location if records_writer else "")
        result.error_output = errors.location
        for sink in (docs, errors):
            if sink is not None:
                sink.discard(state.part)
        state.state, state.last_error = RUNNING, ""
        store.save(state)
        _loop(ctx, state, store, _TaskRunner(cfg, session, bridge, options, reader), reader, docs, records_writer,
              errors, result, progress, stop)
        state.state = COMPLETED if not result.interrupted else INTERRUPTED
        if hasattr(reader, "notes"):
            result.notes.extend(reader.notes())
    except KeyboardInterrupt:
        result.interrupted = True
        state.state = INTERRUPTED
    except TaskError as exc:
        state.state = FAILED
        state.last_error = str(exc)[:2000]
    except Exception as exc:
        state.state = FAILED
        state.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        log.debug("task %s failed:\n%s", task.task_id, traceback.format_exc())
    finally:
        for sink in (docs, errors):
            if sink is not None:
                sink.abort()  # anything not committed is not covered by the checkpoint
    try:
        store.save(state)
    except Exception as exc:  # the run result still reports the state; the next run resumes earlier
        log.warning("could not save the checkpoint of task %s: %s", task.task_id, exc)
    return result


def _loop(ctx: TaskContext, state: TaskState, store: CheckpointStore, runner: _TaskRunner, reader: Any,
          docs: PartSink | None, records_writer: Any, errors: PartSink, result: TaskResult,
          progress: Callable[[int], None] | None, stop: threading.Event | None) -> None:
    every_batch = docs is None  # record destinations: durable after every flush
    pending: list[Any] = []
    counts = {"records": 0, "documents": 0, "errors": 0, "skips": 0}
    invocations = runner.bridge.invocations

    def commit() -> None:
        nonlocal invocations
        if not pending:
            return
        if docs is not None:
            docs.commit(state.part)
        else:
            records_writer.flush()
        errors.commit(state.part)
        if reader.needs_ack:
            reader.ack(pending)
        position = reader.position_of(pending[-1])
        # the state advances only once the checkpoint is saved: a failed save leaves the old one
        committed = replace(
            state,
            position=position if position is not None else state.position,
            part=state.part + 1,
            records=state.records + counts["records"],
            documents=state.documents + counts["documents"],
            errors=state.errors + counts["errors"],
            skips=state.skips + counts["skips"],
            invocations=state.invocations + runner.bridge.invocations - invocations,
        )
        store.save(committed)
        state.__dict__.update(committed.__dict__)
        invocations = runner.bridge.invocations
        if progress is not None:
            progress(counts["records"])
        pending.clear()
        for key in counts:
            counts[key] = 0

    for batch in runner.batches():
        try:
            outcomes = runner.process(batch)
        except InvocationTimeout as exc:  # the whole invocation failed: the task stops at its first record
            commit()
            raise TaskError(f"stopped at record {batch[0].source_id}: TimeoutError: {exc}") from None
        for record, outcome in zip(batch, outcomes, strict=True):
            if outcome.exception and not ctx.exceptions_as_errors:
                commit()  # the records before it are done; the task resumes at this one
                metadata = outcome.record.get("documentMetadata") or {}
                raise TaskError(f"stopped at record {record.source_id}: {metadata.get('errorType', 'Exception')}: "
                                f"{outcome.record.get('errorMessage')}")
            if outcome.kind == Outcome.DOCUMENT:
                if docs is not None:
                    docs.write(outcome.record)
                else:
                    records_writer.write(outcome.record)
                counts["documents"] += 1
                if len(result.sample) < ctx.sample:
                    result.sample.append(outcome.record)
            elif outcome.kind == Outcome.ERROR:
                errors.write(outcome.record)
                counts["errors"] += 1
            else:
                counts["skips"] += 1
            counts["records"] += 1
            pending.append(record)
        if every_batch or len(pending) >= ctx.checkpoint_every or (docs is not None and docs.pending_bytes >= PART_BYTES):
            commit()
        if stop is not None and stop.is_set():
            result.interrupted = True
            return
    commit()
