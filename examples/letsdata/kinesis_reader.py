"""KinesisRecordReader example: each Kinesis record's data is one flat JSON document.

This is the shape LetsData itself writes to a Kinesis destination (docs/letsdata-wire-contract.md, Document model): the payload keys plus
``documentId``, ``recordType``, ``partitionKey`` and ``documentMetadata`` in one object. The reader
turns it back into a Document, so a dataset can read another dataset's output stream.

What it shows: decoding the ``bytearray`` the bridge passes in, falling back to the Kinesis partition
key and sequence number when the record lacks a partition key or id, and returning an ErrorDoc whose
offsets are the record's sequence number (the "position" of a stream record) when the data is not
a JSON object, so the platform can checkpoint past it or stop, as the dataset's error config says.
"""

from __future__ import annotations

from examples.letsdata._documents import (
    RecordFormatError,
    decode_json_object,
    document_from_flat,
    error,
    success,
)
from letsdata_interfaces.readers.kinesis.KinesisRecordReader import KinesisRecordReader
from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult


class KinesisJsonRecordReader(KinesisRecordReader):
    """Flat JSON document in a Kinesis record -> Document."""

    DEFAULT_RECORD_TYPE = "KinesisRecord"

    def parseMessage(
        self,
        streamArn: str,
        shardId: str,
        partitionKey: str,
        sequenceNumber: str,
        approximateArrivalTimestamp: int,
        data: bytearray,
    ) -> ParseDocumentResult:
        try:
            flat = decode_json_object(data, f"Kinesis record {sequenceNumber} of {shardId}")
            document = document_from_flat(
                flat,
                default_id=sequenceNumber,
                default_record_type=self.DEFAULT_RECORD_TYPE,
                default_partition_key=partitionKey,
            )
        except RecordFormatError as exc:
            offsets = {"shardId": shardId, "sequenceNumber": sequenceNumber}
            return error(
                sequenceNumber,
                self.DEFAULT_RECORD_TYPE,
                partitionKey,
                offsets,
                dict(offsets),
                str(exc),
                payload={"rawRecord": bytes(data).decode("utf-8", errors="replace")},
                metadata={"streamArn": streamArn, "approximateArrivalTimestamp": approximateArrivalTimestamp},
            )
        return success(document)
