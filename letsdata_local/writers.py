"""Write connectors (documents) and the error connector (error documents).

Every writer buffers, and :meth:`Writer.flush` returns True once everything written so far is
durable at the destination — the runner acknowledges source records (deletes SQS messages) only
then. Files (local or S3 part files) are written to a temporary file and only *finalised* (atomic
rename, or a single S3 PUT of the finished part) on :meth:`close`/rotation, so an interrupted run
never leaves a partial file that looks complete; :meth:`abort` keeps the partial data under an
explicit ``.partial`` name for inspection instead.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

log = logging.getLogger("letsdata_local")


class WriteError(RuntimeError):
    """A destination kept rejecting records after every retry."""


def _json_line(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def _retry(
    what: str,
    send: Callable[[list[Any]], list[Any]],
    entries: list[Any],
    attempts: int = 8,
    base_delay: float = 0.05,
) -> None:
    """Call ``send`` with the pending entries until it reports none failed (the shared backoff)."""
    from datalake_library.aws.backoff import retry_pending

    pending = retry_pending(send, entries, attempts=attempts, base_delay=base_delay, max_delay=2.0)
    if pending:
        raise WriteError(f"{what}: {len(pending)} records still failing after {attempts} attempts")


class Writer:
    """Interface of every writer."""

    kind = ""
    #: documents accepted by :meth:`write`
    written = 0
    #: where the output went (for the summary)
    location = ""

    def check(self) -> None:
        """Verify the destination exists (before processing starts)."""

    def write(self, doc: dict[str, Any]) -> None:
        raise NotImplementedError

    def flush(self) -> bool:
        """Send buffered records; True when everything written so far is durable."""
        return True

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
        #: LetsData-managed Kinesis destinations carry gzip-compressed records (letsdata-wire §6)
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

    def write(self, doc: dict[str, Any]) -> None:
        data = self._data(doc)
        key = str(doc.get("partitionKey") or doc.get("documentId") or "letsdata")[:256]
        size = len(data) + len(key.encode())
        if self._buffer and (len(self._buffer) >= self.MAX_RECORDS or self._bytes + size > self.MAX_BYTES):
            self.flush()
        self._buffer.append({"Data": data, "PartitionKey": key})
        self._bytes += size
        self.written += 1

    def _send(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        self.calls += 1
        reply = self.client.put_records(StreamName=self.stream_name, Records=entries)
        if not reply.get("FailedRecordCount"):
            return []
        return [e for e, r in zip(entries, reply["Records"], strict=True) if r.get("ErrorCode")]

    def flush(self) -> bool:
        if self._buffer:
            buffer, self._buffer, self._bytes = self._buffer, [], 0
            _retry(f"kinesis {self.stream_name}", self._send, buffer)
        return True


class SingleRecordKinesisWriter(KinesisWriter):
    """One ``PutRecord`` per document: the unbatched baseline (benchmarks, ``--batch-size 1``)."""

    def write(self, doc: dict[str, Any]) -> None:
        data = self._data(doc)
        key = str(doc.get("partitionKey") or doc.get("documentId") or "letsdata")[:256]
        self.calls += 1
        self.client.put_record(StreamName=self.stream_name, Data=data, PartitionKey=key)
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
        self._bytes = 0
        self.written = 0

    def write(self, doc: dict[str, Any]) -> None:
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
        size = len(body.encode())
        if self._buffer and (len(self._buffer) >= self.MAX_MESSAGES or self._bytes + size > self.MAX_BYTES):
            self.flush()
            entry["Id"] = "0"
        self._buffer.append(entry)
        self._bytes += size
        self.written += 1

    def _send(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        reply = self.client.send_message_batch(QueueUrl=self.queue_url, Entries=entries)
        failed_ids = {f["Id"] for f in reply.get("Failed") or [] if not f.get("SenderFault")}
        sender_faults = [f for f in reply.get("Failed") or [] if f.get("SenderFault")]
        if sender_faults:
            raise WriteError(f"SQS rejected messages: {sender_faults[0].get('Code')}: {sender_faults[0].get('Message')}")
        return [e for e in entries if e["Id"] in failed_ids]

    def flush(self) -> bool:
        if self._buffer:
            buffer, self._buffer, self._bytes = self._buffer, [], 0
            _retry(f"sqs {self.queue_url}", self._send, buffer)
        return True


# --------------------------------------------------------------------------------------------
def _dynamodb_item(doc: dict[str, Any]) -> dict[str, Any]:
    from boto3.dynamodb.types import TypeSerializer

    plain = json.loads(json.dumps(doc), parse_float=Decimal)
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
        self._buffer: list[dict[str, Any]] = []
        self.written = 0

    def check(self) -> None:
        from letsdata_local.readers import _missing

        try:
            self.client.describe_table(TableName=self.table_name)
        except Exception as exc:
            raise _missing("DynamoDB table", self.table_name, exc) from exc

    def write(self, doc: dict[str, Any]) -> None:
        self._buffer.append({"PutRequest": {"Item": _dynamodb_item(doc)}})
        self.written += 1
        if len(self._buffer) >= self.MAX_ITEMS:
            self.flush()

    def _send(self, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
        reply = self.client.batch_write_item(RequestItems={self.table_name: requests})
        return list((reply.get("UnprocessedItems") or {}).get(self.table_name) or [])

    def flush(self) -> bool:
        while self._buffer:
            batch, self._buffer = self._buffer[: self.MAX_ITEMS], self._buffer[self.MAX_ITEMS :]
            _retry(f"dynamodb {self.table_name}", self._send, batch)
        return True


# --------------------------------------------------------------------------------------------
class LocalFileWriter(Writer):
    """JSON lines to ``path``, written as ``<path>.partial`` and renamed atomically on close."""

    kind = "LOCAL"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self._file = open(self.partial, "wb")  # noqa: SIM115 - closed in close()/abort()
        self.location = str(self.path)
        self.written = 0

    def write(self, doc: dict[str, Any]) -> None:
        self._file.write(_json_line(doc))
        self.written += 1

    def flush(self) -> bool:
        self._file.flush()
        return False  # durable only once renamed on close

    def close(self) -> None:
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            os.replace(self.partial, self.path)

    def abort(self) -> None:
        if not self._file.closed:
            self._file.close()
        log.warning("interrupted: partial output kept as %s (not finalised)", self.partial)


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

    def write(self, doc: dict[str, Any]) -> None:
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

    def close(self) -> None:
        self._finish_part()

    def abort(self) -> None:
        if self._file is not None:
            self._file.close()
            os.unlink(self._file.name)
            self._file = None
            log.warning("interrupted: the unfinished S3 part was not uploaded")
