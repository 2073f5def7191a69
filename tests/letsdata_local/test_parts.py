"""Per-task part files: published whole under deterministic names, nothing partial left behind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from letsdata_local.parts import LocalPartSink, S3PartSink, local_parts_base, part_name


def test_part_names_and_local_base() -> None:
    assert [part_name(n) for n in (0, 7, 12345)] == ["part-00000.jsonl", "part-00007.jsonl", "part-12345.jsonl"]
    assert local_parts_base(Path("out/documents.jsonl")) == Path("out/documents")
    assert local_parts_base(Path("out/docs")) == Path("out/docs")


def test_local_sink_publishes_whole_parts_and_discards_what_the_checkpoint_does_not_cover(tmp_path: Path) -> None:
    sink = LocalPartSink(tmp_path / "docs", "file-a")
    sink.write({"documentId": "1"})
    sink.write({"documentId": "2"})
    assert not list((tmp_path / "docs" / "file-a").glob("part-*"))  # nothing published before commit
    sink.commit(0)
    sink.commit(1)  # nothing buffered: no empty part
    sink.write({"documentId": "3"})
    sink.abort()  # an uncommitted part never appears, and its temp file is gone
    assert sorted(p.name for p in (tmp_path / "docs" / "file-a").iterdir()) == ["part-00000.jsonl"]
    lines = (tmp_path / "docs" / "file-a" / "part-00000.jsonl").read_text().splitlines()
    assert [json.loads(x)["documentId"] for x in lines] == ["1", "2"] and sink.written == 2
    (tmp_path / "docs" / "file-a" / "letsdata-part-x.jsonl").write_text("left by a killed run")
    sink.discard(0)
    assert list((tmp_path / "docs" / "file-a").iterdir()) == []
    other = LocalPartSink(tmp_path / "docs", "file-b")
    other.write({"documentId": "9"})
    other.commit(0)
    sink.remove_all()  # only this task's parts
    assert [p.name for p in (tmp_path / "docs" / "file-b").iterdir()] == ["part-00000.jsonl"]


def test_s3_sink_names_parts_under_the_task_prefix(session: Any) -> None:
    s3 = session.client("s3")
    s3.create_bucket(Bucket="out-bucket")
    sink = S3PartSink(session, "out-bucket", "docs/", "shard-1")
    for n in range(3):
        sink.write({"documentId": str(n)})
        sink.commit(n)
    sink.discard(1)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="out-bucket")["Contents"]]
    assert keys == ["docs/shard-1/part-00000.jsonl", "docs/shard-1/part-00002.jsonl"]
    sink.remove_all()
    assert "Contents" not in s3.list_objects_v2(Bucket="out-bucket")
