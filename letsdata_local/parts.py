"""File outputs of one task as numbered parts whose names never collide across tasks or reruns.

A task writes ``<base>/<task_id>/part-<n>.jsonl`` (a local directory, or an S3 prefix). Part ``n``
holds exactly the documents produced between checkpoint ``n`` and checkpoint ``n + 1``, and the
checkpoint stores ``n + 1`` only after the part is complete at its final name. So after a kill at
any point, the part that may exist beyond the checkpoint is rewritten under the same name from the
same source position when the task resumes — overwritten, never duplicated — and parts the
checkpoint covers are never touched again. That is the exactly-once argument of
``docs/letsdata-local-tasks.md``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from letsdata_local.writers import Writer, _json_line  # one JSON-lines encoding for every file output

PART_DIGITS = 5

#: A part is committed once it holds this many bytes, even before the run's commit interval.
PART_BYTES = 64 * 1024 * 1024


def part_name(number: int) -> str:
    return f"part-{number:0{PART_DIGITS}d}.jsonl"


class PartSink(Writer):
    """Buffers one part in a temp file; :meth:`commit` publishes it under its final name.

    A :class:`~letsdata_local.writers.Writer`, so the runner's one loop writes a task's files as it
    writes any destination. ``part`` is the number the next commit publishes; the task sets it
    from its checkpoint and advances it once a checkpoint covering the part is saved.
    """

    kind = ""
    location = ""

    def __init__(self) -> None:
        self._file: Any = None
        self.pending = 0
        self.pending_bytes = 0
        self.written = 0
        self.part = 0
        self.part_bytes = PART_BYTES

    def wants_commit(self) -> bool:
        return self.pending_bytes >= self.part_bytes

    def flush(self) -> bool:
        return self._file is None  # durable only once the part is published

    def close(self) -> None:
        """The run ended: whatever a commit did not publish is not covered by a checkpoint."""
        self.abort()

    def write(self, doc: dict[str, Any], source: Any = None) -> None:
        if self._file is None:
            self._file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in commit()/abort()
                prefix="letsdata-part-", suffix=".jsonl", delete=False, dir=self._temp_dir()
            )
        line = _json_line(doc)
        self._file.write(line)
        self.pending += 1
        self.pending_bytes += len(line)

    def commit(self, number: int | None = None) -> bool:
        """Make the buffered documents durable as part ``number`` (default :attr:`part`; nothing
        buffered: no part). True: everything written is durable."""
        if self._file is None:
            return True
        number = self.part if number is None else number
        temp, self._file = self._file, None
        temp.flush()
        os.fsync(temp.fileno())
        temp.close()
        try:
            self._publish(temp.name, number)
        finally:
            Path(temp.name).unlink(missing_ok=True)
        self.written += self.pending
        self.pending = self.pending_bytes = 0
        return True

    def abort(self) -> None:
        """Interrupted or failed: drop the unfinished part (the checkpoint does not cover it)."""
        if self._file is not None:
            self._file.close()
            Path(self._file.name).unlink(missing_ok=True)
            self._file = None
        self.pending = self.pending_bytes = 0

    def discard(self, number: int) -> None:
        """Remove part ``number`` if a killed run published it after the last checkpoint."""

    def remove_all(self) -> None:
        """Remove every part of this task (``--restart``)."""

    def _temp_dir(self) -> str | None:
        return None

    def _publish(self, temp: str, number: int) -> None:
        raise NotImplementedError


class LocalPartSink(PartSink):
    """Parts in ``<directory>/<task_id>/``; published by an atomic rename in that directory."""

    kind = "LOCAL"

    def __init__(self, base: Path, task_id: str) -> None:
        super().__init__()
        self.directory = Path(base) / task_id
        self.location = str(self.directory)

    def _temp_dir(self) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        return str(self.directory)

    def _publish(self, temp: str, number: int) -> None:
        os.replace(temp, self.directory / part_name(number))

    def discard(self, number: int) -> None:
        (self.directory / part_name(number)).unlink(missing_ok=True)
        if self.directory.is_dir():
            for path in self.directory.glob("letsdata-part-*.jsonl"):  # temp files of a killed run
                path.unlink(missing_ok=True)

    def remove_all(self) -> None:
        if self.directory.is_dir():
            for path in self.directory.glob("part-*.jsonl"):
                path.unlink()
            for path in self.directory.glob("letsdata-part-*.jsonl"):  # temp files of a killed run
                path.unlink()


class S3PartSink(PartSink):
    """Parts under ``<prefix><task_id>/``; published by one managed upload (no partial object)."""

    kind = "S3"

    def __init__(self, session: Any, bucket: str, prefix: str, task_id: str) -> None:
        super().__init__()
        self.client = session.client("s3")
        self.bucket = bucket
        self.prefix = f"{prefix}{task_id}/"
        self.location = f"s3://{bucket}/{self.prefix}"

    def _publish(self, temp: str, number: int) -> None:
        self.client.upload_file(temp, self.bucket, self.prefix + part_name(number))

    def discard(self, number: int) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + part_name(number))

    def remove_all(self) -> None:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix + "part-")
        keys = [o["Key"] for page in pages for o in page.get("Contents") or []]
        for start in range(0, len(keys), 1000):
            self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": [{"Key": k} for k in keys[start : start + 1000]], "Quiet": True}
            )


def local_parts_base(path: Path) -> Path:
    """``out/documents.jsonl`` (the single-file name) -> ``out/documents`` (the parts directory)."""
    return path.with_suffix("") if path.suffix == ".jsonl" else path
