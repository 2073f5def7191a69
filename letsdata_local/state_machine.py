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
* a reader that raises -> an error document spanning the bytes it consumed; a reader that stops
  making progress ends its task with an error document instead of looping forever.

After each composite the task's checkpoint (offset and record types per file) is current, so a task
can be resumed with :meth:`StateMachineTask.resume` exactly as the platform resumes from
``s3FileTypeOffsets``. Design notes: docs/state-machine-readers.md.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from letsdata_interfaces.readers.model.SingleFileReaderState import SingleFileReaderState
from letsdata_local.config import Config, ConfigError
from letsdata_local.documents import Outcome, error_document, outcome_for
from letsdata_local.engine import ItemResult
from letsdata_local.state_machine_files import StateMachineError, StreamingFileReader

log = logging.getLogger("letsdata_local")

SINGLE = "SINGLEFILESTATEMACHINEREADER"
MULTIPLE = "MULTIPLEFILESTATEMACHINEREADER"
READER_TYPES = (SINGLE, MULTIPLE)

#: opens a file: (file type, resolved key) -> decompressed chunks
Opener = Callable[[str, str], Iterable[bytes]]


def parse_manifest_line(line: str) -> dict[str, str]:
    """``WARC:a.warc.gz|WAT:a.wat.gz|WET:a.wet.gz`` -> ``{"WARC": "a.warc.gz", ...}`` (order kept)."""
    files: dict[str, str] = {}
    for part in line.strip().split("|"):
        file_type, sep, name = part.partition(":")
        file_type, name = file_type.strip(), name.strip()
        if not sep or not file_type or not name:
            raise ConfigError(f"manifest line {line.strip()!r}: expected TYPE:file entries separated by '|', "
                              f"got {part!r}")
        if file_type in files:
            raise ConfigError(f"manifest line {line.strip()!r}: file type {file_type!r} appears twice")
        files[file_type] = name
    return files


def load_instance(target: Any, field_name: str) -> Any:
    """Instantiate ``module:Class`` named by configuration field ``field_name`` (errors name the field)."""
    from letsdata_service.registry import load_class

    if not isinstance(target, str) or ":" not in target:
        raise ConfigError(f"field {field_name} must be a Python 'module:Class' name, got {target!r}")
    cls = load_class(target, field_name)
    try:
        return cls()
    except Exception as exc:
        raise ConfigError(f"field {field_name}: {target} could not be instantiated: {type(exc).__name__}: {exc}") from exc


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


