"""Running a dataset's tasks concurrently, as the platform does, and summarising them.

* Concurrency is the configuration's ``computeEngine.concurrency`` (``computeEngine.lambda.
  lambdaConcurrency`` for LAMBDA_AND_SAGEMAKER), ``--concurrency`` overriding it; see
  :func:`configured_concurrency` for the default.
* In-process user code runs in worker processes (forked from a ``forkserver`` that imported the
  run's modules once; no locks or threads inherited from the driver), so a slow or CPU-bound
  implementation does not serialise the run; remote invocation
  (``--function-name`` / ``--invoke-url``) is I/O-bound and fans out on threads with the same limit.
* A task starts only after its parents (shard lineage) completed; a task whose parent failed is
  BLOCKED and runs on the next run or ``--redrive``.
* Workers end as soon as the driver is gone (they watch its pid), so a killed run leaves no orphan
  writing beside the resumed one.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from typing import Any

from letsdata_local.checkpoints import (
    BLOCKED,
    COMPLETED,
    FAILED,
    INTERRUPTED,
    CheckpointStore,
    DynamoDBCheckpointStore,
    TaskState,
    open_store,
)
from letsdata_local.config import Config, ConfigError
from letsdata_local.engine import BridgeClient
from letsdata_local.runner import RunOptions, Summary, build_writer
from letsdata_local.state_machine_tasks import check_all_inputs, is_state_machine
from letsdata_local.task_runner import (
    TaskContext,
    TaskResult,
    build_bridge,
    document_sink,
    error_sink,
    run_task,
)
from letsdata_local.tasks import Task, plan_tasks, task_reader

log = logging.getLogger("letsdata_local")

#: Used when the configuration names no concurrency: one task at a time, like the example
#: configurations (which all set ``"concurrency": 1``).
DEFAULT_CONCURRENCY = 1

CONCURRENCY_FIELDS = ("computeEngine.concurrency", "computeEngine.lambda.lambdaConcurrency")


def configured_concurrency(cfg: Config, override: int | None = None) -> int:
    """The dataset's task concurrency: ``override`` (``--concurrency``), else the configuration's."""
    if override is not None:
        if override < 1:
            raise ConfigError("--concurrency must be >= 1")
        return override
    for path in CONCURRENCY_FIELDS:
        value = cfg.get(path)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"{cfg.source}: field {path} must be an integer >= 1, got {value!r}")
        return value
    return DEFAULT_CONCURRENCY


# --------------------------------------------------------------------------------------------
# worker processes
# --------------------------------------------------------------------------------------------
_PROGRESS: Any = None


def _exit_with_driver(driver: int, interval: float = 0.5) -> None:
    """End this worker as soon as the driver is gone (a SIGKILLed driver cannot tell it to).

    Why not ``PR_SET_PDEATHSIG``: a worker's parent is the fork server, which outlives the driver
    as long as any worker holds its liveness pipe — so the worker watches the driver itself. Dying
    abruptly is safe: nothing uncommitted is covered by a checkpoint."""
    import os

    tick = threading.Event()  # never set: its wait() is the polling interval

    def watch() -> None:
        while not tick.wait(interval):
            try:
                os.kill(driver, 0)
            except ProcessLookupError:
                os._exit(70)
            except PermissionError:  # pragma: no cover - pid reused by another user's process
                os._exit(70)

    threading.Thread(target=watch, name="letsdata-driver-watch", daemon=True).start()


#: Imported once in the fork server, so each worker process starts without importing them again.
PRELOAD = ("boto3", "botocore.session", "datalake_library.aws", "letsdata_lambda_function",
           "letsdata_local.task_runner", "letsdata_local.scheduler")


def worker_context(ctx: TaskContext) -> Any:
    """``forkserver``: workers are forked from a clean server process that imported the run's
    modules (and the user's implementation modules) once — no locks or threads inherited from the
    driver as with ``fork``, without paying the imports per worker as with ``spawn``."""
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover - Windows
        return multiprocessing.get_context("spawn")
    mp = multiprocessing.get_context("forkserver")
    user = [target.partition(":")[0] for target in ctx.implementations.values()]
    mp.set_forkserver_preload([*PRELOAD, *user])
    return mp


def _worker_init(progress: Any, driver: int, environ: dict[str, str]) -> None:
    """The fork server is started once per driver process and keeps the environment it started
    with; a worker takes the driver's environment of *this* run instead (as ``spawn`` would give it),
    so a driver that runs several datasets does not hand a later run an earlier run's settings."""
    global _PROGRESS
    _PROGRESS = progress
    for name in set(os.environ) - set(environ):
        del os.environ[name]
    os.environ.update(environ)
    _exit_with_driver(driver)


def _worker_run(ctx: TaskContext, task: Task) -> TaskResult:
    return run_task(ctx, task, progress=_PROGRESS.put if _PROGRESS is not None else None)


# --------------------------------------------------------------------------------------------
# scheduling
# --------------------------------------------------------------------------------------------
def run_tasks(
    ctx: TaskContext,
    tasks: Sequence[Task],
    concurrency: int,
    *,
    processes: bool,
    completed: set[str],
    progress: Callable[[int], None] | None = None,
    session: Any = None,
    bridge: BridgeClient | None = None,
    store: CheckpointStore | None = None,
) -> tuple[list[TaskResult], bool]:
    """Run ``tasks`` (parents first) with at most ``concurrency`` at a time.

    ``completed`` holds the ids already complete (parents outside the selection). Returns the
    results in task order and whether the run was interrupted.
    """
    results: dict[str, TaskResult] = {}
    done = set(completed)
    failed: set[str] = set()
    stop = threading.Event()
    pending = list(tasks)

    def readiness(task: Task) -> str:
        if any(p in failed for p in task.parents):
            return BLOCKED
        return "READY" if all(p in done or p not in planned for p in task.parents) else "WAIT"

    planned = {t.task_id for t in tasks} | done

    def record(task: Task, result: TaskResult) -> None:
        results[task.task_id] = result
        if result.state.state == COMPLETED:
            done.add(task.task_id)
        else:
            failed.add(task.task_id)

    def blocked(task: Task) -> TaskResult:
        state = (store.load(task.task_id) if store is not None else None) or TaskState(task.task_id, task.description, source=task.source)
        state.state = BLOCKED
        state.last_error = "a parent task did not complete: " + ", ".join(p for p in task.parents if p in failed)
        if store is not None:
            store.save(state)
        return TaskResult(state, ran=False)

    interrupted = False
    if concurrency == 1 or bridge is not None:
        try:
            while pending:
                task = pending.pop(0)
                if readiness(task) == BLOCKED:
                    record(task, blocked(task))
                    continue
                result = run_task(ctx, task, session=session, bridge=bridge, store=store, progress=progress)
                record(task, result)
                if result.interrupted:
                    interrupted = True
                    break
        except KeyboardInterrupt:
            interrupted = True
        return [results[t.task_id] for t in tasks if t.task_id in results], interrupted

    executor: Executor
    drain: threading.Thread | None = None
    queue: Any = None
    if processes:
        mp = worker_context(ctx)
        queue = mp.Queue()
        executor = ProcessPoolExecutor(max_workers=concurrency, mp_context=mp, initializer=_worker_init,
                                       initargs=(queue, os.getpid(), dict(os.environ)))

        def pump() -> None:
            while True:
                item = queue.get()
                if item is None:
                    return
                if progress is not None:
                    progress(item)

        drain = threading.Thread(target=pump, name="letsdata-progress", daemon=True)
        drain.start()
    else:
        executor = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="letsdata-task")
    lock = threading.Lock()

    def locked_progress(n: int) -> None:
        if progress is not None:
            with lock:
                progress(n)

    running: dict[Future[TaskResult], Task] = {}
    try:
        while pending or running:
            for task in list(pending):
                if len(running) >= concurrency or stop.is_set():
                    break
                status = readiness(task)
                if status == BLOCKED:
                    pending.remove(task)
                    record(task, blocked(task))
                elif status == "READY":
                    pending.remove(task)
                    if processes:
                        running[executor.submit(_worker_run, ctx, task)] = task
                    else:
                        running[executor.submit(run_task, ctx, task, session=session, store=store,
                                                progress=locked_progress, stop=stop)] = task
            if not running:
                for task in pending:  # waiting on parents that will not complete in this run
                    record(task, blocked(task))
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                task = running.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool as exc:
                    state = TaskState(task.task_id, task.description, state=INTERRUPTED, last_error=str(exc))
                    result = TaskResult(state, ran=False, interrupted=True)
                record(task, result)
                interrupted = interrupted or result.interrupted
            if interrupted:
                stop.set()
                pending.clear()
    except KeyboardInterrupt:
        interrupted = True
        stop.set()
        for future, task in list(running.items()):
            try:
                record(task, future.result())
            except BaseException:  # noqa: BLE001 - a worker hit by the same Ctrl-C
                record(task, TaskResult(TaskState(task.task_id, task.description, state=INTERRUPTED), ran=False,
                                        interrupted=True))
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        if queue is not None:
            queue.put(None)
        if drain is not None:
            drain.join(timeout=5)
    return [results[t.task_id] for t in tasks if t.task_id in results], interrupted


