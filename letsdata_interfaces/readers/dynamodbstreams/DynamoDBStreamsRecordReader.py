"""DynamoDBStreamsRecordReader: turn DynamoDB stream records into documents."""

from __future__ import annotations

from typing import Any

from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult


class DynamoDBStreamsRecordReader:
    """Implement :meth:`parseRecord` to read a DynamoDB stream.

    The platform reads a stream record, calls ``parseRecord``, writes the document or the ErrorDoc and
    checkpoints, or fails the task, according to the error configuration. The instance is reused across
    warm invocations.
    """

    def parseRecord(self, streamArn: str, shardId: str, eventId: str, eventName: str,
                    identityPrincipalId: str | None, identityType: str | None, sequenceNumber: str,
                    sizeBytes: int, streamViewType: str, approximateCreationDateTime: int,
                    keys: dict[str, Any], oldImage: dict[str, Any], newImage: dict[str, Any]) -> ParseDocumentResult:
        """Parse one DynamoDB stream record.

        - ``streamArn``: the ARN of the DynamoDB stream (``arn:aws:dynamodb:<region>:<acct>:table/<T>/stream/<ts>``).
        - ``eventName``: ``INSERT``, ``MODIFY`` or ``REMOVE``.
        - ``identityPrincipalId`` / ``identityType``: set for TTL deletions, otherwise may be ``None``.
        - ``streamViewType``: ``NEW_IMAGE``, ``OLD_IMAGE``, ``NEW_AND_OLD_IMAGES`` or ``KEYS_ONLY``.
        - ``approximateCreationDateTime``: epoch seconds.
        - ``keys``, ``oldImage``, ``newImage``: plain (already unmarshalled) dicts; an image the stream
          view does not carry is an empty dict, never ``None``.
        """
        raise Exception("Not Yet Implemented")
