"""The one table of the LetsData interfaces: each one's shipped stub and request factory.

Why: the interface names used to be listed four times (the enum, the registry's stubs, the request
factories, letsdata_local's configuration check) and nothing kept the lists in step. The names are
the members of :class:`~letsdata_service.Service.InterfaceNames` (the original's public enum, kept
at its module path); everything else that needs "every interface" derives from :data:`INTERFACES`,
keyed by those members.
"""

from __future__ import annotations

from letsdata_service.Service import InterfaceNames


class InterfaceEntry:
    """``stub``: ``module:Class`` of the shipped stub; ``service_module``/``factory``: the request factory."""

    __slots__ = ("factory", "service_module", "stub")

    def __init__(self, stub: str, service_module: str, factory: str) -> None:
        self.stub = stub
        self.service_module = service_module
        self.factory = factory


_R = "letsdata_interfaces.readers."
_S = "letsdata_service."

INTERFACES: dict[InterfaceNames, InterfaceEntry] = {
    InterfaceNames.SingleFileParser: InterfaceEntry(
        _R + "parsers.SingleFileParser:SingleFileParser", _S + "SingleFileParserService",
        "getSingleFileParserRequest"),
    InterfaceNames.KinesisRecordReader: InterfaceEntry(
        _R + "kinesis.KinesisRecordReader:KinesisRecordReader", _S + "KinesisRecordReaderService",
        "getKinesisRecordReaderServiceRequest"),
    InterfaceNames.QueueMessageReader: InterfaceEntry(
        _R + "sqs.QueueMessageReader:QueueMessageReader", _S + "QueueMessageReaderService",
        "getQueueMessageReaderServiceRequest"),
    InterfaceNames.DynamoDBStreamsRecordReader: InterfaceEntry(
        _R + "dynamodbstreams.DynamoDBStreamsRecordReader:DynamoDBStreamsRecordReader",
        _S + "DynamoDBRecordReaderService", "getDynamoDBRecordReaderServiceRequest"),
    InterfaceNames.DynamoDBTableItemReader: InterfaceEntry(
        _R + "dynamodb.DynamoDBTableItemReader:DynamoDBTableItemReader", _S + "DynamoDBTableItemReaderService",
        "getDynamoDBTableItemReaderServiceRequest"),
    InterfaceNames.SagemakerVectorsInterface: InterfaceEntry(
        _R + "sagemaker.SagemakerVectorsInterface:SagemakerVectorsInterface",
        _S + "SagemakerVectorsInterfaceService", "getSagemakerVectorsInterfaceServiceRequest"),
    InterfaceNames.SparkMapperInterface: InterfaceEntry(
        _R + "spark.SparkMapperInterface:SparkMapperInterface", _S + "SparkMapperInterfaceService",
        "getSparkMapperInterfaceServiceRequest"),
    InterfaceNames.SparkReducerInterface: InterfaceEntry(
        _R + "spark.SparkReducerInterface:SparkReducerInterface", _S + "SparkReducerInterfaceService",
        "getSparkReducerInterfaceServiceRequest"),
}

#: The interface names as a dataset configuration spells them, in the table's order.
INTERFACE_NAMES: tuple[str, ...] = tuple(iface.name for iface in INTERFACES)
