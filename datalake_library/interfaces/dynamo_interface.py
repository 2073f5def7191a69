"""``DynamoInterface``: the object-metadata catalog and the restored item helpers.

Writes never mutate the caller's dict, convert floats (nested too) to ``Decimal``, and can be made
conditional. ``self.dynamodb`` is the low-level client, as in the original.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from datetime import UTC, datetime
from typing import Any

from datalake_library.aws.backoff import retry_pending
from datalake_library.commons import deserialize_dynamodb_item, floats_to_decimals, serialize_dynamodb_item
from datalake_library.errors import BatchOperationError, InvalidArgumentError, InvalidArgumentTypeError
from datalake_library.interfaces._manifests import ManifestsMixin
from datalake_library.interfaces._validation import (
    require_int,
    require_mapping,
    require_str,
    translate_client_error,
)
from datalake_library.interfaces.base_interface import BaseInterface, ClientAttribute, SsmAttribute

__all__ = ["DynamoInterface"]

#: BatchWriteItem accepts at most 25 requests.
BATCH_WRITE_SIZE = 25


def _client_error() -> type[Exception]:
    from botocore.exceptions import ClientError

    return ClientError


def _now_ms() -> int:
    return int(round(datetime.now(UTC).timestamp() * 1000, 0))


class DynamoInterface(ManifestsMixin, BaseInterface):
    """DynamoDB access. ``object_metadata_table`` and ``manifests_table`` come from SSM."""

    object_metadata_table = SsmAttribute()
    manifests_table = SsmAttribute()

    #: Bounded retries of BatchWriteItem ``UnprocessedItems`` (exponential backoff with jitter).
    batch_max_attempts = 8
    batch_base_delay = 0.05
    batch_max_delay = 2.0

    #: The low-level DynamoDB client (one per session). Assignable by subclass hooks.
    dynamodb = ClientAttribute("dynamodb")

    def __init__(
        self,
        team: Any = None,
        dataset: str | None = None,
        pipeline: Any = None,
        stage: str | None = None,
        log_level: str | None = None,
        session: Any = None,
        *,
        config: Any = None,
        clients: Mapping[str, Any] | None = None,
        configuration: Any = None,
        dynamodb_client: Any = None,
    ) -> None:
        """``DynamoInterface(team, dataset, pipeline, stage, log_level, session)`` (2.11), or SDLF
        <= 2.11.0's ``DynamoInterface(configuration, log_level=None, dynamodb_client=None)``,
        recognised by a configuration object (not a ``str``) where ``team`` goes. In that form the
        tables come from the configuration object, as they did."""
        if configuration is None and team is not None and not isinstance(team, str):
            configuration, team = team, None
            if dataset is not None and log_level is None:
                log_level, dataset = dataset, None
            if pipeline is not None and not isinstance(pipeline, str) and dynamodb_client is None:
                dynamodb_client, pipeline = pipeline, None
        if dynamodb_client is not None:
            clients = {**(clients or {}), "dynamodb": dynamodb_client}
        super().__init__(team, dataset, pipeline, stage, log_level, session, config=config, clients=clients)
        self._config = configuration
        self._own_configuration: Any = None

    # ------------------------------------------------------------------ legacy table names
    def _legacy_configuration(self) -> Any:
        """The configuration object given to the constructor, or a v1-2.6 ``DynamoConfiguration``
        on this interface's session (for the tables 2.11 has no attribute for)."""
        if self._config is not None:
            return self._config
        if self._own_configuration is None:
            from datalake_library.configuration.resource_configs import DynamoConfiguration

            self._own_configuration = DynamoConfiguration(self.log_level, session=self.aws_session)
        return self._own_configuration

    def _ssm_value(self, attribute: str) -> Any:
        if self._config is None:
            return super()._ssm_value(attribute)
        if attribute == "manifests_table":
            return self._config.manifests_control_table
        return getattr(self._config, attribute)

    @property
    def dynamodb_client(self) -> Any:
        """The legacy name of :attr:`dynamodb`."""
        return self.dynamodb

    @property
    def transform_mapping_table(self) -> str:
        """``octagon-TransformMapping`` table name (legacy configuration)."""
        return str(self._legacy_configuration().transform_mapping_table)

    @property
    def pipelines_table(self) -> str:
        """``octagon-Pipelines`` table name (legacy configuration)."""
        return str(self._legacy_configuration().pipelines_table)

    @property
    def manifests_control_table(self) -> str:
        """The manifests table, under its legacy attribute name."""
        return str(self.manifests_table)

    def get_transform_table_item(self, dataset: str) -> dict[str, Any]:
        """The transform-mapping item of ``dataset`` (``{team}-{dataset}``); ``ItemNotFoundError``
        (a ``KeyError``, as before) when there is none."""
        return self.get_item(self.transform_mapping_table, {"name": require_str(dataset, "dataset")})

    def get_pipelines_table_item(self, pipeline: str) -> dict[str, Any]:
        """The pipelines-table item of ``pipeline`` (``{team}-{pipeline}-{stage}``)."""
        return self.get_item(self.pipelines_table, {"name": require_str(pipeline, "pipeline")})

    def put_item_in_object_metadata_table(self, item: Mapping[str, Any]) -> None:
        """Legacy name: ``put_item`` into the object-metadata table."""
        self.put_item(self.object_metadata_table, item)

    def batch_put_item_in_object_metadata_table(self, items: Iterable[Mapping[str, Any]]) -> None:
        """Legacy name: write ``items`` as given (no id/timestamp added) with BatchWriteItem."""
        requests = [{"PutRequest": {"Item": serialize_dynamodb_item(floats_to_decimals(it))}} for it in items]
        table = self.object_metadata_table
        unprocessed: list[dict[str, Any]] = []
        for start in range(0, len(requests), BATCH_WRITE_SIZE):
            unprocessed.extend(self._batch_write(table, requests[start : start + BATCH_WRITE_SIZE]))
        if unprocessed:
            raise BatchOperationError(f"{len(unprocessed)} item(s) stayed unprocessed", failed=unprocessed)

    def put_item_in_manifests_control_table(self, item: Mapping[str, Any]) -> None:
        """Legacy name: ``put_item`` into the manifests table."""
        self.put_item(self.manifests_table, item)

    def update_manifests_control_table(
        self, key: Mapping[str, Any], update_expr: str, expr_names: Mapping[str, str], expr_values: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Legacy name: ``update_item`` on the manifests table (plain-Python key and values)."""
        return self._update_item(self.manifests_table, key, update_expr, expr_names, expr_values)

    @staticmethod
    def build_id(bucket: str, key: str) -> str:
        """Catalog id ``s3://{bucket}/{key}`` (no encoding or decoding)."""
        return f"s3://{bucket}/{key}"

    def _catalog_item(self, item: Any) -> dict[str, Any]:
        item = require_mapping(item, "item")
        for field in ("bucket", "key"):
            if field not in item:
                raise InvalidArgumentError(f"catalog item needs a {field!r} attribute", argument="item")
            require_str(item[field], f"item[{field!r}]")
        written = floats_to_decimals(item)
        written["id"] = self.build_id(item["bucket"], item["key"])
        written["timestamp"] = _now_ms()
        return dict(written)

    def put_item(
        self,
        table: str,
        item: Mapping[str, Any],
        *,
        condition_expression: str | None = None,
        expression_attribute_names: Mapping[str, str] | None = None,
        expression_attribute_values: Mapping[str, Any] | None = None,
    ) -> None:
        """Write ``item`` (floats become Decimal); conditional when ``condition_expression`` is given.

        A failed condition raises :class:`~datalake_library.errors.ConditionFailedError`.
        """
        require_str(table, "table")
        require_mapping(item, "item")
        kwargs: dict[str, Any] = {
            "TableName": table,
            "Item": serialize_dynamodb_item(floats_to_decimals(item)),
        }
        if condition_expression is not None:
            kwargs["ConditionExpression"] = require_str(condition_expression, "condition_expression")
        if expression_attribute_names:
            kwargs["ExpressionAttributeNames"] = dict(expression_attribute_names)
        if expression_attribute_values:
            kwargs["ExpressionAttributeValues"] = serialize_dynamodb_item(
                floats_to_decimals(expression_attribute_values)
            )
        try:
            self.dynamodb.put_item(**kwargs)
        except _client_error() as exc:
            raise translate_client_error(exc, f"table {table!r}") from exc

    def update_object_metadata_catalog(
        self, item: Mapping[str, Any], *, condition_expression: str | None = None
    ) -> dict[str, Any]:
        """Put a copy of ``item`` with ``id = s3://bucket/key`` and ``timestamp`` (epoch ms) into the
        object-metadata table and return the item written. The caller's dict is not modified."""
        written = self._catalog_item(item)
        self.put_item(self.object_metadata_table, written, condition_expression=condition_expression)
        if self._config is not None and isinstance(item, MutableMapping):
            # SDLF <= 2.11.0 set id/timestamp on the caller's dict, and its stage code returned
            # that dict to the next step: an interface built the legacy way keeps doing so.
            item["id"], item["timestamp"] = written["id"], written["timestamp"]
        return written

    def batch_update_object_metadata_catalog(
        self, items: Iterable[Mapping[str, Any]]
    ) -> list[dict[str, Any]]:
        """Write many catalog items with BatchWriteItem (25 per request) and return them.

        ``UnprocessedItems`` are retried with exponential backoff (``batch_max_attempts`` tries);
        what is still unprocessed then raises :class:`BatchOperationError` listing those items.
        """
        if isinstance(items, Mapping) or not isinstance(items, Iterable):
            raise InvalidArgumentTypeError("items must be a list of dicts", argument="items")
        items = list(items)
        written = [self._catalog_item(item) for item in items]
        if self._config is not None:
            # SDLF <= 2.11.0 stamped id/timestamp on the caller's dicts; the legacy form still does.
            for item, stamped in zip(items, written, strict=True):
                if isinstance(item, MutableMapping):
                    item["id"], item["timestamp"] = stamped["id"], stamped["timestamp"]
        table = self.object_metadata_table
        unprocessed: list[dict[str, Any]] = []
        for start in range(0, len(written), BATCH_WRITE_SIZE):
            requests = [
                {"PutRequest": {"Item": serialize_dynamodb_item(it)}}
                for it in written[start : start + BATCH_WRITE_SIZE]
            ]
            unprocessed.extend(self._batch_write(table, requests))
        if unprocessed:
            failed = [
                deserialize_dynamodb_item(r["PutRequest"]["Item"]) for r in unprocessed if "PutRequest" in r
            ]
            ids = [it.get("id") for it in failed]
            raise BatchOperationError(
                f"{len(unprocessed)} catalog item(s) stayed unprocessed after {self.batch_max_attempts} attempts: {ids}",
                failed=failed,
                successful=[it for it in written if it["id"] not in set(ids)],
            )
        return written

    def _batch_write(self, table: str, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Write ``requests``; resend ``UnprocessedItems`` with the shared backoff; return what is left."""

        def send(pending: list[dict[str, Any]]) -> list[dict[str, Any]]:
            try:
                response = self.dynamodb.batch_write_item(RequestItems={table: pending})
            except _client_error() as exc:
                raise translate_client_error(exc, f"table {table!r}") from exc
            return list(response.get("UnprocessedItems", {}).get(table, []))

        def report(attempt: int, pending: list[dict[str, Any]]) -> None:
            self.logger.warning("%d item(s) unprocessed by BatchWriteItem (attempt %d)", len(pending), attempt)

        return retry_pending(
            send,
            requests,
            attempts=self.batch_max_attempts,
            base_delay=self.batch_base_delay,
            max_delay=self.batch_max_delay,
            on_pending=report,
        )

    def get_item(self, table: str, key: Mapping[str, Any]) -> dict[str, Any]:
        """The item with primary key ``key`` (plain values), read with ``ConsistentRead``.

        Raises :class:`~datalake_library.errors.ItemNotFoundError` (a ``KeyError``) when absent.
        """
        from datalake_library.errors import ItemNotFoundError

        require_str(table, "table")
        require_mapping(key, "key")
        try:
            response = self.dynamodb.get_item(
                TableName=table, Key=serialize_dynamodb_item(floats_to_decimals(key)), ConsistentRead=True
            )
        except _client_error() as exc:
            raise translate_client_error(exc, f"table {table!r}") from exc
        if "Item" not in response:
            raise ItemNotFoundError(f"no item with key {dict(key)!r} in table {table!r}")
        return deserialize_dynamodb_item(response["Item"])

    def update_object(
        self,
        bucket: str,
        key: str,
        update_expr: str,
        expr_names: Mapping[str, str] | None = None,
        expr_values: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """``update_item`` on the catalog item of ``s3://bucket/key``; returns the updated attributes
        (``ReturnValues=UPDATED_NEW``, deserialised). ``expr_values`` are plain Python values."""
        require_str(bucket, "bucket")
        require_str(key, "key")
        return self._update_item(
            self.object_metadata_table,
            {"id": self.build_id(bucket, key)},
            update_expr,
            expr_names,
            expr_values,
        )

    def _update_item(
        self,
        table: str,
        key: Mapping[str, Any],
        update_expr: str,
        expr_names: Mapping[str, str] | None,
        expr_values: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        """``update_item`` with plain-Python key and values; returns the UPDATED_NEW attributes."""
        require_str(table, "table")
        kwargs: dict[str, Any] = {
            "TableName": table,
            "Key": serialize_dynamodb_item(floats_to_decimals(require_mapping(key, "key"))),
            "UpdateExpression": require_str(update_expr, "update_expr"),
            "ReturnValues": "UPDATED_NEW",
        }
        if expr_names:
            kwargs["ExpressionAttributeNames"] = dict(require_mapping(expr_names, "expr_names"))
        if expr_values:
            kwargs["ExpressionAttributeValues"] = serialize_dynamodb_item(
                floats_to_decimals(require_mapping(expr_values, "expr_values"))
            )
        try:
            response = self.dynamodb.update_item(**kwargs)
        except _client_error() as exc:
            raise translate_client_error(exc, f"item {dict(key)!r} of table {table!r}") from exc
        return deserialize_dynamodb_item(response.get("Attributes", {}))

    def remove_object_attribute(self, bucket: str, key: str, attribute: str) -> dict[str, Any]:
        """Remove ``attribute`` from the catalog item of ``s3://bucket/key``."""
        require_str(attribute, "attribute")
        return self.update_object(bucket, key, "REMOVE #attr", {"#attr": attribute})

    def query_object_metadata_index(
        self,
        index: str,
        key_expression: str,
        key_value: Any,
        filter_expression: str | None = None,
        filter_value: Any = None,
        max_items: int | None = None,
    ) -> list[dict[str, Any]]:
        """Items of the object-metadata table whose index attribute ``key_expression`` equals
        ``key_value`` (and, optionally, attribute ``filter_expression`` equals ``filter_value``).

        Uses expression strings with placeholders (the original passed boto3 condition objects to
        the low-level client, which fails). Paginated; at most ``max_items`` items.
        """
        require_str(index, "index")
        require_str(key_expression, "key_expression")
        kwargs: dict[str, Any] = {
            "TableName": self.object_metadata_table,
            "IndexName": index,
            "KeyConditionExpression": "#k = :k",
            "ExpressionAttributeNames": {"#k": key_expression},
            "ExpressionAttributeValues": serialize_dynamodb_item(floats_to_decimals({":k": key_value})),
        }
        if filter_expression is not None:
            require_str(filter_expression, "filter_expression")
            kwargs["FilterExpression"] = "#f = :f"
            kwargs["ExpressionAttributeNames"]["#f"] = filter_expression
            kwargs["ExpressionAttributeValues"].update(
                serialize_dynamodb_item(floats_to_decimals({":f": filter_value}))
            )
        pagination: dict[str, Any] = {}
        if max_items is not None:
            pagination["MaxItems"] = require_int(max_items, "max_items", 1, 2**31)
        items: list[dict[str, Any]] = []
        try:
            for page in self.dynamodb.get_paginator("query").paginate(**kwargs, PaginationConfig=pagination):
                items.extend(deserialize_dynamodb_item(it) for it in page.get("Items", []))
        except _client_error() as exc:
            raise translate_client_error(exc, f"index {index!r}") from exc
        return items[:max_items] if max_items is not None else items
