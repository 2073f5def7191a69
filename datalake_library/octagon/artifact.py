"""Octagon artifacts (SDLF <= 2.6): what a pipeline execution produced, registered in
``octagon-Artifacts-{instance}``."""

from __future__ import annotations

import datetime
import logging
import uuid
from typing import TYPE_CHECKING, Any

from datalake_library._utils import (
    get_local_date,
    get_timestamp_iso,
    get_ttl,
    throw_if_false,
    throw_if_none,
    throw_none_or_empty,
)
from datalake_library.commons import deserialize_dynamodb_item, serialize_dynamodb_item

if TYPE_CHECKING:  # pragma: no cover - typing only
    from datalake_library.octagon.client import OctagonClient

__all__ = ["Artifact", "ArtifactAPI"]


class Artifact:
    """An artifact of ``dataset``: where it came from and where it was written."""

    def __init__(self, dataset: str, comment: str | None = None, component: str | None = None) -> None:
        self.target_locations: list[str] = []
        self.dataset = dataset
        self.comment = comment
        self.component = component
        self.source_type: str | None = None
        self.source_service_arn: str | None = None
        self.source_location_pointer: str | None = None
        self.target_type: str | None = None
        self.target_service_arn: str | None = None

    def with_source_info(self, source_type: str, source_service_arn: str, source_location_pointer: str) -> Artifact:
        throw_none_or_empty(source_type, "Source type is missing")
        throw_none_or_empty(source_service_arn, "Source service ARN is missing")
        throw_none_or_empty(source_location_pointer, "Source service locator is missing")
        self.source_type = source_type
        self.source_service_arn = source_service_arn
        self.source_location_pointer = source_location_pointer
        return self

    def with_target_info(
        self, target_type: str, target_service_arn: str, target_location_pointers: str | list[str]
    ) -> Artifact:
        throw_none_or_empty(target_type, "Target type is missing")
        throw_none_or_empty(target_service_arn, "Target service ARN is missing")
        throw_none_or_empty(target_location_pointers, "Target location pointers are missing")
        self.target_type = target_type
        self.target_service_arn = target_service_arn
        if isinstance(target_location_pointers, str):
            self.target_locations.append(target_location_pointers)
        else:
            self.target_locations = list(target_location_pointers)
        return self

    def get_ddb_item(self) -> dict[str, Any]:
        throw_if_false(self.source_type is not None, "Artifact source information is missing (with_source_info)")
        throw_if_false(self.target_type is not None, "Artifact target information is missing (with_target_info)")
        item: dict[str, Any] = {
            "dataset": self.dataset,
            "source_type": self.source_type,
            "source_service_arn": self.source_service_arn,
            "source_location_pointer": self.source_location_pointer,
            "target_type": self.target_type,
            "target_service_arn": self.target_service_arn,
            "target_location_pointers": self.target_locations,
        }
        if self.comment:
            item["comment"] = self.comment
        if self.component:
            item["component"] = self.component
        return item


class ArtifactAPI:
    """Registers artifacts for the client's current execution."""

    def __init__(self, client: OctagonClient) -> None:
        self.logger = logging.getLogger(__name__)
        self.client = client
        self.dynamodb = client.dynamodb
        self.artifacts_table = client.built_config().get_artifacts_table()
        self.artifacts_ttl = client.built_config().get_artifacts_ttl()

    def register_artifact(self, artifact: Artifact) -> str:
        """Store ``artifact`` for the current execution; return its id (uuid4)."""
        throw_if_false(self.client.is_pipeline_set(), "Pipeline execution is not yet assigned")
        throw_if_none(artifact, "Artifact is not defined")
        item = artifact.get_ddb_item()
        item["id"] = str(uuid.uuid4())
        item["pipeline"] = self.client.pipeline_name
        item["pipeline_execution_id"] = self.client.pipeline_execution_id
        item["timestamp"] = get_timestamp_iso(datetime.datetime.now(datetime.UTC))
        item["date"] = get_local_date()
        item["pipeline_and_target_type"] = f"{item['pipeline']}#{item['target_type']}"
        item["target_location_and_date"] = f"{item['target_location_pointers'][0]}#{item['date']}"
        if self.artifacts_ttl > 0:
            item["ttl"] = get_ttl(self.artifacts_ttl)
        self.dynamodb.put_item(TableName=self.artifacts_table, Item=serialize_dynamodb_item(item))
        return str(item["id"])

    def get_artifact(self, id: str) -> dict[str, Any]:  # noqa: A002 - the original's parameter name
        """The artifact ``id`` (``KeyError`` when absent, as before)."""
        result = self.dynamodb.get_item(TableName=self.artifacts_table, Key={"id": {"S": id}}, ConsistentRead=True)
        if "Item" not in result:
            raise KeyError(f"no artifact {id!r} in {self.artifacts_table}")
        return deserialize_dynamodb_item(result["Item"])