# --------------------------------------------------------------------------------------------
# a whole dataset
# --------------------------------------------------------------------------------------------
def preflight(cfg: Config, session: Any, options: RunOptions) -> None:
    """Report a missing source or destination by name before any task starts."""
    from letsdata_local.readers import _missing, resolve_queue_url
    from letsdata_local.resources import error_bucket, write_bucket

    dest = cfg.read_destination
    if dest == "S3":
        bucket = cfg.get("readConnector.bucketName")
        try:
            session.client("s3").head_bucket(Bucket=bucket)
        except Exception as exc:
            raise _missing("S3 bucket", bucket, exc) from exc
    elif dest == "SQS":
        resolve_queue_url(session.client("sqs"), cfg.get("readConnector.queueName"), cfg.get("readConnector.queueUrl"),
                          cfg.get("readConnector.queueArn"))
    elif dest == "DYNAMODB_TABLE":
        name = cfg.get("readConnector.tableName")
        try:
            session.client("dynamodb").describe_table(TableName=name)
        except Exception as exc:
            raise _missing("DynamoDB table", name, exc) from exc
    buckets = []
    if cfg.write_destination == "S3":
        buckets.append(write_bucket(cfg))
    elif cfg.write_destination != "LOCAL":
        build_writer(cfg, session, options).check()
    if cfg.error_destination == "S3":
        buckets.append(error_bucket(cfg))
    for bucket in dict.fromkeys(buckets):
        try:
            session.client("s3").head_bucket(Bucket=bucket)
        except Exception as exc:
            raise _missing("S3 bucket", bucket, exc) from exc


