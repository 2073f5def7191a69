"""S3 datasets end to end on moto: record boundaries of both conventions, multi-member gzip, seeds,
S3 manifests. Expected counts and offsets come from how the sample files are built (one record
per generated page), never from the splitter."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from examples.letsdata.wet_sample import wet_gzip_members, wet_records
from letsdata_local.config import Config, ConfigError
from letsdata_local.readers import ResourceMissingError
from letsdata_local.runner import Runner, RunOptions

CC_WET = "examples.letsdata.wet_parser:CommonCrawlWetFileParser"
EXAMPLE_WET = "examples.letsdata.wet_parser:WetFileParser"
JSONL = "examples.letsdata.jsonl_log_parser:JsonLinesLogParser"


def _config(tmp_path: Path, manifest: dict[str, Any], bucket: str = "wet-bucket") -> Config:
    return Config({
        "datasetName": "S3Rec", "readConnector": {"connectorDestination": "S3", "bucketName": bucket},
        "writeConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "docs.jsonl")},
        "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "errors.jsonl")},
        "computeEngine": {"computeEngineType": "LAMBDA"}, "manifestFile": manifest,
    })


def _run(session: Any, make_bridge: Any, cfg: Config, impl: str) -> Any:
    runner = Runner(cfg, session, make_bridge(SingleFileParser=impl), RunOptions(progress=False))
    runner.check()
    return runner.run()


def _docs(tmp_path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (tmp_path / "docs.jsonl").read_text().splitlines()]


@pytest.mark.parametrize("impl", [CC_WET, EXAMPLE_WET])
def test_every_wet_record_becomes_a_document_with_both_conventions(session: Any, make_bridge: Any, tmp_path: Path,
                                                                  impl: str) -> None:
    records, expected = wet_records(60, seed=3)
    session.client("s3").create_bucket(Bucket="wet-bucket")
    session.client("s3").put_object(Bucket="wet-bucket", Key="seg.warc.wet", Body=b"".join(records))
    summary = _run(session, make_bridge, _config(tmp_path, {"fileContents": "seg.warc.wet"}), impl)
    assert (summary.records_read, summary.documents_written, summary.errors, summary.skips) == (60, 60, 0, 0)
    assert [d["url"] for d in _docs(tmp_path)] == expected.urls


def test_common_crawl_convention_sends_what_the_platform_sends(session: Any, make_bridge: Any) -> None:
    """Each request starts at WARC/1.0, at the record's own offset, and holds no following header."""
    from letsdata_local.readers import S3SingleFileReader

    records, _ = wet_records(5, seed=1)
    session.client("s3").create_bucket(Bucket="wet-bucket")
    session.client("s3").put_object(Bucket="wet-bucket", Key="seg.warc.wet", Body=b"".join(records))
    reader = S3SingleFileReader(session, make_bridge(SingleFileParser=CC_WET), "wet-bucket", ["seg.warc.wet"])
    reader.check()
    sent = [r.data for page in reader.pages() for r in page]
    assert [d["content"].encode() for d in sent] == records[1:]
    assert [d["offsetBytes"] for d in sent] == [sum(map(len, records[:i])) for i in range(1, 6)]
    assert all(d["content"].startswith("WARC/1.0\r\nWARC-Type: conversion\r\n") and d["content"].count("WARC/1.0") == 1
               for d in sent)


def test_multi_member_wet_gz_seeded_as_it_is_reads_every_record(session: Any, make_bridge: Any, tmp_path: Path) -> None:
    from letsdata_local.resources import Provisioner

    data, expected = wet_gzip_members(1200, seed=5)
    seed = tmp_path / "segment.warc.wet.gz"
    seed.write_bytes(data)
    cfg = _config(tmp_path, {"fileContents": "crawl/segment.warc.wet.gz"})
    cfg.set("letsdataLocal.seed", {"s3Files": {"crawl/segment.warc.wet.gz": str(seed)}})
    Provisioner(cfg, session).create_and_seed_inputs()
    stored = session.client("s3").get_object(Bucket="wet-bucket", Key="crawl/segment.warc.wet.gz")["Body"].read()
    assert stored == data  # not compressed a second time
    summary = _run(session, make_bridge, cfg, CC_WET)
    assert (summary.records_read, summary.documents_written, summary.errors, summary.skips) == (1200, 1200, 0, 0)
    assert [d["url"] for d in _docs(tmp_path)] == expected.urls


def test_a_plain_seed_under_a_gz_name_is_compressed_once(session: Any, tmp_path: Path) -> None:
    from letsdata_local.resources import Provisioner

    seed = tmp_path / "plain.jsonl"
    seed.write_bytes(b'{"id": "1"}\n')
    cfg = _config(tmp_path, {"fileContents": "x.jsonl.gz"})
    cfg.set("letsdataLocal.seed", {"s3Files": {"x.jsonl.gz": str(seed)}})
    Provisioner(cfg, session).create_and_seed_inputs()
    stored = session.client("s3").get_object(Bucket="wet-bucket", Key="x.jsonl.gz")["Body"].read()
    assert gzip.decompress(stored) == b'{"id": "1"}\n'


