"""A minimal AWS Lambda Runtime API server for driving the real ``awslambdaric`` client in tests.

Lambda runs a container's handler through the Runtime Interface Client (RIC), which long-polls
``GET /2018-06-01/runtime/invocation/next`` for an event and posts the handler's result to
``/invocation/<id>/response`` (or ``/invocation/<id>/error`` when the handler raised, or
``/init/error`` when the handler could not even be imported). This server implements exactly that
surface on 127.0.0.1 so a test can run ``python -m awslambdaric <module>.<handler>`` in a subprocess
and see what Lambda would see, including which endpoint a result arrives on.

Protocol details that matter: replies are HTTP/1.1 with ``Content-Length`` (the RIC keeps the
connection alive), and accepted sockets get ``TCP_NODELAY``, without which every round trip waits
for a delayed ACK (about 40 ms instead of 0.5 ms).
"""

from __future__ import annotations

import json
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RUNTIME_PREFIX = "/2018-06-01/runtime"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:letsdata-bridge-test"


class _QuietHTTPServer(ThreadingHTTPServer):
    """Ignore connections the client drops (it is terminated at the end of every test)."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass(frozen=True)
class Invocation:
    """One queued event, as the RIC receives it from ``/invocation/next``."""

    request_id: str
    body: bytes
    deadline_ms: int
    function_arn: str = FUNCTION_ARN


@dataclass(frozen=True)
class InvocationResult:
    """What the RIC posted back for one invocation: ``kind`` is ``"response"`` or ``"error"``."""

    request_id: str
    kind: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)


class RuntimeApiServer:
    """Runtime API on 127.0.0.1 with an event queue; use as a context manager.

    ``submit(event)`` queues an event and returns its request id; ``result(request_id)`` waits for
    what the client posted for it. ``init_errors`` collects ``/init/error`` posts.
    """

    def __init__(self, deadline_seconds: float = 30.0) -> None:
        self._deadline_seconds = deadline_seconds
        self._pending: queue.Queue[Invocation] = queue.Queue()
        self._results: dict[str, InvocationResult] = {}
        self._results_changed = threading.Condition()
        self._stopping = threading.Event()
        self.init_errors: list[InvocationResult] = []
        self.unexpected_requests: list[str] = []
        self._httpd = _QuietHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="runtime-api", daemon=True)

    # -- lifecycle -------------------------------------------------------------------------------
    @property
    def address(self) -> str:
        """``host:port`` for ``AWS_LAMBDA_RUNTIME_API``."""
        host, port = self._httpd.server_address[:2]
        return f"{host!s}:{port}"

    def __enter__(self) -> RuntimeApiServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    # -- test API --------------------------------------------------------------------------------
    def submit(self, event: Any, request_id: str | None = None, deadline_seconds: float | None = None) -> str:
        """Queue ``event`` (JSON-serialisable, or raw bytes) for the next ``/invocation/next``.

        ``deadline_seconds`` (default: the server's) is the invocation's timeout as the client sees it
        in ``Lambda-Runtime-Deadline-Ms``, counted from now.
        """
        body = event if isinstance(event, bytes) else json.dumps(event).encode("utf-8")
        request_id = request_id or str(uuid.uuid4())
        seconds = self._deadline_seconds if deadline_seconds is None else deadline_seconds
        deadline_ms = int((time.time() + seconds) * 1000)
        self._pending.put(Invocation(request_id, body, deadline_ms))
        return request_id

    def result(self, request_id: str, timeout: float = 30.0) -> InvocationResult:
        """Wait for the client's post for ``request_id``; raise TimeoutError naming it otherwise."""
        deadline = time.monotonic() + timeout
        with self._results_changed:
            while request_id not in self._results:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.init_errors:
                    raise TimeoutError(
                        f"no result for invocation {request_id} within {timeout}s "
                        f"(init errors: {[e.body for e in self.init_errors]!r})"
                    )
                self._results_changed.wait(min(remaining, 0.2))
            return self._results[request_id]

    @property
    def results(self) -> dict[str, InvocationResult]:
        with self._results_changed:
            return dict(self._results)

    # -- HTTP side -------------------------------------------------------------------------------
    def _next_invocation(self) -> Invocation | None:
        while not self._stopping.is_set():
            try:
                return self._pending.get(timeout=0.2)
            except queue.Empty:
                continue
        return None

    def _record(self, result: InvocationResult) -> None:
        with self._results_changed:
            if result.kind == "init-error":
                self.init_errors.append(result)
            else:
                self._results[result.request_id] = result
            self._results_changed.notify_all()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean; results are recorded instead

            def _reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path != f"{RUNTIME_PREFIX}/invocation/next":
                    server.unexpected_requests.append(f"GET {self.path}")
                    self._reply(404, b'{"errorMessage":"unknown path"}')
                    return
                invocation = server._next_invocation()
                if invocation is None:  # shutting down: the client will be terminated anyway
                    self._reply(500, b'{"errorMessage":"runtime api stopping"}')
                    return
                self._reply(
                    200,
                    invocation.body,
                    {
                        "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
                        "Lambda-Runtime-Deadline-Ms": str(invocation.deadline_ms),
                        "Lambda-Runtime-Invoked-Function-Arn": invocation.function_arn,
                        "Lambda-Runtime-Trace-Id": f"Root=1-{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:24]}",
                    },
                )

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k: v for k, v in self.headers.items()}
                parts = self.path.removeprefix(RUNTIME_PREFIX).strip("/").split("/")
                if parts == ["init", "error"]:
                    result = InvocationResult("", "init-error", body, headers)
                elif len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
                    result = InvocationResult(parts[1], parts[2], body, headers)
                else:
                    server.unexpected_requests.append(f"POST {self.path}")
                    self._reply(404, b'{"errorMessage":"unknown path"}')
                    return
                # Acknowledge before publishing: a test that sees the result may stop the client at once.
                self._reply(202, b'{"status":"OK"}')
                server._record(result)

        return Handler


