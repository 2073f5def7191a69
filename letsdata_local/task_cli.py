"""Command-line options of the task model: ``run`` options and the ``tasks`` subcommand.

Kept apart from :mod:`letsdata_local.cli` so that module only wires these in.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from letsdata_local.config import Config


def add_run_arguments(run: argparse.ArgumentParser) -> None:
    group = run.add_argument_group("tasks, concurrency and checkpoints (docs/letsdata-local-tasks.md)")
    group.add_argument("--concurrency", type=int, default=None, metavar="N",
                       help="tasks run at once (default: the configuration's computeEngine.concurrency, else 1)")
    _checkpoints_argument(group)
    group.add_argument("--checkpoint-every", type=int, default=None, metavar="N",
                       help="commit the output (a part file for LOCAL/S3), acknowledge SQS messages and checkpoint "
                       "every N records (default 10000 for file destinations, 1000 otherwise) and at least every 10 s")
    group.add_argument("--restart", action="store_true",
                       help="discard the checkpoints (and this dataset's LOCAL/S3 part files) and start from the beginning")
    group.add_argument("--redrive", action="store_true", help="run only the tasks that failed, were blocked or interrupted")
    group.add_argument("--task", action="append", default=[], metavar="TASK_ID",
                       help="run only this task (repeatable; ids from the tasks subcommand)")
    group.add_argument("--spark-master", metavar="URL",
                       help="run the tasks as Spark tasks on this master (spark://host:7077, local[N]); needs an "
                       "s3:// or dynamodb:// checkpoint store for a cluster")


def _checkpoints_argument(parser: Any) -> None:
    parser.add_argument("--checkpoints", metavar="STORE",
                        help="checkpoint store: a directory (default letsdata_local_output/<dataset>/checkpoints), "
                        "s3://bucket/prefix or dynamodb://table on the dataset's account")


def add_tasks_command(sub: Any) -> None:
    tasks = sub.add_parser("tasks", help="list a dataset's tasks with state, position, counts and last error")
    tasks.add_argument("config", help="dataset configuration (LetsData JSON format)")
    _checkpoints_argument(tasks)
    tasks.add_argument("--endpoint-url", help="AWS-compatible endpoint (for s3:// and dynamodb:// stores)")
    tasks.add_argument("--json", action="store_true", help="one JSON object per task")
    tasks.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for DEBUG)")


def store_spec(cfg: Config, value: str | None) -> str:
    from letsdata_local.checkpoints import default_store_spec
    from letsdata_local.resources import _slug

    return value or default_store_spec(_slug(cfg.dataset_name))


def run_store_spec(cfg: Config, value: str | None, embedded: bool, in_this_process: bool) -> tuple[str, str | None]:
    """The store of a run and a temporary directory to remove after it (or None).

    The embedded account is new on every run, so there is nothing to resume: unless
    ``--checkpoints`` says otherwise its checkpoints live in memory, or — when tasks run in worker
    processes — in a temporary directory removed after the run."""
    from letsdata_local.checkpoints import MEMORY

    if value or not embedded:
        return store_spec(cfg, value), None
    if in_this_process:
        return MEMORY, None
    import tempfile

    temp = tempfile.mkdtemp(prefix="letsdata-local-checkpoints-")
    return temp, temp


def tasks_command(args: argparse.Namespace, cfg: Config) -> int:
    """Print the stored state of every task that has run."""
    from letsdata_local.checkpoints import open_store

    spec = store_spec(cfg, args.checkpoints)
    session = None
    if "://" in spec:
        from datalake_library.aws import shared_session

        session = shared_session(endpoint_url=args.endpoint_url)
    store = open_store(spec, cfg.dataset_name, session)
    states = sorted(store.all(), key=lambda s: s.task_id)
    states.extend(_not_started(cfg, {s.task_id for s in states}))
    out = sys.stdout
    if args.json:
        for state in states:
            out.write(state.to_json() + "\n")
        return 0
    if not states:
        out.write(f"no task of {cfg.dataset_name} has run yet (checkpoints: {store.location})\n")
        return 0
    header = ("TASK", "STATE", "POSITION", "RECORDS", "DOCUMENTS", "ERRORS", "SKIPS", "LAST ERROR")
    rows = [
        (s.task_id, s.state, _short(s.position or "-", 24), str(s.records), str(s.documents), str(s.errors),
         str(s.skips), _short(s.last_error or "-", 80))
        for s in states
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        out.write("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() + "\n")
    out.write(f"checkpoints: {store.location}\n")
    return 0


def _not_started(cfg: Config, known: set[str]) -> list[Any]:
    """PENDING rows for the tasks an S3 manifest in the configuration plans but that never ran
    (other connectors are planned from the source itself, which this listing does not contact)."""
    from letsdata_local.checkpoints import TaskState
    from letsdata_local.tasks import plan_tasks

    if cfg.read_destination != "S3" or cfg.get("manifestFile.fileContents") is None:
        return []
    return [TaskState(t.task_id, t.description) for t in plan_tasks(cfg, None) if t.task_id not in known]


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def spark_engine_options(cfg: Config, args: argparse.Namespace, session: Any, embedded: bool = False) -> dict[str, Any]:
    """The SPARK engine's mapper/reducer task store (``--restart`` applied) and concurrency."""
    from letsdata_local.checkpoints import open_store
    from letsdata_local.scheduler import configured_concurrency

    store = open_store(run_store_spec(cfg, args.checkpoints, embedded, True)[0], cfg.dataset_name, session)
    if hasattr(store, "create_table"):
        store.create_table()
    if args.restart:
        store.clear()
    return {"store": store, "concurrency": configured_concurrency(cfg, args.concurrency)}