class StateMachineTask:
    """One manifest line: the user's reader, one :class:`StreamingFileReader` per file, the drive loop."""

    def __init__(self, reader: Any, kind: str, files: dict[str, str], parsers: dict[str, Any], opener: Opener,
                 resume: dict[str, dict[str, Any]] | None = None) -> None:
        self.reader = reader
        self.kind = kind
        self.files = files
        self.stats = TaskStats()
        self.finished = False
        resume = resume or {}
        self.file_readers: dict[str, StreamingFileReader] = {}
        for file_type, key in files.items():
            point = resume.get(file_type) or {}
            self.file_readers[file_type] = StreamingFileReader(
                file_type, key, opener(file_type, key), parsers[file_type],
                start_offset=int(point.get("offset") or 0), last_record_type=point.get("lastRecordType"),
                next_record_type=point.get("nextRecordType"))

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
        """Drive the reader to the end of its files, yielding what to write."""
        last_types: dict[str, str | None] = {ft: r.getLastRecordType() for ft, r in self.file_readers.items()}
        last_doc: Any = None
        name = "|".join(f"{ft}:{key}" for ft, key in self.files.items())
        try:
            while True:
                before = self.offsets()
                try:
                    result = self._call(last_types, last_doc)
                    state = SingleFileReaderState(getattr(result, "fileReaderState", None))
                except StateMachineError as exc:  # the parser's hints/transitions failed: the files cannot go on
                    self.stats.reader_failures += 1
                    yield Outcome(Outcome.ERROR, error_document(
                        f"{name}@{before}", before, self.offsets(), f"task stopped: {exc}", "StateMachineError",
                        "CompositeDoc"))
                    return
                except Exception as exc:
                    after = self.offsets()
                    self.stats.reader_failures += 1
                    yield Outcome(Outcome.ERROR, error_document(
                        f"{name}@{before}", before, after, f"the reader's parseDocument failed: {exc}",
                        type(exc).__name__, "CompositeDoc"))
                    if after == before:
                        return  # nothing consumed: calling again would fail the same way
                    last_types = {ft: r.getLastRecordType() for ft, r in self.file_readers.items()}
                    continue
                after = self.offsets()
                composite = getattr(result, "document", None)
                if composite is not None:
                    yield from self._composite_outcomes(result, composite, before, after)
                if state is SingleFileReaderState.COMPLETED:
                    return
                if after == before and composite is None:
                    if all(r.getState() is SingleFileReaderState.COMPLETED for r in self.file_readers.values()):
                        return  # every file is exhausted; the reader just did not say COMPLETED
                    self.stats.reader_failures += 1
                    yield Outcome(Outcome.ERROR, error_document(
                        f"{name}@{before}", before, after, "the reader returned no document and consumed no record "
                        "while its files are not exhausted; task stopped", "StateMachineError", "CompositeDoc"))
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
        load_instance(self.reader_class, self.reader_field)  # fail before any file is opened

    def task(self, line: str, resume: dict[str, dict[str, Any]] | None = None) -> StateMachineTask:
        reader, files, parsers = self.plan(line)
        return StateMachineTask(reader, self.kind, files, parsers, self.opener, resume)

    def plan(self, line: str) -> tuple[Any, dict[str, str], dict[str, Any]]:
        """A fresh reader for the manifest line, its resolved files and their parsers (nothing is read)."""
        reader = load_instance(self.reader_class, self.reader_field)
        if self.kind == MULTIPLE:
            return self._multiple(reader, line)
        return self._single(reader, line)

    def _parser_from_config(self, file_type: str) -> Any:
        field_name = "readConnector.singleFileStateMachineParserImplementationClassNameMap"
        target = self.parser_fields.get(file_type)
        if target is None and self.kind == SINGLE:
            field_name, target = "readConnector.singleFileStateMachineParserImplementationClassName", \
                self.parser_fields.get("")
        if target is None:
            raise ConfigError(f"no parser for file type {file_type!r}: the reader returned none and {field_name} "
                              "does not name one")
        return load_instance(target, f"{field_name}.{file_type}" if self.kind == MULTIPLE else field_name)

    def _multiple(self, reader: Any, line: str) -> tuple[Any, dict[str, str], dict[str, Any]]:
        manifest = parse_manifest_line(line)
        wanted = {str(t).upper() for t in reader.getS3FileTypes()}
        given = {t.upper() for t in manifest}
        if wanted != given:
            raise ConfigError(f"manifest line {line.strip()!r} names file types {sorted(given)}, the reader "
                              f"{self.reader_class} reads {sorted(wanted)}")
        resolved = reader.getResolvedS3FileNames(dict(manifest))
        if not isinstance(resolved, dict) or {str(k).upper() for k in resolved} != wanted:
            raise ConfigError(f"getResolvedS3FileNames returned {resolved!r} for {line.strip()!r}; expected one "
                              f"name per file type {sorted(wanted)}")
        parsers = dict(reader.getParserInterfacesForS3FileTypes(set(resolved)) or {})
        for file_type in resolved:
            if parsers.get(file_type) is None:
                parsers[file_type] = self._parser_from_config(file_type)
        return reader, {str(k): str(v) for k, v in resolved.items()}, parsers

    def _single(self, reader: Any, line: str) -> tuple[Any, dict[str, str], dict[str, Any]]:
        file_type = str(reader.getS3FileType())
        name = line.strip()
        prefix, sep, rest = name.partition(":")
        if sep and prefix.upper() == file_type.upper():
            name = rest.strip()
        key = reader.getResolvedS3FileName(file_type, name)
        if not isinstance(key, str) or not key:
            raise ConfigError(f"getResolvedS3FileName returned {key!r} for {name!r}; expected an S3 key")
        parser = reader.getReaderParserInterfacesForS3FileType(file_type) or self._parser_from_config(file_type)
        return reader, {file_type: key}, {file_type: parser}


