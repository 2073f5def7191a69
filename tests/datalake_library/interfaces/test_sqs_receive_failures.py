"""receive_min_max_messages / receive_messages on a moto server with injected failures: every
message sent is either returned to the caller or still on the queue, never neither.

Failures are injected with botocore event hooks on the client the interface uses:
``before-call`` raising = SQS never saw the request (it did nothing); ``after-call`` raising = SQS
did it but the answer was lost; ``before-parameter-build`` = a request SQS partly rejects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from datalake_library import SQSInterface
from datalake_library.interfaces.sqs_interface import ReceivedBodies


def injected_error(operation: str) -> ClientError:
    return ClientError({"Error": {"Code": "InternalError", "Message": "injected"}}, operation)


def lost_answer() -> ReadTimeoutError:
    return ReadTimeoutError(endpoint_url="http://127.0.0.1/injected")


class Faults:
    """Raise ``make()`` on the given (1-based) calls of ``operation``, before or after SQS runs it."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.counts: dict[str, int] = {}

    def on(self, operation: str, calls: set[int], make: Callable[[], Exception], *, after: bool = False) -> None:
        event = f"{'after' if after else 'before'}-call.sqs.{operation}"

        def hook(**_: Any) -> None:
            self.counts[event] = self.counts.get(event, 0) + 1
            if self.counts[event] in calls:
                raise make()

        self.client.meta.events.register(event, hook)


@pytest.fixture
def sqs_client(aws_endpoint: str) -> Any:
    return boto3.client("sqs", region_name="us-east-1")


def standard_queue(client: Any, count: int, name: str = "work") -> tuple[str, list[str]]:
    url = client.create_queue(QueueName=name)["QueueUrl"]
    bodies = [f"message-{i:03d}" for i in range(count)]
    for start in range(0, count, 10):
        client.send_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(i), "MessageBody": b} for i, b in enumerate(bodies[start : start + 10])],
        )
    return url, bodies


def drain(client: Any, url: str) -> list[str]:
    """Every body still on the queue (visible now), deleting as it goes."""
    out: list[str] = []
    while True:
        batch = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not batch:
            return out
        out.extend(m["Body"] for m in batch)
        client.delete_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)]
        )


def in_flight(client: Any, url: str) -> int:
    attributes = client.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessagesNotVisible"])


# ---------------------------------------------------------------------------- at-most-once (default)
def test_a_failing_second_receive_returns_the_first_batch_instead_of_losing_it(sqs_client) -> None:
    url, bodies = standard_queue(sqs_client, 25)
    Faults(sqs_client).on("ReceiveMessage", {2}, lambda: injected_error("ReceiveMessage"))
    got = SQSInterface(clients={"sqs": sqs_client}).receive_min_max_messages(1, 100, url, wait_time_seconds=0)
    assert len(got) == 10  # the first batch: already deleted, so it must be handed over
    left = drain(sqs_client, url)
    assert len(left) == 15
    assert sorted(got + left) == bodies


def test_a_failing_first_receive_raises_and_leaves_the_queue_untouched(sqs_client) -> None:
    url, bodies = standard_queue(sqs_client, 12)
    Faults(sqs_client).on("ReceiveMessage", {1}, lambda: injected_error("ReceiveMessage"))
    with pytest.raises(ClientError, match="injected"):
        SQSInterface(clients={"sqs": sqs_client}).receive_min_max_messages(1, 100, url, wait_time_seconds=0)
    assert sorted(drain(sqs_client, url)) == bodies


def test_a_refused_delete_keeps_that_batch_on_the_queue_visible_at_once(sqs_client) -> None:
    url, bodies = standard_queue(sqs_client, 25)
    Faults(sqs_client).on("DeleteMessageBatch", {2}, lambda: injected_error("DeleteMessageBatch"))
    got = SQSInterface(clients={"sqs": sqs_client}).receive_min_max_messages(1, 100, url, wait_time_seconds=0)
    assert len(got) == 10
    assert in_flight(sqs_client, url) == 0  # the undeleted batch was made visible again, not left hidden
    left = drain(sqs_client, url)
    assert len(left) == 15 and sorted(got + left) == bodies


def test_a_lost_delete_answer_hands_the_messages_over(sqs_client) -> None:
    """SQS deleted the batch but the answer never came: returning the batch is the only way not to
    lose it (were it not deleted, it would come back: a duplicate, never a loss)."""
    url, bodies = standard_queue(sqs_client, 15)
    Faults(sqs_client).on("DeleteMessageBatch", {1}, lost_answer, after=True)
    got = SQSInterface(clients={"sqs": sqs_client}).receive_min_max_messages(1, 100, url, wait_time_seconds=0)
    assert sorted(got) == bodies
    assert drain(sqs_client, url) == [] and in_flight(sqs_client, url) == 0


