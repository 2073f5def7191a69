"""Scale-out: the dataset's tasks as Spark tasks on an existing cluster (``--spark-master``).

Each letsdata task becomes one Spark task running :func:`letsdata_local.task_runner.run_task` on an
executor, with the same configuration as on one machine. Tasks of one lineage depth form one Spark
job (all parents finish before any child starts). The checkpoint store must be reachable from every
executor — ``s3://`` or ``dynamodb://`` on the dataset's account — so a task Spark re-runs after an
executor died resumes from its last checkpoint instead of starting again (Spark's own retry,
``spark.task.maxFailures``, does the redrive). Executors need this repository's packages and the
user's implementation importable (``--py-files`` / ``spark.submit.pyFiles``, or installed in the
executors' Python); see ``docs/letsdata-local-tasks.md``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from letsdata_local.checkpoints import COMPLETED
from letsdata_local.config import Config, ConfigError
from letsdata_local.runner import Summary
from letsdata_local.scheduler import prepare, summarise
from letsdata_local.task_runner import TaskContext, TaskResult, run_task
from letsdata_local.tasks import Task


def _run_one(item: tuple[TaskContext, Task]) -> TaskResult:
    ctx, task = item
    return run_task(ctx, task)


def lineage_waves(tasks: Sequence[Task], completed: set[str]) -> list[list[Task]]:
    """Tasks grouped so that every parent is in an earlier wave (or already complete)."""
    selected = {t.task_id for t in tasks}
    depth: dict[str, int] = {}
    for task in tasks:  # planned parents-first, so a parent's depth is known before its children
        parents = [p for p in task.parents if p in selected and p not in completed]
        depth[task.task_id] = 1 + max((depth[p] for p in parents), default=-1)
    waves: list[list[Task]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for task in tasks:
        waves[depth[task.task_id]].append(task)
    return waves


def run_on_spark(cfg: Config, ctx: TaskContext, session: Any, master: str, *, restart: bool = False,
                 redrive: bool = False, only: Sequence[str] = ()) -> tuple[Summary, list[TaskResult]]:
    if "://" not in ctx.store and not master.startswith("local"):
        raise ConfigError("--spark-master on a cluster needs a checkpoint store every executor can reach: "
                          "--checkpoints s3://bucket/prefix or dynamodb://table")
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ConfigError("--spark-master needs pyspark (pip install pyspark)") from exc
    plan = prepare(cfg, ctx, session, concurrency=1, restart=restart, redrive=redrive, only=only)
    existing = SparkSession.getActiveSession()
    spark = SparkSession.builder.master(master).appName(f"letsdata-local-{cfg.dataset_name}").getOrCreate()
    started = time.perf_counter()
    results: list[TaskResult] = []
    completed = set(plan.completed)
    try:
        selected = {t.task_id for t in plan.selected}
        for wave in lineage_waves(plan.selected, completed):
            # a child whose parent did not complete waits for the next run (BLOCKED)
            items = [(ctx, t) for t in wave if all(p in completed or p not in selected for p in t.parents)]
            if not items:
                continue
            done = spark.sparkContext.parallelize(items, len(items)).map(_run_one).collect()
            results.extend(done)
            completed.update(r.state.task_id for r in done if r.state.state == COMPLETED)
    finally:
        if existing is None:  # never stop a session the caller owns
            spark.stop()
    parallelism = len(plan.selected)
    summary = summarise(cfg, ctx, session, plan, results, parallelism, time.perf_counter() - started, False)
    summary.notes.append(f"Spark: {len(results)} task(s) on {master}")
    return summary, results
