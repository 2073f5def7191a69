"""State-machine readers: WARC records/s against warcio and fastwarc, composites/s end to end on moto.

* WARC: one generated segment (>= ``BENCH_SM_WARC_MB`` MB, uncompressed) is read three ways in the
  same run — letsdata_local's StreamingFileReader driving the example WARCFileParser (headers parsed,
  HTTP request/response lines parsed), warcio's ArchiveIterator and fastwarc's ArchiveIterator (each
  reading every record's content) — and each rate is compared with ours.
* Composites: a gzipped (member per record) WARC + WAT + WET segment in moto S3, read by
  the dataset's task (``letsdata_local.scheduler.run_dataset``, one task for the one manifest line)
  with the example CommonCrawlReader, index records written to a moto Kinesis
  stream and errors to moto S3. Baseline: warcio iterating the same three local files and joining
  them by URL in a dict (no S3, no writes) — what a hand-written warcio job would do.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

WARC_MB = int(os.environ.get("BENCH_SM_WARC_MB", "100"))
E2E_PAGES = int(os.environ.get("BENCH_SM_E2E_PAGES", "1500"))
PAGE_TEXT = 20_000  # bytes of text per page: ~22 KB of WARC per URL


def _best(fn: Any, runs: int = 2) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(runs):
        started = time.perf_counter()
        count = fn()
        best = min(best, time.perf_counter() - started)
    return best, count


def _ours(path: Path) -> int:
    from examples.letsdata.commoncrawl.parsers import WARCFileParser
    from letsdata_local.splitter import gunzip_chunks
    from letsdata_local.state_machine import _pieces
    from letsdata_local.state_machine_files import StreamingFileReader

    def chunks() -> Any:
        with path.open("rb") as f:
            while chunk := f.read(8 * 1024 * 1024):
                yield chunk

    # the same path as an S3 object: 8 MiB reads, cut for the gunzipper, gunzipped when gzip
    reader = StreamingFileReader("WARC", path.name, gunzip_chunks(_pieces(chunks())), WARCFileParser())
    count = 0
    while reader.nextRecord(False) is not None:
        count += 1
    assert not reader.counts.get("ERROR"), reader.counts
    return count


def _warcio(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    count = 0
    with path.open("rb") as f:
        for record in ArchiveIterator(f):
            record.content_stream().read()
            count += 1
    return count


def _fastwarc(path: Path) -> int:
    from fastwarc import ArchiveIterator

    count = 0
    with path.open("rb") as f:
        for record in ArchiveIterator(f, parse_http=False):
            record.reader.read()
            count += 1
    return count


def _warc_rows(directory: Path) -> list[tuple[str, str, str, str]]:
    from examples.data.generate_commoncrawl_samples import write_segment

    pages = max(1, WARC_MB * 1_000_000 // (PAGE_TEXT + 1_300) + 1)  # ~21.5 KB of WARC per page
    rows = []
    for gzipped in (False, True):
        paths = write_segment(directory, pages, text_size=PAGE_TEXT, prefix="bench", gzip_records=gzipped)
        warc = paths["WARC"]
        if not gzipped:
            assert warc.stat().st_size >= WARC_MB * 1_000_000, warc.stat().st_size
        size_mb = warc.stat().st_size / 1e6
        label = f"{size_mb:.1f} MB gzip (member per record)" if gzipped else f"{size_mb:.0f} MB"
        ours_s, ours_n = _best(lambda warc=warc: _ours(warc))
        for name, fn in (("warcio", _warcio), ("fastwarc", _fastwarc)):
            try:
                their_s, their_n = _best(lambda fn=fn, warc=warc: fn(warc))
            except ImportError as exc:
                rows.append((f"WARC records/s vs {name}", f"{ours_n / ours_s:,.0f} rec/s", "-",
                             f"{name} missing: {exc}"))
                continue
            assert their_n == ours_n, (name, their_n, ours_n)
            rows.append((f"WARC records/s, {label}, {ours_n} records: state machine vs {name}",
                         f"{ours_n / ours_s:,.0f} rec/s ({size_mb / ours_s:,.0f} MB/s)",
                         f"{their_n / their_s:,.0f} rec/s ({size_mb / their_s:,.0f} MB/s)",
                         f"{their_s / ours_s:.2f}x"))
        for path in paths.values():
            path.unlink()
    return rows


def _warcio_join(paths: dict[str, Path]) -> int:
    from warcio.archiveiterator import ArchiveIterator

    joined: dict[str, dict[str, bytes]] = {}
    for file_type, path in paths.items():
        with path.open("rb") as f:
            for record in ArchiveIterator(f):
                uri = record.rec_headers.get_header("WARC-Target-URI")
                content = record.content_stream().read()
                if uri and record.rec_type in ("response", "metadata", "conversion"):
                    joined.setdefault(uri, {})[f"{file_type}:{record.rec_type}"] = content
    return sum(1 for parts in joined.values() if "WET:conversion" in parts)


def _e2e_rows(directory: Path) -> list[tuple[str, str, str, str]]:
    from datalake_library.aws import clear_shared_sessions, shared_session
    from datalake_library.testing import MotoServer
    from examples.data.generate_commoncrawl_samples import write_segment
    from letsdata_local.checkpoints import MEMORY
    from letsdata_local.config import Config
    from letsdata_local.resources import Provisioner
    from letsdata_local.scheduler import run_dataset
    from letsdata_local.task_runner import TaskContext

    faults = {"bad_http": frozenset(range(7, E2E_PAGES, 97)), "no_text": frozenset(range(11, E2E_PAGES, 89))}
    paths = write_segment(directory, E2E_PAGES, text_size=2_000, gzip_records=True, faults=faults, prefix="e2e")
    keys = {t: f"crawl/{p.name}" for t, p in paths.items()}
    with MotoServer() as server:
        clear_shared_sessions()
        session = shared_session(endpoint_url=server.endpoint_url)
        cfg = Config({
            "datasetName": "bench-cc",
            "readConnector": {"connectorDestination": "S3", "bucketName": "bench-cc-input",
                              "readerType": "Multiple File State Machine Reader",
                              "multipleFileStateMachineReaderClassName":
                                  "examples.letsdata.commoncrawl.reader:CommonCrawlReader"},
            "writeConnector": {"connectorDestination": "KINESIS", "streamName": "bench-cc-out"},
            "errorConnector": {"connectorDestination": "S3", "bucketName": "bench-cc-errors"},
            "computeEngine": {"computeEngineType": "LAMBDA"},
            "manifestFile": {"fileContents": "|".join(f"{t}:{k}" for t, k in keys.items())},
        })
        provisioner = Provisioner(cfg, session)
        provisioner.bucket("bench-cc-input")
        for file_type, key in keys.items():
            session.client("s3").upload_file(str(paths[file_type]), "bench-cc-input", key)
        provisioner.create_outputs()
        ctx = TaskContext(config=cfg.data, source=cfg.source, endpoint_url=server.endpoint_url, store=MEMORY)
        summary, _ = run_dataset(cfg, ctx, session, concurrency=1, processes=False)
        clear_shared_sessions()
    composites = summary.documents_written + summary.skips + len(faults["bad_http"])
    rate = composites / summary.elapsed
    baseline_s, joined = _best(lambda: _warcio_join(paths), runs=1)
    for path in paths.values():
        path.unlink()
    return [(f"composites/s, CommonCrawlReader S3 -> Kinesis on moto ({E2E_PAGES} URLs; "
             f"{'; '.join(summary.notes)})",
             f"{rate:,.0f} composites/s ({summary.records_read / summary.elapsed:,.0f} records/s)",
             f"{joined / baseline_s:,.0f} URLs/s (warcio join of local files, no writes)",
             f"{rate / (joined / baseline_s):.2f}x")]


def run() -> list[tuple[str, str, str, str]]:
    with tempfile.TemporaryDirectory(prefix="bench-sm-") as tmp:
        rows = _warc_rows(Path(tmp))
        rows += _e2e_rows(Path(tmp))
    return rows
