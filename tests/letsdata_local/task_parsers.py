"""Test implementations for the task tests: the JSON-lines log parser, slowed down or instrumented.

Settings come from the environment so a CLI subprocess (the SIGKILL tests) and spawned worker
processes (the concurrency tests) see them too:

* ``LETSDATA_TEST_SLEEP``: seconds to wait per record (a slow user implementation);
* ``LETSDATA_TEST_SPIN``: seconds of busy CPU work per record (a CPU-bound implementation);
* ``LETSDATA_TEST_PID_DIR``: every process that parses a record touches ``<dir>/<pid>``;
* ``LETSDATA_TEST_RAISE_AT``: the parser raises on the record at this byte offset.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from examples.letsdata.jsonl_log_parser import JsonLinesLogParser


class SlowLogParser(JsonLinesLogParser):
    def parseDocument(self, s3FileType: str, s3Filename: str, offsetBytes: int, byteArr: bytearray,
                      startIndex: int, endIndex: int) -> Any:
        delay = float(os.environ.get("LETSDATA_TEST_SLEEP") or 0)
        if delay:
            time.sleep(delay)
        spin = float(os.environ.get("LETSDATA_TEST_SPIN") or 0)
        if spin:
            until = time.perf_counter() + spin
            total = 0
            while time.perf_counter() < until:
                total += sum(range(200))
        if str(offsetBytes) == os.environ.get("LETSDATA_TEST_RAISE_AT"):
            raise RuntimeError(f"cannot parse the record at {offsetBytes}")
        pid_dir = os.environ.get("LETSDATA_TEST_PID_DIR")
        if pid_dir:
            (Path(pid_dir) / str(os.getpid())).touch()
        return super().parseDocument(s3FileType, s3Filename, offsetBytes, byteArr, startIndex, endIndex)
