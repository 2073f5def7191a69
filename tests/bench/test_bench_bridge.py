"""The bridge benchmark's baseline is a faithful stand-in: it returns what the real handler returns."""

from __future__ import annotations

import contextlib
import io
import json
import logging
from collections.abc import Iterator

import pytest

from bench import bench_bridge
from letsdata_lambda_function import lambda_handler
from letsdata_service import registry


@pytest.fixture(autouse=True)
def trivial_reader(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LETS_DATA_STAGE", "Test")
    registry.reset_implementations()
    registry.register_implementation("KinesisRecordReader", bench_bridge.TrivialKinesisReader)
    yield
    registry.reset_implementations()


def test_baseline_and_bridge_give_the_same_wire_text() -> None:
    event = bench_bridge._load_event()
    with bench_bridge._null_sink(logging.DEBUG):
        baseline = bench_bridge.original_handler(event, None)
        ours = lambda_handler(event, None)
    assert json.dumps(baseline) == json.dumps(ours)
    assert ours["body"]["data"]["document"]["documentKeyValuesMap"] == {"bytes": 930}


def test_baseline_does_the_original_logging_and_printing() -> None:
    """Five DEBUG records on the root logger and one print per request, as the original does."""
    event = bench_bridge._load_event()
    root = logging.getLogger()
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    out = io.StringIO()
    with bench_bridge._null_sink(logging.DEBUG):
        root.addHandler(Collect())
        with contextlib.redirect_stdout(out):
            bench_bridge.original_handler(event, None)
    debug = [r.getMessage() for r in records if r.levelno == logging.DEBUG and r.name == "root"]
    assert len(debug) == 5
    assert event["data"]["sequenceNumber"] in debug[0]  # the whole event, stringified
    assert out.getvalue().startswith("letsdata_lambda_function end - requestId: " + event["requestId"])


def test_in_process_rows_are_well_formed() -> None:
    rows = bench_bridge.measure_in_process(calls=20, repeats=1)
    assert [len(r) for r in rows] == [4, 4, 4]
    assert all(float(r[1]) > 0 for r in rows)
