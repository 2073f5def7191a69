"""Running "Single File State Machine Reader" and "Multiple File State Machine Reader" datasets locally.

The platform has no Python bridge envelope for these interfaces, so they run in-process: the
classes named by the configuration (``module:Class``) are loaded directly, as the platform loads the
Java classes of its own state-machine datasets.

One manifest line is one task. A task opens a :class:`StreamingFileReader` per file (multi-file
lines are ``TYPE:file|TYPE:file``), calls the reader's ``parseDocument`` until it reports
``COMPLETED`` and turns every ``ParseCompositeDocumentResult`` into outcomes:

* the composite's ``document`` -> the write destination (flattened) for ``SUCCESS``, the error
  destination for ``ERROR`` (an ErrorDoc), counted for ``SKIP``;
* every ErrorDoc in the composite's ``errorDocList`` (records the state machine rejected) -> the
  error destination as well, so no bad record disappears inside a composite;
* an exception from the user's reader or parser is a task error, as on the platform: the task stops
  there and the run reports it (``exceptions_as_errors``: an error document spanning the bytes the
  call consumed, and the task goes on); a reader that stops making progress ends its task with an
  error document instead of looping forever.

After each composite the task's checkpoint (offset and record types per file) is current, so a task
can be resumed with :meth:`StateMachineTask.resume` exactly as the platform resumes from
``s3FileTypeOffsets``. Design notes: docs/state-machine-readers.md.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from letsdata_interfaces.readers.model.SingleFileReaderState import SingleFileReaderState
from letsdata_local.config import Config, ConfigError
from letsdata_local.documents import Outcome, error_document, outcome_for
from letsdata_local.engine import ItemResult
from letsdata_local.state_machine_files import RecordParseError, StateMachineError, StreamingFileReader

log = logging.getLogger("letsdata_local")

SINGLE = "SINGLEFILESTATEMACHINEREADER"
MULTIPLE = "MULTIPLEFILESTATEMACHINEREADER"
READER_TYPES = (SINGLE, MULTIPLE)

#: opens a file: (file type, resolved key) -> decompressed chunks
Opener = Callable[[str, str], Iterable[bytes]]


def load_instance(target: Any, where: str) -> Any:
    """Instantiate the ``module:Class`` named at ``where`` (``<config file>: field <path>``); errors name it."""
    from letsdata_service.registry import load_class
    from letsdata_utils.errors import LetsDataImplementationError

    if not isinstance(target, str) or ":" not in target:
        raise ConfigError(f"{where} must be a Python 'module:Class' name, got {target!r}")
    try:
        cls = load_class(target, where)
    except LetsDataImplementationError as exc:
        raise ConfigError(f"{where}: {str(exc).removeprefix('letsdata implementation - ')}") from None
    try:
        return cls()
    except Exception as exc:
        raise ConfigError(f"{where}: {target} could not be instantiated: {type(exc).__name__}: {exc}") from exc


def _wire(document: Any) -> dict[str, Any]:
    from letsdata_utils.request_utils import getJsonObject

    value = getJsonObject(document)
    if not isinstance(value, dict):
        raise TypeError(f"expected a document object, got {type(document).__name__}")
    return value


@dataclass
class TaskStats:
    """What went in (records per file type and status) and what came out (composites per outcome)."""

    records: dict[str, Counter[str]] = field(default_factory=dict)
    documents: int = 0
    composite_errors: int = 0
    record_errors: int = 0
    skips: int = 0
    reader_failures: int = 0

    def add_records(self, readers: dict[str, StreamingFileReader]) -> None:
        for file_type, reader in readers.items():
            self.records.setdefault(file_type, Counter()).update(reader.counts)

    def merge(self, other: TaskStats) -> None:
        for file_type, counts in other.records.items():
            self.records.setdefault(file_type, Counter()).update(counts)
        self.documents += other.documents
        self.composite_errors += other.composite_errors
        self.record_errors += other.record_errors
        self.skips += other.skips
        self.reader_failures += other.reader_failures

    @property
    def records_in(self) -> int:
        return sum(sum(c.values()) for c in self.records.values())

    def lines(self) -> list[str]:
        per_type = ", ".join(
            f"{ft} {sum(c.values())}" + (f" ({c['ERROR']} rejected)" if c.get("ERROR") else "")
            for ft, c in sorted(self.records.items()))
        return [f"records in: {per_type or 'none'}",
                f"composites out: {self.documents} documents, {self.composite_errors} errors, {self.skips} skipped; "
                f"{self.record_errors} record error docs; {self.reader_failures} reader failures"]


@dataclass
class Step:
    """What one ``parseDocument`` call produced: its outcomes, the bytes it consumed (offsets per
    file type before and after), the records it read and the task's checkpoint after it — one unit
    of work for the runner (``StateMachineTaskReader``)."""

    outcomes: list[Outcome]
    start: dict[str, str]
    end: dict[str, str]
    records: int
    checkpoint: dict[str, dict[str, Any]]
    source_id: str


class StateMachineTask:
    """One manifest line: the user's reader, one :class:`StreamingFileReader` per file, the drive loop."""

    def __init__(self, reader: Any, kind: str, files: dict[str, str], parsers: dict[str, Any], opener: Opener,
                 resume: dict[str, dict[str, Any]] | None = None, exceptions_as_errors: bool = False) -> None:
        self.reader = reader
        self.kind = kind
        self.files = files
        self.stats = TaskStats()
        self.finished = False
        self.exceptions_as_errors = exceptions_as_errors
        #: set when the task stopped on an exception (a task error, as on the platform)
        self.task_error: str | None = None
        resume = resume or {}
        self.file_readers: dict[str, StreamingFileReader] = {}
        for file_type, key in files.items():
            point = resume.get(file_type) or {}
            self.file_readers[file_type] = StreamingFileReader(
                file_type, key, opener(file_type, key), parsers[file_type],
                start_offset=int(point.get("offset") or 0), last_record_type=point.get("lastRecordType"),
                next_record_type=point.get("nextRecordType"), exceptions_as_errors=exceptions_as_errors)

    def checkpoint(self) -> dict[str, dict[str, Any]]:
        """Per file type: offset and state-machine position after the last finished composite."""
        return {ft: r.checkpoint() for ft, r in self.file_readers.items()}

    def offsets(self) -> dict[str, str]:
        return {ft: r.getOffsetBytes() for ft, r in self.file_readers.items()}

    def _call(self, last_types: dict[str, str | None], last_doc: Any) -> Any:
        if self.kind == MULTIPLE:
            return self.reader.parseDocument(dict(last_types), last_doc, dict(self.file_readers))
        (file_type, file_reader), = self.file_readers.items()
        return self.reader.parseDocument(file_type, last_types.get(file_type), last_doc, file_reader)

    def outcomes(self) -> Iterator[Outcome]:
        """Drive the reader to the end of its files, yielding what to write (a task error is not
        an outcome: it stops the task and is left in :attr:`task_error`)."""
        for step in self.steps():
            yield from (outcome for outcome in step.outcomes if not outcome.exception)

    def _records_read(self) -> int:
        return sum(sum(r.counts.values()) for r in self.file_readers.values())

    def steps(self) -> Iterator[Step]:
        """Drive the reader to the end of its files, one :class:`Step` per ``parseDocument`` call."""
        last_types: dict[str, str | None] = {ft: r.getLastRecordType() for ft, r in self.file_readers.items()}
        last_doc: Any = None
        name = "|".join(f"{ft}:{key}" for ft, key in self.files.items())
        read = self._records_read()

        def step(outcomes: list[Outcome], before: dict[str, str], source_id: str = "") -> Step:
            nonlocal read
            now = self._records_read()
            done = Step(outcomes, before, self.offsets(), now - read, self.checkpoint(),
                        source_id or f"{name}@{before}")
            read = now
            return done

        def stopped(before: dict[str, str], error_type: str, message: str) -> Step:
            """The task error as an outcome the runner stops the task on (``exception``)."""
            self.task_error = f"{name} stopped at {before}: {message}"
            detail = message.removeprefix(f"{error_type}: ")
            return step([Outcome(Outcome.ERROR, error_document(f"{name}@{before}", before, self.offsets(), detail,
                                                               error_type, "CompositeDoc"), exception=True)], before)

        try:
            while True:
                before = self.offsets()
                try:
                    result = self._call(last_types, last_doc)
                    state = SingleFileReaderState(getattr(result, "fileReaderState", None))
                except StateMachineError as exc:  # the parser's hints/transitions failed: the files cannot go on
                    self.stats.reader_failures += 1
                    if not self.exceptions_as_errors:
                        yield stopped(before, "StateMachineError", str(exc))
                        return
                    yield step([Outcome(Outcome.ERROR, error_document(
                        f"{name}@{before}", before, self.offsets(), f"task stopped: {exc}", "StateMachineError",
                        "CompositeDoc"))], before)
                    return
                except Exception as exc:
                    after = self.offsets()
                    self.stats.reader_failures += 1
                    if not self.exceptions_as_errors:
                        cause = exc if isinstance(exc, RecordParseError) else None
                        error_type = type(cause or exc).__name__
                        yield stopped(before, error_type, f"{error_type}: {cause or exc}")
                        return
                    yield step([Outcome(Outcome.ERROR, error_document(
                        f"{name}@{before}", before, after, f"the reader's parseDocument failed: {exc}",
                        type(exc).__name__, "CompositeDoc"))], before)
                    if after == before:
                        return  # nothing consumed: calling again would fail the same way
                    last_types = {ft: r.getLastRecordType() for ft, r in self.file_readers.items()}
                    continue
                after = self.offsets()
                composite = getattr(result, "document", None)
                if composite is not None:
                    outcomes = list(self._composite_outcomes(result, composite, before, after))
                    yield step(outcomes, before, str(getattr(composite, "documentId", None) or ""))
                elif self._records_read() != read:
                    yield step([], before)  # records consumed (rejected ones) without a composite
                if state is SingleFileReaderState.COMPLETED:
                    return
                if after == before and composite is None:
                    if all(r.getState() is SingleFileReaderState.COMPLETED for r in self.file_readers.values()):
                        return  # every file is exhausted; the reader just did not say COMPLETED
                    self.stats.reader_failures += 1
                    yield step([Outcome(Outcome.ERROR, error_document(
                        f"{name}@{before}", before, after, "the reader returned no document and consumed no record "
                        "while its files are not exhausted; task stopped", "StateMachineError", "CompositeDoc"))],
                        before)
                    return
                reported = getattr(result, "s3FileTypeLastProcessedRecordType", None)
                last_types = (dict(reported) if isinstance(reported, dict) and reported else
                              {ft: r.getLastRecordType() for ft, r in self.file_readers.items()})
                last_doc = composite
        finally:
            self.finished = True
            self.stats.add_records(self.file_readers)
            for file_reader in self.file_readers.values():
                file_reader.close()

    def _composite_outcomes(self, result: Any, composite: Any, before: dict[str, str],
                            after: dict[str, str]) -> Iterator[Outcome]:
        status = getattr(result, "parseDocumentResultStatus", None)
        status_text = str(getattr(status, "value", status)).upper()
        main = getattr(composite, "document", composite)
        errors = getattr(composite, "errorDocList", None) or []
        source_id = str(getattr(composite, "documentId", None) or f"{before}")
        try:
            main_wire = _wire(main) if main is not None else None
        except Exception as exc:
            self.stats.composite_errors += 1
            yield Outcome(Outcome.ERROR, error_document(source_id, before, after,
                                                        f"the composite document cannot be serialised: {exc}",
                                                        type(exc).__name__, "CompositeDoc"))
            main_wire = None
            status_text = ""
        if status_text:
            outcome = outcome_for(ItemResult(True, {"status": status_text, "document": main_wire}),
                                  source_id, before, after)
            if outcome.kind == Outcome.DOCUMENT:
                self.stats.documents += 1
            elif outcome.kind == Outcome.ERROR:
                self.stats.composite_errors += 1
            else:
                self.stats.skips += 1
            yield outcome
        for error in errors:
            if error is main:
                continue
            try:
                wire = _wire(error)
            except Exception as exc:
                wire = error_document(source_id, before, after, f"a record error doc cannot be serialised: {exc}",
                                      type(exc).__name__)
            self.stats.record_errors += 1
            yield Outcome(Outcome.ERROR, wire)


