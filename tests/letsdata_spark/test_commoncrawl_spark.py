"""The Common Crawl Spark mapper produces the documents of the state-machine reader for the sample segment."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from letsdata_lambda_function import lambda_handler
from letsdata_service import registry
from tests.letsdata_spark.conftest import mapper_event, read_json_dir

pytestmark = pytest.mark.spark

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "data" / "commoncrawl"


def _python_reader_documents() -> list[dict[str, Any]]:
    from examples.letsdata.commoncrawl.reader import CommonCrawlReader
    from letsdata_local.state_machine import MULTIPLE, StateMachineTask

    names = {"WARC": "sample.warc", "WAT": "sample.warc.wat", "WET": "sample.warc.wet"}
    reader = CommonCrawlReader()
    task = StateMachineTask(reader, MULTIPLE, names, reader.getParserInterfacesForS3FileTypes(set(names)),
                            lambda _t, key: [(SAMPLE / key).read_bytes()])
    return [o.record for o in task.outcomes() if o.kind == "document"]


def test_spark_mapper_matches_the_state_machine_reader(spark: Any, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(registry.env_var_name("SparkMapperInterface"),
                       "examples.letsdata.commoncrawl.spark_mapper:CommonCrawlSparkMapper")
    registry.reset_implementations()
    segment = tmp_path / "CC-SAMPLE" / "segments" / "0000"
    for kind, name in (("warc", "sample.warc"), ("wat", "sample.warc.wat"), ("wet", "sample.warc.wet")):
        (segment / kind).mkdir(parents=True)
        shutil.copy(SAMPLE / name, segment / kind / name)
    out = tmp_path / "index"
    response = lambda_handler(mapper_event(str(segment / "warc" / "sample.warc"), str(out), writeOptions={}), None)
    assert response["body"]["statusCode"] == "SUCCESS", response
    rows = sorted(read_json_dir(out), key=lambda r: r["url"])
    # 16 pages: page 3 (bad HTTP status line) and 7 (truncated WAT JSON) are broken, page 11 has no text
    assert sorted(int(r["url"].rsplit("/", 1)[1]) for r in rows) == [0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 15]
    page0 = next(r for r in rows if r["url"].endswith("/page/0"))
    assert page0["docText"] == "Page 0 text — café 0 東京 0\nSecond line of page 0."
    assert page0["documentMetadata"] == {} and page0["recordType"] == "IndexRecord"
    expected = sorted(({k: v for k, v in d.items() if v is not None} for d in _python_reader_documents()),
                      key=lambda r: r["url"])
    assert rows == expected


@pytest.mark.slow
def test_spark_example_config_writes_the_index_records(aws_endpoint: str, capsys: Any) -> None:
    """dataset10: MAPPER_ONLY over the gzip segment in (moto) S3 through s3a, output JSON in S3."""
    from letsdata_local.cli import main

    config = Path(__file__).resolve().parents[2] / "letsdata_example_configs" / "dataset10_commoncrawl_spark.json"
    code = main(["run", str(config), "--embedded", "--endpoint-url", aws_endpoint, "--no-progress"])
    out, err = capsys.readouterr()
    assert code == 0, err[-3000:]
    assert "1 records read, 13 documents written" in out  # one manifest file (segment); 13 index records
