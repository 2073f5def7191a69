"""SQSInterface against moto: FIFO sends, batch send/delete, at-most/at-least-once receive, min/max."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest
from botocore.stub import Stubber

from datalake_library import DataLakeClient, SQSInterface
from datalake_library.errors import (
    BatchOperationError,
    InvalidArgumentError,
    InvalidArgumentTypeError,
    MissingArgumentError,
    QueueNotFoundError,
)
from tests.datalake_library.helpers import counting_session


def fifo_queue(name: str = "plain.fifo", content_dedup: bool = False) -> str:
    attributes = {"FifoQueue": "true", "ContentBasedDeduplication": str(content_dedup).lower()}
    return boto3.client("sqs", region_name="us-east-1").create_queue(QueueName=name, Attributes=attributes)[
        "QueueUrl"
    ]


def drain(url: str) -> list[dict]:
    sqs = boto3.client("sqs", region_name="us-east-1")
    out: list[dict] = []
    while True:
        batch = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0, MessageSystemAttributeNames=["All"]
        ).get("Messages", [])
        if not batch:
            return out
        out.extend(batch)
        for m in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


def depth(url: str) -> int:
    attrs = boto3.client("sqs", region_name="us-east-1").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])


def test_send_to_dlq_without_content_dedup_returns_response(mocked_sdlf) -> None:
    client = DataLakeClient("engineering", pipeline="main", stage="A")
    event = {"team": "engineering", "key": "k"}
    response = client.sqs.send_message_to_fifo_queue(json.dumps(event), "failed", client.sqs.stage_dlq_url)
    assert response["MessageId"] and response["SequenceNumber"]
    response = client.sqs.send_message_to_fifo_queue(
        event, "failed", client.sqs.stage_dlq_url
    )  # dict -> JSON
    [first, second] = drain(mocked_sdlf.stage("A").dlq_url)
    assert json.loads(first["Body"]) == json.loads(second["Body"]) == event
    assert first["Attributes"]["MessageGroupId"] == "failed"
    dedup_ids = {m["Attributes"]["MessageDeduplicationId"] for m in (first, second)}
    assert len(dedup_ids) == 2 and all(uuid.UUID(d).version == 4 for d in dedup_ids)


def test_explicit_deduplication_id_deduplicates(mocked_sdlf) -> None:
    sqs = SQSInterface("engineering", pipeline="main", stage="A")
    url = sqs.stage_dlq_url
    sqs.send_message_to_fifo_queue("same", "g", url, deduplication_id="order-1")
    sqs.send_message_to_fifo_queue("same", "g", url, deduplication_id="order-1")
    messages = drain(url)
    assert len(messages) == 1 and messages[0]["Attributes"]["MessageDeduplicationId"] == "order-1"


def test_send_defaults_to_stage_queue(mocked_sdlf) -> None:
    sqs = SQSInterface("engineering", pipeline="main", stage="B")
    sqs.send_message_to_fifo_queue("hello", "engineering-main")
    assert [m["Body"] for m in drain(mocked_sdlf.stage("B").queue_url)] == ["hello"]


def test_send_bad_input(mocked_sdlf) -> None:
    sqs = SQSInterface("engineering", pipeline="main", stage="A")
    url = sqs.stage_dlq_url
    with pytest.raises(InvalidArgumentTypeError, match="message"):
        sqs.send_message_to_fifo_queue(42, "g", url)
    with pytest.raises(MissingArgumentError, match="group_id"):
        sqs.send_message_to_fifo_queue("m", None, url)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="queue URL"):
        sqs.send_message_to_fifo_queue("m", "g", "sdlf-engineering-main-dlq-A.fifo")
    with pytest.raises(QueueNotFoundError) as info:
        sqs.send_message_to_fifo_queue("m", "g", url.replace("dlq-A", "dlq-Z"))
    assert isinstance(info.value, LookupError)
    with pytest.raises(QueueNotFoundError, match="no-such-queue"):
        sqs.get_queue_url("no-such-queue")


def test_receive_messages_default_is_at_most_once_with_batch_delete(mocked_aws) -> None:
    session, recorder = counting_session()
    url = fifo_queue(content_dedup=True)
    sqs = SQSInterface(session=session)
    for i in range(4):
        sqs.send_message_to_fifo_queue(f"m{i}", f"g{i}", url)
    recorder.reset()
    messages = sqs.receive_messages(10, url)
    assert sorted(m["Body"] for m in messages) == ["m0", "m1", "m2", "m3"]
    assert {"MessageId", "ReceiptHandle", "Body", "MD5OfBody"} <= set(messages[0])
    assert recorder.operations() == ["ReceiveMessage", "DeleteMessageBatch"]
    assert recorder.named("ReceiveMessage")[0].params["WaitTimeSeconds"] == 1
    assert depth(url) == 0
    assert sqs.receive_messages(1, url, wait_time_seconds=0) == []


def test_at_least_once_receive_loses_nothing_when_processing_fails(mocked_aws) -> None:
    url = fifo_queue(content_dedup=True)
    sqs = SQSInterface()
    bodies = [f"record-{i}" for i in range(6)]
    for i, body in enumerate(bodies):
        sqs.send_message_to_fifo_queue(body, f"group-{i}", url)
    processed: list[str] = []
    fail_once = {"record-3"}

    def handler(batch: list[dict]) -> None:
        for message in batch:
            if message["Body"] in fail_once:
                fail_once.discard(message["Body"])
                raise RuntimeError(f"transient failure while processing {message['Body']}")
            processed.append(message["Body"])
            sqs.ack([message], url)

    # Visibility 0: an unacknowledged message is immediately receivable again (as after a timeout).
    batch = sqs.receive_messages(10, url, delete=False, visibility_timeout=0)
    assert len(batch) == 6
    with pytest.raises(RuntimeError, match="transient"):
        handler(batch)
    assert "record-3" not in processed
    assert depth(url) == len(bodies) - len(processed)  # the failed and unprocessed ones remain
    while depth(url):
        handler(sqs.receive_messages(10, url, delete=False, visibility_timeout=0, wait_time_seconds=0))
    assert sorted(processed) == sorted(bodies)


def test_delete_messages_reports_failures(mocked_aws) -> None:
    raw = boto3.client("sqs", region_name="us-east-1")
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/q.fifo"
    sqs = SQSInterface(clients={"sqs": raw})
    failed = {"Id": "1", "SenderFault": True, "Code": "ReceiptHandleIsInvalid", "Message": "bad"}
    with Stubber(raw) as stub:
        for _ in range(2):
            stub.add_response(
                "delete_message_batch",
                {"Successful": [{"Id": "0"}], "Failed": [failed]},
                {
                    "QueueUrl": url,
                    "Entries": [{"Id": "0", "ReceiptHandle": "h0"}, {"Id": "1", "ReceiptHandle": "h1"}],
                },
            )
        with pytest.raises(BatchOperationError, match="ReceiptHandleIsInvalid") as info:
            sqs.delete_messages([{"ReceiptHandle": "h0"}, "h1"], url)
        assert info.value.failed == [failed] and info.value.successful == [{"Id": "0"}]
        result = sqs.delete_messages(["h0", "h1"], url, raise_on_failure=False)
        assert result == {"Successful": [{"Id": "0"}], "Failed": [failed]}
    with pytest.raises(InvalidArgumentError, match=r"messages\[0\]"):
        sqs.delete_messages([{"Body": "no handle"}], url)


def test_delete_messages_in_chunks_of_ten(mocked_aws) -> None:
    session, recorder = counting_session()
    raw = boto3.client("sqs", region_name="us-east-1")
    url = raw.create_queue(QueueName="standard-queue")["QueueUrl"]
    for i in range(23):
        raw.send_message(QueueUrl=url, MessageBody=f"m{i}")
    sqs = SQSInterface(session=session)
    received: list[dict] = []
    while len(received) < 23:
        received.extend(sqs.receive_messages(10, url, delete=False, wait_time_seconds=0))
    recorder.reset()
    result = sqs.delete_messages(received, url)
    assert len(result["Successful"]) == 23 and result["Failed"] == []
    assert [len(c.params["Entries"]) for c in recorder.named("DeleteMessageBatch")] == [10, 10, 3]
    assert depth(url) == 0


def test_send_batch(mocked_aws) -> None:
    session, recorder = counting_session()
    url = fifo_queue()  # no content-based dedup: every entry needs its own dedup id
    sqs = SQSInterface(session=session)
    messages = [{"n": i} if i % 2 else i for i in range(23)]
    result = sqs.send_batch_messages_to_fifo_queue(messages, 10, "batch", url)
    assert sorted(int(s["Id"]) for s in result["Successful"]) == list(range(23)) and result["Failed"] == []
    calls = recorder.named("SendMessageBatch")
    assert [len(c.params["Entries"]) for c in calls] == [10, 10, 3]
    assert len({e["MessageDeduplicationId"] for c in calls for e in c.params["Entries"]}) == 23
    bodies = [m["Body"] for m in drain(url)]
    assert bodies == [json.dumps(m) if isinstance(m, dict) else str(m) for m in messages]  # FIFO order kept
    for bad_size in (0, 11):
        with pytest.raises(InvalidArgumentError, match="batch_size"):
            sqs.send_batch_messages_to_fifo_queue(["x"], bad_size, "g", url)
    with pytest.raises(MissingArgumentError, match="group_id"):
        sqs.send_batch_messages_to_fifo_queue(["x"], 10, None, url)
    with pytest.raises(InvalidArgumentTypeError, match="list"):
        sqs.send_batch_messages_to_fifo_queue("abc", 10, "g", url)  # type: ignore[arg-type]


def test_send_batch_reports_failures(mocked_aws) -> None:
    raw = boto3.client("sqs", region_name="us-east-1")
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/q.fifo"
    failed = {"Id": "1", "SenderFault": True, "Code": "InvalidMessageContents", "Message": "bad"}
    with Stubber(raw) as stub:
        stub.add_response(
            "send_message_batch",
            {"Successful": [{"Id": "0", "MessageId": "m0", "MD5OfMessageBody": "x"}], "Failed": [failed]},
        )
        with pytest.raises(BatchOperationError, match="InvalidMessageContents") as info:
            SQSInterface(clients={"sqs": raw}).send_batch_messages_to_fifo_queue(["a", "b"], 10, "g", url)
    assert info.value.failed == [failed] and info.value.successful[0]["Id"] == "0"


@pytest.mark.parametrize(("available", "expected"), [(0, 0), (5, 5), (10, 10), (25, 25), (150, 100)])
def test_receive_min_max_batches(mocked_sdlf, available, expected) -> None:
    session, recorder = counting_session()
    sqs = SQSInterface("engineering", pipeline="main", stage="B", session=session)
    url = sqs.stage_queue_url
    if available:
        sqs.send_batch_messages_to_fifo_queue(
            [f"b{i}" for i in range(available)], 10, "engineering-main", url
        )
    recorder.reset()
    bodies = sqs.receive_min_max_messages(1, 100, url)
    assert len(bodies) == expected and len(set(bodies)) == expected
    receives = recorder.named("ReceiveMessage")
    assert [c.params["MaxNumberOfMessages"] for c in receives] == [10] * (expected // 10) + (
        [expected % 10] if expected % 10 else []
    )
    assert all(c.params["WaitTimeSeconds"] == 5 and c.params["QueueUrl"] == url for c in receives)
    assert depth(url) == available - expected


def test_receive_min_max_takes_decimal_limits_read_from_dynamodb(mocked_sdlf) -> None:
    """SDLF routing Lambdas pass a pipeline's min/max items straight from DynamoDB (Decimal)."""
    from decimal import Decimal

    session, recorder = counting_session()
    sqs = SQSInterface("engineering", pipeline="main", stage="B", session=session)
    url = sqs.stage_queue_url
    sqs.send_batch_messages_to_fifo_queue([f"d{i}" for i in range(12)], 10, "engineering-main", url)
    recorder.reset()
    bodies = sqs.receive_min_max_messages(Decimal(2), Decimal(5), url)
    assert sorted(bodies) == ["d0", "d1", "d2", "d3", "d4"]
    assert [c.params["MaxNumberOfMessages"] for c in recorder.named("ReceiveMessage")] == [5]
    assert depth(url) == 7


