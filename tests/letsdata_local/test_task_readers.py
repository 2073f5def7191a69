"""Task readers: one shard / segment / file each, resuming strictly after the stored position."""

from __future__ import annotations

import json
from typing import Any

from letsdata_local.config import Config
from letsdata_local.resources import Provisioner
from letsdata_local.tasks import (
    DYNAMODB_SCAN_SEGMENT,
    DYNAMODB_STREAMS_SHARD,
    DynamoDBSegmentTaskReader,
    DynamoDBStreamsShardTaskReader,
    KinesisShardTaskReader,
    plan_tasks,
)


def _records(reader: Any) -> list[Any]:
    return [r for page in reader.pages() for r in page]


def test_kinesis_shard_task_resumes_after_the_stored_sequence_number(session: Any) -> None:
    kinesis = session.client("kinesis")
    kinesis.create_stream(StreamName="events", ShardCount=1)
    sequences = [kinesis.put_record(StreamName="events", Data=json.dumps({"i": i}).encode(), PartitionKey="k")
                 ["SequenceNumber"] for i in range(12)]
    whole = KinesisShardTaskReader(session, "events", shard_id="shardId-000000000000")
    records = _records(whole)
    assert [json.loads(r.data["data"])["i"] for r in records] == list(range(12))
    assert [whole.position_of(r) for r in records] == sequences
    resumed = KinesisShardTaskReader(session, "events", shard_id="shardId-000000000000", after_sequence=sequences[4])
    assert [json.loads(r.data["data"])["i"] for r in _records(resumed)] == list(range(5, 12))


def _config(read: dict[str, Any]) -> Config:
    return Config({"datasetName": "T", "readConnector": read, "writeConnector": {"connectorDestination": "LOCAL"},
                   "computeEngine": {"computeEngineType": "LAMBDA"}, "manifestFile": {"totalSegments": 2}})


def test_dynamodb_streams_shard_task_resumes_after_the_stored_sequence_number(session: Any) -> None:
    cfg = _config({"connectorDestination": "DYNAMODB_STREAMS", "tableName": "tbl"})
    Provisioner(cfg, session).table("tbl", "id", stream=True)
    ddb = session.client("dynamodb")
    for i in range(6):
        ddb.put_item(TableName="tbl", Item={"id": {"S": f"k{i}"}})
    tasks = plan_tasks(cfg, session)
    assert tasks and all(t.kind == DYNAMODB_STREAMS_SHARD for t in tasks)
    records = [r for t in tasks for r in _records(DynamoDBStreamsShardTaskReader(session, table_name="tbl",
                                                                                  shard_id=t.source))]
    assert [r.data["data"]["keys"]["id"] for r in records] == [f"k{i}" for i in range(6)]
    shard = records[0].data["shardId"]
    position = DynamoDBStreamsShardTaskReader(session, table_name="tbl", shard_id=shard).position_of(records[2])
    assert position == records[2].data["sequenceNumber"]
    resumed = DynamoDBStreamsShardTaskReader(session, table_name="tbl", shard_id=shard, after_sequence=position)
    assert [r.data["data"]["keys"]["id"] for r in _records(resumed)] == ["k3", "k4", "k5"]


def test_scan_segment_task_resumes_after_the_stored_key(session: Any) -> None:
    cfg = _config({"connectorDestination": "DYNAMODB_TABLE", "tableName": "items"})
    Provisioner(cfg, session).table("items", "id")
    ddb = session.client("dynamodb")
    for i in range(20):
        ddb.put_item(TableName="items", Item={"id": {"S": f"k{i:02d}"}, "v": {"N": str(i)}})
    tasks = plan_tasks(cfg, session)
    assert [(t.task_id, t.kind) for t in tasks] == [("segment-0000-of-0002", DYNAMODB_SCAN_SEGMENT),
                                                    ("segment-0001-of-0002", DYNAMODB_SCAN_SEGMENT)]
    per_segment = []
    resumed_segments = 0
    for segment in (0, 1):
        # the service's own order for this segment is the oracle
        expected = [i["id"]["S"] for i in ddb.scan(TableName="items", Segment=segment, TotalSegments=2)["Items"]]
        reader = DynamoDBSegmentTaskReader(session, "items", 2, segment=segment)
        records = _records(reader)
        assert [r.data["data"]["item"]["id"] for r in records] == expected
        per_segment.append(expected)
        if len(records) > 3:
            position = reader.position_of(records[2])
            assert position is not None and json.loads(position) == {"id": {"S": expected[2]}}
            resumed = DynamoDBSegmentTaskReader(session, "items", 2, segment=segment, start_key=position)
            assert [r.data["data"]["item"]["id"] for r in _records(resumed)] == expected[3:]
            resumed_segments += 1
    assert resumed_segments >= 1
    assert sorted(per_segment[0] + per_segment[1]) == [f"k{i:02d}" for i in range(20)]
