"""Destination and Lambda size limits on the moto server: an oversize document or payload becomes an
error document naming its source record, and the rest of the run is written.

The limits below are written out by hand from the AWS quotas (Kinesis 1 MiB record, SQS 256 KiB
message, DynamoDB 400 KB item, Lambda 6 MB synchronous payload), not taken from the code.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest

from letsdata_interfaces.readers.sqs.QueueMessageReader import QueueMessageReader
from letsdata_local.config import Config
from letsdata_local.engine import BridgeClient, InProcessInvoker
from letsdata_local.runner import Runner, RunOptions

MIB = 1024 * 1024


class PaddedMessageReader(QueueMessageReader):
    """Test implementation: body ``{"id": .., "pad": N, "mode": ..}`` -> a document whose ``pad``
    field is N characters (random base64 for ``mode == "random"``, so gzip cannot shrink it)."""

    def parseMessage(self, messageId: str, messageGroupId: Any, messageDeduplicationId: Any,
                     messageAttributes: Any, messageBody: str) -> Any:
        from examples.letsdata._documents import document_from_flat, success

        spec = json.loads(messageBody)
        n = int(spec.get("pad", 0))
        if spec.get("mode") == "random":
            pad = base64.b64encode(os.urandom(n))[:n].decode()
        else:
            pad = "x" * n
        flat = {"id": spec["id"], "pad": pad}
        return success(document_from_flat(flat, default_id=spec["id"], default_record_type="Padded",
                                          default_partition_key=spec["id"]))


class HugeResponseReader(QueueMessageReader):
    """Test implementation: returns a document of ``pad`` characters (``"big"`` means 7 MB)."""

    def parseMessage(self, messageId: str, messageGroupId: Any, messageDeduplicationId: Any,
                     messageAttributes: Any, messageBody: str) -> Any:
        from examples.letsdata._documents import document_from_flat, success

        spec = json.loads(messageBody)
        n = 7_000_000 if spec.get("pad") == "big" else int(spec.get("pad", 0))
        return success(document_from_flat({"id": spec["id"], "pad": "y" * n}, default_id=spec["id"],
                                          default_record_type="Padded", default_partition_key=spec["id"]))


PADDED = "tests.letsdata_local.test_limits:PaddedMessageReader"


def _queue(session: Any, name: str, bodies: list[dict[str, Any]]) -> tuple[str, dict[str, str]]:
    sqs = session.client("sqs")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    ids = {}
    for body in bodies:
        ids[body["id"]] = sqs.send_message(QueueUrl=url, MessageBody=json.dumps(body))["MessageId"]
    return url, ids


def _run(session: Any, write: dict[str, Any], tmp_path: Path, impl: str = PADDED, batch: int = 10) -> Any:
    from letsdata_service.registry import register_implementation

    register_implementation("QueueMessageReader", impl)
    cfg = Config({"datasetName": "Limits", "readConnector": {"connectorDestination": "SQS", "queueName": "in"},
                  "writeConnector": write,
                  "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "errors.jsonl")},
                  "computeEngine": {"computeEngineType": "LAMBDA"},
                  "manifestFile": {"sqsReaderTaskStopAfterConsecutiveEmptyReceives": 1}})
    bridge = BridgeClient(InProcessInvoker(), "Limits", batch_size=batch)
    runner = Runner(cfg, session, bridge, RunOptions(batch_size=batch, progress=False))
    runner.check()
    return runner, runner.run()


def _queue_empty(session: Any, url: str) -> bool:
    attrs = session.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"]) == 0


def _errors(tmp_path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (tmp_path / "errors.jsonl").read_text().splitlines()]


def _stream_docs(session: Any, name: str) -> list[dict[str, Any]]:
    kinesis = session.client("kinesis")
    iterator = kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    out: list[dict[str, Any]] = []
    while True:
        reply = kinesis.get_records(ShardIterator=iterator, Limit=1000)
        if not reply["Records"]:
            return out
        out.extend(json.loads(gzip.decompress(r["Data"])) for r in reply["Records"])
        iterator = reply["NextShardIterator"]


def test_kinesis_document_over_1_mib_becomes_an_error_naming_the_message(session: Any, tmp_path: Path) -> None:
    kinesis = session.client("kinesis")
    kinesis.create_stream(StreamName="out", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="out")
    # 1.6 MB of random base64 gzips to about 1.2 MB: still over 1 MiB; the others are small
    bodies = [{"id": f"d{i}", "pad": 1_600_000 if i == 7 else 100, "mode": "random"} for i in range(20)]
    url, ids = _queue(session, "in", bodies)
    _, summary = _run(session, {"connectorDestination": "KINESIS", "streamName": "out"}, tmp_path)
    assert (summary.records_read, summary.documents_written, summary.errors) == (20, 19, 1)
    written = _stream_docs(session, "out")
    assert sorted(d["id"] for d in written) == sorted(f"d{i}" for i in range(20) if i != 7)
    (error,) = _errors(tmp_path)
    assert f"SQS message {ids['d7']}" in error["errorMessage"]
    assert "1,048,576" in error["errorMessage"] and "KINESIS" in error["errorMessage"]
    assert error["errorStartoffsetMap"] == {"messageId": ids["d7"]}
    assert _queue_empty(session, url)  # the oversize message was settled as an error, not left behind


def test_kinesis_limit_counts_the_compressed_record(session: Any, tmp_path: Path) -> None:
    kinesis = session.client("kinesis")
    kinesis.create_stream(StreamName="out", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="out")
    # 250,000 'x' characters are under SQS's input limit, and far under 1 MiB once gzipped
    _queue(session, "in", [{"id": "zip", "pad": 250_000}])
    _, summary = _run(session, {"connectorDestination": "KINESIS", "streamName": "out"}, tmp_path)
    assert (summary.documents_written, summary.errors) == (1, 0)
    assert len(_stream_docs(session, "out")[0]["pad"]) == 250_000


def test_sqs_document_over_256_kib_becomes_an_error_and_nothing_is_sent_twice(session: Any, tmp_path: Path) -> None:
    out_url = session.client("sqs").create_queue(QueueName="out")["QueueUrl"]
    bodies = [{"id": f"d{i}", "pad": 262_144 if i == 12 else 50} for i in range(20)]
    url, ids = _queue(session, "in", bodies)
    _, summary = _run(session, {"connectorDestination": "SQS", "queueName": "out"}, tmp_path)
    assert (summary.records_read, summary.documents_written, summary.errors) == (20, 19, 1)
    (error,) = _errors(tmp_path)
    assert f"SQS message {ids['d12']}" in error["errorMessage"] and "262,144" in error["errorMessage"]
    assert _queue_empty(session, url)
    sqs = session.client("sqs")
    seen: list[str] = []
    while msgs := sqs.receive_message(QueueUrl=out_url, MaxNumberOfMessages=10).get("Messages"):
        for m in msgs:
            seen.append(json.loads(m["Body"])["id"])
            sqs.delete_message(QueueUrl=out_url, ReceiptHandle=m["ReceiptHandle"])
    assert sorted(seen) == sorted(f"d{i}" for i in range(20) if i != 12)


def test_dynamodb_document_over_400_kb_becomes_an_error(session: Any, tmp_path: Path) -> None:
    from tests.letsdata_local.test_connectors import _table

    _table(session, "out-table")
    bodies = [{"id": f"d{i}", "pad": 409_700 if i == 0 else 10} for i in range(20)]
    url, ids = _queue(session, "in", bodies)
    _, summary = _run(session, {"connectorDestination": "DYNAMODB", "tableName": "out-table"}, tmp_path)
    assert (summary.documents_written, summary.errors) == (19, 1)
    items = session.client("dynamodb").scan(TableName="out-table")["Items"]
    assert sorted(i["id"]["S"] for i in items) == sorted(f"d{i}" for i in range(1, 20))
    (error,) = _errors(tmp_path)
    assert f"SQS message {ids['d0']}" in error["errorMessage"] and "409,600" in error["errorMessage"]


def test_dynamodb_item_just_under_400_kb_is_written(session: Any, tmp_path: Path) -> None:
    from tests.letsdata_local.test_connectors import _table

    _table(session, "out-table")
    _queue(session, "in", [{"id": "near", "pad": 400_000}])
    _, summary = _run(session, {"connectorDestination": "DYNAMODB", "tableName": "out-table"}, tmp_path)
    assert (summary.documents_written, summary.errors) == (1, 0)


def test_lambda_response_over_6_mb_fails_only_its_record(session: Any, tmp_path: Path) -> None:
    bodies = [{"id": f"d{i}", "pad": "big" if i == 5 else 10} for i in range(20)]
    url, ids = _queue(session, "in", bodies)
    impl = "tests.letsdata_local.test_limits:HugeResponseReader"
    _, summary = _run(session, {"connectorDestination": "LOCAL", "path": str(tmp_path / "docs.jsonl")}, tmp_path,
                      impl=impl)
    assert (summary.records_read, summary.documents_written, summary.errors) == (20, 19, 1)
    docs = [json.loads(line)["id"] for line in (tmp_path / "docs.jsonl").read_text().splitlines()]
    assert sorted(docs) == sorted(f"d{i}" for i in range(20) if i != 5)
    (error,) = _errors(tmp_path)
    assert f"SQS message {ids['d5']}" in error["errorMessage"] and "response" in error["errorMessage"]
    assert "6,291,456" in error["errorMessage"]
    assert _queue_empty(session, url)


def test_lambda_request_over_6_mb_is_never_sent(session: Any, make_bridge: Any) -> None:
    """An S3 record of 6.5 MB cannot be sent; the handler is never called with it."""
    from letsdata_local.limits import PayloadTooLargeError

    calls: list[int] = []

    def handler(event: Any, context: Any) -> Any:
        calls.append(1)
        return {"body": {"statusCode": "SUCCESS", "data": None}}

    invoker = InProcessInvoker(handler)
    with pytest.raises(PayloadTooLargeError, match="request is 6,8"):
        invoker({"data": "z" * 6_800_000})
    assert calls == []
    invoker({"data": "z" * 6_000_000})
    assert calls == [1]


def test_kinesis_compression_none_writes_plain_json(session: Any, tmp_path: Path) -> None:
    kinesis = session.client("kinesis")
    kinesis.create_stream(StreamName="out", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="out")
    _queue(session, "in", [{"id": "plain", "pad": 3}])
    _run(session, {"connectorDestination": "KINESIS", "streamName": "out", "compression": "NONE"}, tmp_path)
    iterator = kinesis.get_shard_iterator(StreamName="out", ShardId="shardId-000000000000",
                                          ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    (record,) = kinesis.get_records(ShardIterator=iterator)["Records"]
    assert json.loads(record["Data"])["pad"] == "xxx"


def test_a_failed_write_acknowledges_exactly_the_durable_records(
    session: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kinesis keeps refusing one document: the run stops, the messages whose documents were written
    are deleted, the one whose document was not stays in the queue, and the error says so."""
    from letsdata_local.writers import WriteError

    kinesis = session.client("kinesis")
    kinesis.create_stream(StreamName="out", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="out")
    url, ids = _queue(session, "in", [{"id": f"d{i}", "pad": 5} for i in range(10)])
    from letsdata_service.registry import register_implementation

    register_implementation("QueueMessageReader", PADDED)
    cfg = Config({"datasetName": "Fail", "readConnector": {"connectorDestination": "SQS", "queueName": "in"},
                  "writeConnector": {"connectorDestination": "KINESIS", "streamName": "out"},
                  "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "errors.jsonl")},
                  "computeEngine": {"computeEngineType": "LAMBDA"},
                  "manifestFile": {"sqsReaderTaskStopAfterConsecutiveEmptyReceives": 1}})
    runner = Runner(cfg, session, BridgeClient(InProcessInvoker(), "Fail", batch_size=10),
                    RunOptions(batch_size=10, progress=False))
    runner.check()
    assert runner.writer is not None
    real = runner.writer.client.put_records  # type: ignore[attr-defined]

    def refuse_d3(**kwargs: Any) -> Any:
        records = kwargs["Records"]
        bad = [json.loads(gzip.decompress(r["Data"]))["id"] == "d3" for r in records]
        good = [r for r, b in zip(records, bad, strict=True) if not b]
        reply = real(StreamName=kwargs["StreamName"], Records=good) if good else {"Records": []}
        results = iter(reply["Records"])
        reply["Records"] = [{"ErrorCode": "InternalFailure", "ErrorMessage": "no"} if b else next(results)
                            for b in bad]
        reply["FailedRecordCount"] = sum(bad)
        return reply

    runner.writer.client = type("C", (), {"put_records": staticmethod(refuse_d3)})()  # type: ignore[attr-defined]
    from tests.conftest import record_sleeps

    sleeps = record_sleeps(monkeypatch)  # the writer's retry backoff, not really slept
    with pytest.raises(WriteError, match="kinesis out: 1 records still failing after 8 attempts; 9 source records "
                                         "whose documents are durable were acknowledged, 1 were not and will be read"):
        runner.run()
    assert len(sleeps) == 7  # 8 attempts, a backoff between each
    sqs = session.client("sqs")
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"]) == 1
    assert sorted(d["id"] for d in _stream_docs(session, "out")) == sorted(f"d{i}" for i in range(10) if i != 3)


