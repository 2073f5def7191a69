"""``octagon.peh.PipelineExecutionHistoryAPI(client)`` (SDLF <= 2.6): execution records in
``octagon-PipelineExecutionHistory-{instance}``, for the current execution of an
:class:`~datalake_library.octagon.OctagonClient`.

A pipeline must be registered and ``ACTIVE`` in ``octagon-Pipelines-{instance}`` (sdlf-team
registers ``{team}-{pipeline}-{stage}``) for an execution to start; otherwise, as before, the error
is logged and ``start_pipeline_execution`` returns ``None``. Closing an execution as COMPLETED also
stamps the pipeline's ``last_execution_*`` attributes.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from datalake_library._peh import (  # noqa: F401  (status constants re-exported via __all__)
    PEH_STATUS_CANCELED,
    PEH_STATUS_COMPLETED,
    PEH_STATUS_FAILED,
    PEH_STATUS_STARTED,
    PIPELINE_STATUS_ACTIVE,
    STATUS_NAMES,
    PehRecords,
)
from datalake_library._utils import get_local_date
from datalake_library.commons import deserialize_dynamodb_item, serialize_dynamodb_item

if TYPE_CHECKING:  # pragma: no cover - typing only
    from datalake_library.octagon.client import OctagonClient

__all__ = [*STATUS_NAMES, "PipelineExecutionHistoryAPI"]


class PipelineExecutionHistoryAPI:
    """Execution history of an :class:`OctagonClient` (which holds the current execution)."""

    #: "table/pipeline name" -> active?, shared by every instance in the process.
    pipelines: dict[str, bool] = {}

    def __init__(self, client: OctagonClient) -> None:
        self.logger = logging.getLogger(__name__)
        self.client = client
        self.dynamodb = client.dynamodb
        self.pipelines_table = client.built_config().get_pipelines_table()
        self.peh_table = client.built_config().get_peh_table()
        self.peh_ttl = client.built_config().get_peh_ttl()
        self._records = PehRecords(lambda: self.dynamodb, lambda: self.peh_table, lambda: self.peh_ttl)

    def start_pipeline_execution(
        self,
        pipeline_name: str,
        dataset_name: str | None = None,
        dataset_date: str | None = None,
        comment: Any = None,
    ) -> str | None:
        """Start an execution of an active pipeline and make it the client's current one.

        Returns its id, or ``None`` (logged) when the pipeline is not registered or not active.
        """
        if pipeline_name and not self.check_pipeline(pipeline_name):
            self.logger.error("Pipeline doesn't exist or inactive : %s", pipeline_name)
            return None
        return self._records.start_current(self.client, pipeline_name, dataset_name, dataset_date, comment)

    def update_pipeline_execution(
        self, status: str, component: str | None = None, issue_comment: str | None = None
    ) -> bool:
        """Record ``status`` on the client's current execution; COMPLETED also updates the pipeline."""
        now, duration = self._records.update_current(self.client, status, component, issue_comment)
        if status == PEH_STATUS_COMPLETED and duration is not None:
            self._stamp_pipeline(now, duration)
        return True

    def _stamp_pipeline(self, now: str, duration: float) -> None:
        name = self.client.pipeline_name
        result = self.dynamodb.get_item(
            TableName=self.pipelines_table,
            Key={"name": {"S": name}},
            ConsistentRead=True,
            ProjectionExpression="#n, version",
            ExpressionAttributeNames={"#n": "name"},
        )
        if "Item" not in result:
            self.logger.warning("Pipeline %s is not registered in %s", name, self.pipelines_table)
            return
        version = deserialize_dynamodb_item(result["Item"]).get("version", 0)
        values = {
            ":V": version,
            ":INC": 1,
            ":S": PEH_STATUS_COMPLETED,
            ":P": self.client.pipeline_execution_id,
            ":D": get_local_date(),
            ":E": now,
            ":U": now,
            ":X": Decimal(str(duration)),
        }
        self.dynamodb.update_item(
            TableName=self.pipelines_table,
            Key={"name": {"S": name}},
            UpdateExpression="SET #P = :P, #V = :V + :INC, #S = :S, #D = :D, #X = :X, #E = :E, #U = :U",
            ExpressionAttributeNames={
                "#V": "version",
                "#U": "last_updated_timestamp",
                "#P": "last_execution_id",
                "#D": "last_execution_date",
                "#E": "last_execution_timestamp",
                "#S": "last_execution_status",
                "#X": "last_execution_duration_in_seconds",
            },
            ExpressionAttributeValues=serialize_dynamodb_item(values),
            ReturnValues="UPDATED_NEW",
        )

    def get_peh_record(self, peh_id: str) -> dict[str, Any] | None:
        """The record ``peh_id``, or ``None``."""
        return self._records.get(peh_id)

    def check_pipeline(self, pipeline_name: str) -> bool:
        """True when ``pipeline_name`` is registered with status ACTIVE.

        Active pipelines are cached per process (per table); an inactive or missing one is read
        again next time, so a pipeline registered after a warm start is found.
        """
        key = f"{self.pipelines_table}/{pipeline_name}"
        if not self.pipelines.get(key):
            result = self.dynamodb.get_item(
                TableName=self.pipelines_table,
                Key={"name": {"S": pipeline_name}},
                ConsistentRead=True,
                ProjectionExpression="#n, #s",
                ExpressionAttributeNames={"#n": "name", "#s": "status"},
            )
            item = deserialize_dynamodb_item(result["Item"]) if "Item" in result else {}
            self.pipelines[key] = item.get("status") == PIPELINE_STATUS_ACTIVE
        return self.pipelines[key]

    def retrieve_pipeline_execution(self, peh_id: str) -> None:
        """Make the active execution ``peh_id`` the client's current one (``ValueError`` otherwise)."""
        self._records.retrieve_current(self.client, peh_id)