def check_config(cfg: Config) -> None:
    """The class-name fields of a state-machine dataset are set and their classes load and instantiate."""
    StateMachineDataset(cfg, lambda _file_type, _key: iter(()))


class StateMachineDataset:
    """Builds the tasks of a state-machine dataset from its configuration and manifest."""

    def __init__(self, cfg: Config, opener: Opener) -> None:
        self.cfg = cfg
        self.opener = opener
        reader_type = cfg.get("readConnector.readerType")
        if reader_type not in READER_TYPES:
            raise ConfigError(f"readConnector.readerType {reader_type!r} is not a state-machine reader")
        self.kind = str(reader_type)
        prefix = "readConnector."
        if self.kind == MULTIPLE:
            self.reader_field = prefix + "multipleFileStateMachineReaderClassName"
            self.parser_fields = dict(cfg.get(prefix + "singleFileStateMachineParserImplementationClassNameMap") or {})
        else:
            self.reader_field = prefix + "singleFileStateMachineReaderImplementationClassName"
            parser = cfg.get(prefix + "singleFileStateMachineParserImplementationClassName")
            self.parser_fields = {"": parser} if parser else {}
        self.reader_class = cfg.get(self.reader_field)
        if self.reader_class is None:
            raise ConfigError(f"{cfg.source}: missing required field {self.reader_field} (readerType {self.kind}: "
                              "the reader's Python 'module:Class')")
        load_instance(self.reader_class, f"{cfg.source}: field {self.reader_field}")  # before any file is opened
        for file_type, target in self.parser_fields.items():
            where = self._parser_field(file_type)
            load_instance(target, f"{cfg.source}: field {where}")

    def task(self, entry: dict[str, str], resume: dict[str, dict[str, Any]] | None = None,
             exceptions_as_errors: bool = False) -> StateMachineTask:
        """The task of one manifest entry (``{file type: key}``; ``{"": key}`` for a single-file line)."""
        reader, files, parsers = self.plan(entry)
        return StateMachineTask(reader, self.kind, files, parsers, self.opener, resume, exceptions_as_errors)

    def plan(self, entry: dict[str, str]) -> tuple[Any, dict[str, str], dict[str, Any]]:
        """A fresh reader for the manifest entry, its resolved files and their parsers (nothing is read)."""
        reader = load_instance(self.reader_class, f"{self.cfg.source}: field {self.reader_field}")
        if self.kind == MULTIPLE:
            return self._multiple(reader, entry)
        return self._single(reader, next(iter(entry.values())))

    def _parser_field(self, file_type: str) -> str:
        if self.kind == MULTIPLE:
            return f"readConnector.singleFileStateMachineParserImplementationClassNameMap.{file_type}"
        return "readConnector.singleFileStateMachineParserImplementationClassName"

    def _parser_from_config(self, file_type: str) -> Any:
        target = self.parser_fields.get(file_type if self.kind == MULTIPLE else "")
        if target is None:
            raise ConfigError(f"no parser for file type {file_type!r}: the reader returned none and "
                              f"{self._parser_field(file_type)} does not name one")
        return load_instance(target, f"{self.cfg.source}: field {self._parser_field(file_type)}")

    def _multiple(self, reader: Any, manifest: dict[str, str]) -> tuple[Any, dict[str, str], dict[str, Any]]:
        line = "|".join(f"{t}:{k}" for t, k in manifest.items())
        wanted = {str(t).upper() for t in reader.getS3FileTypes()}
        given = {t.upper() for t in manifest}
        if wanted != given:
            raise ConfigError(f"manifest line {line!r} names file types {sorted(given)}, the reader "
                              f"{self.reader_class} reads {sorted(wanted)}")
        resolved = reader.getResolvedS3FileNames(dict(manifest))
        if not isinstance(resolved, dict) or {str(k).upper() for k in resolved} != wanted:
            raise ConfigError(f"getResolvedS3FileNames returned {resolved!r} for {line!r}; expected one "
                              f"name per file type {sorted(wanted)}")
        parsers = dict(reader.getParserInterfacesForS3FileTypes(set(resolved)) or {})
        for file_type in resolved:
            if parsers.get(file_type) is None:
                parsers[file_type] = self._parser_from_config(file_type)
        return reader, {str(k): str(v) for k, v in resolved.items()}, parsers

    def _single(self, reader: Any, name: str) -> tuple[Any, dict[str, str], dict[str, Any]]:
        file_type = str(reader.getS3FileType())
        key = reader.getResolvedS3FileName(file_type, name)
        if not isinstance(key, str) or not key:
            raise ConfigError(f"getResolvedS3FileName returned {key!r} for {name!r}; expected an S3 key")
        parser = reader.getReaderParserInterfacesForS3FileType(file_type) or self._parser_from_config(file_type)
        return reader, {file_type: key}, {file_type: parser}


