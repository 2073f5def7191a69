"""Octagon events (SDLF <= 2.6): notes attached to a pipeline execution, in
``octagon-Events-{instance}``."""

from __future__ import annotations

import datetime
import logging
import uuid
from enum import Enum
from typing import TYPE_CHECKING, Any

from datalake_library._utils import (
    get_local_date,
    get_timestamp_iso,
    get_ttl,
    throw_if_false,
    throw_none_or_empty,
)
from datalake_library.commons import deserialize_dynamodb_item, serialize_dynamodb_item

if TYPE_CHECKING:  # pragma: no cover - typing only
    from datalake_library.octagon.client import OctagonClient

__all__ = ["EventAPI", "EventReasonEnum"]


class EventReasonEnum(Enum):
    TRACE = "TRACE"
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARN = "WARN"
    ERROR = "ERROR"
    FATAL = "FATAL"


class EventAPI:
    """Creates events for the client's current execution."""

    def __init__(self, client: OctagonClient) -> None:
        self.logger = logging.getLogger(__name__)
        self.client = client
        self.dynamodb = client.dynamodb
        self.events_table = client.built_config().get_events_table()
        self.events_ttl = client.built_config().get_events_ttl()

    def create_event(
        self,
        reason: EventReasonEnum | str,
        comment: str,
        component_name: str | None = None,
        event_details: Any = None,
    ) -> str:
        """Store an event of the current execution; return its id (uuid4)."""
        throw_if_false(self.client.is_pipeline_set(), "Pipeline execution is not yet assigned")
        throw_none_or_empty(str(reason) if reason is not None else None, "No reason specified")
        throw_none_or_empty(comment, "No comment specified")
        reason_str = reason.value if isinstance(reason, EventReasonEnum) else str(reason)
        item: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "pipeline_execution_id": self.client.pipeline_execution_id,
            "pipeline": self.client.pipeline_name,
            "reason": reason_str,
            "comment": comment,
            "timestamp": get_timestamp_iso(datetime.datetime.now(datetime.UTC)),
            "date": get_local_date(),
        }
        item["date_and_reason"] = f"{item['date']}#{reason_str}"
        if component_name:
            item["component"] = component_name
        if event_details:
            item["details"] = event_details
        if self.events_ttl != 0:
            item["ttl"] = get_ttl(self.events_ttl)
        self.dynamodb.put_item(TableName=self.events_table, Item=serialize_dynamodb_item(item))
        return str(item["id"])

    def get_event(self, id: str) -> dict[str, Any]:  # noqa: A002 - the original's parameter name
        """The event ``id`` (``KeyError`` when absent, as before)."""
        result = self.dynamodb.get_item(TableName=self.events_table, Key={"id": {"S": id}}, ConsistentRead=True)
        if "Item" not in result:
            raise KeyError(f"no event {id!r} in {self.events_table}")
        return deserialize_dynamodb_item(result["Item"])
