"""The state-machine runtime: StreamingFileReader boundaries, streaming, gzip, peek, rejected records,
checkpoints, the task drive loop and manifest lines. A toy format with hand-counted offsets:

``<H>`` header records, then ``<A>`` / ``<B>`` records alternating. A record ends where the next
record's start tag begins, except ``<B>`` records, which end with (and include) ``</B>``.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from typing import Any

import pytest

from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.documents.ErrorDoc import ErrorDoc
from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult
from letsdata_interfaces.readers.model.RecordHintType import RecordHintType
from letsdata_interfaces.readers.model.RecordParseHint import RecordParseHint
from letsdata_interfaces.readers.model.SingleFileReaderState import SingleFileReaderState
from letsdata_local.config import Config, ConfigError
from letsdata_local.splitter import gunzip_chunks
from letsdata_local.state_machine import MULTIPLE, SINGLE, StateMachineTask
from letsdata_local.state_machine_files import RecordParseError, StateMachineError, StreamingFileReader

NEXT = {None: "H", "H": "A", "A": "B", "B": "A"}
START = {"H": "<H>", "A": "<A>", "B": "<B>"}
END = {"H": "<A>", "A": "<B>", "B": "</B>"}


class ToyParser:
    """Records' text is the document payload; a record containing ``bad`` is rejected (ERROR), one
    containing ``boom`` makes parseDocument raise."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, bytes]] = []

    def getNextExpectedRecordType(self, s3FileType: str, last: str | None) -> str:
        return NEXT[last]

    def getNextRecordStartPattern(self, s3FileType: str, expected: str, doc: Any) -> RecordParseHint:
        return RecordParseHint(RecordHintType.PATTERN, START[expected], -1)

    def getNextRecordEndPattern(self, s3FileType: str, expected: str, doc: Any) -> RecordParseHint:
        return RecordParseHint(RecordHintType.PATTERN, END[expected], -1)

    def parseDocument(self, s3FileType: str, name: str, offset: int, last: str | None, last_doc: Any,
                      byte_arr: bytes, start: int, end: int) -> ParseDocumentResult:
        text = bytes(byte_arr[start:end]).decode()
        self.calls.append((offset, bytes(byte_arr[start:end])))
        if "boom" in text:
            raise KeyError("boom")
        expected = NEXT[last]
        if "bad" in text:
            return ParseDocumentResult(NEXT[expected], ErrorDoc(text, expected, text, {}, {}, {}, {}, "bad record"),
                                       "ERROR")
        return ParseDocumentResult(None, Document("Document", text, expected, text, {}, {"text": text}), "SUCCESS")


#                 0         1         2         3
#                 012345678901234567890123456789012345678
TOY = b"junk<H>h1<A>a1<B>b1</B>xx<A>a2<B>b2</B>"


def chunks_of(data: bytes, size: int) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


def read_all(reader: StreamingFileReader) -> list[tuple[str, str, str]]:
    out = []
    while (doc := reader.nextRecord(False)) is not None:
        out.append((doc.getRecordType(), doc.getDocumentId(), reader.getOffsetBytes()))
    return out


# (record type, record text, offset after consuming it) — counted by hand on TOY
EXPECTED = [("H", "<H>h1", "9"), ("A", "<A>a1", "14"), ("B", "<B>b1</B>", "23"), ("A", "<A>a2", "30"),
            ("B", "<B>b2</B>", "39")]


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64])
def test_boundaries_are_the_same_for_every_chunk_size(size: int) -> None:
    reader = StreamingFileReader("TOY", "toy", chunks_of(TOY, size), ToyParser())
    assert read_all(reader) == EXPECTED
    assert reader.getState() is SingleFileReaderState.COMPLETED
    assert reader.counts == {"SUCCESS": 5}


def test_record_offsets_passed_to_the_parser() -> None:
    parser = ToyParser()
    read_all(StreamingFileReader("TOY", "toy", [TOY], parser))
    # "junk" is skipped before the first start pattern; "xx" between </B> and <A> is skipped too
    assert parser.calls == [(4, b"<H>h1"), (9, b"<A>a1"), (14, b"<B>b1</B>"), (25, b"<A>a2"), (30, b"<B>b2</B>")]


