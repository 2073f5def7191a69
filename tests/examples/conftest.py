"""Fixtures for the example tests: a clean implementation registry and a way to select an example."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from letsdata_service import registry
from letsdata_service.Service import InterfaceNames

#: interface name -> "module:Class" of its example implementation.
EXAMPLES = {
    "SingleFileParser": "examples.letsdata.jsonl_log_parser:JsonLinesLogParser",
    "KinesisRecordReader": "examples.letsdata.kinesis_reader:KinesisJsonRecordReader",
    "QueueMessageReader": "examples.letsdata.sqs_reader:QueueJsonMessageReader",
    "DynamoDBStreamsRecordReader": "examples.letsdata.dynamodb_streams_reader:DynamoDBStreamsJsonRecordReader",
    "DynamoDBTableItemReader": "examples.letsdata.dynamodb_table_reader:DynamoDBTableJsonItemReader",
    "SagemakerVectorsInterface": "examples.letsdata.sagemaker_vectors:SagemakerVectorsExample",
}
WET_PARSER = "examples.letsdata.wet_parser:WetFileParser"


@pytest.fixture(autouse=True)
def clean_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No registration, no LETSDATA_IMPL_* variable and no cached instance leaks between tests."""
    for iface in InterfaceNames:
        monkeypatch.delenv(registry.env_var_name(iface), raising=False)
    monkeypatch.setenv("LETS_DATA_STAGE", "Test")
    registry.reset_implementations()
    yield
    registry.reset_implementations()


@pytest.fixture
def use_impl(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], None]:
    """Select ``module:Class`` for an interface through LETSDATA_IMPL_<IFACE>, as a deployment would."""

    def select(interface: str, spec: str) -> None:
        monkeypatch.setenv(registry.env_var_name(interface), spec)
        registry.reset_implementations()

    return select
