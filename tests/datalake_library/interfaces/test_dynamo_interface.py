"""DynamoInterface against moto: catalog writes, batch writes with retries, restored helpers."""

from __future__ import annotations

import copy
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from datalake_library import DataLakeClient, DynamoInterface
from datalake_library.errors import (
    BatchOperationError,
    ConditionFailedError,
    InvalidArgumentError,
    InvalidArgumentTypeError,
    ItemNotFoundError,
    MissingArgumentError,
    TableNotFoundError,
)
from tests.conftest import record_sleeps
from tests.datalake_library.helpers import counting_session

TABLE = "octagon-ObjectMetadata-test"


@pytest.fixture
def dynamo(mocked_aws) -> DynamoInterface:
    boto3.client("dynamodb", region_name="us-east-1").create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "dataset", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "dataset-index",
                "KeySchema": [{"AttributeName": "dataset", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    interface = DynamoInterface()
    interface.object_metadata_table = TABLE
    return interface


def raw_item(key: str) -> dict[str, Any]:
    return boto3.client("dynamodb", region_name="us-east-1").get_item(
        TableName=TABLE, Key={"id": {"S": key}}
    )["Item"]


def test_build_id() -> None:
    assert DynamoInterface.build_id("b", "team/my+file.csv") == "s3://b/team/my+file.csv"


def test_update_catalog_copies_converts_and_returns_the_item(dynamo) -> None:
    item = {"bucket": "b", "key": "k/x.csv", "size": 1.5, "nested": {"ratio": 0.25, "list": [0.5]}, "n": 3}
    before = copy.deepcopy(item)
    start = int(time.time() * 1000)
    written = dynamo.update_object_metadata_catalog(item)
    assert item == before  # the caller's dict is untouched
    assert written["id"] == "s3://b/k/x.csv" and isinstance(written["timestamp"], int)
    assert start - 5 <= written["timestamp"] <= int(time.time() * 1000) + 5
    assert written["size"] == Decimal("1.5") and written["nested"] == {
        "ratio": Decimal("0.25"),
        "list": [Decimal("0.5")],
    }
    stored = dynamo.get_item(TABLE, {"id": "s3://b/k/x.csv"})
    assert stored == written
    # A second call overwrites.
    again = dynamo.update_object_metadata_catalog({**item, "size": 2})
    assert (
        dynamo.get_item(TABLE, {"id": "s3://b/k/x.csv"})["size"] == 2
        and again["timestamp"] >= written["timestamp"]
    )


def test_update_catalog_condition_expression(dynamo) -> None:
    dynamo.update_object_metadata_catalog(
        {"bucket": "b", "key": "k"}, condition_expression="attribute_not_exists(id)"
    )
    with pytest.raises(ConditionFailedError):
        dynamo.update_object_metadata_catalog(
            {"bucket": "b", "key": "k"}, condition_expression="attribute_not_exists(id)"
        )


@pytest.mark.parametrize(
    ("item", "error"),
    [
        ({"key": "k"}, InvalidArgumentError),
        ({"bucket": "b"}, InvalidArgumentError),
        ({"bucket": None, "key": "k"}, MissingArgumentError),
        ({"bucket": "b", "key": 5}, InvalidArgumentTypeError),
        ("not a dict", InvalidArgumentTypeError),
    ],
)
def test_update_catalog_bad_items(dynamo, item, error) -> None:
    with pytest.raises(error) as info:
        dynamo.update_object_metadata_catalog(item)
    assert not isinstance(info.value, KeyError | AttributeError)


def test_put_item_converts_floats_and_supports_conditions(dynamo) -> None:
    dynamo.put_item(TABLE, {"id": "x", "score": 0.1})
    assert raw_item("x")["score"] == {"N": "0.1"}
    with pytest.raises(ConditionFailedError):
        dynamo.put_item(
            TABLE,
            {"id": "x"},
            condition_expression="#s < :v",
            expression_attribute_names={"#s": "score"},
            expression_attribute_values={":v": 0.05},
        )
    with pytest.raises(TableNotFoundError, match="no-such-table"):
        dynamo.put_item("no-such-table", {"id": "x"})
    with pytest.raises(MissingArgumentError):
        dynamo.put_item(None, {"id": "x"})  # type: ignore[arg-type]


def test_get_item_absent_is_a_key_error(dynamo) -> None:
    with pytest.raises(ItemNotFoundError) as info:
        dynamo.get_item(TABLE, {"id": "s3://b/none"})
    assert isinstance(info.value, KeyError) and "s3://b/none" in str(info.value)
    with pytest.raises(KeyError):
        dynamo.get_item(TABLE, {"id": "s3://b/none"})


def test_get_item_uses_consistent_read(mocked_aws) -> None:
    session, recorder = counting_session()
    boto3.client("dynamodb", region_name="us-east-1").create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamo = DynamoInterface(session=session)
    dynamo.put_item(TABLE, {"id": "a", "v": 1})
    assert dynamo.get_item(TABLE, {"id": "a"}) == {"id": "a", "v": 1}
    assert recorder.named("GetItem")[0].params["ConsistentRead"] is True


def test_batch_update_writes_in_batches_of_25(mocked_aws) -> None:
    session, recorder = counting_session()
    session.client("dynamodb").create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    dynamo = DynamoInterface(session=session)
    dynamo.object_metadata_table = TABLE
    items = [{"bucket": "b", "key": f"k/{i}.csv", "size": i + 0.5} for i in range(60)]
    written = dynamo.batch_update_object_metadata_catalog(items)
    assert [len(c.params["RequestItems"][TABLE]) for c in recorder.named("BatchWriteItem")] == [25, 25, 10]
    assert len(written) == 60 and written[59]["id"] == "s3://b/k/59.csv" and "id" not in items[0]
    assert dynamo.get_item(TABLE, {"id": "s3://b/k/42.csv"})["size"] == Decimal("42.5")


def _unprocessed(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"UnprocessedItems": {TABLE: [{"PutRequest": {"Item": it}} for it in items]}}


def test_batch_update_retries_unprocessed_items_with_backoff(mocked_aws, monkeypatch) -> None:
    sleeps = record_sleeps(monkeypatch)
    raw = boto3.client("dynamodb", region_name="us-east-1")
    dynamo = DynamoInterface(clients={"dynamodb": raw})
    dynamo.object_metadata_table = TABLE
    captured: list[Any] = []
    raw.meta.events.register(
        "before-parameter-build.dynamodb.BatchWriteItem", lambda params, **_: captured.append(params)
    )
    with Stubber(raw) as stub:
        # The first call leaves 2 items unprocessed, the retry leaves 1, the third writes it.
        stub.add_response(
            "batch_write_item", _unprocessed([{"id": {"S": "s3://b/1"}}, {"id": {"S": "s3://b/2"}}])
        )
        stub.add_response("batch_write_item", _unprocessed([{"id": {"S": "s3://b/2"}}]))
        stub.add_response("batch_write_item", {"UnprocessedItems": {}})
        dynamo.batch_update_object_metadata_catalog([{"bucket": "b", "key": str(i)} for i in range(3)])
        stub.assert_no_pending_responses()
    assert [len(p["RequestItems"][TABLE]) for p in captured] == [3, 2, 1]
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0] * 0.9  # exponential (with jitter)


def test_batch_update_gives_up_with_a_clear_error(mocked_aws, monkeypatch) -> None:
    record_sleeps(monkeypatch)
    raw = boto3.client("dynamodb", region_name="us-east-1")
    dynamo = DynamoInterface(clients={"dynamodb": raw})
    dynamo.object_metadata_table = TABLE
    dynamo.batch_max_attempts = 3
    stuck = {"id": {"S": "s3://b/1"}, "bucket": {"S": "b"}, "key": {"S": "1"}}
    with Stubber(raw) as stub:
        for _ in range(3):
            stub.add_response("batch_write_item", _unprocessed([stuck]))
        with pytest.raises(BatchOperationError, match="s3://b/1") as info:
            dynamo.batch_update_object_metadata_catalog(
                [{"bucket": "b", "key": "0"}, {"bucket": "b", "key": "1"}]
            )
        stub.assert_no_pending_responses()
    assert [f["id"] for f in info.value.failed] == ["s3://b/1"]
    assert [s["id"] for s in info.value.successful] == ["s3://b/0"]
    with pytest.raises(InvalidArgumentTypeError):
        dynamo.batch_update_object_metadata_catalog({"bucket": "b", "key": "k"})  # type: ignore[dict-item]


def test_update_object_and_remove_attribute(dynamo) -> None:
    dynamo.update_object_metadata_catalog({"bucket": "b", "key": "k", "status": "NEW", "tmp": "x"})
    updated = dynamo.update_object(
        "b", "k", "SET #s = :s, #r = :r", {"#s": "status", "#r": "ratio"}, {":s": "DONE", ":r": 0.5}
    )
    assert updated == {"status": "DONE", "ratio": Decimal("0.5")}
    dynamo.remove_object_attribute("b", "k", "tmp")
    item = dynamo.get_item(TABLE, {"id": "s3://b/k"})
    assert "tmp" not in item and item["status"] == "DONE"
    with pytest.raises(MissingArgumentError):
        dynamo.update_object("b", "k", "")


def test_query_object_metadata_index(dynamo) -> None:
    for i in range(7):
        dynamo.update_object_metadata_catalog(
            {
                "bucket": "b",
                "key": f"k{i}",
                "dataset": "ds" if i < 5 else "other",
                "stage": "raw" if i % 2 else "stage",
            }
        )
    assert len(dynamo.query_object_metadata_index("dataset-index", "dataset", "ds")) == 5
    raw = dynamo.query_object_metadata_index("dataset-index", "dataset", "ds", "stage", "raw")
    assert sorted(it["key"] for it in raw) == ["k1", "k3"]
    assert len(dynamo.query_object_metadata_index("dataset-index", "dataset", "ds", max_items=2)) == 2
    with pytest.raises(InvalidArgumentError):
        dynamo.query_object_metadata_index("dataset-index", "dataset", "ds", max_items=0)


def test_server_mode_catalog_round_trip(sdlf_environment) -> None:
    client = DataLakeClient()
    written = client.dynamo.update_object_metadata_catalog(
        {"bucket": sdlf_environment.raw_bucket, "key": "t/d/x.csv", "size": 10.0}
    )
    got = client.dynamo.get_item(sdlf_environment.object_metadata_table, {"id": written["id"]})
    assert got == written and got["size"] == Decimal("10.0")


def test_manifest_control_table(mocked_sdlf) -> None:
    dynamo = DynamoInterface()
    key = dynamo.manifest_keys("legislators", "manifest.csv", "persons.json")
    assert key == {"dataset_name": "legislators-manifest.csv", "datafile_name": "manifest.csv-persons.json"}
    dynamo.put_item(dynamo.manifests_table, {**key, "status": "new"})
    started = dynamo.update_manifests_control_table_stagea(key, "STARTED")
    assert started["stage_a_status"] == "STARTED" and started["stage_a_starttimestamp"].isdigit()
    assert started["stage_a_starttime"].startswith(str(datetime.now(UTC).year))
    dynamo.update_manifests_control_table_stagea(key, "PROCESSING")
    done = dynamo.update_manifests_control_table_stagea(key, "COMPLETED", "pre-stage/x.json")
    assert done["s3_key"] == "pre-stage/x.json" and "stage_a_endtimestamp" in done
    failed = dynamo.update_manifests_control_table_stageb(key, "FAILED", comment="glue failed")
    assert failed["comment"] == "glue failed" and failed["stage_b_status"] == "FAILED"
    item = dynamo.get_item_from_manifests_control_table("legislators", "manifest.csv", "persons.json")
    assert item["stage_a_status"] == "COMPLETED" and item["stage_b_status"] == "FAILED"
    with pytest.raises(InvalidArgumentError, match="status"):
        dynamo.update_manifests_control_table_stageb(key, "DONE")
    with pytest.raises(ItemNotFoundError):
        dynamo.get_item_from_manifests_control_table("legislators", "manifest.csv", "other.json")
    with pytest.raises(MissingArgumentError):
        dynamo.manifest_keys("legislators", None, "x")  # type: ignore[arg-type]