def test_last_record_without_end_pattern_runs_to_end_of_file() -> None:
    parser = ToyParser()
    reader = StreamingFileReader("TOY", "toy", [b"<H>h<A>a<B>tail"], parser)
    assert [t for t, _, _ in read_all(reader)] == ["H", "A", "B"]
    assert parser.calls[-1] == (8, b"<B>tail")


def test_multi_member_gzip_is_read_like_the_plain_file() -> None:
    members = b"".join(gzip.compress(part, mtime=0) for part in (TOY[:9], TOY[9:23], TOY[23:]))
    reader = StreamingFileReader("TOY", "toy", gunzip_chunks(chunks_of(members, 5)), ToyParser())
    assert read_all(reader) == EXPECTED


def test_streams_without_loading_the_whole_file() -> None:
    pulled = 0

    def source() -> Iterator[bytes]:
        nonlocal pulled
        for chunk in chunks_of(TOY * 1000, 10):
            pulled += 1
            yield chunk

    reader = StreamingFileReader("TOY", "toy", source(), ToyParser())
    assert reader.nextRecord(False) is not None
    assert pulled <= 2  # the first record ends in the first chunk (plus one look-ahead)
    for _ in range(10):  # 11 records = 2 TOYs and a bit: about 90 bytes, 9-10 chunks of the 3,900
        reader.nextRecord(False)
    assert pulled <= 11


def test_peek_returns_the_same_record_without_consuming_it() -> None:
    reader = StreamingFileReader("TOY", "toy", [TOY], ToyParser())
    first = reader.nextRecord(True)
    assert first is not None and reader.getOffsetBytes() == "0" and reader.getLastRecordType() is None
    assert reader.nextRecord(True) is first
    assert reader.nextRecord(False) is first
    assert reader.getOffsetBytes() == "9" and reader.getLastRecordType() == "H"
    second = reader.nextRecord(False)
    assert second is not None and second.getDocumentId() == "<A>a1"


def test_a_raising_parser_is_a_task_error_naming_the_record() -> None:
    reader = StreamingFileReader("TOY", "toy", [b"<H>h<A>a<B>boom</B><A>ok"], ToyParser())
    reader.nextRecord(False)
    reader.nextRecord(False)
    with pytest.raises(RecordParseError, match=r"toy@8 \(B\): parseDocument raised KeyError: 'boom'"):
        reader.nextRecord(False)


def test_rejected_and_raising_records_become_error_docs_and_the_machine_moves_on() -> None:
    data = b"<H>h<A>bad<B>boom</B><A>ok"
    reader = StreamingFileReader("TOY", "toy", [data], ToyParser(), exceptions_as_errors=True)
    docs = []
    while (doc := reader.nextRecord(False)) is not None:
        docs.append(doc)
    assert [type(d).__name__ for d in docs] == ["Document", "ErrorDoc", "ErrorDoc", "Document"]
    rejected, raised = docs[1], docs[2]
    assert isinstance(rejected, ErrorDoc) and isinstance(raised, ErrorDoc)
    # the parser left the offset maps empty: the runtime fills in the record's byte range
    assert (rejected.errorStartoffsetMap, rejected.errorEndoffsetMap) == ({"TOY": "4"}, {"TOY": "10"})
    assert raised.getRecordType() == "B" and raised.errorStartoffsetMap == {"TOY": "10"}
    assert raised.errorEndoffsetMap == {"TOY": "21"} and "KeyError" in raised.errorMessage
    assert docs[3].getRecordType() == "A"
    assert reader.counts == {"SUCCESS": 2, "ERROR": 2}


