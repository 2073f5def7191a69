"""Malformed configuration files: each stops the run before anything starts, with exit 2 and one
line naming the file and the field (or, for JSON syntax, the position and the field it is in)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from letsdata_local.cli import EXIT_CONFIG, main

CONFIGS = Path(__file__).resolve().parents[2] / "letsdata_example_configs"


def _no_account() -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)
    os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent"


def _base() -> dict[str, Any]:
    return json.loads((CONFIGS / "dataset1.json").read_text())


def _with(path: str, value: Any) -> bytes:
    raw = _base()
    *parents, name = path.split(".")
    node = raw
    for part in parents:
        node = node.setdefault(part, {})
    node[name] = value
    return json.dumps(raw).encode()


def _edit(*changes: tuple[str, Any]) -> bytes:
    """Several changes at once; a value of None deletes the field."""
    raw = _base()
    for path, value in changes:
        *parents, name = path.split(".")
        node = raw
        for part in parents:
            node = node.setdefault(part, {})
        if value is None:
            del node[name]
        else:
            node[name] = value
    return json.dumps(raw).encode()


def _without(path: str) -> bytes:
    raw = _base()
    *parents, name = path.split(".")
    node = raw
    for part in parents:
        node = node[part]
    del node[name]
    return json.dumps(raw).encode()


GOOD = json.dumps(_base())

# (file contents, text the one error line must contain besides the file name)
CASES: dict[str, tuple[bytes, str]] = {
    "non_utf8": (GOOD.replace('"letsdata-local-sample-logs"', '"logs-\udcff"').encode("utf-8", "surrogateescape"),
                 "byte 0xff at line 1 column"),
    "huge_number": (GOOD.replace('"kinesisShardCount": 1', '"kinesisShardCount": ' + "7" * 5000).encode(),
                    "field writeConnector.kinesisShardCount is an integer of 5000 digits"),
    "deep_nesting": (GOOD.replace('"concurrency": 1', '"concurrency": ' + "[" * 100_000 + "]" * 100_000).encode(),
                     "field computeEngine.concurrency[0][0][0][0]... is nested more than 64 levels deep"),
    "seed_limit_text": (_with("letsdataLocal.seed.limit", "ten"), "field letsdataLocal.seed.limit must be of type int"),
    "empty_file": (b"", "not valid JSON (Expecting value at line 1 column 1"),
    "truncated_json": (GOOD[:200].encode(), "not valid JSON"),
    "syntax_after_escaped_quotes": (b'{"datasetName": "a\\"}{[", "readConnector": {"bucketName": "x", "tags": [1, , 2]}}',
                                    "Expecting value at line 1 column 76, in field readConnector.tags[1]"),
    "array_top_level": (b"[1, 2]", "must be a JSON object"),
    "nan": (GOOD.replace('"timeoutInSeconds": 900', '"timeoutInSeconds": NaN').encode(),
            "field computeEngine.timeoutInSeconds is NaN"),
    "duplicate_key": (GOOD.replace('"region": "us-east-1",', '"region": "us-east-1", "region": "eu-west-1",', 1).encode(),
                      "field 'region' appears twice"),
    "missing_dataset_name": (_without("datasetName"), "missing required field datasetName"),
    "dataset_name_number": (_with("datasetName", 7), "field datasetName must be of type str"),
    "read_connector_string": (_with("readConnector", "S3"), "field readConnector must be of type dict"),
    "unknown_destination": (_with("readConnector.connectorDestination", "FTP"),
                            "field readConnector.connectorDestination has invalid value 'FTP'"),
    "shard_count_text": (_with("writeConnector.kinesisShardCount", "2"), "field writeConnector.kinesisShardCount must be of type int"),
    "shard_count_bool": (_with("writeConnector.kinesisShardCount", True), "field writeConnector.kinesisShardCount must be of type int"),
    "shard_count_zero": (_with("writeConnector.kinesisShardCount", 0), "field writeConnector.kinesisShardCount must be >= 1"),
    "timeout_too_long": (_with("computeEngine.timeoutInSeconds", 901), "field computeEngine.timeoutInSeconds must be <= 900"),
    "timeout_text": (_with("computeEngine.timeoutInSeconds", "900"), "field computeEngine.timeoutInSeconds must be of type int"),
    "missing_compute_engine": (_without("computeEngine"), "missing required field computeEngine"),
    "missing_manifest_lines": (_without("manifestFile.fileContents"), "missing required field manifestFile.fileContents"),
    "manifest_both_sources": (_with("manifestFile.manifestFileS3Uri", "s3://b/m.txt"),
                              "field manifestFile has both fileContents and manifestFileS3Uri"),
    "manifest_uri_not_s3": (_edit(("manifestFile.fileContents", None), ("manifestFile.manifestFileS3Uri", "https://x/y"),
                                  ("manifestFile.manifestType", "S3ReaderS3LinkManifestFile")),
                            "field manifestFile.manifestFileS3Uri must be an s3://bucket/key URI"),
    "manifest_type_unknown": (_with("manifestFile.manifestType", "S3ReaderCsvManifest"),
                              "field manifestFile.manifestType has invalid value 'S3ReaderCsvManifest'"),
    "manifest_type_mismatch": (_with("manifestFile.manifestType", "S3ReaderS3LinkManifestFile"),
                               "field manifestFile.manifestType S3ReaderS3LinkManifestFile needs manifestFile.manifestFileS3Uri"),
    "multi_file_line": (_edit(("manifestFile.readerType", "MULTIPLEFILESTATEMACHINEREADER"),
                              ("readConnector.readerType", "Multiple File State Machine Reader")),
                        "field manifestFile.fileContents line 1: 'logs/2024-02-02/app.jsonl' is not TYPE:file"),
    "reader_types_disagree": (_with("readConnector.readerType", "SPARKREADER"),
                              "field manifestFile.readerType SINGLEFILEREADER disagrees with readConnector.readerType SPARKREADER"),
    "unknown_interface": (_with("letsdataLocal.implementations", {"Parser": "a:B"}),
                          "field letsdataLocal.implementations has unknown interface 'Parser'"),
    "implementation_shape": (_with("letsdataLocal.implementations", {"SingleFileParser": "nocolon"}),
                             "field letsdataLocal.implementations.SingleFileParser must be 'module:Class'"),
    "seed_files_list": (_with("letsdataLocal.seed.s3Files", ["a"]), "field letsdataLocal.seed.s3Files must be of type dict"),
    "seed_file_missing": (_with("letsdataLocal.seed.s3Files", {"k.jsonl": "no/such/seed.jsonl"}),
                          "field letsdataLocal.seed: file 'no/such/seed.jsonl' not found"),
    "state_machine_reader": (_edit(("manifestFile.readerType", "SINGLEFILESTATEMACHINEREADER"),
                                   ("readConnector.readerType", "SINGLEFILESTATEMACHINEREADER")),
                             "missing required field readConnector.singleFileStateMachineReaderImplementationClassName"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_config_file_exits_2_with_one_line_naming_file_and_field(name: str, tmp_path: Path, capsys: Any) -> None:
    content, expected = CASES[name]
    path = tmp_path / f"{name}.json"
    path.write_bytes(content)
    threads = threading.active_count()
    _no_account()  # the embedded default, so the seed files are checked too
    assert main(["run", str(path), "--no-progress"]) == EXIT_CONFIG
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and captured.out == "", captured.err
    assert str(path) in lines[0]
    assert expected in lines[0]
    assert threading.active_count() == threads  # nothing was started


def test_the_case_list_is_the_one_the_docs_count() -> None:
    assert len(CASES) == 32


def test_a_bom_is_accepted_and_the_good_file_still_loads(tmp_path: Path) -> None:
    from letsdata_local.config import load_config

    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_config(path).dataset_name == "LogsS3ReadKinesisWrite1"
