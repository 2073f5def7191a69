"""QueueMessageReader example: each SQS message body is one flat JSON document.

Same document shape as the Kinesis example (LetsData's own SQS destinations write it: the captured
request carries a document with a ``vectors`` map produced by the SageMaker step). What it shows in
addition: the platform sends only ``messageId``, ``messageAttributes`` and ``messageBody`` for standard
queues, so ``messageGroupId`` / ``messageDeduplicationId`` arrive as ``None``; message attributes
whose values are strings are copied into the document metadata; a body that is not a JSON object
becomes an ErrorDoc located by its message id.
"""

from __future__ import annotations

from typing import Any

from examples.letsdata._documents import (
    RecordFormatError,
    decode_json_object,
    document_from_flat,
    error,
    success,
)
from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult
from letsdata_interfaces.readers.sqs.QueueMessageReader import QueueMessageReader


class QueueJsonMessageReader(QueueMessageReader):
    """Flat JSON document in an SQS message body -> Document."""

    DEFAULT_RECORD_TYPE = "QueueMessage"

    def parseMessage(
        self,
        messageId: str,
        messageGroupId: str | None,
        messageDeduplicationId: str | None,
        messageAttributes: dict[str, Any],
        messageBody: str,
    ) -> ParseDocumentResult:
        partition_key = messageGroupId or messageId
        try:
            flat = decode_json_object(messageBody, f"SQS message {messageId}")
            document = document_from_flat(
                flat,
                default_id=messageId,
                default_record_type=self.DEFAULT_RECORD_TYPE,
                default_partition_key=partition_key,
                extra_metadata={k: v for k, v in messageAttributes.items() if isinstance(v, str)},
            )
        except RecordFormatError as exc:
            offsets = {"messageId": messageId}
            return error(
                messageId,
                self.DEFAULT_RECORD_TYPE,
                partition_key,
                offsets,
                dict(offsets),
                str(exc),
                payload={"rawRecord": messageBody},
            )
        return success(document)