def test_a_message_the_destination_refuses_becomes_an_error_document(session: Any, tmp_path: Path) -> None:
    """SQS refuses one message for its content (a sender fault): the other 19 are sent once, the
    refused one is an error document naming its source message, and the run goes on."""
    out_url = session.client("sqs").create_queue(QueueName="out")["QueueUrl"]
    url, ids = _queue(session, "in", [{"id": f"d{i}", "pad": 5} for i in range(20)])
    from letsdata_service.registry import register_implementation

    register_implementation("QueueMessageReader", PADDED)
    cfg = Config({"datasetName": "Ref", "readConnector": {"connectorDestination": "SQS", "queueName": "in"},
                  "writeConnector": {"connectorDestination": "SQS", "queueName": "out"},
                  "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "errors.jsonl")},
                  "computeEngine": {"computeEngineType": "LAMBDA"},
                  "manifestFile": {"sqsReaderTaskStopAfterConsecutiveEmptyReceives": 1}})
    runner = Runner(cfg, session, BridgeClient(InProcessInvoker(), "Ref", batch_size=10),
                    RunOptions(batch_size=10, progress=False))
    runner.check()
    assert runner.writer is not None
    real = runner.writer.client.send_message_batch  # type: ignore[attr-defined]

    def refuse_d14(**kwargs: Any) -> Any:
        entries = kwargs["Entries"]
        bad = [e for e in entries if json.loads(e["MessageBody"])["id"] == "d14"]
        reply = real(QueueUrl=kwargs["QueueUrl"], Entries=[e for e in entries if e not in bad])
        reply.setdefault("Failed", [])
        reply["Failed"] += [{"Id": e["Id"], "SenderFault": True, "Code": "InvalidMessageContents",
                             "Message": "invalid characters"} for e in bad]
        return reply

    runner.writer.client = type("C", (), {"send_message_batch": staticmethod(refuse_d14)})()  # type: ignore[attr-defined]
    summary = runner.run()
    assert (summary.records_read, summary.documents_written, summary.errors) == (20, 19, 1)
    (error,) = _errors(tmp_path)
    assert f"SQS message {ids['d14']}" in error["errorMessage"] and "InvalidMessageContents" in error["errorMessage"]
    assert _queue_empty(session, url)
    sqs = session.client("sqs")
    seen: list[str] = []
    while msgs := sqs.receive_message(QueueUrl=out_url, MaxNumberOfMessages=10).get("Messages"):
        for m in msgs:
            seen.append(json.loads(m["Body"])["id"])
            sqs.delete_message(QueueUrl=out_url, ReceiptHandle=m["ReceiptHandle"])
    assert sorted(seen) == sorted(f"d{i}" for i in range(20) if i != 14)


