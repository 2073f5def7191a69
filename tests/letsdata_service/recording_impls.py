"""Small implementations of every interface used by the bridge tests.

Each records the positional arguments it received (class-level list, so tests can inspect what the
bridge passed) and returns a value derived from its inputs, so expected envelopes are computed from
the request rather than hard-coded.
"""

from __future__ import annotations

from typing import Any, ClassVar

from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.documents.DocumentType import DocumentType
from letsdata_interfaces.documents.ErrorDoc import ErrorDoc
from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult
from letsdata_interfaces.readers.model.ParseDocumentResultStatus import ParseDocumentResultStatus
from letsdata_interfaces.readers.model.RecordHintType import RecordHintType
from letsdata_interfaces.readers.model.RecordParseHint import RecordParseHint


class Recorder:
    calls: ClassVar[list[tuple[str, tuple[Any, ...]]]] = []
    instances: ClassVar[int] = 0

    def __init__(self) -> None:
        type(self).instances += 1

    def _record(self, name: str, *args: Any) -> None:
        type(self).calls.append((name, args))


class RecordingSingleFileParser(Recorder):
    calls: ClassVar[list[tuple[str, tuple[Any, ...]]]] = []
    instances: ClassVar[int] = 0

    def getS3FileType(self) -> str:
        self._record("getS3FileType")
        return "WET"

    def getResolvedS3FileName(self, s3FileType: str, fileName: str) -> str:
        self._record("getResolvedS3FileName", s3FileType, fileName)
        return f"resolved/{s3FileType}/{fileName}"

    def getRecordStartPattern(self, s3FileType: str) -> RecordParseHint:
        self._record("getRecordStartPattern", s3FileType)
        return RecordParseHint(RecordHintType.PATTERN, f"START-{s3FileType}", -1)

    def getRecordEndPattern(self, s3FileType: str) -> RecordParseHint:
        self._record("getRecordEndPattern", s3FileType)
        return RecordParseHint(RecordHintType.OFFSET, None, len(s3FileType))

    def parseDocument(self, s3FileType: str, s3Filename: str, offsetBytes: int, byteArr: bytearray,
                      startIndex: int, endIndex: int) -> ParseDocumentResult:
        self._record("parseDocument", s3FileType, s3Filename, offsetBytes, byteArr, startIndex, endIndex)
        text = bytes(byteArr[startIndex:endIndex]).decode("utf-8")
        if text.startswith("BAD"):
            doc: Document = ErrorDoc(s3Filename, "Content", s3Filename, {}, {},
                                     {s3FileType: str(offsetBytes)}, {s3FileType: str(offsetBytes + endIndex)},
                                     "bad record")
            return ParseDocumentResult(None, doc, "ERROR")
        doc = Document(DocumentType.Document, s3Filename, "Content", s3FileType, {"offsetBytes": offsetBytes},
                       {"chars": len(text), "bytes": endIndex - startIndex})
        return ParseDocumentResult(None, doc, ParseDocumentResultStatus.SUCCESS)


def _echo_result(kind: str, *args: Any) -> ParseDocumentResult:
    doc = Document(DocumentType.Document, str(args[0]), kind, str(args[0]), {}, {"args": list(args)})
    return ParseDocumentResult(None, doc, ParseDocumentResultStatus.SUCCESS)


class RecordingKinesisReader(Recorder):
    calls: ClassVar[list[tuple[str, tuple[Any, ...]]]] = []
    instances: ClassVar[int] = 0

    def parseMessage(self, streamArn: str, shardId: str, partitionKey: str, sequenceNumber: str,
                     approximateArrivalTimestamp: int, data: bytearray) -> ParseDocumentResult:
        self._record("parseMessage", streamArn, shardId, partitionKey, sequenceNumber,
                     approximateArrivalTimestamp, data)
        return _echo_result("Kinesis", sequenceNumber, shardId, approximateArrivalTimestamp, len(data))


class RecordingQueueReader(Recorder):
    calls: ClassVar[list[tuple[str, tuple[Any, ...]]]] = []
    instances: ClassVar[int] = 0

    def parseMessage(self, messageId: str, messageGroupId: str | None, messageDeduplicationId: str | None,
                     messageAttributes: dict[str, Any], messageBody: str) -> ParseDocumentResult:
        self._record("parseMessage", messageId, messageGroupId, messageDeduplicationId, messageAttributes,
                     messageBody)
        if messageBody == "raise":
            raise ValueError(f"cannot parse message {messageId}")
        return _echo_result("SQS", messageId, messageGroupId, messageDeduplicationId, len(messageBody))


