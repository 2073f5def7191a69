"""Octagon configuration: the table name and TTL of each octagon object for a configuration
instance (an SDLF environment: ``dev``, ``test``, ``prod``).

SDLF <= 2.6 shipped a JSON file naming, for each instance, the tables ``octagon-{Object}-{instance}``
that sdlf-foundations creates, with TTLs of 120 days for execution history and 60 for events,
artifacts and metrics. That naming is built in here, for any instance name;
``OctagonClient.with_config(path)`` still reads a file in the original format
(``{"configuration_instances": [{"instance", "tables": [{"object", "table_name", "ttl"}], "metrics": [...]}]}``).
"""

from __future__ import annotations

import json
import logging
from enum import Enum
from pathlib import Path
from typing import Any

from datalake_library._utils import throw_if_false

__all__ = ["ConfigObjectEnum", "ConfigParser", "ConfigTableInfo", "MetricInfo"]

logger = logging.getLogger(__name__)


class ConfigObjectEnum(Enum):
    OCTAGON_OBJECT_DATASETS = "Datasets"
    OCTAGON_OBJECT_DATASCHEMAS = "DataSchemas"
    OCTAGON_OBJECT_PIPELINES = "Pipelines"
    OCTAGON_OBJECT_PIPELINEHISTORY = "PipelineExecutionHistory"
    OCTAGON_OBJECT_EVENTS = "Events"
    OCTAGON_OBJECT_ARTIFACTS = "Artifacts"
    OCTAGON_OBJECT_METRICS = "Metrics"


#: object -> TTL in days of the built-in configuration (0: no TTL).
DEFAULT_TTL_DAYS = {"PipelineExecutionHistory": 120, "Events": 60, "Artifacts": 60, "Metrics": 60}
_DEFAULT_OBJECTS = ("Configuration", *(member.value for member in ConfigObjectEnum))


class ConfigTableInfo:
    """Name, TTL and (unused) capacities of one octagon table."""

    def __init__(self, dynamo_table_name: str, ttl_in_days: int = 0, read_capacity: int = 0, write_capacity: int = 0):
        self.dynamo_table_name = dynamo_table_name
        self.ttl_in_days = ttl_in_days
        self.read_capacity = read_capacity
        self.write_capacity = write_capacity

    def get_dynamo_table_name(self) -> str:
        return self.dynamo_table_name

    def get_ttl_days(self) -> int:
        return self.ttl_in_days

    def get_read_capacity(self) -> int:
        return self.read_capacity

    def get_write_capacity(self) -> int:
        return self.write_capacity

    def __str__(self) -> str:
        return f"[ Table name: {self.dynamo_table_name}, TTL: {self.ttl_in_days}]"


class MetricInfo:
    """A metric threshold that triggers an SNS notification."""

    def __init__(
        self, metric: str, evaluation: str, threshold: int, notify: str, metric_type: str, sns_topic: str = ""
    ) -> None:
        self.metric = metric
        self.evaluation = evaluation
        self.threshold = threshold
        self.notify = notify
        self.metric_type = metric_type
        self.sns_topic = sns_topic

    def __str__(self) -> str:
        return f"[ Metric:{self.metric}, threshold: {self.threshold}]"


class ConfigParser:
    """Tables and metric thresholds of configuration ``instance`` (built in, or from ``config_file``)."""

    def __init__(self, config_file: str | Path | None, instance: str) -> None:
        throw_if_false(isinstance(instance, str) and instance, "Configuration instance is not found")
        self.instance = instance
        self.table_info: dict[str, ConfigTableInfo] = {}
        self.metric_info: list[MetricInfo] = []
        if config_file is None:
            for name in _DEFAULT_OBJECTS:
                self.table_info[name] = ConfigTableInfo(f"octagon-{name}-{instance}", DEFAULT_TTL_DAYS.get(name, 0))
            return
        path = Path(config_file)
        if not path.is_file():
            raise ValueError(f"Octagon configuration file is not found {config_file}")
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        for entry in document.get("configuration_instances", []):
            if entry.get("instance") != instance:
                continue
            for table in entry.get("tables", []):
                if "object" in table and "table_name" in table:
                    self.table_info[table["object"]] = ConfigTableInfo(
                        table["table_name"],
                        int(table.get("ttl", 0)),
                        int(table.get("read_capacity", 0)),
                        int(table.get("write_capacity", 0)),
                    )
            for metric in entry.get("metrics", []):
                self.metric_info.append(
                    MetricInfo(
                        metric["metric"],
                        metric["evaluation"],
                        metric["threshold"],
                        metric["notify"],
                        metric["metric_type"],
                        metric.get("sns_topic", ""),
                    )
                )
        throw_if_false(len(self.table_info) > 0, "Configuration instance is not found")

    def get_table_info(self, config_obj: ConfigObjectEnum) -> ConfigTableInfo:
        try:
            return self.table_info[config_obj.value]
        except KeyError:
            raise ValueError(
                f"the octagon configuration of instance {self.instance!r} has no {config_obj.value} table"
            ) from None

    def get_table_name(self, config_obj: ConfigObjectEnum) -> str:
        return self.get_table_info(config_obj).get_dynamo_table_name()

    def get_table_ttl(self, config_obj: ConfigObjectEnum) -> int:
        return self.get_table_info(config_obj).get_ttl_days()

    def get_events_table(self) -> str:
        return self.get_table_name(ConfigObjectEnum.OCTAGON_OBJECT_EVENTS)

    def get_events_ttl(self) -> int:
        return self.get_table_ttl(ConfigObjectEnum.OCTAGON_OBJECT_EVENTS)

    def get_pipelines_table(self) -> str:
        return self.get_table_name(ConfigObjectEnum.OCTAGON_OBJECT_PIPELINES)

    def get_peh_table(self) -> str:
        return self.get_table_name(ConfigObjectEnum.OCTAGON_OBJECT_PIPELINEHISTORY)

    def get_peh_ttl(self) -> int:
        return self.get_table_ttl(ConfigObjectEnum.OCTAGON_OBJECT_PIPELINEHISTORY)

    def get_artifacts_table(self) -> str:
        return self.get_table_name(ConfigObjectEnum.OCTAGON_OBJECT_ARTIFACTS)

    def get_artifacts_ttl(self) -> int:
        return self.get_table_ttl(ConfigObjectEnum.OCTAGON_OBJECT_ARTIFACTS)

    def get_metrics_table(self) -> str:
        return self.get_table_name(ConfigObjectEnum.OCTAGON_OBJECT_METRICS)

    def get_metrics_ttl(self) -> int:
        return self.get_table_ttl(ConfigObjectEnum.OCTAGON_OBJECT_METRICS)