def test_s3_record_whose_document_is_over_1_mib_is_named_by_file_and_offset(
    session: Any, tmp_path: Path, make_bridge: Any
) -> None:
    s3 = session.client("s3")
    s3.create_bucket(Bucket="in-bucket")
    kinesis = session.client("kinesis")
    kinesis.create_stream(StreamName="out", ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName="out")
    lines = []
    for i in range(20):
        message = base64.b64encode(os.urandom(1_200_000)).decode() if i == 7 else "ok"
        lines.append((json.dumps({"id": f"r{i}", "level": "INFO", "message": message}) + "\n").encode())
    s3.put_object(Bucket="in-bucket", Key="in.jsonl", Body=b"".join(lines))
    offset = sum(len(line) for line in lines[:7])  # where the 8th line starts
    bridge = make_bridge(SingleFileParser="examples.letsdata.jsonl_log_parser:JsonLinesLogParser")
    cfg = Config({"datasetName": "S", "readConnector": {"connectorDestination": "S3", "bucketName": "in-bucket"},
                  "writeConnector": {"connectorDestination": "KINESIS", "streamName": "out"},
                  "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "errors.jsonl")},
                  "computeEngine": {"computeEngineType": "LAMBDA"}, "manifestFile": {"fileContents": "in.jsonl"}})
    runner = Runner(cfg, session, bridge, RunOptions(progress=False))
    runner.check()
    summary = runner.run()
    assert (summary.records_read, summary.documents_written, summary.errors) == (20, 19, 1)
    assert sorted(d["id"] for d in _stream_docs(session, "out")) == sorted(f"r{i}" for i in range(20) if i != 7)
    (error,) = _errors(tmp_path)
    assert f"file in.jsonl at byte offset {offset}:" in error["errorMessage"]
    assert error["errorStartoffsetMap"] == {"JSONLOGS": str(offset)}