def select_tasks(tasks: list[Task], states: dict[str, TaskState], only: Sequence[str], redrive: bool) -> list[Task]:
    if only:
        known = {t.task_id for t in tasks}
        unknown = [t for t in only if t not in known]
        if unknown:
            raise ConfigError(f"--task {unknown[0]!r}: no such task (letsdata-local tasks CONFIG lists them)")
        tasks = [t for t in tasks if t.task_id in set(only)]
    if redrive:
        tasks = [t for t in tasks if t.task_id in states and states[t.task_id].state in (FAILED, BLOCKED, INTERRUPTED)]
    return tasks


@dataclass
class Plan:
    """What a run will do: the store, every planned task, the selection and the states before."""

    store: CheckpointStore
    tasks: list[Task]
    selected: list[Task]
    before: dict[str, TaskState]

    @property
    def completed(self) -> set[str]:
        return {t for t, s in self.before.items() if s.state == COMPLETED}


def prepare(cfg: Config, ctx: TaskContext, session: Any, *, concurrency: int, restart: bool = False,
            redrive: bool = False, only: Sequence[str] = (), bridge: BridgeClient | None = None) -> Plan:
    """Check the resources, plan the tasks, apply ``--restart`` and select what runs."""
    store = open_store(ctx.store, cfg.dataset_name, session)
    if isinstance(store, DynamoDBCheckpointStore):
        store.create_table()
    options = RunOptions(batch_size=ctx.batch_size, progress=False, endpoint_url=ctx.endpoint_url)
    preflight(cfg, session, options)
    tasks = plan_tasks(cfg, session, sqs_workers=concurrency)
    if is_state_machine(cfg):  # every file of every line is named if missing, before any task starts
        check_all_inputs(cfg, session, [dict(t.files) for t in tasks], ctx.chunk_size)
    elif tasks and cfg.read_destination == "S3":
        # the user's parser is asked how to read a file before any task starts: a parser that
        # cannot answer fails the run here, clearly, instead of failing every task
        probe = task_reader(tasks[0], cfg, session, bridge or build_bridge(ctx, cfg, session), None, ctx.chunk_size)
        probe.check()
    if restart:
        for task in tasks:
            for sink in (document_sink(cfg, session, task.task_id), error_sink(cfg, session, task.task_id)):
                if sink is not None:
                    sink.remove_all()
        store.clear()
    before = {s.task_id: s for s in store.all()}
    return Plan(store, tasks, select_tasks(tasks, before, only, redrive), before)


