"""KinesisRecordReader: turn Kinesis stream records into documents."""

from __future__ import annotations

from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult


class KinesisRecordReader:
    """Implement :meth:`parseMessage` to read a Kinesis data stream.

    The platform reads a record, calls ``parseMessage``, writes the returned document (or the ErrorDoc
    to the error destination) and checkpoints the sequence number, or fails the task, according to the
    connector's error configuration. The instance is reused across warm invocations.
    """

    def parseMessage(self, streamArn: str, shardId: str, partitionKey: str, sequenceNumber: str,
                     approximateArrivalTimestamp: int, data: bytearray) -> ParseDocumentResult:
        """Parse one Kinesis record.

        - ``streamArn``: the ARN of the Kinesis data stream being read.
        - ``shardId`` / ``partitionKey`` / ``sequenceNumber``: the record's Kinesis coordinates; the
          sequence number is a string because it exceeds 64 bits.
        - ``approximateArrivalTimestamp``: epoch milliseconds.
        - ``data``: the record payload as UTF-8 bytes (text payloads only).

        Return a Document with ``SUCCESS``, an ErrorDoc with ``ERROR`` (offset maps such as
        ``{"sequenceNumber": sequenceNumber}``) or a SkipDoc with ``SKIP``.
        """
        raise Exception("Not Yet Implemented")