def test_call_within_limits_halves_until_the_oversize_item_is_alone() -> None:
    from letsdata_local.engine import ItemResult
    from letsdata_local.limits import PayloadTooLargeError
    from letsdata_local.readers import SourceRecord
    from letsdata_local.runner import call_within_limits

    calls: list[list[str]] = []

    class Bridge:
        def call_many(self, interface: str, function: str, items: list[Any]) -> list[ItemResult]:
            calls.append(list(items))
            if "big" in items:
                raise PayloadTooLargeError("request", 7_000_000)
            return [ItemResult(True, item) for item in items]

    items = ["a", "b", "big", "c"]
    records = [SourceRecord({"messageId": f"id-{x}"}, x, {}, {}) for x in items]
    results = call_within_limits(Bridge(), "I", "f", items, records)  # type: ignore[arg-type]
    assert [r.ok for r in results] == [True, True, False, True]
    assert [r.data for r in results if r.ok] == ["a", "b", "c"]
    assert results[2].error_message.startswith("SQS message id-big: the Lambda request is 7,000,000 bytes")
    assert calls == [["a", "b", "big", "c"], ["a", "b"], ["big", "c"], ["big"], ["c"]]


def test_s3_record_too_large_for_a_lambda_request_is_an_error_and_never_sent(
    session: Any, tmp_path: Path, make_bridge: Any
) -> None:
    s3 = session.client("s3")
    s3.create_bucket(Bucket="in-bucket")
    lines = []
    for i in range(20):
        message = "q" * 6_400_000 if i == 11 else "ok"  # 6.4 MB of content cannot fit a 6 MB request
        lines.append((json.dumps({"id": f"r{i}", "level": "INFO", "message": message}) + "\n").encode())
    s3.put_object(Bucket="in-bucket", Key="big.jsonl", Body=b"".join(lines))
    offset = sum(len(line) for line in lines[:11])
    bridge = make_bridge(SingleFileParser="examples.letsdata.jsonl_log_parser:JsonLinesLogParser")
    sent: list[int] = []
    real_invoker = bridge.invoker

    def recording(event: dict[str, Any]) -> dict[str, Any]:
        reply = real_invoker(event)  # raises before the handler when the request is too large
        if event["function"] == "parseDocument":
            sent.extend(item["offsetBytes"] for item in (event.get("batchedData") or [event["data"]]))
        return reply

    bridge.invoker = recording
    cfg = Config({"datasetName": "R", "readConnector": {"connectorDestination": "S3", "bucketName": "in-bucket"},
                  "writeConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "docs.jsonl")},
                  "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "errors.jsonl")},
                  "computeEngine": {"computeEngineType": "LAMBDA"}, "manifestFile": {"fileContents": "big.jsonl"}})
    runner = Runner(cfg, session, bridge, RunOptions(progress=False))
    runner.check()
    summary = runner.run()
    assert (summary.records_read, summary.documents_written, summary.errors) == (20, 19, 1)
    assert offset not in sent and len(sent) == 19
    (error,) = _errors(tmp_path)
    assert error["errorMessage"].startswith(f"file big.jsonl at byte offset {offset}: the Lambda request is ")
    assert "6,291,456" in error["errorMessage"]
