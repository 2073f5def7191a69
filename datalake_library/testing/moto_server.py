"""A moto server on 127.0.0.1 (never 0.0.0.0) for integration tests and the local runtime.

Server mode gives a real HTTP endpoint that subprocesses, Spark's s3a connector and
awslambdaric-run handlers can reach through ``AWS_ENDPOINT_URL``.
"""

from __future__ import annotations

import logging
import socket
import time
import urllib.request
from typing import Any


def free_port(host: str = "127.0.0.1") -> int:
    """An ephemeral TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class MotoServer:
    """In-process ``ThreadedMotoServer`` bound to loopback on a free port.

    Use as a context manager or call :meth:`start` / :meth:`stop`. :meth:`reset` wipes every
    resource (``POST /moto-api/reset``, a few ms) so tests can share one server.
    """

    host = "127.0.0.1"

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port(self.host)
        self._server: Any = None

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> MotoServer:
        from moto.server import ThreadedMotoServer

        # werkzeug logs every request at INFO; once anything configures the root logger (the
        # library's init_logger does) that floods test output and benchmark timings.
        werkzeug = logging.getLogger("werkzeug")
        if werkzeug.level == logging.NOTSET:
            werkzeug.setLevel(logging.WARNING)
        self._server = ThreadedMotoServer(ip_address=self.host, port=self.port, verbose=False)
        self._server.start()
        deadline = time.monotonic() + 15
        while True:
            try:
                with urllib.request.urlopen(f"{self.endpoint_url}/moto-api/", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"moto server did not start on {self.endpoint_url}") from None
                time.sleep(0.05)
        return self

    def reset(self) -> None:
        """Delete every resource on the server."""
        req = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(req, timeout=10):
            pass

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
