"""Request factory for DynamoDBTableItemReader; the module path is the original's, the rules live in function_table."""

from __future__ import annotations

from typing import Any

from letsdata_service.dispatch import build_service_request
from letsdata_service.Service import InterfaceNames, ServiceRequest


def getDynamoDBTableItemReaderServiceRequest(
    requestId: Any, letsDataAuth: Any, interfaceName: Any, functionName: Any, data: Any, batchedData: Any
) -> ServiceRequest:
    """Validate a DynamoDBTableItemReader request and return the runnable ServiceRequest (docs/letsdata-wire-contract.md)."""
    return build_service_request(
        InterfaceNames.DynamoDBTableItemReader, requestId, letsDataAuth, interfaceName, functionName, data, batchedData
    )
