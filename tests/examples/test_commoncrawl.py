"""The Common Crawl state-machine example: parsers, the multi-file and single-file readers, the
sample segment and the example configurations on the embedded account.

warcio is the independent oracle: it writes segments the readers must understand (gzip member per
record, its own header order and digests) and counts / reads the records of the committed sample.
Expected documents are written out by hand.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from examples.letsdata.commoncrawl.parsers import WARCFileParser, WATFileParser, WETFileParser
from examples.letsdata.commoncrawl.reader import (
    CommonCrawlReader,
    CommonCrawlWARCSingleFileStateMachineReader,
)
from letsdata_local.splitter import gunzip_chunks
from letsdata_local.state_machine import MULTIPLE, SINGLE, StateMachineTask
from letsdata_local.state_machine_files import StreamingFileReader

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "data" / "commoncrawl"
CONFIGS = ROOT / "letsdata_example_configs"


def _opener(files: dict[str, bytes], chunk: int = 4096) -> Any:
    def open_file(_file_type: str, key: str) -> Any:
        data = files[key]
        return gunzip_chunks(data[i:i + chunk] for i in range(0, len(data), chunk))
    return open_file


def _multi_task(files: dict[str, bytes], names: dict[str, str]) -> StateMachineTask:
    reader = CommonCrawlReader()
    parsers = reader.getParserInterfacesForS3FileTypes(set(names))
    return StateMachineTask(reader, MULTIPLE, names, parsers, _opener(files))


# -- a segment written by warcio --------------------------------------------------------------------
PAGES = [("https://a.example/", "Alpha", "Alpha text\nline two"), ("https://b.example/x", "Beta", None),
         ("https://c.example/", "Gamma", "Gamma — texte")]


def _wat(url: str, described: str, payload: dict[str, Any]) -> bytes:
    return json.dumps({"Envelope": {"WARC-Header-Metadata": {"WARC-Type": described, "WARC-Target-URI": url},
                                    "Payload-Metadata": payload}}).encode()


def warcio_segment() -> dict[str, bytes]:
    """WARC/WAT/WET files of PAGES (Beta has no text), gzip member per record, written by warcio."""
    outs = {name: BytesIO() for name in ("s.warc.gz", "s.wat.gz", "s.wet.gz")}
    warc, wat, wet = (WARCWriter(outs[n], gzip=True) for n in ("s.warc.gz", "s.wat.gz", "s.wet.gz"))
    warc.write_record(warc.create_warcinfo_record("s.warc.gz", {"software": "test"}))
    wat.write_record(wat.create_warcinfo_record("s.wat.gz", {"software": "test"}))
    wat.write_record(wat.create_warc_record("s.warc.gz", "metadata", payload=BytesIO(_wat("s.warc.gz", "warcinfo", {})),
                                            warc_content_type="application/json"))
    wet.write_record(wet.create_warcinfo_record("s.wet.gz", {"software": "test"}))
    for url, title, text in PAGES:
        request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
        warc.write_record(warc.create_warc_record(url, "request", payload=BytesIO(b""), http_headers=request))
        response = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        warc.write_record(warc.create_warc_record(url, "response", payload=BytesIO(b"<html>...</html>"),
                                                  http_headers=response))
        warc.write_record(warc.create_warc_record(url, "metadata", payload=BytesIO(b"charset-detected: UTF-8\r\n"),
                                                  warc_content_type="application/warc-fields"))
        head = {"Title": title, "Metas": [{"name": "description", "content": f"{title} page"}]}
        metadata_records = [{"Name": "charset-detected", "Value": "ISO-8859-1"},
                            {"Name": "languages-cld2",
                             "Value": '{"reliable":false,"text-bytes":7,"languages":[{"code":"fr"}]}'}]
        for described, payload in (
                ("request", {}),
                ("response", {"HTTP-Response-Metadata": {"Headers": {"Content-Type": "text/html"},
                                                         "HTML-Metadata": {"Head": head}}}),
                ("metadata", {"WARC-Metadata-Metadata": {"Metadata-Records": metadata_records}})):
            wat.write_record(wat.create_warc_record(url, "metadata", payload=BytesIO(_wat(url, described, payload)),
                                                    warc_content_type="application/json"))
        if text is not None:
            wet.write_record(wet.create_warc_record(url, "conversion", payload=BytesIO(text.encode() + b"\n"),
                                                    warc_content_type="text/plain"))
    return {name: out.getvalue() for name, out in outs.items()}


def test_warcio_segment_joins_into_one_index_record_per_url() -> None:
    files = warcio_segment()
    task = _multi_task(files, {"WARC": "s.warc.gz", "WAT": "s.wat.gz", "WET": "s.wet.gz"})
    outcomes = list(task.outcomes())
    assert [o.kind for o in outcomes] == ["document", "skip", "document"]
    alpha = outcomes[0].record
    assert alpha == {
        "url": "https://a.example/", "title": "Alpha", "description": "Alpha page", "keywords": None, "icon": None,
        "canonical": None, "og_url": None, "og_site_name": None, "og_type": None, "og_image": None, "og_title": None,
        "og_description": None, "contentType": "text/html", "reliable": False, "textBytes": 7,
        "languages": [{"code": "fr"}], "docTextContentLength": 20, "docText": "Alpha text\nline two",
        "charset": "ISO-8859-1", "documentId": "https://a.example/", "recordType": "IndexRecord",
        "partitionKey": "https://a.example/", "documentMetadata": {}}
    assert outcomes[1].record["skipMessage"] == "no WET conversion record (no extracted text) for this URL"
    assert outcomes[2].record["docText"] == "Gamma — texte"
    # records in, per file, equal warcio's count of the (gzipped) files
    for file_type, name in (("WARC", "s.warc.gz"), ("WAT", "s.wat.gz"), ("WET", "s.wet.gz")):
        oracle = sum(1 for _ in ArchiveIterator(BytesIO(files[name])))
        assert sum(task.stats.records[file_type].values()) == oracle
    assert (sum(task.stats.records["WARC"].values()), sum(task.stats.records["WAT"].values()),
            sum(task.stats.records["WET"].values())) == (10, 11, 3)


def test_warcio_segment_single_file_reader() -> None:
    files = warcio_segment()
    reader = CommonCrawlWARCSingleFileStateMachineReader()
    task = StateMachineTask(reader, SINGLE, {"WARC": "s.warc.gz"},
                            {"WARC": reader.getReaderParserInterfacesForS3FileType("WARC")}, _opener(files))
    outcomes = list(task.outcomes())
    assert [(o.kind, o.record["documentId"], o.record["httpStatus"], o.record["httpMethod"]) for o in outcomes] == [
        ("document", "https://a.example/", 200, "GET"), ("document", "https://b.example/x", 200, "GET"),
        ("document", "https://c.example/", 200, "GET")]
    assert outcomes[0].record["metadata"] == {"charset-detected": "UTF-8"}
    assert outcomes[0].record["recordType"] == "response,WARC_HTTP_RESPONSE_PAYLOAD"


# -- the committed sample -----------------------------------------------------------------------------
def _sample() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in SAMPLE.iterdir()}


SAMPLE_NAMES = {"WARC": "sample.warc", "WAT": "sample.warc.wat", "WET": "sample.warc.wet"}


@pytest.mark.parametrize(("file_type", "parser"), [("WARC", WARCFileParser), ("WAT", WATFileParser),
                                                   ("WET", WETFileParser)])
def test_sample_records_match_warcio(file_type: str, parser: type) -> None:
    data = (SAMPLE / SAMPLE_NAMES[file_type]).read_bytes()
    oracle = [(r.rec_type, r.rec_headers.get_header("WARC-Record-ID"), r.rec_headers.get_header("WARC-Target-URI"),
               int(r.rec_headers.get_header("Content-Length"))) for r in ArchiveIterator(BytesIO(data))]
    reader = StreamingFileReader(file_type, SAMPLE_NAMES[file_type], [data], parser())
    seen = []
    while (doc := reader.nextRecord(False)) is not None:
        values = doc.getDocumentKeyValuesMap()
        if doc.getDocumentType().value == "ErrorDoc":
            seen.append(("error", values["targetUri"]))
        else:
            seen.append((values["warcType"], doc.getDocumentId(), values["targetUri"], values["contentLength"]))
    assert len(seen) == len(oracle)
    for mine, theirs in zip(seen, oracle, strict=True):
        if mine[0] == "error":
            assert mine[1] == theirs[2]
        else:
            assert mine == theirs


def test_sample_multi_file_outcomes() -> None:
    task = _multi_task(_sample(), SAMPLE_NAMES)
    outcomes = list(task.outcomes())
    kinds = Counter(o.kind for o in outcomes)
    assert kinds == {"document": 13, "error": 4, "skip": 1}
    errors = [o.record for o in outcomes if o.kind == "error"]
    assert [(e["documentId"], e["recordType"]) for e in errors] == [
        ("https://site3.example/page/3", "response,WARC_HTTP_RESPONSE_PAYLOAD"),
        ("https://site3.example/page/3", "response,WARC_HTTP_RESPONSE_PAYLOAD"),
        ("https://site2.example/page/7", "metadata,WAT_METADATA_WARC_RESPONSE_PAYLOAD"),
        ("https://site2.example/page/7", "metadata,WAT_METADATA_WARC_RESPONSE_PAYLOAD")]
    assert errors[1]["errorMessage"] == ("WARC response,WARC_HTTP_RESPONSE_PAYLOAD: not an HTTP status line: "
                                         "'HTTX/1.1 ???'")
    assert set(errors[0]["errorStartoffsetMap"]) == {"WARC", "WAT", "WET"}
    skipped = [o.record for o in outcomes if o.kind == "skip"]
    assert skipped[0]["documentId"] == "https://site1.example/page/11"
    first = next(o.record for o in outcomes if o.kind == "document")
    assert {k: first[k] for k in ("url", "title", "keywords", "og_site_name", "icon", "charset", "textBytes")} == {
        "url": "https://site0.example/page/0", "title": "Page 0", "keywords": "k0,sample", "og_site_name": "Site 0",
        "icon": "https://site0.example/favicon.ico", "charset": "UTF-8", "textBytes": 55}
    assert first["docText"] == "Page 0 text — café 0 東京 0\nSecond line of page 0."
    assert task.stats.lines() == [
        "records in: WARC 49 (1 rejected), WAT 50 (1 rejected), WET 16",
        "composites out: 13 documents, 2 errors, 1 skipped; 2 record error docs; 0 reader failures"]


def test_out_of_step_files_give_an_error_composite() -> None:
    files = _sample()
    wat = files["sample.warc.wat"]
    marker = b"WARC/1.0\r\nWARC-Type: metadata\r\nWARC-Record-ID"  # the per-page WAT records
    starts = [i for i in range(len(wat)) if wat.startswith(marker, i)]
    assert len(starts) == 48
    files["sample.warc.wat"] = wat[:starts[0]] + wat[starts[3]:]  # page 0's three WAT records removed
    outcomes = list(_multi_task(files, SAMPLE_NAMES).outcomes())
    assert outcomes[0].kind == "error"
    assert outcomes[0].record["errorMessage"] == (
        "the segment's files are out of step: 'https://site1.example/page/1' and ['https://site0.example/page/0'] "
        "in one composite")


def test_generator_check_passes_for_the_committed_sample() -> None:
    subprocess.run([sys.executable, "-m", "examples.data.generate_commoncrawl_samples", "--check"], cwd=ROOT,
                   check=True)


# -- the example configurations on the embedded account ------------------------------------------------
@pytest.mark.parametrize(("name", "summary", "notes"), [
    ("dataset8_commoncrawl_multi_file.json", "115 records read, 13 documents written, 4 errors, 1 skipped",
     ["records in: WARC 49 (1 rejected), WAT 50 (1 rejected), WET 16",
      "composites out: 13 documents, 2 errors, 1 skipped; 2 record error docs; 0 reader failures"]),
    ("dataset9_commoncrawl_warc_single_file.json", "49 records read, 15 documents written, 2 errors, 0 skipped",
     ["records in: WARC 49 (1 rejected)",
      "composites out: 15 documents, 1 errors, 0 skipped; 1 record error docs; 0 reader failures"]),
])
def test_example_configs_run_on_the_embedded_account(name: str, summary: str, notes: list[str], capsys: Any,
                                                     moto_server: Any, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from letsdata_local.cli import main

    moto_server.reset()
    for variable in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                     "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(ROOT))
    config = json.loads((CONFIGS / name).read_text())
    for key, path in config["letsdataLocal"]["seed"]["s3Files"].items():
        config["letsdataLocal"]["seed"]["s3Files"][key] = str(ROOT / path)
    (tmp_path / name).write_text(json.dumps(config))
    code = main(["run", str(tmp_path / name), "--no-progress", "--sample", "1"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert summary in out
    for note in notes:
        assert f"  {note}" in out.splitlines()
    assert "embedded moto account" in err


@pytest.mark.parametrize(("uri", "kind", "expected"), [
    ("s3a://commoncrawl/crawl-data/CC-MAIN-2022-27/segments/1/warc/CC-MAIN-1-00000.warc.gz", "wat",
     "s3a://commoncrawl/crawl-data/CC-MAIN-2022-27/segments/1/wat/CC-MAIN-1-00000.warc.wat.gz"),
    ("s3a://commoncrawl/crawl-data/CC-MAIN-2022-27/segments/1/warc/CC-MAIN-1-00000.warc.gz", "wet",
     "s3a://commoncrawl/crawl-data/CC-MAIN-2022-27/segments/1/wet/CC-MAIN-1-00000.warc.wet.gz"),
    ("/tmp/seg/warc/sample.warc", "wet", "/tmp/seg/wet/sample.warc.wet"),
])
def test_spark_mapper_companion_files(uri: str, kind: str, expected: str) -> None:
    from examples.letsdata.commoncrawl.spark_mapper import companion_uri

    assert companion_uri(uri, kind) == expected


def test_spark_mapper_companion_of_a_non_warc_path_is_a_clear_error() -> None:
    from examples.letsdata.commoncrawl.spark_mapper import companion_uri

    with pytest.raises(ValueError, match="readOptions watUri"):
        companion_uri("s3a://b/some/file.json", "wat")


def test_missing_segment_files_are_named_before_processing(aws_endpoint: str, capsys: Any, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from datalake_library.aws import shared_session
    from letsdata_local.cli import EXIT_MISSING, main

    monkeypatch.chdir(tmp_path)
    config = CONFIGS / "dataset8_commoncrawl_multi_file.json"
    args = ["run", str(config), "--endpoint-url", aws_endpoint, "--no-progress", "--create-resources"]
    assert main(args) == EXIT_MISSING
    assert "S3 bucket 'letsdata-local-commoncrawl' does not exist" in capsys.readouterr().err
    s3 = shared_session(endpoint_url=aws_endpoint).client("s3")
    s3.create_bucket(Bucket="letsdata-local-commoncrawl")
    s3.put_object(Bucket="letsdata-local-commoncrawl", Key="crawl-data/CC-SAMPLE/segments/0000/warc/sample.warc.gz",
                  Body=b"")
    assert main(args) == EXIT_MISSING
    err = capsys.readouterr().err
    assert ("S3 objects missing in bucket 'letsdata-local-commoncrawl': "
            "'crawl-data/CC-SAMPLE/segments/0000/wat/sample.warc.wat.gz', "
            "'crawl-data/CC-SAMPLE/segments/0000/wet/sample.warc.wet.gz'") in err