def s3_opener(session: Any, bucket: str, chunk_size: int) -> Opener:
    """Stream ``s3://bucket/key`` in ``chunk_size`` reads, gunzipped when it is gzip."""
    from letsdata_local.splitter import gunzip_chunks, is_gzip

    s3 = session.client("s3")

    def open_file(file_type: str, key: str) -> Iterator[bytes]:
        try:
            body = s3.get_object(Bucket=bucket, Key=key)["Body"]
        except Exception as exc:
            from letsdata_local.readers import ResourceMissingError, _error_code

            raise ResourceMissingError(f"{file_type} file s3://{bucket}/{key} cannot be read ({_error_code(exc)})") from exc
        try:
            reads = iter(body.iter_chunks(chunk_size))
            first = next(reads, b"")
            if is_gzip(first):
                yield from gunzip_chunks(_pieces(chain((first,), reads)))
            else:
                yield first
                yield from reads
        finally:
            body.close()

    return open_file


#: Compressed input is handed to the gunzipper in pieces this large (see :func:`_pieces`).
GZIP_INPUT_PIECE = 32 * 1024


def _pieces(chunks: Iterable[bytes], size: int = GZIP_INPUT_PIECE) -> Iterator[bytes]:
    """Re-cut large reads into ``size`` pieces.

    Common Crawl files are one gzip member per record (~1-20 KB); zlib hands back the rest of its
    input as a new ``unused_data`` object at the end of every member, so feeding it 8 MiB reads
    copies megabytes per record (8 MiB reads were ~6x slower than 16-64 KiB pieces in this project's
    measurements). Cutting the reads keeps that copy small. Only gzip objects are cut.
    """
    for chunk in chunks:
        if len(chunk) <= size:
            yield chunk
            continue
        for start in range(0, len(chunk), size):
            yield chunk[start:start + size]


def check_inputs(session: Any, bucket: str, line_files: list[dict[str, str]]) -> None:
    """Report a missing bucket or file by name before anything is processed."""
    from letsdata_local.readers import ResourceMissingError, _error_code

    s3 = session.client("s3")
    try:
        s3.head_bucket(Bucket=bucket)
    except Exception as exc:
        raise ResourceMissingError(f"S3 bucket {bucket!r} does not exist or is not accessible ({_error_code(exc)})") \
            from exc
    missing = []
    for files in line_files:
        for key in files.values():
            try:
                s3.head_object(Bucket=bucket, Key=key)
            except Exception:
                missing.append(key)
    if missing:
        raise ResourceMissingError(f"S3 objects missing in bucket {bucket!r}: "
                                   f"{', '.join(repr(k) for k in missing[:10])}")
