"""Running one task: its reader, bridge and writers, with a checkpoint after every durable write.

Everything a task needs travels in a :class:`TaskContext` of plain values, so the same function
runs in this process, in a worker process (in-process user code, concurrency > 1) or on a Spark
executor. The loop (``docs/letsdata-local-tasks.md``):

1. load the task's checkpoint; a finished finite task (S3 file, scan segment) is not run again;
2. remove the one output part a killed run may have published beyond the checkpoint;
3. run :class:`letsdata_local.runner.Runner` — the one read/invoke/write loop, with its size
   limits, batch halving, SQS acknowledgement and stream stop conditions — over the task's reader,
   writing documents and errors to the task's part files (file destinations);
4. at each of the runner's commit points (every ``checkpoint_every`` records, every
   ``commit_seconds``, a full part, an idle source, and the end) the output is made durable, the
   source records are acknowledged (SQS), then the new position, part number and counts are saved
   — in that order, so the checkpoint never covers output that is not durable.
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
from letsdata_local.engine import BridgeClient
from letsdata_local.parts import LocalPartSink, PartSink, S3PartSink, local_parts_base
from letsdata_local.resources import error_bucket, error_prefix, local_path, write_bucket, write_prefix
from letsdata_local.runner import Runner, RunOptions
from letsdata_local.tasks import FINITE_KINDS, Task, task_reader

log = logging.getLogger("letsdata_local")

#: records between commits when ``--checkpoint-every`` is not given (see :func:`commit_records`)
FILE_CHECKPOINT_EVERY = 10_000
SQS_CHECKPOINT_EVERY = 1_000

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
    #: records between commits and checkpoints (None: see :func:`commit_records`)
    checkpoint_every: int | None = None
    #: seconds between commits and checkpoints, at most
    commit_seconds: float = 10.0
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
    """Run (or resume) one task to its end; failures are recorded in its state, never raised.

    The work is :class:`letsdata_local.runner.Runner`'s loop over the task's reader, with the
    task's part files as writers (file destinations) and a checkpoint saved at every commit.
    """
    from datalake_library.aws import shared_session

    cfg = ctx.cfg()
    session = session or shared_session(endpoint_url=ctx.endpoint_url)
    store = store or open_store(ctx.store, cfg.dataset_name, session)
    state = store.load(task.task_id) or TaskState(task.task_id, task.description)
    if state.state == COMPLETED and task.kind in FINITE_KINDS:
        return TaskResult(state, ran=False)
    state.description, state.source = task.description, task.source
    result = TaskResult(state)
    try:
        bridge = bridge or build_bridge(ctx, cfg, session)
        options = RunOptions(batch_size=ctx.batch_size, progress=False, chunk_size=ctx.chunk_size,
                             sqs_wait_seconds=ctx.sqs_wait_seconds, endpoint_url=ctx.endpoint_url,
                             exceptions_as_errors=ctx.exceptions_as_errors,
                             commit_records=commit_records(cfg, ctx.checkpoint_every),
                             commit_seconds=ctx.commit_seconds, sample=ctx.sample)
        reader = task_reader(task, cfg, session, bridge, state.position, ctx.chunk_size, ctx.sqs_wait_seconds,
                             ctx.exceptions_as_errors)
        docs = document_sink(cfg, session, task.task_id)
        errors = error_sink(cfg, session, task.task_id)
        runner = Runner(cfg, session, bridge, options, reader=reader, writer=docs, error_writer=errors, stop=stop)
        runner.check()
        runner.on_commit = _checkpointer(runner, state, store, progress)
        assert runner.writer is not None
        result.output, result.error_output = runner.writer.location, errors.location
        for sink in (docs, errors):
            if sink is not None:
                sink.discard(state.part)  # a killed run may have published it beyond the checkpoint
                sink.part = state.part
        state.state, state.last_error = RUNNING, ""
        store.save(state)
        summary = runner.run()
        result.sample = summary.sample
        result.notes.extend(summary.notes)
        result.interrupted = summary.interrupted
        if runner.failures:  # as on the platform: the task stopped at that record; what came before is committed
            _, where, error = runner.failures[0]
            state.state, state.last_error = FAILED, f"stopped at record {where}: {error}"[:2000]
        else:
            state.state = INTERRUPTED if summary.interrupted else COMPLETED
    except KeyboardInterrupt:
        result.interrupted = True
        state.state = INTERRUPTED
    except Exception as exc:
        state.state = FAILED
        state.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        log.debug("task %s failed:\n%s", task.task_id, traceback.format_exc())
    try:
        store.save(state)
    except Exception as exc:  # the run result still reports the state; the next run resumes earlier
        log.warning("could not save the checkpoint of task %s: %s", task.task_id, exc)
    return result


def commit_records(cfg: Config, checkpoint_every: int | None) -> int:
    """Records between commits (and checkpoints): ``--checkpoint-every``; else, for file
    destinations (each commit publishes a part) 10,000, or 1,000 when the source is an SQS queue
    (its messages wait in flight until then); record destinations commit after every batch (their
    writes are sent per batch anyway, so a rerun repeats at most one batch)."""
    if checkpoint_every is not None:
        return checkpoint_every
    if cfg.write_destination not in ("LOCAL", "S3"):
        return 1
    return SQS_CHECKPOINT_EVERY if cfg.read_destination == "SQS" else FILE_CHECKPOINT_EVERY


def _checkpointer(runner: Runner, state: TaskState, store: CheckpointStore,
                  progress: Callable[[int], None] | None) -> Callable[[list[Any]], None]:
    """The runner's commit hook: the output of ``records`` is durable (and acknowledged), so the
    position after the last of them, the next part number and the counts are saved."""
    saved = {"records": 0, "documents": 0, "errors": 0, "skips": 0, "invocations": runner.bridge.invocations}

    def checkpoint(records: list[Any]) -> None:
        summary, invocations = runner.summary, runner.bridge.invocations
        position = runner.reader.position_of(records[-1])
        # the state advances only once the checkpoint is saved: a failed save leaves the old one
        committed = replace(
            state,
            position=position if position is not None else state.position,
            part=state.part + 1,
            records=state.records + summary.records_read - saved["records"],
            documents=state.documents + summary.documents_written - saved["documents"],
            errors=state.errors + summary.errors - saved["errors"],
            skips=state.skips + summary.skips - saved["skips"],
            invocations=state.invocations + invocations - saved["invocations"],
        )
        store.save(committed)
        state.__dict__.update(committed.__dict__)
        saved.update(records=summary.records_read, documents=summary.documents_written, errors=summary.errors,
                     skips=summary.skips, invocations=invocations)
        for sink in (runner.writer, runner.error_writer):
            if isinstance(sink, PartSink):
                sink.part = state.part
        if progress is not None:
            progress(len(records))

    return checkpoint
