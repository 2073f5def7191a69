"""Write connectors (documents) and the error connector (error documents).

Every writer buffers, and :meth:`Writer.flush` returns True once everything written so far is
durable at the destination — the runner acknowledges source records (deletes SQS messages) only
then. Files (local or S3 part files) are written to a temporary file and only *finalised* (atomic
rename, or a single S3 PUT of the finished part) on :meth:`close`/rotation, so an interrupted run
never leaves a partial file that looks complete; :meth:`abort` keeps the partial data under an
explicit ``.partial`` name for inspection instead.

Each document is written with the source record it came from (``source``). That is what lets a
failure stay exact: a document over its destination's limit is refused before it is buffered
(:class:`~letsdata_local.limits.DocumentTooLargeError`), a document the destination rejects for
its content is handed back through :meth:`Writer.take_rejected` instead of failing the run, and a
:class:`WriteError` lists the sources whose documents are *not* durable, so the runner acknowledges
exactly the others and says how many will be read again.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from datalake_library import json_codec
from letsdata_local.limits import check_document, dynamodb_item_size, sqs_message_size

log = logging.getLogger("letsdata_local")


class WriteError(RuntimeError):
    """A destination kept rejecting records after every retry.

    ``failed_sources``: the sources of every document that is not durable (the failed entries and
    everything still buffered), so the caller never acknowledges them.
    """

    def __init__(self, message: str, failed_sources: list[Any] | None = None) -> None:
        super().__init__(message)
        self.failed_sources: list[Any] = list(failed_sources or [])


@dataclass
class Rejected:
    """A document the destination refused for its content (not retryable): it becomes an error document."""

    source: Any
    document_id: str
    code: str
    message: str


def _json_line(doc: dict[str, Any]) -> bytes:
    """One document as a compact UTF-8 JSON line, through the package's one strict encoder
    (``datalake_library/json_codec.py``): a NaN or an out-of-range number is refused by path rather
    than written as text no JSON reader accepts."""
    return json_codec.dumps(doc, ensure_ascii=False, compact=True).encode("utf-8") + b"\n"


def _retry(
    what: str,
    send: Callable[[list[Any]], list[Any]],
    entries: list[Any],
    source_of: Callable[[Any], Any],
    attempts: int = 8,
    base_delay: float = 0.05,
) -> None:
    """Call ``send`` with the pending entries until it reports none failed (the shared backoff).

    On giving up (or on an exception from ``send``), :class:`WriteError` names the sources of the
    entries that were not written; entries that succeeded in earlier attempts are durable.
    """
    from datalake_library.aws.backoff import retry_pending

    current = entries

    def tracked(batch: list[Any]) -> list[Any]:
        nonlocal current
        current = batch
        return send(batch)

    try:
        pending = retry_pending(tracked, entries, attempts=attempts, base_delay=base_delay, max_delay=2.0)
    except WriteError as exc:
        exc.failed_sources = [source_of(e) for e in current]
        raise
    except Exception as exc:
        raise WriteError(f"{what}: {type(exc).__name__}: {exc}", [source_of(e) for e in current]) from exc
    if pending:
        raise WriteError(
            f"{what}: {len(pending)} records still failing after {attempts} attempts", [source_of(e) for e in pending]
        )


class Writer:
    """Interface of every writer."""

    kind = ""
    #: documents accepted by :meth:`write`
    written = 0
    #: where the output went (for the summary)
    location = ""

    def check(self) -> None:
        """Verify the destination exists (before processing starts)."""

    def write(self, doc: dict[str, Any], source: Any = None) -> None:
        """Buffer ``doc`` (from source record ``source``); raises DocumentTooLargeError when it
        cannot fit the destination, having buffered nothing."""
        raise NotImplementedError

    def flush(self) -> bool:
        """Send buffered records; True when everything written so far is durable."""
        return True

    def commit(self) -> bool:
        """Make everything written so far durable now (even if that means a smaller file part);
        True when it is. The runner calls this before acknowledging source records."""
        return self.flush()

    def wants_commit(self) -> bool:
        """True when the writer asks to be committed now (a part file reached its size)."""
        return False

    def take_rejected(self) -> list[Rejected]:
        """Documents the destination refused for their content since the last call."""
        rejected = getattr(self, "_rejected", None) or []
        self._rejected: list[Rejected] = []
        return list(rejected)

    def close(self) -> None:
        self.flush()

    def abort(self) -> None:
        """Interrupted: keep what is durable, never finalise a partial file."""


# --------------------------------------------------------------------------------------------
class KinesisWriter(Writer):
    """``PutRecords`` in calls of <= 500 records / 5 MiB; failed records retried with backoff."""

    kind = "KINESIS"
    MAX_RECORDS = 500
    MAX_BYTES = 5 * 1024 * 1024

    def __init__(self, session: Any, stream_name: str, gzip_records: bool = False) -> None:
        self.client = session.client("kinesis")
        self.stream_name = stream_name
        #: LetsData's Kinesis writer gzips every record on its own (the platform's write-connector
        #: reader gunzips each one). The configuration's default is GZIP (see the runner);
        #: ``writeConnector.compression: NONE`` writes plain JSON.
        self.gzip_records = gzip_records
        self.location = f"kinesis stream {stream_name}"
        self._buffer: list[dict[str, Any]] = []
        self._bytes = 0
        self.written = 0
        self.calls = 0

    def check(self) -> None:
        from letsdata_local.readers import _missing

        try:
            self.client.describe_stream_summary(StreamName=self.stream_name)
        except Exception as exc:
            raise _missing("Kinesis stream", self.stream_name, exc) from exc

    def _data(self, doc: dict[str, Any]) -> bytes:
        data = _json_line(doc)[:-1]
        if self.gzip_records:
            import gzip

            data = gzip.compress(data, mtime=0)
        return data

    def _entry(self, doc: dict[str, Any]) -> tuple[bytes, str, int]:
        data = self._data(doc)
        key = str(doc.get("partitionKey") or doc.get("documentId") or "letsdata")[:256]
        size = len(data) + len(key.encode())
        check_document(self.kind, size)
        return data, key, size

    def write(self, doc: dict[str, Any], source: Any = None) -> None:
        data, key, size = self._entry(doc)
        if self._buffer and (len(self._buffer) >= self.MAX_RECORDS or self._bytes + size > self.MAX_BYTES):
            self.flush()
        self._buffer.append({"Data": data, "PartitionKey": key, "_source": source})
        self._bytes += size
        self.written += 1

    def _send(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        self.calls += 1
        records = [{"Data": e["Data"], "PartitionKey": e["PartitionKey"]} for e in entries]
        reply = self.client.put_records(StreamName=self.stream_name, Records=records)
        if not reply.get("FailedRecordCount"):
            return []
        return [e for e, r in zip(entries, reply["Records"], strict=True) if r.get("ErrorCode")]

    def flush(self) -> bool:
        if self._buffer:
            buffer, self._buffer, self._bytes = self._buffer, [], 0
            _retry(f"kinesis {self.stream_name}", self._send, buffer, lambda e: e["_source"])
        return True


class SingleRecordKinesisWriter(KinesisWriter):
    """One ``PutRecord`` per document: the unbatched baseline (benchmarks, ``--batch-size 1``)."""

    def write(self, doc: dict[str, Any], source: Any = None) -> None:
        data, key, _ = self._entry(doc)
        self.calls += 1
        try:
            self.client.put_record(StreamName=self.stream_name, Data=data, PartitionKey=key)
        except Exception as exc:
            raise WriteError(f"kinesis {self.stream_name}: {type(exc).__name__}: {exc}", [source]) from exc
        self.written += 1


# --------------------------------------------------------------------------------------------
class SqsWriter(Writer):
    """``SendMessageBatch`` in groups of <= 10 messages / 256 KiB; failures retried."""

    kind = "SQS"
    MAX_MESSAGES = 10
    MAX_BYTES = 256 * 1024

    def __init__(self, session: Any, queue_url: str, message_id_attribute: str | None = None) -> None:
        self.client = session.client("sqs")
        self.queue_url = queue_url
        self.fifo = queue_url.endswith(".fifo")
        self.message_id_attribute = message_id_attribute
        self.location = f"sqs queue {queue_url}"
        self._buffer: list[dict[str, Any]] = []
        self._sources: dict[str, Any] = {}
        self._bytes = 0
        self.written = 0
        self._rejected: list[Rejected] = []

    def write(self, doc: dict[str, Any], source: Any = None) -> None:
        body = _json_line(doc)[:-1].decode("utf-8")
        entry: dict[str, Any] = {"Id": str(len(self._buffer)), "MessageBody": body}
        doc_id = str(doc.get("documentId") or "")
        if self.message_id_attribute:
            value = doc.get(self.message_id_attribute, doc_id)
            entry["MessageAttributes"] = {
                self.message_id_attribute: {"DataType": "String", "StringValue": str(value) or "-"}
            }
        if self.fifo:
            import hashlib

            entry["MessageGroupId"] = str(doc.get("partitionKey") or "letsdata")[:128]
            entry["MessageDeduplicationId"] = hashlib.sha256(body.encode()).hexdigest()[:128]
        size = sqs_message_size(body, entry.get("MessageAttributes"))
        check_document(self.kind, size)
        if self._buffer and (len(self._buffer) >= self.MAX_MESSAGES or self._bytes + size > self.MAX_BYTES):
            self.flush()
            entry["Id"] = "0"
        self._buffer.append(entry)
        self._sources[entry["Id"]] = (source, str(doc.get("documentId") or ""))
        self._bytes += size
        self.written += 1

    def _send(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        reply = self.client.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
        failures = reply.get("Failed") or []
        retry_ids = {f["Id"] for f in failures if not f.get("SenderFault")}
        for fault in (f for f in failures if f.get("SenderFault")):
            # the message's content is wrong (e.g. characters SQS does not allow): not retryable,
            # so it becomes an error document for its source record and the batch goes on
            source, doc_id = self._sources.get(fault["Id"], (None, ""))
            self._rejected.append(Rejected(source, doc_id, str(fault.get("Code")), str(fault.get("Message"))))
            self.written -= 1
        return [e for e in entries if e["Id"] in retry_ids]

    def flush(self) -> bool:
        if self._buffer:
            buffer, self._buffer, self._bytes = self._buffer, [], 0
            try:
                _retry(f"sqs {self.queue_url}", self._send, buffer, lambda e: self._sources[e["Id"]][0])
            finally:
                self._sources = {}
        return True


# --------------------------------------------------------------------------------------------
def _dynamodb_item(doc: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeSerializer

    plain = json.loads(json_codec.dumps(doc), parse_float=Decimal)
    serializer = TypeSerializer()
    return {k: serializer.serialize(v) for k, v in plain.items() if v is not None and v != ""}


class DynamoDBWriter(Writer):
    """``BatchWriteItem`` in groups of 25; ``UnprocessedItems`` retried with backoff."""

    kind = "DYNAMODB"
    MAX_ITEMS = 25

    def __init__(self, session: Any, table_name: str) -> None:
        self.client = session.client("dynamodb")
        self.table_name = table_name
        self.location = f"dynamodb table {table_name}"
        self._buffer: list[tuple[dict[str, Any], Any, str]] = []
        self.written = 0
        self._rejected: list[Rejected] = []

    def check(self) -> None:
        from letsdata_local.readers import _missing

        try:
            self.client.describe_table(TableName=self.table_name)
        except Exception as exc:
            raise _missing("DynamoDB table", self.table_name, exc) from exc

    def write(self, doc: dict[str, Any], source: Any = None) -> None:
        item = _dynamodb_item(doc)
        check_document(self.kind, dynamodb_item_size(item))
        self._buffer.append(({"PutRequest": {"Item": item}}, source, str(doc.get("documentId") or "")))
        self.written += 1
        if len(self._buffer) >= self.MAX_ITEMS:
            self.flush()

    def _send(self, entries: list[tuple[dict[str, Any], Any, str]]) -> list[tuple[dict[str, Any], Any, str]]:
        by_item = {id(e[0]["PutRequest"]["Item"]): e for e in entries}
        try:
            reply = self.client.batch_write_item(RequestItems={self.table_name: [e[0] for e in entries]})
        except Exception as exc:
            if _error_code(exc) != "ValidationException":
                raise
            return self._one_by_one(entries)
        unprocessed = (reply.get("UnprocessedItems") or {}).get(self.table_name) or []
        pending = []
        for request in unprocessed:
            match = by_item.get(id(request["PutRequest"]["Item"]))
            pending.append(match or (request, None, ""))
        if len(pending) != len(unprocessed) or any(p[1] is None for p in pending):
            # the reply's items are new objects (a real client): match them by content instead
            remaining = list(entries)
            pending = []
            for request in unprocessed:
                for i, entry in enumerate(remaining):
                    if entry[0] == request:
                        pending.append(remaining.pop(i))
                        break
        return pending

    def _one_by_one(self, entries: list[tuple[dict[str, Any], Any, str]]) -> list[tuple[dict[str, Any], Any, str]]:
        """The batch was refused as a whole (one bad item fails all 25): find the bad ones."""
        for request, source, doc_id in entries:
            try:
                self.client.put_item(TableName=self.table_name, Item=request["PutRequest"]["Item"])
            except Exception as exc:
                if _error_code(exc) != "ValidationException":
                    raise
                self._rejected.append(Rejected(source, doc_id, "ValidationException", str(exc)))
                self.written -= 1
        return []

    def flush(self) -> bool:
        while self._buffer:
            batch, self._buffer = self._buffer[: self.MAX_ITEMS], self._buffer[self.MAX_ITEMS :]
            try:
                _retry(f"dynamodb {self.table_name}", self._send, batch, lambda e: e[1])
            except WriteError as exc:
                exc.failed_sources += [e[1] for e in self._buffer]
                self._buffer = []
                raise
        return True


# --------------------------------------------------------------------------------------------
class LocalFileWriter(Writer):
    """JSON lines to ``path``, written as ``<path>.partial`` and renamed atomically on close."""

    kind = "LOCAL"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.partial = self.path.with_name(self.path.name + ".partial")
        if self.partial.exists():
            # an interrupted run left committed documents there (their source records may be
            # acknowledged): keep them under a new name rather than overwrite them
            kept = self.partial.with_name(f"{self.partial.name}.{time.strftime('%Y%m%dT%H%M%S')}")
            os.replace(self.partial, kept)
            log.warning("an earlier interrupted run's output was moved to %s", kept)
        self._file = open(self.partial, "wb")  # noqa: SIM115 - closed in close()/abort()
        self.location = str(self.path)
        self.written = 0
        self.committed = 0

    def write(self, doc: dict[str, Any], source: Any = None) -> None:
        self._file.write(_json_line(doc))
        self.written += 1

    def flush(self) -> bool:
        self._file.flush()
        return False  # the file is complete only once renamed on close

    def commit(self) -> bool:
        """fsync: the documents are on disk (in the ``.partial`` file until the run ends)."""
        self._file.flush()
        os.fsync(self._file.fileno())
        self.committed = self.written
        return True

    def close(self) -> None:
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self.partial, self.path)

    def abort(self) -> None:
        if not self._file.closed:
            self._file.close()
        log.warning(
            "interrupted: partial output kept as %s (not finalised; its first %d documents were committed)",
            self.partial, self.committed,
        )


class S3PartWriter(Writer):
    """JSON-lines part files: built in a local temp file, uploaded to the final key only when the
    part is complete (a single atomic PUT / managed upload), so no partial object ever exists."""

    kind = "S3"

    def __init__(self, session: Any, bucket: str, prefix: str, part_bytes: int = 64 * 1024 * 1024) -> None:
        self.client = session.client("s3")
        self.bucket = bucket
        self.prefix = prefix
        self.part_bytes = part_bytes
        self.location = f"s3://{bucket}/{prefix}"
        self.parts: list[str] = []
        self.written = 0
        self._file: Any = None
        self._size = 0

    def check(self) -> None:
        from letsdata_local.readers import _missing

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except Exception as exc:
            raise _missing("S3 bucket", self.bucket, exc) from exc

    def write(self, doc: dict[str, Any], source: Any = None) -> None:
        if self._file is None:
            self._file = tempfile.NamedTemporaryFile(prefix="letsdata-part-", suffix=".jsonl", delete=False)  # noqa: SIM115
            self._size = 0
        line = _json_line(doc)
        self._file.write(line)
        self._size += len(line)
        self.written += 1
        if self._size >= self.part_bytes:
            self._finish_part()

    def _finish_part(self) -> None:
        if self._file is None:
            return
        temp, self._file = self._file, None
        temp.close()
        key = f"{self.prefix}part-{len(self.parts):05d}.jsonl"
        try:
            self.client.upload_file(temp.name, self.bucket, key)
        finally:
            os.unlink(temp.name)
        self.parts.append(key)

    def flush(self) -> bool:
        return self._file is None  # durable only when no part is open

    def commit(self) -> bool:
        """Upload the open part now (a smaller part) so what was written is durable."""
        self._finish_part()
        return True

    def close(self) -> None:
        self._finish_part()

    def abort(self) -> None:
        if self._file is not None:
            self._file.close()
            os.unlink(self._file.name)
            self._file = None
            log.warning("interrupted: the unfinished S3 part was not uploaded")


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str((response.get("Error") or {}).get("Code") or "")
    return ""
