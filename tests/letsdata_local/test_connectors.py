"""Read and write connectors against the moto server, with the real bridge and example implementations."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from letsdata_local.readers import (
    DynamoDBStreamsReader,
    DynamoDBTableReader,
    KinesisReader,
    ResourceMissingError,
    S3SingleFileReader,
    SqsReader,
)
from letsdata_local.writers import DynamoDBWriter, KinesisWriter, LocalFileWriter, S3PartWriter, SqsWriter
from tests.letsdata_local.reference import naive_split

JSONL = "examples.letsdata.jsonl_log_parser:JsonLinesLogParser"


def _records(reader: Any) -> list[Any]:
    return [r for page in reader.pages() for r in page]


def test_s3_reader_streams_gzip_and_plain_with_exact_offsets(session: Any, make_bridge: Any) -> None:
    s3 = session.client("s3")
    s3.create_bucket(Bucket="in-bucket")
    lines = [json.dumps({"id": f"r{i}", "msg": "é東" * (i % 7), "level": "INFO"}, ensure_ascii=False) for i in range(500)]
    data = ("\n".join(lines) + "\n").encode()
    s3.put_object(Bucket="in-bucket", Key="a.jsonl", Body=data)
    s3.put_object(Bucket="in-bucket", Key="b.jsonl.gz", Body=gzip.compress(data))
    bridge = make_bridge(SingleFileParser=JSONL)
    reader = S3SingleFileReader(session, bridge, "in-bucket", ["a.jsonl", "b.jsonl.gz"], chunk_size=1000)
    reader.check()
    records = _records(reader)
    expected = naive_split(data, b"{", b"\n")
    assert len(records) == 2 * len(expected)
    for rec, (offset, raw) in zip(records, expected + expected, strict=True):
        assert rec.data["offsetBytes"] == offset
        assert rec.data["content"] == raw.decode()
        assert rec.data["endIndex"] == len(raw) and rec.data["startIndex"] == 0
        assert rec.data["s3FileType"] == "JSONLOGS"
    assert records[0].data["fileName"] == "a.jsonl" and records[-1].data["fileName"] == "b.jsonl.gz"


def test_s3_invalid_utf8_record_becomes_an_error_document_without_a_call(session: Any, make_bridge: Any) -> None:
    from letsdata_local.config import Config
    from letsdata_local.runner import Runner, RunOptions

    s3 = session.client("s3")
    s3.create_bucket(Bucket="in-bucket")
    s3.put_object(Bucket="in-bucket", Key="f.jsonl", Body=b'{"id": "ok"}\n{"id": "\xff\xfe"}\n{"id": "ok2"}\n')
    bridge = make_bridge(SingleFileParser=JSONL)
    cfg = Config({"datasetName": "U", "readConnector": {"connectorDestination": "S3", "bucketName": "in-bucket"},
                  "writeConnector": {"connectorDestination": "LOCAL", "path": "docs.jsonl"},
                  "errorConnector": {"connectorDestination": "LOCAL", "path": "errors.jsonl"},
                  "computeEngine": {"computeEngineType": "LAMBDA"}, "manifestFile": {"fileContents": "f.jsonl"}})
    runner = Runner(cfg, session, bridge, RunOptions(progress=False))
    runner.check()
    summary = runner.run()
    assert (summary.records_read, summary.documents_written, summary.errors) == (3, 2, 1)
    error = json.loads(Path("errors.jsonl").read_text())
    assert "not valid UTF-8" in error["errorMessage"]
    assert error["errorStartoffsetMap"] == {"JSONLOGS": "13"} and error["errorEndoffsetMap"] == {"JSONLOGS": "26"}


def test_s3_reader_reports_missing_bucket_and_objects(session: Any, make_bridge: Any) -> None:
    bridge = make_bridge(SingleFileParser=JSONL)
    with pytest.raises(ResourceMissingError, match="S3 bucket 'nope-bucket'"):
        S3SingleFileReader(session, bridge, "nope-bucket", ["x"]).check()
    session.client("s3").create_bucket(Bucket="in-bucket")
    with pytest.raises(ResourceMissingError, match="'missing.jsonl'"):
        S3SingleFileReader(session, bridge, "in-bucket", ["missing.jsonl"]).check()


def test_sqs_reader_drains_and_deletes_only_on_ack(session: Any) -> None:
    sqs = session.client("sqs")
    url = sqs.create_queue(QueueName="in-q")["QueueUrl"]
    for i in range(23):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"n": i}),
                         MessageAttributes={"a": {"DataType": "String", "StringValue": "v"}})
    reader = SqsReader(session, queue_name="in-q", empty_receives_to_stop=2, idle_sleep=0)
    reader.check()
    records = _records(reader)
    assert sorted(json.loads(r.data["messageBody"])["n"] for r in records) == list(range(23))
    assert records[0].data["messageAttributes"] == {"a": {"dataType": "String", "stringValue": "v"}}
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert int(attrs["ApproximateNumberOfMessagesNotVisible"]) == 23  # received, not deleted
    reader.ack(records)
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert int(attrs["ApproximateNumberOfMessagesNotVisible"]) + int(attrs["ApproximateNumberOfMessages"]) == 0
    with pytest.raises(ResourceMissingError, match="SQS queue 'absent'"):
        SqsReader(session, queue_name="absent").check()


def test_kinesis_reader_reads_every_shard_from_trim_horizon(session: Any) -> None:
    kinesis = session.client("kinesis")
    kinesis.create_stream(StreamName="in-stream", ShardCount=3)
    kinesis.get_waiter("stream_exists").wait(StreamName="in-stream")
    for i in range(40):
        kinesis.put_record(StreamName="in-stream", Data=json.dumps({"i": i}).encode(), PartitionKey=f"pk{i}")
    reader = KinesisReader(session, "arn:aws:kinesis:us-east-1:123456789012:stream/in-stream")
    reader.check()
    records = _records(reader)
    assert sorted(json.loads(r.data["data"])["i"] for r in records) == list(range(40))
    assert len({r.data["shardId"] for r in records}) > 1
    assert all(isinstance(r.data["approximateArrivalTimestamp"], int) for r in records)
    assert records[0].data["streamArn"].endswith("stream/in-stream")
    with pytest.raises(ResourceMissingError, match="Kinesis stream"):
        KinesisReader(session, "gone").check()


def _table(session: Any, name: str, stream: bool = False) -> None:
    from letsdata_local.config import Config
    from letsdata_local.resources import Provisioner

    cfg = Config({"datasetName": "t", "readConnector": {"connectorDestination": "DYNAMODB_TABLE", "tableName": name},
                  "writeConnector": {"connectorDestination": "LOCAL"}, "computeEngine": {"computeEngineType": "LAMBDA"}})
    Provisioner(cfg, session).table(name, "id", stream=stream)


def test_dynamodb_streams_reader_plain_values(session: Any) -> None:
    _table(session, "tbl", stream=True)
    ddb = session.client("dynamodb")
    ddb.put_item(TableName="tbl", Item={"id": {"S": "a"}, "n": {"N": "3"}, "f": {"N": "1.5"}})
    ddb.put_item(TableName="tbl", Item={"id": {"S": "a"}, "n": {"N": "4"}})
    ddb.delete_item(TableName="tbl", Key={"id": {"S": "a"}})
    reader = DynamoDBStreamsReader(session, table_name="tbl")
    reader.check()
    records = _records(reader)
    assert [r.data["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    first, second, third = (r.data["data"] for r in records)
    assert first == {"keys": {"id": "a"}, "oldImage": {}, "newImage": {"id": "a", "n": 3, "f": 1.5}}
    assert second["oldImage"]["n"] == 3 and second["newImage"]["n"] == 4
    assert third["newImage"] == {} and third["keys"] == {"id": "a"}
    assert all(isinstance(r.data["approximateCreationDateTime"], int) for r in records)


def test_dynamodb_table_reader_parallel_scan(session: Any) -> None:
    _table(session, "items")
    ddb = session.client("dynamodb")
    for i in range(57):
        ddb.put_item(TableName="items", Item={"id": {"S": f"k{i}"}, "v": {"N": str(i)}})
    reader = DynamoDBTableReader(session, "items", total_segments=3)
    reader.check()
    records = _records(reader)
    assert sorted(r.data["data"]["item"]["v"] for r in records) == list(range(57))
    assert {r.data["segmentNumber"] for r in records} <= {0, 1, 2}
    assert records[0].data["data"]["keys"] == {"id": records[0].data["data"]["item"]["id"]}
    with pytest.raises(ResourceMissingError, match="DynamoDB table 'nope'"):
        DynamoDBTableReader(session, "nope").check()


DOCS = [{"documentId": f"d{i}", "recordType": "T", "partitionKey": f"p{i % 5}", "documentMetadata": {}, "v": i}
        for i in range(1234)]


def test_kinesis_writer_batches_500_and_retries_failures(session: Any) -> None:
    kinesis = session.client("kinesis")
    kinesis.create_stream(StreamName="out", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="out")
    writer = KinesisWriter(session, "out")
    real = writer.client.put_records
    calls: list[int] = []

    def flaky(**kwargs: Any) -> Any:  # the first call reports its first record as throttled
        calls.append(len(kwargs["Records"]))
        if len(calls) == 1:
            reply = real(StreamName=kwargs["StreamName"], Records=kwargs["Records"][1:])
            reply["Records"] = [{"ErrorCode": "ProvisionedThroughputExceededException"}, *reply["Records"]]
            reply["FailedRecordCount"] = 1
            return reply
        return real(**kwargs)

    writer.client = type("C", (), {"put_records": staticmethod(flaky)})()
    for doc in DOCS:
        writer.write(doc)
    writer.close()
    assert max(calls) <= 500 and calls[1] == 1
    it = kinesis.get_shard_iterator(StreamName="out", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")
    got: list[int] = []
    iterator = it["ShardIterator"]
    while True:
        reply = kinesis.get_records(ShardIterator=iterator, Limit=10000)
        if not reply["Records"]:
            break
        got.extend(json.loads(r["Data"])["v"] for r in reply["Records"])
        iterator = reply["NextShardIterator"]
    assert sorted(got) == list(range(1234))


def test_sqs_writer_batches_of_ten(session: Any) -> None:
    url = session.client("sqs").create_queue(QueueName="out-q")["QueueUrl"]
    writer = SqsWriter(session, url, message_id_attribute="documentId")
    for doc in DOCS[:35]:
        writer.write(doc)
    writer.close()
    seen = []
    sqs = session.client("sqs")
    while True:
        msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get("Messages")
        if not msgs:
            break
        for m in msgs:
            assert m["MessageAttributes"]["documentId"]["StringValue"] == json.loads(m["Body"])["documentId"]
            seen.append(json.loads(m["Body"])["v"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    assert sorted(seen) == list(range(35))


def test_s3_part_writer_uploads_only_finished_parts(session: Any) -> None:
    s3 = session.client("s3")
    s3.create_bucket(Bucket="out-bucket")
    writer = S3PartWriter(session, "out-bucket", "ds/documents/", part_bytes=20_000)
    for doc in DOCS:
        writer.write(doc)
    assert writer.flush() is False  # an open part is not durable yet
    writer.close()
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="out-bucket")["Contents"]]
    assert keys == writer.parts and len(keys) > 1
    body = b"".join(s3.get_object(Bucket="out-bucket", Key=k)["Body"].read() for k in keys)
    assert [json.loads(line)["v"] for line in body.splitlines()] == list(range(1234))
    aborted = S3PartWriter(session, "out-bucket", "aborted/")
    aborted.write(DOCS[0])
    aborted.abort()
    assert "Contents" not in s3.list_objects_v2(Bucket="out-bucket", Prefix="aborted/")


def test_dynamodb_writer_retries_unprocessed_items(session: Any) -> None:
    _table(session, "out-table")
    writer = DynamoDBWriter(session, "out-table")
    real = writer.client.batch_write_item
    state = {"n": 0}

    def partial(**kwargs: Any) -> Any:
        state["n"] += 1
        requests = kwargs["RequestItems"]["out-table"]
        if state["n"] == 1:  # first call: the last 5 items come back unprocessed
            real(RequestItems={"out-table": requests[:-5]})
            return {"UnprocessedItems": {"out-table": requests[-5:]}}
        return real(**kwargs)

    writer.client = type("C", (), {"batch_write_item": staticmethod(partial)})()
    docs = [{**d, "id": d["documentId"], "f": 1.25} for d in DOCS[:60]]
    for doc in docs:
        writer.write(doc)
    writer.close()
    items = session.client("dynamodb").scan(TableName="out-table")["Items"]
    assert len(items) == 60 and items[0]["f"] == {"N": "1.25"}


def test_local_writer_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "out" / "docs.jsonl"
    writer = LocalFileWriter(target)
    writer.write(DOCS[0])
    assert not target.exists() and writer.flush() is False
    writer.close()
    assert json.loads(target.read_text())["documentId"] == "d0"
    interrupted = LocalFileWriter(tmp_path / "out" / "other.jsonl")
    interrupted.write(DOCS[1])
    interrupted.abort()
    assert not (tmp_path / "out" / "other.jsonl").exists()
    assert (tmp_path / "out" / "other.jsonl.partial").exists()


def test_local_writer_lines_are_compact_utf8_and_strict_json(tmp_path: Path) -> None:
    from datalake_library.json_codec import JsonCodecError

    target = tmp_path / "docs.jsonl"
    writer = LocalFileWriter(target)
    writer.write({"documentId": "é1", "v": [1, 2.5], "n": None})
    writer.close()
    assert target.read_bytes() == '{"documentId":"é1","v":[1,2.5],"n":null}\n'.encode()
    refusing = LocalFileWriter(tmp_path / "nan.jsonl")
    with pytest.raises(JsonCodecError, match=r"\$\.score"):
        refusing.write({"documentId": "d", "score": float("nan")})
    refusing.abort()


def test_gzip_kinesis_records_round_trip_through_writer_and_reader(session: Any) -> None:
    kinesis = session.client("kinesis")
    kinesis.create_stream(StreamName="gz", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="gz")
    writer = KinesisWriter(session, "gz", gzip_records=True)
    for doc in DOCS[:20]:
        writer.write(doc)
    writer.close()
    kinesis.put_record(StreamName="gz", Data=b"\x1f\x8bnot-gzip", PartitionKey="bad")
    records = _records(KinesisReader(session, "gz"))
    assert [json.loads(r.data["data"])["v"] for r in records[:20]] == list(range(20))
    assert records[20].error and "gzip" in records[20].error
