"""Octagon metrics (SDLF <= 2.6): counters per pipeline execution, in ``octagon-Metrics-{instance}``
(hash key ``root``, range key ``metric``).

``create_metrics(date, "A#B", n)`` adds ``n`` to the metrics ``A`` and ``A#B``, each as a running
total (``ROOT``) and per year, month and day (``A.Y2024``, ``A.M2024-05``, ``A.D2024-05-01``). A
threshold of the octagon configuration that a new value crosses is published to SNS. The original's
first read used a malformed key (``{"S": {"S": ...}}``) and failed on every call; this one works.
"""

from __future__ import annotations

import logging
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from datalake_library import json_codec
from datalake_library._utils import (
    get_local_date,
    get_timestamp_iso,
    get_ttl,
    parse_metrics,
    throw_if_false,
    throw_none_or_empty,
    validate_date,
)
from datalake_library.commons import deserialize_dynamodb_item, serialize_dynamodb_item

if TYPE_CHECKING:  # pragma: no cover - typing only
    from datalake_library.octagon.client import OctagonClient

__all__ = ["MetricAPI", "MetricRecordInfo"]

METRIC_ROOT = "ROOT"
METRIC_YEARLY = "YEARLY"
METRIC_MONTHLY = "MONTHLY"
METRIC_WEEKLY = "WEEKLY"
METRIC_DAILY = "DAILY"
METRIC_ONCE = "ONCE"
METRIC_ALWAYS = "ALWAYS"

_EVALUATIONS: dict[str, Callable[[int, int], bool]] = {
    "=": operator.eq,
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
}


class MetricRecordInfo:
    """One stored counter: its root metric, its full name and its period type."""

    def __init__(self, root: str, metric: str, metric_type: str) -> None:
        self.root = root
        self.metric = metric
        self.metric_type = metric_type

    def __str__(self) -> str:
        return f"[MRI root: {self.root}, metric: {self.metric}, metric_type: {self.metric_type}]"