def test_receive_min_max_needs_min_and_honours_queue_url(mocked_sdlf) -> None:
    session, recorder = counting_session()
    sqs = SQSInterface("engineering", pipeline="main", stage="B", session=session)
    other = fifo_queue("other.fifo", content_dedup=True)
    sqs.send_batch_messages_to_fifo_queue(["o1", "o2", "o3"], 10, "g", other)
    sqs.send_message_to_fifo_queue("stage-message", "g")  # must not be read
    recorder.reset()
    assert sqs.receive_min_max_messages(5, 100, other) == []
    assert recorder.named("ReceiveMessage") == []
    assert sorted(sqs.receive_min_max_messages(1, 100, other)) == ["o1", "o2", "o3"]
    assert depth(sqs.stage_queue_url) == 1
    assert sqs.receive_min_max_messages() == ["stage-message"]  # default: the stage queue


def test_server_mode_error_and_redrive(sdlf_environment) -> None:
    """Error Lambda -> DLQ with group ``failed``; redrive moves it to the stage queue."""
    client = DataLakeClient("engineering", pipeline="main", stage="A")
    client.sqs.send_message_to_fifo_queue(json.dumps({"key": "k"}), "failed", client.sqs.stage_dlq_url)
    [message] = client.sqs.receive_messages(1, client.sqs.stage_dlq_url)
    client.sqs.send_message_to_fifo_queue(message["Body"], "redrive", client.sqs.stage_queue_url)
    assert sdlf_environment.queue_depth(sdlf_environment.stage("A").dlq_url) == 0
    [moved] = sdlf_environment.drain_queue(sdlf_environment.stage("A").queue_url)
    assert json.loads(moved["Body"]) == {"key": "k"} and moved["Attributes"]["MessageGroupId"] == "redrive"