def test_truncated_gzip_file_becomes_one_error_and_the_next_file_still_runs(session: Any, make_bridge: Any,
                                                                           tmp_path: Path) -> None:
    lines = b"".join(f'{{"id": "r{i}", "level": "INFO"}}\n'.encode() for i in range(3))
    s3 = session.client("s3")
    s3.create_bucket(Bucket="wet-bucket")
    member = gzip.compress(lines, mtime=0)
    s3.put_object(Bucket="wet-bucket", Key="cut.jsonl.gz", Body=member + member[:-4])
    s3.put_object(Bucket="wet-bucket", Key="ok.jsonl", Body=lines)
    summary = _run(session, make_bridge, _config(tmp_path, {"fileContents": "cut.jsonl.gz\nok.jsonl"}), JSONL)
    # the cut member lost only its trailer: its lines were decoded and are processed, then the error
    assert [d["documentId"] for d in _docs(tmp_path)] == ["r0", "r1", "r2"] * 3
    error = json.loads((tmp_path / "errors.jsonl").read_text())
    assert error["documentMetadata"] == {"errorType": "GzipStreamError"}
    assert f"member at compressed offset {len(member)} is truncated" in error["errorMessage"]
    assert error["errorStartoffsetMap"] == {"JSONLOGS": str(2 * len(lines))}
    assert summary.errors == 1


def test_s3_link_manifest_is_read_from_s3(session: Any, make_bridge: Any, tmp_path: Path) -> None:
    s3 = session.client("s3")
    s3.create_bucket(Bucket="wet-bucket")
    s3.create_bucket(Bucket="manifests")
    s3.put_object(Bucket="wet-bucket", Key="a.jsonl", Body=b'{"id": "a", "level": "INFO"}\n')
    s3.put_object(Bucket="wet-bucket", Key="b.jsonl", Body=b'{"id": "b", "level": "INFO"}\n')
    s3.put_object(Bucket="manifests", Key="m.txt", Body=b"a.jsonl\r\n\r\n  b.jsonl  \n")
    cfg = _config(tmp_path, {"manifestType": "S3ReaderS3LinkManifestFile", "manifestFileS3Uri": "s3://manifests/m.txt"})
    summary = _run(session, make_bridge, cfg, JSONL)
    assert [d["documentId"] for d in _docs(tmp_path)] == ["a", "b"] and summary.records_read == 2
    missing = _config(tmp_path, {"manifestFileS3Uri": "s3://manifests/nope.txt"})
    with pytest.raises(ResourceMissingError, match="manifest file 's3://manifests/nope.txt'"):
        Runner(missing, session, make_bridge(SingleFileParser=JSONL), RunOptions(progress=False)).check()


def test_multiple_file_lines_are_parsed_then_refused_with_a_clear_message(session: Any, make_bridge: Any,
                                                                        tmp_path: Path) -> None:
    from letsdata_local.manifest import parse_manifest

    entries = parse_manifest("WARC:w/1.gz|WAT:t/1.gz|WET:e/1.gz\n\nWARC:w/2.gz|WET:e/2.gz\n",
                             "MULTIPLEFILESTATEMACHINEREADER", "m")
    assert [(e.line_number, e.files) for e in entries] == [
        (1, {"WARC": "w/1.gz", "WAT": "t/1.gz", "WET": "e/1.gz"}), (3, {"WARC": "w/2.gz", "WET": "e/2.gz"})]
    for line, message in (("WARC:a|WARC:b", "file type 'WARC' appears twice"), ("WARC:a|b", "'b' is not TYPE:file"),
                          ("WARC:", "'WARC:' is not TYPE:file"), ("W R:a", "file type 'W R' must be")):
        with pytest.raises(ConfigError, match=f"m line 2: {message}"):
            parse_manifest(f"A:x\n{line}", "MULTIPLEFILESTATEMACHINEREADER", "m")
    cfg = _config(tmp_path, {"readerType": "MULTIPLEFILESTATEMACHINEREADER", "fileContents": "WARC:w/1.gz|WET:e/1.gz"})
    # state-machine readers run in-process (letsdata_local.state_machine), never through the bridge Runner
    with pytest.raises(ConfigError, match="readerType MULTIPLEFILESTATEMACHINEREADER has no bridge envelope"):
        Runner(cfg, session, make_bridge(SingleFileParser=JSONL), RunOptions(progress=False))


def test_a_file_without_any_record_is_named_in_the_summary(session: Any, make_bridge: Any, tmp_path: Path) -> None:
    s3 = session.client("s3")
    s3.create_bucket(Bucket="wet-bucket")
    s3.put_object(Bucket="wet-bucket", Key="empty.warc.wet", Body=b"no warc records here\r\n")
    s3.put_object(Bucket="wet-bucket", Key="one.warc.wet", Body=b"".join(wet_records(1)[0]))
    summary = _run(session, make_bridge, _config(tmp_path, {"fileContents": "empty.warc.wet\none.warc.wet"}), CC_WET)
    assert summary.documents_written == 1
    assert summary.notes == ["no record found in s3://wet-bucket/empty.warc.wet: no match of the record start "
                             "pattern ('WARC/1.0\\r\\nWARC-Type: conversion\\r\\n')"]
