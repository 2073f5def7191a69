"""The table-driven configuration schema: normalisation and the errors users see."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from letsdata_local.config import Config, ConfigError, load_config

CONFIGS = Path(__file__).resolve().parents[2] / "letsdata_example_configs"


def _base() -> dict:
    return json.loads((CONFIGS / "dataset1.json").read_text())


def test_every_example_config_validates() -> None:
    for path in sorted(CONFIGS.glob("*.json")):
        cfg = load_config(path)
        assert cfg.dataset_name


def test_enum_values_are_case_insensitive_and_normalised() -> None:
    raw = _base()
    raw["writeConnector"]["connectorDestination"] = "kinesis"
    raw["computeEngine"]["computeEngineType"] = "Lambda"
    raw["readConnector"]["connectorDestination"] = "s3"
    cfg = Config(raw)
    assert (cfg.read_destination, cfg.write_destination, cfg.engine) == ("S3", "KINESIS", "LAMBDA")
    raw["readConnector"] = {"connectorDestination": "DynamoDBStreams", "tableName": "t"}
    assert Config(raw).read_destination == "DYNAMODB_STREAMS"


def test_invalid_enum_names_field_and_allowed_values() -> None:
    raw = _base()
    raw["writeConnector"]["connectorDestination"] = "FTP"
    with pytest.raises(ConfigError) as err:
        Config(raw)
    message = str(err.value)
    assert "writeConnector.connectorDestination" in message and "'FTP'" in message
    assert "KINESIS, SQS, S3, DYNAMODB, LOCAL" in message


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda r: r.pop("datasetName"), "missing required field datasetName"),
        (lambda r: r["readConnector"].pop("bucketName"), "missing required field readConnector.bucketName"),
        (lambda r: r["writeConnector"].__setitem__("kinesisShardCount", "2"), "writeConnector.kinesisShardCount must be of type int"),
        (lambda r: r["writeConnector"].__setitem__("kinesisShardCount", 0), "must be >= 1"),
        (lambda r: r["computeEngine"].pop("computeEngineType"), "computeEngine.computeEngineType (allowed values: LAMBDA"),
        (lambda r: r["readConnector"].__setitem__("artifactImplementationLanguage", "Java"), "allowed values: PYTHON"),
        (lambda r: r["letsdataLocal"]["implementations"].__setitem__("Parser", "a:B"), "unknown interface 'Parser'"),
        (lambda r: r["manifestFile"].pop("fileContents"), "manifestFile.fileContents"),
        (lambda r: r.__setitem__("readConnector", {"connectorDestination": "SQS"}), "one of readConnector.queueName"),
    ],
)
def test_invalid_configurations_name_the_field(mutate, expected: str) -> None:
    raw = _base()
    mutate(raw)
    with pytest.raises(ConfigError, match=None) as err:
        Config(raw)
    assert expected in str(err.value)


def test_unreadable_and_non_json_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_config(bad)