def test_checkpoint_resume_continues_where_it_stopped() -> None:
    first = StreamingFileReader("TOY", "toy", [TOY], ToyParser())
    first.nextRecord(False)
    first.nextRecord(False)
    point = first.checkpoint()
    assert point == {"offset": 14, "lastRecordType": "A", "nextRecordType": "B"}
    resumed = StreamingFileReader("TOY", "toy", chunks_of(TOY, 4), ToyParser(), start_offset=point["offset"],
                                  last_record_type=point["lastRecordType"], next_record_type=point["nextRecordType"])
    assert read_all(resumed) == EXPECTED[2:]


def test_states_and_close() -> None:
    reader = StreamingFileReader("TOY", "toy", [b"<H>x"], ToyParser())
    assert reader.getState() is SingleFileReaderState.CREATED
    reader.nextRecord(True)
    assert reader.getState() is SingleFileReaderState.PROCESSING
    reader.nextRecord(False)
    assert reader.nextRecord(False) is None and reader.getState() is SingleFileReaderState.COMPLETED
    reader.close()
    assert reader.getState() is SingleFileReaderState.CLOSED
    with pytest.raises(StateMachineError, match="closed"):
        reader.nextRecord(False)


def test_bad_hints_fail_with_a_clear_error() -> None:
    parser = ToyParser()
    parser.getNextRecordStartPattern = lambda *a: RecordParseHint("PATTERN", None, -1)  # type: ignore[method-assign]
    with pytest.raises(StateMachineError, match="getNextRecordStartPattern returned a PATTERN hint without"):
        StreamingFileReader("TOY", "toy", [TOY], parser).nextRecord(False)


class PairReader:
    """A multiple-file reader joining record i of file L with record i of file R (after the headers)."""

    def __init__(self, fail_on: str = "") -> None:
        self.fail_on = fail_on

    def parseDocument(self, last_types: dict[str, Any], last_doc: Any, readers: dict[str, Any]) -> Any:
        from letsdata_interfaces.documents.CompositeDoc import CompositeDoc
        from letsdata_interfaces.readers.model.ParseCompositeDocumentResult import (
            ParseCompositeDocumentResult,
        )

        for reader in readers.values():
            if reader.getLastRecordType() is None:
                reader.nextRecord(False)  # the <H> header
        left, right = readers["L"].nextRecord(False), readers["R"].nextRecord(False)
        offsets = {k: r.getOffsetBytes() for k, r in readers.items()}
        last = {k: r.getLastRecordType() for k, r in readers.items()}
        if left is None and right is None:
            return ParseCompositeDocumentResult({}, None, last, offsets, "COMPLETED", "SUCCESS")
        if self.fail_on and left is not None and self.fail_on in left.getDocumentId():
            raise ValueError("cannot join " + left.getDocumentId())
        errors = [d for d in (left, right) if isinstance(d, ErrorDoc)]
        if errors:
            main = ErrorDoc("pair", "Pair", "pair", {}, {}, {}, {}, "a part failed")
            return ParseCompositeDocumentResult({}, CompositeDoc("pair", "Pair", "pair", {}, main, errors), last,
                                                offsets, "PROCESSING", "ERROR")
        assert left is not None and right is not None
        joined = Document("Document", left.getDocumentId(), "Pair", "p", {},
                          {"left": left.getDocumentId(), "right": right.getDocumentId()})
        return ParseCompositeDocumentResult({}, CompositeDoc(joined.documentId, "Pair", "p", {}, joined, None), last,
                                            offsets, "PROCESSING", "SUCCESS")


def _task(reader: Any, left: bytes, right: bytes, resume: Any = None, as_errors: bool = False) -> StateMachineTask:
    data = {"l.toy": left, "r.toy": right}
    return StateMachineTask(reader, MULTIPLE, {"L": "l.toy", "R": "r.toy"}, {"L": ToyParser(), "R": ToyParser()},
                            lambda _t, key: chunks_of(data[key], 3), resume, exceptions_as_errors=as_errors)


