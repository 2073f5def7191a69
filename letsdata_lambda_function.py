"""AWS Lambda entry point of the LetsData bridge: ``letsdata_lambda_function.lambda_handler``.

The platform calls this once per interface-method call (per record, unless it sends ``batchedData``)
and inspects ``body.statusCode`` of the returned envelope. The handler never raises (except on
``KeyboardInterrupt``): validation failures, user exceptions of any kind (``SystemExit``,
``asyncio.CancelledError``, ...), results that are not strict JSON or too large for Lambda's response
limit, and requests that run past the invocation's deadline all come back as the 500 envelope
(docs/letsdata-wire-contract.md). What the handler returns is exactly what the runtime can encode and send.

Importing this module loads neither boto3 nor pyspark; a service module and the user class are
imported only when the first request for that interface arrives, and the user class is instantiated
once per warm container. At INFO the bridge logs nothing per successful request (see
docs/letsdata-bridge.md for what an operator sees); per-request detail is at DEBUG.
"""

from __future__ import annotations

import logging
from typing import Any

from letsdata_service.deadline import remaining_ms
from letsdata_service.RequestParser import getServiceRequest
from letsdata_service.responses import batch_response, single_response
from letsdata_utils.errors import wire_error_type
from letsdata_utils.logging_utils import logger
from letsdata_utils.request_utils import getLambdaStageFromEnvironment, return500ResponseFromException


def _request_id(event: Any) -> str:
    if isinstance(event, dict) and isinstance(event.get("requestId"), str):
        return str(event["requestId"])[:200]
    return "<none>"


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    """Validate, dispatch, run and serialise one LetsData request; always return an envelope.

    With a ``context`` that reports the remaining time, the answer comes before the deadline (see
    :mod:`letsdata_service.deadline`); without one (local calls, tests) the request simply runs.
    """
    response: dict[str, Any] = {}
    debug = logger.isEnabledFor(logging.DEBUG)
    try:
        if debug:
            logger.debug("letsdata_lambda_function start - event: %r", event)
        getLambdaStageFromEnvironment()
        request = getServiceRequest(event)
        if debug:
            logger.debug("letsdata_lambda_function - %s", request.log_context())
        remaining = remaining_ms(context) if context is not None else None
        if getattr(request, "result_is_serialised", False):
            response = batch_response(request, remaining)  # type: ignore[arg-type]
        else:
            response = single_response(request, remaining)  # type: ignore[arg-type]
    except KeyboardInterrupt:
        raise
    except BaseException as err:  # noqa: BLE001 - SystemExit, CancelledError, ...: never kill the container
        try:
            logger.warning("letsdata_lambda_function error - requestId=%s, errorType=%s (%s)",
                           _request_id(event), wire_error_type(err), type(err).__name__)
        except Exception:  # pragma: no cover - logging must never break the envelope
            pass
        response = return500ResponseFromException(err, response)
    if debug:
        logger.debug("letsdata_lambda_function end - requestId=%s, response: %r", _request_id(event), response)
    return response