def failed_tasks(store: Any) -> int:
    from letsdata_local.checkpoints import BLOCKED, FAILED

    return sum(1 for state in store.all() if state.state in (FAILED, BLOCKED))


def run_tasks_for(cfg: Config, args: argparse.Namespace, impls: dict[str, str], endpoint_url: str | None,
                  session: Any, embedded: bool = False) -> tuple[Any, int]:
    """Run a LAMBDA / LAMBDA_AND_SAGEMAKER dataset as tasks; returns the summary and failed-task count."""
    from letsdata_local.scheduler import configured_concurrency
    from letsdata_local.task_runner import HTTP, IN_PROCESS, LAMBDA, TaskContext

    if args.checkpoint_every is not None and args.checkpoint_every < 1:
        from letsdata_local.config import ConfigError

        raise ConfigError("--checkpoint-every must be >= 1")
    invoke = (IN_PROCESS, "")
    if args.function_name:
        invoke = (LAMBDA, args.function_name)
    elif args.invoke_url:
        invoke = (HTTP, args.invoke_url)
    concurrency = configured_concurrency(cfg, args.concurrency)
    in_this_process = concurrency == 1 and not args.spark_master
    spec, temp = run_store_spec(cfg, args.checkpoints, embedded, in_this_process)
    ctx = TaskContext(
        config=cfg.data, source=cfg.source, implementations=dict(impls), endpoint_url=endpoint_url, invoke=invoke,
        batch_size=args.batch_size, chunk_size=args.chunk_size_mib * 1024 * 1024, sample=args.sample,
        checkpoint_every=args.checkpoint_every, store=spec,
        timeout_seconds=float(cfg.get("computeEngine.timeoutInSeconds")),
        exceptions_as_errors=bool(args.exceptions_as_errors or cfg.get("letsdataLocal.exceptionsAsErrors")),
    )
    try:
        return _run(cfg, args, ctx, session, concurrency, invoke[0] == IN_PROCESS)
    finally:
        if temp is not None:
            import shutil

            shutil.rmtree(temp, ignore_errors=True)


def _run(cfg: Config, args: argparse.Namespace, ctx: Any, session: Any, concurrency: int,
         processes: bool) -> tuple[Any, int]:
    from letsdata_local.checkpoints import BLOCKED, FAILED
    from letsdata_local.scheduler import run_dataset

    if args.spark_master:
        from letsdata_local.spark_tasks import run_on_spark

        summary, results = run_on_spark(cfg, ctx, session, args.spark_master, restart=args.restart,
                                        redrive=args.redrive, only=args.task)
    else:
        summary, results = run_dataset(
            cfg, ctx, session, concurrency=concurrency, processes=processes, restart=args.restart,
            redrive=args.redrive, only=args.task, progress_bar=not args.no_progress,
        )
    failed = sum(1 for r in results if r.state.state in (FAILED, BLOCKED))
    return summary, failed