class RecordingDynamoDBStreamsReader(Recorder):
    calls: ClassVar[list[tuple[str, tuple[Any, ...]]]] = []
    instances: ClassVar[int] = 0

    def parseRecord(self, streamArn: str, shardId: str, eventId: str, eventName: str,
                    identityPrincipalId: str | None, identityType: str | None, sequenceNumber: str,
                    sizeBytes: int, streamViewType: str, approximateCreationDateTime: int,
                    keys: dict[str, Any], oldImage: dict[str, Any], newImage: dict[str, Any]) -> ParseDocumentResult:
        self._record("parseRecord", streamArn, shardId, eventId, eventName, identityPrincipalId, identityType,
                     sequenceNumber, sizeBytes, streamViewType, approximateCreationDateTime, keys, oldImage,
                     newImage)
        return _echo_result("DDBStream", eventId, eventName, sizeBytes, keys, oldImage, newImage)


class RecordingDynamoDBTableReader(Recorder):
    calls: ClassVar[list[tuple[str, tuple[Any, ...]]]] = []
    instances: ClassVar[int] = 0

    def parseDynamoDBItem(self, tableName: str, segmentNumber: int, keys: dict[str, Any],
                          item: dict[str, Any]) -> ParseDocumentResult:
        self._record("parseDynamoDBItem", tableName, segmentNumber, keys, item)
        return _echo_result("DDBTable", tableName, segmentNumber, keys, item)


class RecordingSagemaker(Recorder):
    calls: ClassVar[list[tuple[str, tuple[Any, ...]]]] = []
    instances: ClassVar[int] = 0

    def extractDocumentElementsForVectorization(self, document: dict[str, Any]) -> dict[str, str]:
        self._record("extractDocumentElementsForVectorization", document)
        return {"docText": str(document.get("docText", ""))[:50]}

    def constructVectorDoc(self, documentInterface: dict[str, Any], vectorsMap: dict[str, list[float]]) -> Document:
        self._record("constructVectorDoc", documentInterface, vectorsMap)
        return Document(DocumentType.Document, documentInterface["documentId"], "Vector",
                        documentInterface["partitionKey"], {}, {k: len(v) for k, v in vectorsMap.items()})


class RecordingSparkMapper(Recorder):
    calls: ClassVar[list[tuple[str, tuple[Any, ...]]]] = []
    instances: ClassVar[int] = 0

    def mapper(self, appName: str, readDestination: str, readUri: str, readFormat: str,
               readOptions: dict[str, Any], writeDestination: str, writeUri: str, writeFormat: str,
               writeMode: str, writeOptions: dict[str, Any], spark_credentials_secret_arn: str) -> None:
        self._record("mapper", appName, readDestination, readUri, readFormat, readOptions, writeDestination,
                     writeUri, writeFormat, writeMode, writeOptions, spark_credentials_secret_arn)


class RecordingSparkReducer(Recorder):
    calls: ClassVar[list[tuple[str, tuple[Any, ...]]]] = []
    instances: ClassVar[int] = 0

    def reducer(self, appName: str, readDestination: str, readUris: list[str], readFormat: str,
                readOptions: dict[str, Any], writeDestination: str, writeUri: str, writeFormat: str,
                writeMode: str, writeOptions: dict[str, Any], spark_credentials_secret_arn: str) -> None:
        self._record("reducer", appName, readDestination, readUris, readFormat, readOptions, writeDestination,
                     writeUri, writeFormat, writeMode, writeOptions, spark_credentials_secret_arn)


RECORDERS: dict[str, type[Recorder]] = {
    "SingleFileParser": RecordingSingleFileParser,
    "KinesisRecordReader": RecordingKinesisReader,
    "QueueMessageReader": RecordingQueueReader,
    "DynamoDBStreamsRecordReader": RecordingDynamoDBStreamsReader,
    "DynamoDBTableItemReader": RecordingDynamoDBTableReader,
    "SagemakerVectorsInterface": RecordingSagemaker,
    "SparkMapperInterface": RecordingSparkMapper,
    "SparkReducerInterface": RecordingSparkReducer,
}


def reset_recorders() -> None:
    for cls in RECORDERS.values():
        cls.calls = []
        cls.instances = 0
