"""Test helpers for the datalake_library core tests: count and inspect AWS requests.

The counting hooks are registered on a boto3 Session *before* any client is built from it, so
every client of that session inherits them (botocore copies the session's event hooks into each
client it creates).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.awsrequest import AWSResponse


@dataclass
class Call:
    service: str
    operation: str
    params: dict[str, Any]


@dataclass
class RequestRecorder:
    """Records every API call with its parameters (``before-parameter-build``) and every HTTP
    attempt (``before-send``)."""

    calls: list[Call] = field(default_factory=list)
    sends: list[Any] = field(default_factory=list)

    def attach(self, session: boto3.Session) -> RequestRecorder:
        session.events.register("before-parameter-build", self._on_call)
        session.events.register("before-send", self._on_send)
        return self

    def _on_call(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        self.calls.append(Call(model.service_model.service_name, model.name, dict(params)))

    def _on_send(self, request: Any, **_: Any) -> None:
        self.sends.append(request)

    def operations(self, service: str | None = None) -> list[str]:
        return [c.operation for c in self.calls if service is None or c.service == service]

    def named(self, operation: str) -> list[Call]:
        return [c for c in self.calls if c.operation == operation]

    def reset(self) -> None:
        self.calls.clear()
        self.sends.clear()


def counting_session(region: str = "us-east-1") -> tuple[boto3.Session, RequestRecorder]:
    """A fresh boto3 Session with a :class:`RequestRecorder` attached."""
    session = boto3.Session(region_name=region)
    return session, RequestRecorder().attach(session)


class ThrottleFirst:
    """A ``before-send`` hook answering the first ``failures`` attempts of an operation with a
    ThrottlingException (HTTP 400), so botocore's retry handler must retry them."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.attempts = 0

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        self.attempts += 1
        if self.attempts > self.failures:
            return None
        body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
        return AWSResponse(request.url, 400, {"Content-Type": "application/x-amz-json-1.1"}, _Raw(body))


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Any:
        yield self._body

    def read(self, *_: Any) -> bytes:
        return self._body