def test_messages_sqs_would_not_delete_stay_on_the_queue_and_are_not_returned(sqs_client) -> None:
    url, bodies = standard_queue(sqs_client, 10)

    def spoil_two_handles(params: dict[str, Any], **_: Any) -> None:
        for entry in params["Entries"][3:5]:
            entry["ReceiptHandle"] = f"no-longer-valid-{entry['Id']}"

    sqs_client.meta.events.register("before-parameter-build.sqs.DeleteMessageBatch", spoil_two_handles)
    got = SQSInterface(clients={"sqs": sqs_client}).receive_messages(10, url, wait_time_seconds=0)
    sqs_client.meta.events.unregister("before-parameter-build.sqs.DeleteMessageBatch", spoil_two_handles)
    assert len(got) == 8
    left = drain(sqs_client, url)  # released at once: no visibility timeout to wait for
    assert len(left) == 2 and sorted([m["Body"] for m in got] + left) == bodies


def test_receive_messages_with_a_refused_delete_raises_and_keeps_the_messages(sqs_client) -> None:
    url, bodies = standard_queue(sqs_client, 4)
    Faults(sqs_client).on("DeleteMessageBatch", {1}, lambda: injected_error("DeleteMessageBatch"))
    with pytest.raises(ClientError, match="injected"):
        SQSInterface(clients={"sqs": sqs_client}).receive_messages(10, url, wait_time_seconds=0)
    assert sorted(drain(sqs_client, url)) == bodies


def test_fifo_at_most_once_deletes_each_batch_before_the_next_receive(sqs_client) -> None:
    """A FIFO queue hides a group's later messages while earlier ones are in flight, so 25 messages
    of one group need each batch deleted before the next receive."""
    url = sqs_client.create_queue(
        QueueName="ordered.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}
    )["QueueUrl"]
    sqs = SQSInterface(clients={"sqs": sqs_client})
    bodies = [f"event-{i:02d}" for i in range(25)]
    sqs.send_batch_messages_to_fifo_queue(bodies, 10, "one-group", url)
    assert sqs.receive_min_max_messages(1, 100, url, wait_time_seconds=0) == bodies  # in order
    assert drain(sqs_client, url) == []


# ---------------------------------------------------------------------------- at-least-once
def test_at_least_once_deletes_nothing_until_acked_and_survives_a_caller_failure(sqs_client) -> None:
    url, bodies = standard_queue(sqs_client, 23)
    sqs = SQSInterface(clients={"sqs": sqs_client})
    got = sqs.receive_min_max_messages(1, 100, url, wait_time_seconds=0, delete=False)
    assert isinstance(got, ReceivedBodies) and isinstance(got, list)
    assert sorted(got) == bodies and [m["Body"] for m in got.messages] == list(got)
    assert in_flight(sqs_client, url) == 23  # received, not deleted

    def caller(received: list[str]) -> None:
        raise RuntimeError(f"stage failed after {len(received)} messages")

    with pytest.raises(RuntimeError):
        caller(got)
    # the visibility timeout runs out (made immediate here): every message is receivable again
    for start in range(0, 23, 10):
        sqs_client.change_message_visibility_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                for i, m in enumerate(got.messages[start : start + 10])
            ],
        )
    again = sqs.receive_min_max_messages(1, 100, url, wait_time_seconds=0, delete=False)
    assert sorted(again) == bodies  # nothing was lost: all delivered again
    result = sqs.ack(again, url)
    assert len(result["Successful"]) == 23 and result["Failed"] == []
    assert drain(sqs_client, url) == [] and in_flight(sqs_client, url) == 0


def test_at_least_once_with_a_failing_later_receive_returns_what_it_has_undeleted(sqs_client) -> None:
    url, bodies = standard_queue(sqs_client, 25)
    Faults(sqs_client).on("ReceiveMessage", {3}, lambda: injected_error("ReceiveMessage"))
    sqs = SQSInterface(clients={"sqs": sqs_client})
    got = sqs.receive_min_max_messages(1, 100, url, wait_time_seconds=0, delete=False, visibility_timeout=30)
    assert len(got) == 20 and in_flight(sqs_client, url) == 20  # received, none deleted
    sqs.ack(got.messages[:5], url)  # the caller processed five, then failed
    assert in_flight(sqs_client, url) == 15
    remaining = drain(sqs_client, url)
    assert len(remaining) == 5  # the 15 unacknowledged ones are hidden until their visibility timeout
    assert not set(remaining) & set(got[:5])


def test_a_message_received_twice_is_returned_once_with_its_newest_receipt(sqs_client) -> None:
    url, bodies = standard_queue(sqs_client, 15)
    sqs = SQSInterface(clients={"sqs": sqs_client})
    # visibility 0: every receive may see the same messages again (as when the timeout runs out)
    got = sqs.receive_min_max_messages(1, 100, url, wait_time_seconds=0, delete=False, visibility_timeout=0)
    assert len(got) == len(set(got)) and set(got) <= set(bodies)
    handles = [m["ReceiptHandle"] for m in got.messages]
    assert sqs.ack(got, url)["Failed"] == [] and len(handles) == len(got)


def test_not_enough_messages_returns_an_empty_received_bodies(sqs_client) -> None:
    url, _ = standard_queue(sqs_client, 3)
    got = SQSInterface(clients={"sqs": sqs_client}).receive_min_max_messages(5, 100, url)
    assert got == [] and isinstance(got, ReceivedBodies) and got.messages == []
