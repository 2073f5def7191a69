"""SPARK compute engine as the platform runs it: one mapper task per manifest file, run
concurrently (up to the dataset's concurrency), then the reducer once every mapper completed.

Each mapper and the reducer are tasks with a checkpoint (state, last error) in the same store as
the other engines' tasks (``docs/letsdata-local-tasks.md``): a mapper that fails is recorded FAILED
and the reducer does not run; the next run (or ``--redrive``) invokes only the mappers that have
not completed — their outputs are per-file URIs, so a completed mapper's output stays valid — and
then the reducer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from letsdata_local.checkpoints import COMPLETED, FAILED, RUNNING, CheckpointStore, TaskState
from letsdata_local.engine import BridgeClient
from letsdata_local.tasks import file_task_id

MAPPER = ("SparkMapperInterface", "mapper")
REDUCER = ("SparkReducerInterface", "reducer")
REDUCER_TASK = "reducer"


@dataclass(frozen=True)
class SparkTask:
    task_id: str
    description: str
    request: dict[str, Any]


def mapper_task_id(key: str) -> str:
    return "mapper-" + file_task_id(key)


def run_spark_task(bridge: BridgeClient, store: CheckpointStore, task: SparkTask, call: tuple[str, str]) -> TaskState:
    """Invoke one mapper/reducer request; the outcome is recorded, never raised."""
    state = store.load(task.task_id) or TaskState(task.task_id, task.description)
    if state.state == COMPLETED:
        return state
    state.state, state.last_error = RUNNING, ""
    store.save(state)
    before = bridge.invocations
    try:
        bridge.call(call[0], call[1], task.request)
        state.state = COMPLETED
        state.records += 1
    except Exception as exc:  # the user's Spark job failed, or its transport
        state.state = FAILED
        state.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    state.invocations += bridge.invocations - before
    store.save(state)
    return state


def run_mappers(bridge: BridgeClient, store: CheckpointStore, tasks: Sequence[SparkTask], concurrency: int,
                on_done: Callable[[TaskState], None] | None = None) -> list[TaskState]:
    """Every mapper not completed yet, at most ``concurrency`` at a time; states in task order."""
    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="letsdata-mapper") as pool:
        futures = [pool.submit(run_spark_task, bridge, store, task, MAPPER) for task in tasks]
        states = []
        for future in futures:
            state = future.result()
            if on_done is not None:
                on_done(state)
            states.append(state)
    return states
