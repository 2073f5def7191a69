"""The request objects the parser builds, the interface names and the auth parameters."""

from __future__ import annotations

from enum import Enum
from typing import Any


class InterfaceNames(Enum):
    """The eight interfaces; values are the lower-cased names, so lookups are case-insensitive."""

    SingleFileParser = "singlefileparser"
    QueueMessageReader = "queuemessagereader"
    SagemakerVectorsInterface = "sagemakervectorsinterface"
    KinesisRecordReader = "kinesisrecordreader"
    DynamoDBStreamsRecordReader = "dynamodbstreamsrecordreader"
    DynamoDBTableItemReader = "dynamodbtableitemreader"
    SparkMapperInterface = "sparkmapperinterface"
    SparkReducerInterface = "sparkreducerinterface"

    @classmethod
    def fromValue(cls, value: str) -> InterfaceNames:
        """Case-insensitive lookup (``InterfaceNames.fromValue("SingleFileParser")``)."""
        return cls(value.lower())


#: The keys ``letsdataAuth`` must carry (values are only logged; there is no authorisation).
AUTH_KEYS = ("tenantId", "userId", "datasetName", "datasetId")


class LetsDataAuthParams:
    """The ``letsdataAuth`` block of a request: ``tenantId``, ``userId``, ``datasetName``, ``datasetId``.

    The caller validates that the four keys exist (``RequestParser``); the values are not type-checked
    because the platform only uses them for attribution.
    """

    def __init__(self, letsDataAuthDict: dict[str, Any]) -> None:
        self.tenantId = letsDataAuthDict.get("tenantId")
        self.userId = letsDataAuthDict.get("userId")
        self.datasetName = letsDataAuthDict.get("datasetName")
        self.datasetId = letsDataAuthDict.get("datasetId")

    def __repr__(self) -> str:
        return (f"LetsDataAuthParams(tenantId={self.tenantId!r}, userId={self.userId!r}, "
                f"datasetName={self.datasetName!r}, datasetId={self.datasetId!r})")


class ServiceRequest:
    """A validated request for one interface function; :meth:`execute` runs it and returns the raw result."""

    def __init__(self, requestId: str, letsDataAuth: LetsDataAuthParams, interfaceName: InterfaceNames,
                 functionName: str) -> None:
        self.requestId = requestId
        self.letsDataAuth = letsDataAuth
        self.interfaceName = interfaceName
        self.functionName = functionName

    def execute(self) -> object:
        """Run the request; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__}.execute")

    def log_context(self) -> str:
        """``requestId=..., interface=..., function=...`` for log lines (never the payload)."""
        return f"requestId={self.requestId}, interface={self.interfaceName.name}, function={self.functionName}"


__all__ = ["AUTH_KEYS", "InterfaceNames", "LetsDataAuthParams", "ServiceRequest"]
