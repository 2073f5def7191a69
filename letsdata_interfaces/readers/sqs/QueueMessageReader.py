"""QueueMessageReader: turn SQS messages into documents."""

from __future__ import annotations

from typing import Any

from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult


class QueueMessageReader:
    """Implement :meth:`parseMessage` to read an SQS queue.

    After the call the platform deletes the message, or fails the task, according to the connector's
    error configuration. The instance is reused across warm invocations.
    """

    def parseMessage(self, messageId: str, messageGroupId: str | None, messageDeduplicationId: str | None,
                     messageAttributes: dict[str, Any], messageBody: str) -> ParseDocumentResult:
        """Parse one SQS message.

        ``messageGroupId`` and ``messageDeduplicationId`` are ``None`` for standard (non-FIFO) queues;
        ``messageAttributes`` is a dict (often empty); ``messageBody`` is the message text.
        """
        raise Exception("Not Yet Implemented")