def test_multiple_file_task_outcomes_and_stats() -> None:
    task = _task(PairReader(), b"<H>l<A>l1<B>lbad</B><A>l3", b"<H>r<A>r1<B>r2</B><A>r3")
    outcomes = list(task.outcomes())
    assert [(o.kind, o.record.get("left") or o.record.get("errorMessage")) for o in outcomes] == [
        ("document", "<A>l1"), ("error", "a part failed"), ("error", "bad record"), ("document", "<A>l3")]
    assert outcomes[0].record == {"left": "<A>l1", "right": "<A>r1", "documentId": "<A>l1", "recordType": "Pair",
                                  "partitionKey": "p", "documentMetadata": {}}
    # the composite ErrorDoc had no offsets: it gets the span of the files it consumed
    assert outcomes[1].record["errorStartoffsetMap"] == {"L": "9", "R": "9"}
    assert outcomes[1].record["errorEndoffsetMap"] == {"L": "20", "R": "18"}
    assert task.stats.documents == 2 and task.stats.composite_errors == 1 and task.stats.record_errors == 1
    assert {k: dict(v) for k, v in task.stats.records.items()} == {"L": {"SUCCESS": 3, "ERROR": 1},
                                                                   "R": {"SUCCESS": 4}}
    assert all(r.getState() is SingleFileReaderState.CLOSED for r in task.file_readers.values())


def test_reader_exception_is_a_task_error_by_default() -> None:
    task = _task(PairReader(fail_on="l2"), b"<H>l<A>l1<B>l2</B><A>l3", b"<H>r<A>r1<B>r2</B><A>r3")
    outcomes = list(task.outcomes())
    assert [o.record["left"] for o in outcomes] == ["<A>l1"]  # the task stops at the failing composite
    assert task.task_error == "L:l.toy|R:r.toy stopped at {'L': '9', 'R': '9'}: ValueError: cannot join <B>l2</B>"
    assert all(r.getState() is SingleFileReaderState.CLOSED for r in task.file_readers.values())


def test_reader_exception_becomes_an_error_doc_and_the_task_goes_on() -> None:
    task = _task(PairReader(fail_on="l1"), b"<H>l<A>l1<B>l2</B>", b"<H>r<A>r1<B>r2</B>", as_errors=True)
    outcomes = list(task.outcomes())
    assert [o.kind for o in outcomes] == ["error", "document"]
    assert "cannot join <A>l1" in outcomes[0].record["errorMessage"]
    assert outcomes[0].record["documentMetadata"] == {"errorType": "ValueError"}
    assert task.stats.reader_failures == 1


def test_a_reader_that_makes_no_progress_is_stopped() -> None:
    from letsdata_interfaces.readers.model.ParseCompositeDocumentResult import ParseCompositeDocumentResult

    class Stuck:
        def parseDocument(self, *args: Any) -> Any:
            return ParseCompositeDocumentResult({}, None, {}, {}, "PROCESSING", "SUCCESS")

    outcomes = list(_task(Stuck(), TOY, TOY).outcomes())
    assert len(outcomes) == 1 and "consumed no record" in outcomes[0].record["errorMessage"]


def test_task_resume_from_checkpoint() -> None:
    left, right = b"<H>l<A>l1<B>l2</B><A>l3<B>l4</B>", b"<H>r<A>r1<B>r2</B><A>r3<B>r4</B>"
    full = [o.record["left"] for o in _task(PairReader(), left, right).outcomes()]
    task = _task(PairReader(), left, right)
    iterator = task.outcomes()
    head = [next(iterator).record["left"], next(iterator).record["left"]]
    point = task.checkpoint()
    assert point["L"] == {"offset": 18, "lastRecordType": "B", "nextRecordType": "A"}
    rest = [o.record["left"] for o in _task(PairReader(), left, right, resume=point).outcomes()]
    assert head + rest == full == ["<A>l1", "<B>l2</B>", "<A>l3", "<B>l4</B>"]


