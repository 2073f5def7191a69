"""AWS Lambda entry point of the LetsData bridge: ``letsdata_lambda_function.lambda_handler``.

The platform calls this once per interface-method call (per record, unless it sends ``batchedData``)
and inspects ``body.statusCode`` of the returned envelope. The handler never raises: validation
failures, user exceptions and unserialisable results all come back as the 500 envelope (spec 4.2).
Importing this module loads neither boto3 nor pyspark; a service module and the user class are
imported only when the first request for that interface arrives, and the user class is instantiated
once per warm container.
"""

from __future__ import annotations

import logging
from typing import Any

from letsdata_service.RequestParser import getServiceRequest
from letsdata_utils.errors import wire_error_type
from letsdata_utils.logging_utils import logger
from letsdata_utils.request_utils import (
    getJsonObject,
    getLambdaStageFromEnvironment,
    return200Response,
    return500ResponseFromException,
)


def _request_id(event: Any) -> str:
    if isinstance(event, dict) and isinstance(event.get("requestId"), str):
        return str(event["requestId"])
    return "<none>"


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    """Validate, dispatch, run and serialise one LetsData request; always return an envelope."""
    response: dict[str, Any] = {}
    try:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("letsdata_lambda_function start - event: %r", event)
        getLambdaStageFromEnvironment()
        request = getServiceRequest(event)
        logger.info("letsdata_lambda_function - %s", request.log_context())
        result = request.execute()
        data = result if getattr(request, "result_is_serialised", False) else getJsonObject(result)
        response = return200Response(data)
    except (Exception, SystemExit) as err:  # SystemExit: a user sys.exit() must not kill the container
        try:
            logger.warning("letsdata_lambda_function error - requestId=%s, errorType=%s (%s)",
                           _request_id(event), wire_error_type(err), type(err).__name__)
        except Exception:  # pragma: no cover - logging must never break the envelope
            pass
        response = return500ResponseFromException(err, response)
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("letsdata_lambda_function end - requestId=%s, response: %r", _request_id(event), response)
    return response