class MetricAPI:
    """Counters of the client's current execution."""

    def __init__(self, client: OctagonClient) -> None:
        self.logger = logging.getLogger(__name__)
        self.client = client
        self.dynamodb = client.dynamodb
        self.metrics_table = client.built_config().get_metrics_table()
        self.metrics_ttl = client.built_config().get_metrics_ttl()

    def create_metrics(self, date_str: str, metric_code: str, value: int) -> bool | None:
        """Add ``value`` to ``metric_code`` (and its ancestors) for ``date_str``; ``None`` for 0."""
        throw_if_false(self.client.is_pipeline_set(), "Pipeline execution is not yet assigned")
        throw_none_or_empty(metric_code, "Metric code is not defined")
        if value == 0:
            self.logger.error("Provided metrics value is 0")
            return None
        validate_date(date_str)
        for record in self._get_metric_records(date_str, metric_code):
            self._create_single_metric(record, value)
        return True

    @staticmethod
    def _get_metric_records(date_str: str, metric_name: str) -> list[MetricRecordInfo]:
        validate_date(date_str)
        records = []
        for metric in parse_metrics(metric_name):
            records += [
                MetricRecordInfo(metric, metric, METRIC_ROOT),
                MetricRecordInfo(metric, f"{metric}.Y{date_str[:4]}", METRIC_YEARLY),
                MetricRecordInfo(metric, f"{metric}.M{date_str[:7]}", METRIC_MONTHLY),
                MetricRecordInfo(metric, f"{metric}.D{date_str}", METRIC_DAILY),
            ]
        return records

    def _key(self, record: MetricRecordInfo) -> dict[str, Any]:
        return {"root": {"S": record.root}, "metric": {"S": record.metric}}

    def _create_single_metric(self, record: MetricRecordInfo, value: int) -> bool:
        now, today = get_timestamp_iso(), get_local_date()
        result = self.dynamodb.get_item(
            TableName=self.metrics_table,
            Key=self._key(record),
            ConsistentRead=True,
            ProjectionExpression="#r, #m, #v",
            ExpressionAttributeNames={"#r": "root", "#m": "metric", "#v": "version"},
        )
        if "Item" in result:
            version = deserialize_dynamodb_item(result["Item"])["version"]
            updated = self._update_if_version(
                record,
                version,
                "ADD #V :INC, #X :X SET #T = :T, #P = :P, #D = :D",
                {
                    "#X": ("value", value),
                    "#T": ("last_updated_timestamp", now),
                    "#D": ("last_updated_date", today),
                    "#P": ("last_pipeline_execution_id", self.client.pipeline_execution_id),
                },
                ReturnValues="UPDATED_NEW",
            )
            attributes = deserialize_dynamodb_item(updated["Attributes"])
            new_value, new_version = int(attributes["value"]), int(attributes["version"])
        else:
            item: dict[str, Any] = {
                "root": record.root,
                "metric": record.metric,
                "type": record.metric_type,
                "creation_timestamp": now,
                "last_updated_timestamp": now,
                "last_updated_date": today,
                "last_pipeline_execution_id": self.client.pipeline_execution_id,
                "value": value,
                "version": 1,
            }
            if self.metrics_ttl > 0:
                item["ttl"] = get_ttl(self.metrics_ttl)
            self.dynamodb.put_item(TableName=self.metrics_table, Item=serialize_dynamodb_item(item))
            new_value, new_version = int(value), 1
        self._process_sns_notifications(record, new_value, new_version)
        return True

    def _process_sns_notifications(self, record: MetricRecordInfo, new_value: int, new_version: int) -> bool:
        for info in self.client.built_config().metric_info:
            if record.root != info.metric or record.metric_type != info.metric_type:
                continue
            if not self._check_metric_threshold(new_value, info.evaluation, info.threshold):
                continue
            if info.notify != METRIC_ALWAYS and not (info.notify == METRIC_ONCE and not self._is_notification_sent(record)):
                continue
            topic = self.client.sns_topic if self.client.is_sns_set() else info.sns_topic
            if not topic:
                self.logger.warning("SNS ARN is not defined neither globally nor in the metrics")
                return True
            message = {
                "root": record.root,
                "metric": record.metric,
                "type": record.metric_type,
                "threshold": info.threshold,
                "value": new_value,
            }
            topic_arn = self._get_topic_arn(topic)
            sent = self.client.sns.publish(TopicArn=topic_arn, Message=json_codec.dumps(message))
            self._update_notification_info(record, info.notify, info.threshold, topic_arn, sent["MessageId"], new_version)
        return True

    def get_metrics_value(self, metric: str) -> Any:
        """Current value of ``metric`` (e.g. ``A.D2024-05-01``), 0 when it was never counted."""
        root = metric.split(".")[0]
        result = self.dynamodb.get_item(
            TableName=self.metrics_table, Key={"root": {"S": root}, "metric": {"S": metric}}, ConsistentRead=True
        )
        return deserialize_dynamodb_item(result["Item"])["value"] if "Item" in result else 0

    def _update_notification_info(
        self, record: MetricRecordInfo, frequency: str, threshold: int, topic_arn: str, message_id: str, version: int
    ) -> None:
        self._update_if_version(
            record,
            version,
            "SET #L = :L, #F = :F, #T = :T, #S = :S, #M = :M, #V = #V + :INC",
            {
                "#L": ("last_notification_timestamp", get_timestamp_iso()),
                "#F": ("notification_frequency", frequency),
                "#T": ("notification_threshold", threshold),
                "#S": ("notification_sns_topic_arn", topic_arn),
                "#M": ("notification_sns_message_id", message_id),
            },
        )

    def _update_if_version(
        self, record: MetricRecordInfo, version: Any, expression: str, fields: dict[str, tuple[str, Any]], **extra: Any
    ) -> Any:
        """``update_item`` of ``record``'s item, only while its ``version`` is still ``version``
        (optimistic locking; ``expression`` adds ``:INC`` to it). ``fields`` maps each ``#X``
        placeholder of ``expression`` to its attribute name and the value of ``:X``."""
        names = {"#V": "version", **{key: attribute for key, (attribute, _) in fields.items()}}
        values = {":INC": 1, ":V": version, **{":" + key[1:]: value for key, (_, value) in fields.items()}}
        return self.dynamodb.update_item(
            TableName=self.metrics_table,
            Key=self._key(record),
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=serialize_dynamodb_item(values),
            ConditionExpression="#V = :V",
            **extra,
        )

    def _is_notification_sent(self, record: MetricRecordInfo) -> bool:
        result = self.dynamodb.get_item(TableName=self.metrics_table, Key=self._key(record), ConsistentRead=True)
        return "last_notification_timestamp" in result.get("Item", {})

    @staticmethod
    def _check_metric_threshold(current_value: int, evaluation: str, threshold_value: int) -> bool:
        throw_if_false(isinstance(current_value, int), "Wrong current value")
        throw_if_false(isinstance(threshold_value, int), "Wrong threshold value")
        compare = _EVALUATIONS.get(evaluation)
        if compare is None:
            raise ValueError(f"Wrong evaluation operation: {evaluation}")
        return compare(current_value, threshold_value)

    def _get_topic_arn(self, name: str) -> str:
        partition = self.client.partition
        if name.startswith(f"arn:{partition}:"):
            return name
        return f"arn:{partition}:sns:{self.client.region}:{self.client.account_id}:{name}"