class LambdaProcess:
    """A Runtime API server plus the ``awslambdaric`` subprocess it serves (see :func:`awslambdaric_process`)."""

    def __init__(self, server: RuntimeApiServer, proc: subprocess.Popen[bytes], log_path: Path) -> None:
        self.server = server
        self.proc = proc
        self.log_path = log_path

    def invoke(self, event: Any, timeout: float = 60.0, deadline_seconds: float | None = None) -> InvocationResult:
        """Queue one event and wait for the client's result; a timeout includes the client's log."""
        request_id = self.server.submit(event, deadline_seconds=deadline_seconds)
        try:
            return self.server.result(request_id, timeout=timeout)
        except TimeoutError as exc:
            raise AssertionError(f"{exc}; client exit code {self.proc.poll()}; log:\n{self.log()}") from exc

    def log(self) -> str:
        """The tail of the client's combined stdout/stderr."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]


@contextmanager
def awslambdaric_process(
    handler: str, task_root: Path, extra_env: dict[str, str] | None = None
) -> Iterator[LambdaProcess]:
    """Run ``python -m awslambdaric <handler>`` against a fresh Runtime API server.

    The environment is what Lambda sets for a function (docs/architecture.md) with ``LAMBDA_TASK_ROOT``
    and ``PYTHONPATH`` at ``task_root``; inherited ``LETSDATA_IMPL_*`` / ``AWS_LAMBDA_*`` variables are
    dropped so only ``extra_env`` selects implementations. The client is always terminated (then
    killed if it does not exit) when the block ends, whatever happened inside it.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LETSDATA_IMPL_", "AWS_LAMBDA_"))}
    with RuntimeApiServer() as server, tempfile.TemporaryDirectory(prefix="ric-") as tmp:
        env.update(
            {
                "AWS_LAMBDA_RUNTIME_API": server.address,
                "AWS_LAMBDA_FUNCTION_NAME": "letsdata-bridge-test",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024",
                "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
                "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/letsdata-bridge-test",
                "AWS_LAMBDA_LOG_STREAM_NAME": "2026/11/22/[$LATEST]0123456789abcdef",
                "LAMBDA_TASK_ROOT": str(task_root),
                "PYTHONPATH": str(task_root),
                "AWS_REGION": env.get("AWS_REGION") or "us-east-1",
                **(extra_env or {}),
            }
        )
        log_path = Path(tmp) / "client.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "awslambdaric", handler],
                cwd=task_root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            yield LambdaProcess(server, proc, log_path)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