def test_single_file_task_uses_the_single_signature() -> None:
    from letsdata_interfaces.documents.CompositeDoc import CompositeDoc
    from letsdata_interfaces.readers.model.ParseCompositeDocumentResult import ParseCompositeDocumentResult

    class One:
        def parseDocument(self, file_type: str, last: Any, last_doc: Any, reader: Any) -> Any:
            doc = reader.nextRecord(False)
            state = "COMPLETED" if doc is None else "PROCESSING"
            composite = None if doc is None else CompositeDoc(doc.documentId, "One", "p", {}, doc, None)
            return ParseCompositeDocumentResult({}, composite, {file_type: reader.getLastRecordType()},
                                                {file_type: reader.getOffsetBytes()}, state, "SUCCESS")

    task = StateMachineTask(One(), SINGLE, {"TOY": "t"}, {"TOY": ToyParser()}, lambda _t, _k: [TOY])
    assert [o.record["documentId"] for o in task.outcomes()] == ["<H>h1", "<A>a1", "<B>b1</B>", "<A>a2", "<B>b2</B>"]


BASE = {"datasetName": "d", "readConnector": {"connectorDestination": "S3", "bucketName": "b"},
        "writeConnector": {"connectorDestination": "LOCAL"}, "computeEngine": {"computeEngineType": "Lambda"},
        "manifestFile": {"fileContents": "WARC:a|WAT:b|WET:c"}}


def test_config_accepts_the_platform_reader_type_spellings() -> None:
    raw = {**BASE, "readConnector": {**BASE["readConnector"], "readerType": "Multiple File State Machine Reader",
                                     "multipleFileStateMachineReaderClassName": "m:C"}}
    assert Config(raw).get("readConnector.readerType") == "MULTIPLEFILESTATEMACHINEREADER"
    from letsdata_local.runner import check_runnable

    raw["readConnector"]["readerType"] = "SINGLEFILESTATEMACHINEREADER"
    with pytest.raises(ConfigError, match="missing required field readConnector.singleFileStateMachineReader"):
        check_runnable(Config(raw))
    raw["readConnector"]["singleFileStateMachineReaderImplementationClassName"] = "com.example.JavaReader"
    with pytest.raises(ConfigError, match="must be a Python 'module:Class' name, got 'com.example.JavaReader'"):
        check_runnable(Config(raw))
    raw["readConnector"]["singleFileStateMachineReaderImplementationClassName"] = "examples.nope:Reader"
    with pytest.raises(ConfigError, match="field readConnector.singleFileStateMachineReaderImplementationClassName: "
                                          "cannot import module 'examples.nope'"):
        check_runnable(Config(raw))


def test_large_reads_are_cut_into_pieces_for_the_gunzipper() -> None:
    from letsdata_local.state_machine import _pieces

    data = bytes(range(256)) * 2400  # 614,400 bytes
    pieces = list(_pieces([data, b"small"], size=256 * 1024))
    assert [len(p) for p in pieces] == [262144, 262144, 90112, 5]
    assert b"".join(pieces) == data + b"small"


def test_s3_opener_streams_multi_member_gzip_from_moto(session: Any) -> None:
    from letsdata_local.state_machine import s3_opener

    s3 = session.client("s3")
    s3.create_bucket(Bucket="sm-open")
    members = b"".join(gzip.compress(TOY[i:i + 7], mtime=0) for i in range(0, len(TOY), 7))
    s3.put_object(Bucket="sm-open", Key="toy.gz", Body=members)
    opener = s3_opener(session, "sm-open", chunk_size=16)
    reader = StreamingFileReader("TOY", "toy.gz", opener("TOY", "toy.gz"), ToyParser())
    assert read_all(reader) == EXPECTED


def test_bytes_skipped_before_a_start_pattern_are_not_kept() -> None:
    junk = b"x" * 1_000_000
    reader = StreamingFileReader("TOY", "toy", chunks_of(junk + TOY, 1024), ToyParser())
    first = reader.nextRecord(False)
    assert first is not None and first.getDocumentId() == "<H>h1"
    assert reader.getOffsetBytes() == str(1_000_000 + 9)
    assert len(reader._puller._buf) < 4096  # a megabyte without a match was searched but never held