def s3_opener(session: Any, bucket: str, chunk_size: int) -> Opener:
    """Stream ``s3://bucket/key`` in ``chunk_size`` reads, gunzipped when it is gzip."""
    from letsdata_local.splitter import gunzip_chunks

    s3 = session.client("s3")

    def open_file(file_type: str, key: str) -> Iterator[bytes]:
        try:
            body = s3.get_object(Bucket=bucket, Key=key)["Body"]
        except Exception as exc:
            from letsdata_local.readers import ResourceMissingError, _error_code

            raise ResourceMissingError(f"{file_type} file s3://{bucket}/{key} cannot be read ({_error_code(exc)})") from exc
        try:
            yield from gunzip_chunks(_pieces(body.iter_chunks(chunk_size)))
        finally:
            body.close()

    return open_file


#: Compressed input is handed to the gunzipper in pieces this large (see :func:`_pieces`).
GZIP_INPUT_PIECE = 256 * 1024


def _pieces(chunks: Iterable[bytes], size: int = GZIP_INPUT_PIECE) -> Iterator[bytes]:
    """Re-cut large reads into ``size`` pieces.

    Common Crawl files are one gzip member per record (~1-20 KB); zlib hands back the rest of its
    input as a new ``unused_data`` object at the end of every member, so feeding it 8 MiB reads
    copies megabytes per record (about 10x slower than 64-256 KB pieces in this project's
    measurements). Cutting the reads keeps that copy small; plain files are unaffected.
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


def run_state_machine(cfg: Config, session: Any, options: Any) -> Any:
    """Run every manifest line of a state-machine dataset and write its outcomes; returns a Summary."""
    from letsdata_local.readers import manifest_keys
    from letsdata_local.runner import Summary, build_error_writer, build_writer

    text = cfg.get("manifestFile.fileContents")
    bucket = str(cfg.get("readConnector.bucketName"))
    if text is None:
        link = str(cfg.get("manifestFile.s3Link"))
        link_bucket, _, key = link.removeprefix("s3://").partition("/")
        text = session.client("s3").get_object(Bucket=link_bucket, Key=key)["Body"].read().decode("utf-8")
    lines = manifest_keys(text)
    if not lines:
        raise ConfigError("the manifest lists no files to read")
    dataset = StateMachineDataset(cfg, s3_opener(session, bucket, options.chunk_size))
    check_inputs(session, bucket, [dataset.plan(line)[1] for line in lines])
    writer = build_writer(cfg, session, options)
    writer.check()
    error_writer = build_error_writer(cfg, session)
    error_writer.check()
    summary = Summary(output=writer.location, error_output=error_writer.location)
    stats = TaskStats()
    started = time.perf_counter()
    try:
        for line in lines:
            task = dataset.task(line)
            for outcome in task.outcomes():
                if outcome.kind == Outcome.DOCUMENT:
                    writer.write(outcome.record)
                    summary.documents_written += 1
                    if len(summary.sample) < options.sample:
                        summary.sample.append(outcome.record)
                elif outcome.kind == Outcome.ERROR:
                    error_writer.write(outcome.record)
                    summary.errors += 1
                else:
                    summary.skips += 1
            stats.merge(task.stats)
        writer.close()
        error_writer.close()
    except KeyboardInterrupt:
        summary.interrupted = True
        writer.abort()
        error_writer.abort()
    except BaseException:
        writer.abort()
        error_writer.abort()
        raise
    finally:
        summary.elapsed = time.perf_counter() - started
        summary.records_read = stats.records_in
        summary.notes.extend(stats.lines())
    return summary
