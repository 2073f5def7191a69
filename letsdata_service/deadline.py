"""Answering before the invocation's deadline: user code runs on a worker thread the handler can stop waiting for.

Lambda kills an invocation that runs past its timeout, and the platform then gets no envelope at
all. When the handler's ``context`` reports the time left (``get_remaining_time_in_millis``), the
request runs on a long-lived worker thread and the handler waits at most until
:data:`DEADLINE_MARGIN_MS` before the deadline; if the work has not finished by then it answers
with a timeout error envelope, leaving the margin for building the envelope and for the runtime to
encode and post it.

A Python thread cannot be killed: the abandoned call keeps running in the background (sharing the
implementation instance, and only while Lambda keeps the environment thawed, i.e. during later
invocations) and its result is discarded. That worker is retired and the next request gets a fresh
one, so the instance stays usable. Without a deadline (no ``context``, or one without that method)
nothing changes: the request runs on the calling thread. See docs/letsdata-bridge.md.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from letsdata_utils.logging_utils import logger

#: Time kept back before the deadline for the envelope, the runtime's encoding and its POST (ms).
DEADLINE_MARGIN_MS = 500


def remaining_ms(context: Any) -> float | None:
    """Milliseconds left in the invocation per ``context.get_remaining_time_in_millis()``, or None
    when the context has no such method or it does not return a number (then there is no deadline)."""
    getter = getattr(context, "get_remaining_time_in_millis", None)
    if getter is None:
        return None
    try:
        value = getter()
    except Exception:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return float(value)


class _Job:
    __slots__ = ("done", "error", "fn", "result")

    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn = fn
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = threading.Lock()
        self.done.acquire()

    def run(self) -> None:
        try:
            self.result = self.fn()
        except BaseException as err:  # handed to the waiting handler, which decides what it means
            self.error = err
        finally:
            self.done.release()


class _Worker:
    """One daemon thread running jobs in order; retired (it exits after its current job) when abandoned."""

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self.abandoned = False
        self.thread = threading.Thread(target=self._loop, name="letsdata-request", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while True:
            job = self.jobs.get()
            job.run()
            if self.abandoned:
                return


_lock = threading.Lock()
_idle: list[_Worker] = []  # Lambda calls the handler one invocation at a time: normally one worker, reused
_abandoned: list[_Worker] = []


def _take_worker() -> _Worker:
    """An idle worker, or a new one (a second caller on another thread never waits behind the first)."""
    with _lock:
        if _idle:
            return _idle.pop()
    return _Worker()


def _give_back(worker: _Worker) -> None:
    with _lock:
        _idle.append(worker)


def _abandon(worker: _Worker) -> None:
    with _lock:
        worker.abandoned = True
        _abandoned.append(worker)


def still_running() -> int:
    """How many abandoned calls (past their deadline) are still running in the background."""
    with _lock:
        _abandoned[:] = [w for w in _abandoned if w.thread.is_alive()]
        return len(_abandoned)


def run_before(fn: Callable[[], Any], seconds: float) -> tuple[bool, Any]:
    """Run ``fn`` on the worker thread and wait at most ``seconds``.

    Returns ``(True, result)``, re-raises what ``fn`` raised, or returns ``(False, None)`` when the
    time ran out (``fn`` keeps running in the background; its worker is retired).
    """
    busy = still_running() if _abandoned else 0
    if busy:
        logger.warning("letsdata deadline - %d earlier call(s) that ran past their deadline are still running in "
                       "the background", busy)
    worker = _take_worker()
    job = _Job(fn)
    worker.jobs.put(job)
    if job.done.acquire(timeout=max(seconds, 0.0)):
        _give_back(worker)
        if job.error is not None:
            raise job.error
        return True, job.result
    _abandon(worker)
    return False, None
