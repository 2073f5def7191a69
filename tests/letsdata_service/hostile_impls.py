"""A QueueMessageReader that misbehaves on command, for the bridge's robustness tests.

The SQS ``messageBody`` is the command (``verb`` or ``verb:argument``), so the same requests drive
the handler in process and through ``awslambdaric`` (selected with
``LETSDATA_IMPL_QUEUEMESSAGEREADER=tests.letsdata_service.hostile_impls:HostileQueueReader``).
``CALLS`` records every command that reached user code.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from typing import Any

CALLS: list[str] = []
#: ``block:<name>`` waits on the event of that name (created on demand) for at most 30 s.
RELEASE: dict[str, threading.Event] = {}


class CustomBaseException(BaseException):
    """A user-defined BaseException (not an Exception)."""


def nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = [value]
    return value


def release_all() -> None:
    for event in RELEASE.values():
        event.set()


class HostileQueueReader:
    def parseMessage(self, messageId: str, messageGroupId: Any, messageDeduplicationId: Any,
                     messageAttributes: dict[str, Any], messageBody: str) -> Any:
        CALLS.append(messageBody)
        verb, _, arg = messageBody.partition(":")
        if verb == "ok":
            return {"id": messageId, "echo": arg}
        if verb == "thread":
            return {"thread": threading.current_thread().name}
        if verb == "exit":
            sys.exit(int(arg) if arg else None)
        if verb == "cancelled":
            raise asyncio.CancelledError(arg)
        if verb == "generatorexit":
            raise GeneratorExit(arg)
        if verb == "custom":
            raise CustomBaseException(arg)
        if verb == "keyboard":
            raise KeyboardInterrupt(arg)
        if verb == "raise":
            raise ValueError("x" * int(arg))
        if verb == "chain":  # a short message whose cause quotes <arg> characters
            try:
                raise RuntimeError("c" * int(arg))
            except RuntimeError as cause:
                raise ValueError("short") from cause
        if verb == "nan":
            return {"document": {"vectors": [0.5, float("nan")]}}
        if verb == "inf":
            return {"document": {"score": float("-inf")}}
        if verb == "bigint":
            return {"counts": [1, 10**4301]}
        if verb == "deep":
            return nested(int(arg))
        if verb == "size":  # a str result whose JSON is exactly <arg> bytes (ASCII)
            return "a" * (int(arg) - 2)
        if verb == "surrogate":
            return {"text": "ok\ud800"}
        if verb == "block":
            event = RELEASE.setdefault(arg, threading.Event())
            event.wait(30)
            return {"released": arg}
        if verb == "sleep":
            time.sleep(float(arg))
            return {"slept": arg}
        raise AssertionError(f"unknown command {messageBody!r}")
