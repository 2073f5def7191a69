"""Kinesis, SQS, DynamoDB Streams and DynamoDB table examples with the captured requests and variants."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.examples.conftest import EXAMPLES
from tests.examples.helpers import flatten, invoke_ok, load_event, make_request


@pytest.fixture
def select(use_impl: Callable[[str, str], None]) -> Callable[[str], None]:
    def choose(interface: str) -> None:
        use_impl(interface, EXAMPLES[interface])

    return choose


# -- Kinesis --------------------------------------------------------------------------------------
def test_kinesis_captured_record_round_trips_to_the_flat_document(select: Callable[[str], None]) -> None:
    select("KinesisRecordReader")
    event = load_event("KinesisRecordReader.parseMessage")
    result = invoke_ok(event)
    assert result["status"] == "SUCCESS"
    doc = result["document"]
    flat = json.loads(event["data"]["data"])
    assert doc["documentType"] == "Document"
    assert (doc["documentId"], doc["recordType"], doc["partitionKey"]) == (
        flat["documentId"],
        flat["recordType"],
        flat["partitionKey"],
    )
    assert "documentId" not in doc["documentKeyValuesMap"]
    # Writing the document again gives back exactly the record that was read.
    assert flatten(doc) == flat
    assert doc["documentKeyValuesMap"]["docText"].startswith("ビームス")


def test_kinesis_falls_back_to_the_record_envelope(select: Callable[[str], None]) -> None:
    select("KinesisRecordReader")
    event = load_event("KinesisRecordReader.parseMessage")
    event["data"]["data"] = json.dumps({"temperature": 21.5, "sensor": "s-1"})
    doc = invoke_ok(event)["document"]
    assert doc["documentId"] == event["data"]["sequenceNumber"]
    assert doc["partitionKey"] == event["data"]["partitionKey"]
    assert doc["recordType"] == "KinesisRecord"
    assert doc["documentKeyValuesMap"] == {"temperature": 21.5, "sensor": "s-1"}


@pytest.mark.parametrize("payload", ["not json", "[1, 2]", '{"documentMetadata": "x"}'])
def test_kinesis_bad_data_is_an_error_doc_at_its_sequence_number(
    select: Callable[[str], None], payload: str
) -> None:
    select("KinesisRecordReader")
    event = load_event("KinesisRecordReader.parseMessage")
    event["data"]["data"] = payload
    result = invoke_ok(event)
    assert result["status"] == "ERROR"
    doc = result["document"]
    offsets = {"shardId": "shardId-000000000000", "sequenceNumber": event["data"]["sequenceNumber"]}
    assert doc["errorStartoffsetMap"] == doc["errorEndoffsetMap"] == offsets
    assert doc["documentKeyValuesMap"] == {"rawRecord": payload}
    assert doc["errorMessage"]


# -- SQS ------------------------------------------------------------------------------------------
def test_sqs_captured_message_keeps_its_vectors(select: Callable[[str], None]) -> None:
    select("QueueMessageReader")
    event = load_event("QueueMessageReader.parseMessage")
    result = invoke_ok(event)
    assert result["status"] == "SUCCESS"
    body = json.loads(event["data"]["messageBody"])
    assert flatten(result["document"]) == body
    vectors = result["document"]["documentKeyValuesMap"]["vectors"]["docText"]
    assert len(vectors) == 384 and vectors == body["vectors"]["docText"]


def test_sqs_fifo_fields_and_string_attributes(select: Callable[[str], None]) -> None:
    select("QueueMessageReader")
    data = {
        "messageId": "m-1",
        "messageGroupId": "group-7",
        "messageDeduplicationId": "d-1",
        "messageAttributes": {"source": "orders", "nested": {"dataType": "Number"}},
        "messageBody": json.dumps({"orderId": 17}),
    }
    doc = invoke_ok(make_request("QueueMessageReader", "parseMessage", data))["document"]
    assert (doc["documentId"], doc["partitionKey"], doc["recordType"]) == ("m-1", "group-7", "QueueMessage")
    assert doc["documentMetadata"] == {"source": "orders"}
    assert doc["documentKeyValuesMap"] == {"orderId": 17}


def test_sqs_bad_body_is_an_error_doc_at_its_message_id(select: Callable[[str], None]) -> None:
    select("QueueMessageReader")
    data = {"messageId": "m-2", "messageAttributes": {}, "messageBody": "{oops"}
    result = invoke_ok(make_request("QueueMessageReader", "parseMessage", data))
    assert result["status"] == "ERROR"
    assert result["document"]["errorStartoffsetMap"] == {"messageId": "m-2"}
    assert result["document"]["documentKeyValuesMap"] == {"rawRecord": "{oops"}
    assert "SQS message m-2 is not valid JSON" in result["document"]["errorMessage"]


# -- DynamoDB Streams -----------------------------------------------------------------------------
def _stream_variant(event_name: str, **images: Any) -> dict[str, Any]:
    data = copy.deepcopy(load_event("DynamoDBStreamsRecordReader.parseRecord")["data"])
    data["eventName"] = event_name
    for name, value in images.items():
        if value is None:
            data["data"].pop(name, None)
        else:
            data["data"][name] = value
    return data


def test_streams_captured_modify_gives_the_new_image(select: Callable[[str], None]) -> None:
    select("DynamoDBStreamsRecordReader")
    event = load_event("DynamoDBStreamsRecordReader.parseRecord")
    result = invoke_ok(event)
    assert result["status"] == "SUCCESS"
    doc = result["document"]
    assert (doc["documentId"], doc["recordType"], doc["partitionKey"]) == (
        "value1|value2",
        "Test_Table",
        "value1|value2",
    )
    assert doc["documentKeyValuesMap"] == event["data"]["data"]["newImage"]
    assert doc["documentMetadata"] == {
        "eventName": "MODIFY",
        "eventId": event["data"]["eventId"],
        "sequenceNumber": event["data"]["sequenceNumber"],
        "approximateCreationDateTime": 1702839323,
    }


def test_streams_batch_of_every_event_kind(select: Callable[[str], None]) -> None:
    select("DynamoDBStreamsRecordReader")
    seq = load_event("DynamoDBStreamsRecordReader.parseRecord")["data"]["sequenceNumber"]
    batch = [
        _stream_variant("INSERT", oldImage=None),
        _stream_variant("REMOVE", newImage=None),
        {**_stream_variant("MODIFY", newImage=None), "streamViewType": "KEYS_ONLY"},
        _stream_variant("TRUNCATE"),
        {"not": "a stream record"},
    ]
    items = invoke_ok(make_request("DynamoDBStreamsRecordReader", "parseRecord", batched=batch))
    assert [i["statusCode"] for i in items] == ["SUCCESS"] * 4 + ["EXCEPTION"]
    insert, remove, keys_only, unknown = (i["data"] for i in items[:4])
    assert insert["status"] == "SUCCESS"
    assert insert["document"]["documentKeyValuesMap"]["attrib2"] == "attribVal2"
    assert remove["status"] == "SKIP"
    assert remove["document"]["documentType"] == "SkipDoc"
    assert remove["document"]["documentKeyValuesMap"] == {
        "keys": {"key1": "value1", "key2": "value2"},
        "oldImage": {"key1": "value1", "key2": "value2", "attrib1": "attribVal1"},
    }
    assert remove["document"]["errorStartoffsetMap"] == {"sequenceNumber": seq}
    assert "deletes are not written" in remove["document"]["skipMessage"]
    assert keys_only["status"] == "ERROR" and "KEYS_ONLY" in keys_only["document"]["errorMessage"]
    assert unknown["status"] == "ERROR" and "'TRUNCATE'" in unknown["document"]["errorMessage"]
    assert items[4]["errorMessage"].startswith("letsdata assert - ")


# -- DynamoDB table -------------------------------------------------------------------------------
def test_table_captured_item(select: Callable[[str], None]) -> None:
    select("DynamoDBTableItemReader")
    event = load_event("DynamoDBTableItemReader.parseDynamoDBItem")
    doc = invoke_ok(event)["document"]
    assert (doc["documentId"], doc["recordType"], doc["partitionKey"]) == (
        "value1|value2",
        "Test_Table",
        "value1|value2",
    )
    assert doc["documentMetadata"] == {"tableName": "Test_Table", "segmentNumber": 1}
    assert doc["documentKeyValuesMap"] == event["data"]["data"]["item"]


def test_table_id_is_stable_whatever_the_key_order(select: Callable[[str], None]) -> None:
    select("DynamoDBTableItemReader")
    ids = set()
    for keys in ({"pk": "a", "sk": 2}, {"sk": 2, "pk": "a"}):
        data = {"tableName": "T", "segmentNumber": 0, "data": {"keys": keys, "item": {**keys, "v": 1}}}
        ids.add(
            invoke_ok(make_request("DynamoDBTableItemReader", "parseDynamoDBItem", data))["document"][
                "documentId"
            ]
        )
    assert ids == {"a|2"}


def test_table_empty_item_is_an_error_doc_located_by_keys(select: Callable[[str], None]) -> None:
    select("DynamoDBTableItemReader")
    data = {"tableName": "T", "segmentNumber": 3, "data": {"keys": {"pk": "a"}, "item": {}}}
    result = invoke_ok(make_request("DynamoDBTableItemReader", "parseDynamoDBItem", data))
    assert result["status"] == "ERROR"
    assert result["document"]["errorStartoffsetMap"] == {"keys": '{"pk": "a"}'}
    assert "item a of T (segment 3) is empty" == result["document"]["errorMessage"]
