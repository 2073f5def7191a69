"""SQS acknowledgement on the moto server: visibility extended while messages are in flight, every
message deleted exactly once its documents are durable (LOCAL writers included), no message
processed twice within a run, and the DRAINQUEUES / CONTINUOUS stop conditions."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from letsdata_local.config import Config
from letsdata_local.engine import BridgeClient, InProcessInvoker
from letsdata_local.readers import SqsReader
from letsdata_local.runner import Runner, RunOptions

SQS_READER = "examples.letsdata.sqs_reader:QueueJsonMessageReader"


def _counts(sqs: Any, url: str) -> tuple[int, int]:
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]), int(attrs["ApproximateNumberOfMessagesNotVisible"])


class _RecordingSession:
    """The session, with an SQS client whose receives are recorded (receipt handles) for the test."""

    def __init__(self, session: Any) -> None:
        self._session = session
        self.handles: list[str] = []
        self.deletes = 0
        real = session.client("sqs")
        outer = self

        class Client:
            def __getattr__(self, name: str) -> Any:
                return getattr(real, name)

            def receive_message(self, **kwargs: Any) -> Any:
                reply = real.receive_message(**kwargs)
                outer.handles += [m["ReceiptHandle"] for m in reply.get("Messages") or []]
                return reply

            def delete_message_batch(self, **kwargs: Any) -> Any:
                outer.deletes += len(kwargs["Entries"])
                return real.delete_message_batch(**kwargs)

        self._sqs = Client()

    def client(self, name: str) -> Any:
        return self._sqs if name == "sqs" else self._session.client(name)


def test_run_longer_than_visibility_with_local_writers_deletes_each_message_once(
    session: Any, tmp_path: Path, make_bridge: Any
) -> None:
    sqs = session.client("sqs")
    url = sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "1"})["QueueUrl"]
    for i in range(70):  # every 7th message is not JSON: an error document through the LOCAL error connector
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"documentId": f"m{i}"}) if i % 7 else f"bad {i}")
    make_bridge(QueueMessageReader=SQS_READER)
    inner = InProcessInvoker()
    sent: list[str] = []
    in_queue_midway: list[int] = []

    def slow(event: dict[str, Any]) -> dict[str, Any]:
        items = event.get("batchedData") or [event["data"]]
        sent.extend(item["messageId"] for item in items)
        if len(sent) == 60:
            in_queue_midway.append(sum(_counts(sqs, url)))
        time.sleep(0.4)  # 7 invocations: the run lasts about 3 visibility timeouts
        return inner(event)

    cfg = Config({"datasetName": "V", "readConnector": {"connectorDestination": "SQS", "queueName": "jobs"},
                  "writeConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "docs.jsonl")},
                  "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "errors.jsonl")},
                  "computeEngine": {"computeEngineType": "LAMBDA"},
                  "manifestFile": {"sqsReaderTaskStopAfterConsecutiveEmptyReceives": 2}})
    recording = _RecordingSession(session)
    runner = Runner(cfg, recording, BridgeClient(slow, "V", batch_size=10),
                    RunOptions(batch_size=10, progress=False, commit_seconds=0.5))
    runner.check()
    started = time.monotonic()
    summary = runner.run()
    assert time.monotonic() - started > 2.5  # longer than twice the visibility timeout
    assert len(sent) == 70 and len(set(sent)) == 70  # each message processed once, no loop
    assert summary.invocations == 7
    assert (summary.records_read, summary.documents_written, summary.errors) == (70, 60, 10)
    docs = [json.loads(line)["documentId"] for line in (tmp_path / "docs.jsonl").read_text().splitlines()]
    assert sorted(docs) == sorted(f"m{i}" for i in range(70) if i % 7)
    errors = (tmp_path / "errors.jsonl").read_text().splitlines()
    assert len(errors) == 10
    assert recording.deletes == 70 and _counts(sqs, url) == (0, 0)
    assert in_queue_midway and in_queue_midway[0] < 70  # deleted as the run went, not only at the end


def test_visibility_is_extended_while_messages_are_in_flight(session: Any) -> None:
    sqs = session.client("sqs")
    url = sqs.create_queue(QueueName="slow", Attributes={"VisibilityTimeout": "2"})["QueueUrl"]
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=str(i))
    reader = SqsReader(session, queue_name="slow", empty_receives_to_stop=1, idle_sleep=0)
    reader.check()
    assert reader.visibility_timeout == 2  # the queue's own timeout
    pages = reader.pages()
    records = next(pages)
    assert len(records) == 3
    time.sleep(5)  # two and a half visibility timeouts
    assert sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages") is None
    reader.ack(records)
    reader.close()
    assert _counts(sqs, url) == (0, 0)


def test_a_redelivered_message_is_not_processed_twice(session: Any) -> None:
    sqs = session.client("sqs")
    url = sqs.create_queue(QueueName="again")["QueueUrl"]
    for i in range(5):
        sqs.send_message(QueueUrl=url, MessageBody=str(i))
    recording = _RecordingSession(session)
    reader = SqsReader(recording, queue_name="again", empty_receives_to_stop=2, idle_sleep=0)
    reader.check()
    pages = reader.pages()
    first = next(pages)
    assert len(first) == 5
    for handle in recording.handles:  # make every in-flight message visible again (a redelivery)
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0)
    rest = [r for page in pages for r in page]
    assert rest == [] and reader.redeliveries == 5
    reader.ack(first)  # deleted with the newest receipt handles
    reader.close()
    assert _counts(sqs, url) == (0, 0) and reader.deleted == 5


def test_continuous_mode_keeps_receiving_past_empty_receives_until_stopped(session: Any) -> None:
    sqs = session.client("sqs")
    url = sqs.create_queue(QueueName="forever")["QueueUrl"]
    reader = SqsReader(session, queue_name="forever", empty_receives_to_stop=1, idle_sleep=0.02, continuous=True)
    reader.check()
    received: list[str] = []
    empties = 0

    def later() -> None:
        time.sleep(0.5)
        sqs.send_message(QueueUrl=url, MessageBody="late")

    threading.Thread(target=later).start()
    for page in reader.pages():
        if not page:
            empties += 1
        received += [r.data["messageBody"] for r in page]
        if received:
            reader.stop()
    reader.ack([])
    reader.close()
    assert received == ["late"] and empties > 1  # DRAINQUEUES with 1 empty receive would have stopped


def test_drain_queues_stops_after_consecutive_empty_receives(session: Any) -> None:
    session.client("sqs").create_queue(QueueName="empty")
    reader = SqsReader(session, queue_name="empty", empty_receives_to_stop=3, idle_sleep=0)
    reader.check()
    pages = list(reader.pages())
    reader.close()
    assert pages == [[], [], []]


def test_continuous_run_deletes_processed_messages_while_the_queue_is_idle(
    session: Any, tmp_path: Path, make_bridge: Any
) -> None:
    sqs = session.client("sqs")
    url = sqs.create_queue(QueueName="idle")["QueueUrl"]
    for i in range(5):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"documentId": f"m{i}"}))
    bridge = make_bridge(batch_size=10, QueueMessageReader=SQS_READER)
    cfg = Config({"datasetName": "C", "readConnector": {"connectorDestination": "SQS", "queueName": "idle"},
                  "writeConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "docs.jsonl")},
                  "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "errors.jsonl")},
                  "computeEngine": {"computeEngineType": "LAMBDA"},
                  "manifestFile": {"sqsReaderTaskStopCondition": "Continuous"}})
    runner = Runner(cfg, session, bridge, RunOptions(batch_size=10, progress=False, commit_seconds=0.3))
    runner.check()
    emptied_while_running: list[bool] = []

    def watch() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _counts(sqs, url) != (0, 0):
            time.sleep(0.1)
        emptied_while_running.append(_counts(sqs, url) == (0, 0))
        runner.reader.stop()  # type: ignore[attr-defined]

    watcher = threading.Thread(target=watch)
    watcher.start()
    summary = runner.run()
    watcher.join()
    assert emptied_while_running == [True]
    assert (summary.records_read, summary.documents_written) == (5, 5)
    assert len((tmp_path / "docs.jsonl").read_text().splitlines()) == 5


def test_local_writer_commit_is_durable_and_an_interrupted_runs_output_is_kept(tmp_path: Path) -> None:
    from letsdata_local.writers import LocalFileWriter

    target = tmp_path / "docs.jsonl"
    first = LocalFileWriter(target)
    first.write({"documentId": "a"})
    assert first.commit() is True  # fsynced: its source records may now be acknowledged
    assert (tmp_path / "docs.jsonl.partial").read_text() == '{"documentId":"a"}\n' and not target.exists()
    first.abort()  # interrupted after the commit
    second = LocalFileWriter(target)  # the next run must not overwrite the committed document
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("docs.jsonl.partial.")]
    assert len(kept) == 1 and kept[0].read_text() == '{"documentId":"a"}\n'
    second.write({"documentId": "b"})
    second.close()
    assert target.read_text() == '{"documentId":"b"}\n'


def test_fifo_queue_is_drained_even_though_a_group_blocks_while_in_flight(
    session: Any, tmp_path: Path, make_bridge: Any
) -> None:
    """A FIFO queue hands out no more of a group's messages while some are in flight, so an empty
    receive with messages in flight does not mean the queue is drained: they are committed first."""
    sqs = session.client("sqs")
    url = sqs.create_queue(QueueName="jobs.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    for i in range(25):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"documentId": f"m{i}"}), MessageGroupId="one",
                         MessageDeduplicationId=f"m{i}")
    bridge = make_bridge(batch_size=10, QueueMessageReader=SQS_READER)
    cfg = Config({"datasetName": "F", "readConnector": {"connectorDestination": "SQS", "queueName": "jobs.fifo"},
                  "writeConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "docs.jsonl")},
                  "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "errors.jsonl")},
                  "computeEngine": {"computeEngineType": "LAMBDA"},
                  "manifestFile": {"sqsReaderTaskStopAfterConsecutiveEmptyReceives": 1}})
    runner = Runner(cfg, session, bridge, RunOptions(batch_size=10, progress=False, commit_seconds=600))
    runner.check()
    summary = runner.run()
    assert (summary.records_read, summary.documents_written) == (25, 25)
    docs = [json.loads(line)["documentId"] for line in (tmp_path / "docs.jsonl").read_text().splitlines()]
    assert docs == [f"m{i}" for i in range(25)]  # in order, as the group was sent
    assert _counts(sqs, url) == (0, 0)


class RaisingMessageReader:
    """QueueMessageReader for the test: raises on the message whose body is ``"boom"``."""

    def parseMessage(self, messageId: str, messageGroupId: Any, messageDeduplicationId: Any,
                     messageAttributes: Any, messageBody: str) -> Any:
        from examples.letsdata._documents import document_from_flat, success

        if messageBody == "boom":
            raise RuntimeError("cannot parse")
        return success(document_from_flat({"id": messageBody}, default_id=messageBody, default_record_type="R",
                                          default_partition_key=messageBody))


def test_a_task_error_acknowledges_the_processed_messages_and_keeps_the_rest(
    session: Any, tmp_path: Path, make_bridge: Any
) -> None:
    sqs = session.client("sqs")
    url = sqs.create_queue(QueueName="t")["QueueUrl"]
    for i in range(30):
        sqs.send_message(QueueUrl=url, MessageBody="boom" if i == 15 else f"m{i}")
    bridge = make_bridge(batch_size=10, QueueMessageReader="tests.letsdata_local.test_sqs_acks:RaisingMessageReader")
    cfg = Config({"datasetName": "T", "readConnector": {"connectorDestination": "SQS", "queueName": "t"},
                  "writeConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "docs.jsonl")},
                  "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "errors.jsonl")},
                  "computeEngine": {"computeEngineType": "LAMBDA"}})
    recording = _RecordingSession(session)
    runner = Runner(cfg, recording, bridge, RunOptions(batch_size=10, progress=False))
    runner.check()
    summary = runner.run()
    assert len(summary.task_errors) == 1
    written = (tmp_path / "docs.jsonl").read_text().splitlines()
    assert len(written) == summary.records_read == summary.documents_written < 30
    assert recording.deletes == summary.records_read  # exactly the processed messages are deleted
    visible, in_flight = _counts(sqs, url)
    assert visible + in_flight == 30 - summary.records_read  # the rest (the failing one included) stay
