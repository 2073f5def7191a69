"""State-machine datasets as tasks: one task per manifest line, read by the runner's one loop.

A "Single File State Machine Reader" / "Multiple File State Machine Reader" dataset has no bridge
envelope: the user's reader runs in-process (``letsdata_local.state_machine``) and already produces
the outcomes. Here each manifest line becomes a task whose :class:`StateMachineTaskReader` hands the
runner (``letsdata_local.runner.Runner``) one source record per ``parseDocument`` call, carrying
those outcomes (no bridge call). So a state-machine task gets what every task gets: part files,
the destinations' size limits, commit points with a checkpoint, resume, concurrency and the
``tasks`` listing. The position stored is :meth:`StateMachineTask.checkpoint` (offset and record
types per file type after the composite), which the resumed task starts from.
Design notes: docs/state-machine-readers.md, docs/letsdata-local-tasks.md.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any

from letsdata_local.config import Config
from letsdata_local.readers import Reader, ResourceMissingError, SourceRecord
from letsdata_local.state_machine import (
    READER_TYPES,
    StateMachineDataset,
    StateMachineTask,
    check_inputs,
    s3_opener,
)


def is_state_machine(cfg: Config) -> bool:
    return cfg.read_destination == "S3" and cfg.reader_type in READER_TYPES


def manifest_lines(cfg: Config, session: Any) -> list[dict[str, str]]:
    """The manifest's lines, in order, each ``{file type: key}`` (``{"": key}`` for a single file)."""
    from letsdata_local.manifest import ManifestMissingError, fetch_s3_manifest, parse_manifest

    uri = cfg.get("manifestFile.manifestFileS3Uri")
    if uri:
        try:
            entries = fetch_s3_manifest(session.client("s3"), str(uri), cfg.reader_type, cfg.source)
        except ManifestMissingError as exc:
            raise ResourceMissingError(str(exc)) from exc
    else:
        entries = parse_manifest(str(cfg.get("manifestFile.fileContents") or ""), cfg.reader_type,
                                 f"{cfg.source}: field manifestFile.fileContents")
    return [dict(entry.files) for entry in entries]


def line_text(files: dict[str, str]) -> str:
    """The manifest line as written: ``key`` or ``TYPE:key|TYPE:key``."""
    return "|".join(f"{t}:{k}" if t else k for t, k in files.items())


def line_task_id(files: dict[str, str]) -> str:
    """``file-<slug>-<hash>`` for a single file (as S3 file tasks), ``files-<slug>-<hash>`` for a
    multi-file line: derived from the line only, so every run plans the same ids."""
    text = line_text(files)
    first = next(iter(files.values()), "")
    slug = re.sub(r"[^A-Za-z0-9.-]+", "-", first).strip("-.")[-60:].lstrip("-.")
    prefix = "files" if len(files) > 1 or "" not in files else "file"
    return f"{prefix}-{slug or 'x'}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:8]}"


def check_all_inputs(cfg: Config, session: Any, lines: list[dict[str, str]], chunk_size: int) -> None:
    """Every file of every line exists (names the missing ones), before any task starts."""
    bucket = str(cfg.get("readConnector.bucketName"))
    dataset = StateMachineDataset(cfg, s3_opener(session, bucket, chunk_size))
    check_inputs(session, bucket, [dataset.plan(line)[1] for line in lines])


class StateMachineTaskReader(Reader):
    """One manifest line: one source record per ``parseDocument`` call, carrying its outcomes."""

    def __init__(self, cfg: Config, session: Any, files: dict[str, str], task_id: str = "",
                 position: str | None = None, chunk_size: int = 8 * 1024 * 1024,
                 exceptions_as_errors: bool = False) -> None:
        self.cfg = cfg
        self.session = session
        self.line = dict(files)
        self.task_id = task_id
        self.resume: dict[str, dict[str, Any]] | None = json.loads(position) if position else None
        self.bucket = str(cfg.get("readConnector.bucketName"))
        self.dataset = StateMachineDataset(cfg, s3_opener(session, self.bucket, chunk_size))
        self.exceptions_as_errors = exceptions_as_errors
        self.task: StateMachineTask | None = None

    def check(self) -> None:
        check_inputs(self.session, self.bucket, [self.dataset.plan(self.line)[1]])

    def pages(self) -> Iterator[list[SourceRecord]]:
        self.task = task = self.dataset.task(self.line, self.resume, self.exceptions_as_errors)
        for step in task.steps():
            data = {"stateMachineFiles": dict(task.files), "startOffsets": step.start, "endOffsets": step.end}
            yield [SourceRecord(data, step.source_id, step.start, step.end, ack=json.dumps(step.checkpoint),
                                task=self.task_id, outcomes=step.outcomes, records=step.records)]

    def position_of(self, record: SourceRecord) -> str | None:
        return str(record.ack)

    def notes(self) -> list[str]:
        return self.task.stats.lines() if self.task is not None else []