def summarise(cfg: Config, ctx: TaskContext, session: Any, plan: Plan, results: list[TaskResult],
              concurrency: int, elapsed: float, interrupted: bool) -> Summary:
    """Counts of this run (what became durable since the states before), over every task."""
    summary = Summary(elapsed=elapsed, interrupted=interrupted)
    for result in results:
        if not result.ran:
            continue
        now = result.state
        was = plan.before.get(now.task_id) or replace(now, records=0, documents=0, errors=0, skips=0, invocations=0)
        summary.records_read += now.records - was.records
        summary.documents_written += now.documents - was.documents
        summary.errors += now.errors - was.errors
        summary.skips += now.skips - was.skips
        summary.invocations += now.invocations - was.invocations
        if len(summary.sample) < ctx.sample:
            summary.sample.extend(result.sample[: ctx.sample - len(summary.sample)])
        summary.notes.extend(result.notes)
    summary.task_errors.extend(task_error_line(r.state) for r in results if r.state.state in (FAILED, BLOCKED))
    summary.output, summary.error_output = _locations(cfg, session)
    summary.notes.extend(_task_notes(plan.tasks, plan.selected, results, plan.store, concurrency))
    return summary


def run_dataset(
    cfg: Config,
    ctx: TaskContext,
    session: Any,
    *,
    concurrency: int,
    processes: bool,
    restart: bool = False,
    redrive: bool = False,
    only: Sequence[str] = (),
    progress_bar: bool = False,
    bridge: BridgeClient | None = None,
) -> tuple[Summary, list[TaskResult]]:
    """Plan, select and run the dataset's tasks on this machine."""
    plan = prepare(cfg, ctx, session, concurrency=concurrency, restart=restart, redrive=redrive, only=only,
                   bridge=bridge)
    started = time.perf_counter()
    bar = _progress(progress_bar, len(plan.selected))
    try:
        results, interrupted = run_tasks(
            ctx, plan.selected, concurrency, processes=processes and bridge is None, completed=plan.completed,
            progress=bar.update if bar is not None else None, session=session, bridge=bridge, store=plan.store,
        )
    finally:
        if bar is not None:
            bar.close()
    summary = summarise(cfg, ctx, session, plan, results, concurrency, time.perf_counter() - started, interrupted)
    return summary, results


def task_error_line(state: TaskState) -> str:
    """``a.jsonl stopped at record a.jsonl@60: RuntimeError: ... (task file-a.jsonl-...)``."""
    what = state.source or state.task_id
    if state.last_error.startswith("stopped at record"):
        return f"{what} {state.last_error} (task {state.task_id})"
    return f"{what} {state.state}: {state.last_error} (task {state.task_id})"


def _locations(cfg: Config, session: Any) -> tuple[str, str]:
    docs = document_sink(cfg, session, "<task>")
    if docs is not None:
        output = f"{docs.location.rstrip('/')}/part-NNNNN.jsonl"
    else:
        output = build_writer(cfg, session, RunOptions(progress=False)).location
    return output, f"{error_sink(cfg, session, '<task>').location.rstrip('/')}/part-NNNNN.jsonl"


def _task_notes(tasks: list[Task], selected: list[Task], results: list[TaskResult], store: CheckpointStore,
                concurrency: int) -> list[str]:
    by_state: dict[str, int] = {}
    for result in results:
        label = result.state.state if result.ran or result.state.state == BLOCKED else "ALREADY_COMPLETED"
        by_state[label] = by_state.get(label, 0) + 1
    counts = ", ".join(f"{n} {s.lower().replace('_', ' ')}" for s, n in sorted(by_state.items()))
    notes = [f"tasks: {len(selected)} of {len(tasks)} run at concurrency {concurrency} ({counts or 'none'})",
             f"checkpoints -> {store.location}"]
    if any(r.state.state in (FAILED, BLOCKED) for r in results):
        notes.append("rerun the same command to resume, or add --redrive to run only the failed tasks")
    if results and all(not r.ran and r.state.state == COMPLETED for r in results):
        notes.append("every task is already complete: add --restart to run the dataset again")
    return notes


def _progress(enabled: bool, tasks: int) -> Any:
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm is part of the "local" extra; run without a bar
        return None
    return tqdm(file=sys.stderr, unit="rec", desc=f"letsdata_local ({tasks} tasks)", dynamic_ncols=True, mininterval=0.5)
