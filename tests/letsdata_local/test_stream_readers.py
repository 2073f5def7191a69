"""Stream readers: start positions and stop conditions on the moto server, and shard lineage /
empty-page behaviour on a small in-memory stream.

moto cannot show lineage or empty pages: a split moves the parent's records into the children and
its shards never end (``NextShardIterator`` is never null) nor return empty pages before later
records. ``_FakeStream`` below behaves as the AWS API references describe instead: a closed shard's
last page has no ``NextShardIterator``; DynamoDB Streams may return empty pages in the middle of a
shard."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from letsdata_local.readers import DynamoDBStreamsReader, KinesisReader


class _FakeStream:
    """Shards as lists of pages; an iterator is ``shard:page``."""

    def __init__(self, shards: list[dict[str, Any]], pages: dict[str, list[list[str]]], open_shards: set[str]) -> None:
        self.shards = shards
        self.pages = pages
        self.open = open_shards
        self.reads: list[str] = []
        self.reads_values: list[str] = []
        self.iterator_requests: list[tuple[str, str]] = []
        self.expire_at: set[tuple[str, int]] = set()

    # -- Kinesis ---------------------------------------------------------------------------------
    def describe_stream_summary(self, StreamName: str) -> Any:
        return {"StreamDescriptionSummary": {"StreamARN": f"arn:aws:kinesis:us-east-1:123456789012:stream/{StreamName}"}}

    def get_paginator(self, name: str) -> Any:
        shards = self.shards

        class Paginator:
            def paginate(self, **kwargs: Any) -> Any:
                return [{"Shards": shards}]

        return Paginator()

    def get_shard_iterator(self, ShardId: str, ShardIteratorType: str, **kwargs: Any) -> Any:
        self.iterator_requests.append((ShardId, ShardIteratorType))
        if ShardIteratorType == "AFTER_SEQUENCE_NUMBER":
            after = kwargs.get("StartingSequenceNumber") or kwargs.get("SequenceNumber")
            index = next(i for i, page in enumerate(self.pages[ShardId]) if after in page)
            return {"ShardIterator": f"{ShardId}:{index + 1}"}
        assert ShardIteratorType == "TRIM_HORIZON"
        return {"ShardIterator": f"{ShardId}:0"}

    def get_records(self, ShardIterator: str, Limit: int) -> Any:
        shard, _, page = ShardIterator.partition(":")
        index = int(page)
        if (shard, index) in self.expire_at:  # the iterator waited too long
            self.expire_at.discard((shard, index))
            from botocore.exceptions import ClientError

            raise ClientError({"Error": {"Code": "ExpiredIteratorException", "Message": "expired"}}, "GetRecords")
        self.reads.append(shard)
        pages = self.pages[shard]
        values = pages[index] if index < len(pages) else []
        self.reads_values += values
        records = [self._record(shard, v) for v in values]
        reply: dict[str, Any] = {"Records": records, "MillisBehindLatest": 0}
        if index + 1 < len(pages) or shard in self.open:
            reply["NextShardIterator"] = f"{shard}:{min(index + 1, len(pages))}"
        return reply

    def _record(self, shard: str, value: str) -> dict[str, Any]:
        if self.kind == "ddb":
            return {"eventID": value, "eventName": "INSERT",
                    "dynamodb": {"SequenceNumber": value, "Keys": {"id": {"S": value}}, "SizeBytes": 10}}
        return {"SequenceNumber": value, "PartitionKey": "k", "Data": json.dumps({"v": value}).encode()}

    kind = "kinesis"

    # -- DynamoDB Streams --------------------------------------------------------------------------
    def describe_stream(self, StreamArn: str, **kwargs: Any) -> Any:
        return {"StreamDescription": {"Shards": self.shards}}


class _Session:
    def __init__(self, client: Any) -> None:
        self._client = client

    def client(self, name: str) -> Any:
        return self._client


def _shard(shard_id: str, parent: str | None = None, adjacent: str | None = None, closed: bool = True) -> dict:
    shard: dict[str, Any] = {"ShardId": shard_id, "SequenceNumberRange": {"StartingSequenceNumber": "0"}}
    if closed:
        shard["SequenceNumberRange"]["EndingSequenceNumber"] = "9"
    if parent:
        shard["ParentShardId"] = parent
    if adjacent:
        shard["AdjacentParentShardId"] = adjacent
    return shard


def test_kinesis_shards_are_read_parent_before_child_across_split_and_merge() -> None:
    # p0 split into c1 and c2, which merged into m (open); listed children first on purpose
    shards = [_shard("m", "c1", "c2", closed=False), _shard("c2", "p0"), _shard("c1", "p0"), _shard("p0")]
    pages = {"p0": [["a1"], [], ["a2"]], "c1": [["b1"]], "c2": [["b2", "b3"]], "m": [["m1"]]}
    fake = _FakeStream(shards, pages, open_shards={"m"})
    reader = KinesisReader(_Session(fake), "s", idle_sleep=0)
    values = [json.loads(r.data["data"])["v"] for page in reader.pages() for r in page]
    assert values[:2] == ["a1", "a2"]  # the parent, read past its empty page to its end
    assert sorted(values[2:5]) == ["b1", "b2", "b3"]
    assert values[5:] == ["m1"]  # the merged child only after both its parents ended
    assert fake.reads.index("m") > max(i for i, s in enumerate(fake.reads) if s in ("c1", "c2"))


@pytest.mark.parametrize("kind", ["kinesis", "ddb"])
def test_an_expired_iterator_resumes_after_the_last_record_read(kind: str) -> None:
    shards = [_shard("s0")]
    pages = {"s0": [["r1", "r2"], ["r3"], [], ["r4"]]}
    fake = _FakeStream(shards, pages, open_shards=set())
    fake.kind = kind
    fake.expire_at = {("s0", 1), ("s0", 3)}  # the iterators after r2 and after the empty page expire
    if kind == "ddb":
        ddb_reader = DynamoDBStreamsReader(_Session(fake), stream_arn="arn:stream", idle_sleep=0)
        values = [r.data["sequenceNumber"] for page in ddb_reader.pages() for r in page]
    else:
        reader = KinesisReader(_Session(fake), "s", idle_sleep=0)
        values = [json.loads(r.data["data"])["v"] for page in reader.pages() for r in page]
    assert values == ["r1", "r2", "r3", "r4"]
    assert fake.iterator_requests == [("s0", "TRIM_HORIZON"), ("s0", "AFTER_SEQUENCE_NUMBER"),
                                      ("s0", "AFTER_SEQUENCE_NUMBER")]


def test_dynamodb_streams_reads_past_empty_pages_until_a_closed_shard_ends() -> None:
    shards = [_shard("s1", "s0", closed=False), _shard("s0")]
    # s0 has more consecutive empty pages than the open-shard threshold, then one more record
    pages = {"s0": [["r1"], [], [], [], [], ["r2"]], "s1": [["r3"], [], [], [], ["never"]]}
    fake = _FakeStream(shards, pages, open_shards={"s1"})
    fake.kind = "ddb"
    reader = DynamoDBStreamsReader(_Session(fake), stream_arn="arn:stream", empty_reads_to_stop=3, idle_sleep=0)
    values = [r.data["sequenceNumber"] for page in reader.pages() for r in page]
    # the open shard s1 is finished after 3 consecutive empty pages: "never" is not reached
    assert values == ["r1", "r2", "r3"]
    assert fake.reads.count("s1") == 4


def test_dynamodb_streams_refuses_at_timestamp_naming_the_field(tmp_path: Any) -> None:
    from letsdata_local.config import Config, ConfigError
    from letsdata_local.runner import build_reader

    cfg = Config({"datasetName": "D", "readConnector": {"connectorDestination": "DYNAMODB_STREAMS", "tableName": "t"},
                  "writeConnector": {"connectorDestination": "LOCAL"}, "computeEngine": {"computeEngineType": "LAMBDA"},
                  "manifestFile": {"dynamoDBReaderTaskStartFromCondition": "AtTimestamp"}})
    with pytest.raises(ConfigError, match="manifestFile.dynamoDBReaderTaskStartFromCondition"):
        build_reader(cfg, None, None, None)  # type: ignore[arg-type]


def test_kinesis_at_timestamp_requires_the_timestamp_field() -> None:
    from letsdata_local.config import Config, ConfigError

    with pytest.raises(ConfigError, match="manifestFile.kinesisReaderTaskStartFromTimestamp"):
        Config({"datasetName": "K", "readConnector": {"connectorDestination": "KINESIS", "streamName": "s"},
                "writeConnector": {"connectorDestination": "LOCAL"}, "computeEngine": {"computeEngineType": "LAMBDA"},
                "manifestFile": {"kinesisReaderTaskStartFromCondition": "AT_TIMESTAMP"}})


def _stream(session: Any, name: str) -> Any:
    kinesis = session.client("kinesis")
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=name)
    return kinesis


def _values(reader: KinesisReader) -> list[int]:
    return [json.loads(r.data["data"])["i"] for page in reader.pages() for r in page]


def test_kinesis_start_positions_on_moto(session: Any) -> None:
    kinesis = _stream(session, "pos")
    for i in range(5):
        kinesis.put_record(StreamName="pos", Data=json.dumps({"i": i}).encode(), PartitionKey="k")
    time.sleep(0.05)
    middle = int(time.time() * 1000)
    time.sleep(0.05)
    for i in range(5, 8):
        kinesis.put_record(StreamName="pos", Data=json.dumps({"i": i}).encode(), PartitionKey="k")
    assert _values(KinesisReader(session, "pos", idle_sleep=0)) == list(range(8))
    at = KinesisReader(session, "pos", start_from="AT_TIMESTAMP", start_timestamp=middle, idle_sleep=0)
    assert _values(at) == [5, 6, 7]
    assert _values(KinesisReader(session, "pos", start_from="LATEST", idle_sleep=0)) == []


def test_kinesis_continuous_keeps_polling_at_the_tip_until_stopped(session: Any) -> None:
    import threading

    kinesis = _stream(session, "live")
    reader = KinesisReader(session, "live", stop_condition="CONTINUOUS", idle_sleep=0.05)
    got: list[int] = []
    empty = 0

    def later() -> None:
        time.sleep(0.4)
        kinesis.put_record(StreamName="live", Data=json.dumps({"i": 42}).encode(), PartitionKey="k")

    threading.Thread(target=later).start()
    for page in reader.pages():
        empty += not page
        got += [json.loads(r.data["data"])["i"] for r in page]
        if got:
            reader.stop()
    assert got == [42] and empty > 1  # CAUGHT_UP would have finished on the first empty read


class BoomReader:
    """KinesisRecordReader for the test: raises on a record whose data is ``{"v": "boom"}``."""

    def parseMessage(self, streamArn: str, shardId: str, partitionKey: str, sequenceNumber: str,
                     approximateArrivalTimestamp: Any, data: Any) -> Any:
        from examples.letsdata._documents import document_from_flat, success

        value = json.loads(bytes(data) if not isinstance(data, str) else data)["v"]
        if value == "boom":
            raise RuntimeError("cannot parse boom")
        return success(document_from_flat({"id": value}, default_id=value, default_record_type="R",
                                          default_partition_key=value))


def test_an_exception_stops_only_its_shards_task(tmp_path: Any, make_bridge: Any) -> None:
    """The platform runs one task per shard: an exception stops that shard (and its children, which
    could not be read in order), while the other shards are read to their end."""
    from letsdata_local.config import Config
    from letsdata_local.runner import Runner, RunOptions

    shards = [_shard("a", closed=False), _shard("b"), _shard("b-child", "b", closed=False)]
    pages = {"a": [["a1"], ["a2"], ["a3"]], "b": [["b1"], ["boom"], ["b3"]], "b-child": [["c1"]]}
    fake = _FakeStream(shards, pages, open_shards={"a", "b-child"})
    bridge = make_bridge(batch_size=1, KinesisRecordReader="tests.letsdata_local.test_stream_readers:BoomReader")
    cfg = Config({"datasetName": "K", "readConnector": {"connectorDestination": "KINESIS", "streamName": "s"},
                  "writeConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "docs.jsonl")},
                  "errorConnector": {"connectorDestination": "LOCAL", "path": str(tmp_path / "errors.jsonl")},
                  "computeEngine": {"computeEngineType": "LAMBDA"}})
    runner = Runner(cfg, _Session(fake), bridge, RunOptions(batch_size=1, progress=False))
    runner.check()
    runner.reader.idle_sleep = 0  # type: ignore[attr-defined]
    summary = runner.run()
    docs = sorted(json.loads(line)["id"] for line in (tmp_path / "docs.jsonl").read_text().splitlines())
    assert docs == ["a1", "a2", "a3", "b1"]
    assert summary.task_errors == ["b stopped at record boom: RuntimeError: cannot parse boom"]
    assert "b3" not in fake.reads_values and "c1" not in fake.reads_values
