"""Hostile user code through the real ``awslambdaric`` client: every answer is an envelope on /response.

The in-process twin is tests/letsdata_service/test_hostile.py; here the runtime itself encodes and
posts the handler's result to the Runtime API test server (tests/support/runtime_api_server.py), so
these tests see what Lambda would: a body the runtime could not encode (NaN, huge ints) would arrive
on /error or not at all, an oversized one would be over 6 MB, a call past the deadline would never
be answered.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.letsdata_service.payloads import envelope
from tests.support.runtime_api_server import InvocationResult, LambdaProcess, awslambdaric_process

HANDLER = "letsdata_lambda_function.lambda_handler"
IMPL = {"LETSDATA_IMPL_QUEUEMESSAGEREADER": "tests.letsdata_service.hostile_impls:HostileQueueReader",
        "LETS_DATA_STAGE": "Test"}
LIMIT = 6 * 1024 * 1024
LABEL = "QueueMessageReader.parseMessage"


@pytest.fixture(scope="module")
def hostile_lambda() -> Iterator[LambdaProcess]:
    with awslambdaric_process(HANDLER, ROOT, IMPL) as running:
        yield running


@pytest.fixture(scope="module")
def utf8_lambda() -> Iterator[LambdaProcess]:
    """The runtime as on python3.12+ images: results sent as raw UTF-8 (no ASCII escaping)."""
    with awslambdaric_process(HANDLER, ROOT, {**IMPL, "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12"}) as running:
        yield running


def message(body: str, message_id: str = "m-1") -> dict[str, Any]:
    return {"messageId": message_id, "messageAttributes": {}, "messageBody": body}


def request(body: str) -> dict[str, Any]:
    return envelope("QueueMessageReader", "parseMessage", message(body))


def batch(*bodies: str) -> dict[str, Any]:
    return envelope("QueueMessageReader", "parseMessage",
                    batchedData=[message(b, f"m-{i}") for i, b in enumerate(bodies)])


def posted(result: InvocationResult) -> dict[str, Any]:
    """The envelope the runtime posted on /response, parsed as strict JSON."""
    assert result.kind == "response", f"posted to /{result.kind}: {result.body[:300]!r}"
    assert len(result.body) <= LIMIT
    envelope_: dict[str, Any] = json.loads(result.body, parse_constant=lambda c: pytest.fail(f"non-JSON {c}"))
    assert list(envelope_) == ["StatusCode", "headers", "body"]
    return envelope_


def error_of(result: InvocationResult) -> tuple[str, str]:
    response = posted(result)
    assert response["StatusCode"] == 500 and response["body"]["statusCode"] == "EXCEPTION"
    body = response["body"]
    assert body["errorMessage"] == body["exception"]["errorMessage"]
    return body["exception"]["errorType"], body["errorMessage"]


@pytest.mark.parametrize(("command", "error_type", "text"), [
    ("exit:3", "SystemExit", "3"),
    ("cancelled:stop", "CancelledError", "stop"),
    ("generatorexit:closed", "GeneratorExit", "closed"),
    ("custom:mine", "CustomBaseException", "mine"),
])
def test_base_exceptions_are_envelopes_and_the_process_survives(hostile_lambda: LambdaProcess, command: str,
                                                                error_type: str, text: str) -> None:
    assert error_of(hostile_lambda.invoke(request(command))) == (error_type, text)
    assert posted(hostile_lambda.invoke(request("ok:after")))["body"]["data"] == {"id": "m-1", "echo": "after"}
    assert hostile_lambda.proc.poll() is None


def test_a_batch_item_exiting_never_touches_the_others(hostile_lambda: LambdaProcess) -> None:
    items = posted(hostile_lambda.invoke(batch("ok:a", "exit:2", "ok:b", "custom:x")))["body"]["data"]
    assert [i["statusCode"] for i in items] == ["SUCCESS", "EXCEPTION", "SUCCESS", "EXCEPTION"]
    assert items[2]["data"] == {"id": "m-2", "echo": "b"}


@pytest.mark.parametrize(("command", "text"), [
    ("nan", "getJsonObject - cannot serialise non-finite float nan at $.document.vectors[1]: JSON has no NaN or "
            "Infinity"),
    ("inf", "getJsonObject - cannot serialise non-finite float -inf at $.document.score: JSON has no NaN or "
            "Infinity"),
    ("bigint", "getJsonObject - cannot serialise int with more than 4300 digits at $.counts[1]: the interpreter's "
               "limit for int-to-text conversion (sys.get_int_max_str_digits()); return it as a str"),
])
def test_results_the_runtime_cannot_encode_are_errors_naming_the_path(hostile_lambda: LambdaProcess, command: str,
                                                                      text: str) -> None:
    assert error_of(hostile_lambda.invoke(request(command))) == ("Exception", text)


def test_deep_nesting_the_runtime_can_encode_is_answered(hostile_lambda: LambdaProcess) -> None:
    data = posted(hostile_lambda.invoke(request("deep:900")))["body"]["data"]
    for _ in range(900):
        data = data[0]
    assert data == "bottom"


def test_a_result_over_the_limit_is_an_error(hostile_lambda: LambdaProcess) -> None:
    error_type, text = error_of(hostile_lambda.invoke(request(f"size:{7_000_000}")))
    assert text == (f"letsdata response - the result of {LABEL} is 7,000,113 bytes as JSON, over Lambda's response "
                    "limit of 6,291,456 bytes; return less data per call")


def test_a_result_at_the_limit_is_sent_whole(hostile_lambda: LambdaProcess) -> None:
    result = hostile_lambda.invoke(request(f"size:{LIMIT - 113}"))
    assert len(result.body) == LIMIT and posted(result)["StatusCode"] == 200


def test_a_3_mb_error_message_arrives_cut(hostile_lambda: LambdaProcess) -> None:
    result = hostile_lambda.invoke(request("raise:3000000"))
    error_type, text = error_of(result)
    assert error_type == "ValueError" and text.startswith("x" * 60_000) and "[message cut: " in text
    assert len(result.body) < 200_000


def test_batch_over_the_limit_fits_by_replacing_items(hostile_lambda: LambdaProcess) -> None:
    result = hostile_lambda.invoke(batch("size:2500000", "size:2500000", "size:2500000"))
    items = posted(result)["body"]["data"]
    assert [i["statusCode"] for i in items] == ["SUCCESS", "SUCCESS", "EXCEPTION"]
    assert items[2]["errorMessage"].startswith(f"letsdata response - the result of {LABEL} batchedData[2] is "
                                               "2,500,035 bytes as JSON and does not fit")


def test_a_call_past_the_deadline_is_answered_in_time_and_the_next_request_works(
        hostile_lambda: LambdaProcess) -> None:
    started = time.monotonic()
    result = hostile_lambda.invoke(request("sleep:5"), deadline_seconds=2.0)
    elapsed = time.monotonic() - started
    error_type, text = error_of(result)
    assert text.startswith(f"letsdata timeout - {LABEL} did not finish in time: the invocation had ")
    assert text.endswith(" ms left when the request arrived and the bridge answers 500 ms before the deadline; the "
                         "call keeps running in the background and its result is discarded")
    assert elapsed < 2.0
    assert posted(hostile_lambda.invoke(request("ok:next")))["body"]["data"] == {"id": "m-1", "echo": "next"}
    assert posted(hostile_lambda.invoke(request("thread")))["body"]["data"] == {"thread": "letsdata-request"}


def test_a_batch_past_the_deadline_keeps_the_finished_items(hostile_lambda: LambdaProcess) -> None:
    result = hostile_lambda.invoke(batch("ok:a", "sleep:5", "ok:c"), deadline_seconds=2.0)
    items = posted(result)["body"]["data"]
    assert [i["statusCode"] for i in items] == ["SUCCESS", "EXCEPTION", "EXCEPTION"]
    assert items[1]["errorMessage"].startswith(f"letsdata timeout - {LABEL} batchedData[1] did not finish in time")
    assert items[2]["errorMessage"].startswith(f"letsdata timeout - {LABEL} batchedData[2] was not started")


def test_utf8_runtime_lone_surrogate_is_an_error_not_a_failed_post(utf8_lambda: LambdaProcess) -> None:
    assert error_of(utf8_lambda.invoke(request("surrogate"))) == (
        "Exception", "getJsonObject - cannot serialise str holding a lone surrogate at $.text: it cannot be sent as "
                     "UTF-8")
    assert posted(utf8_lambda.invoke(request("ok:é")))["body"]["data"] == {"id": "m-1", "echo": "é"}


def test_utf8_runtime_counts_utf8_bytes(utf8_lambda: LambdaProcess) -> None:
    """On a UTF-8 runtime a result of 3-byte characters fits by its UTF-8 size, not its escaped size."""
    result = utf8_lambda.invoke(request("ok:" + "€" * 1_500_000))
    assert 4_500_000 < len(result.body) <= LIMIT  # 9 MB if it were \\u20ac-escaped
    assert posted(result)["body"]["data"]["echo"] == "€" * 1_500_000


def test_nothing_reached_the_error_endpoint(hostile_lambda: LambdaProcess, utf8_lambda: LambdaProcess) -> None:
    for running in (hostile_lambda, utf8_lambda):
        results = running.server.results.values()
        assert results and all(r.kind == "response" for r in results)
        assert running.server.init_errors == [] and running.server.unexpected_requests == []
