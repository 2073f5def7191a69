"""The handler answers anything user code can do with a well-formed envelope the runtime can send.

Any BaseException but KeyboardInterrupt, results that are not strict JSON, results and errors too
large for Lambda's 6 MB response limit, deep nesting, and calls that run past the deadline
(docs/letsdata-bridge.md). The same commands run through awslambdaric in
tests/test_lambda_runtime_hostile.py.
"""

from __future__ import annotations

import json
import math
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from letsdata_lambda_function import lambda_handler
from letsdata_service import registry
from tests.letsdata_service import hostile_impls
from tests.letsdata_service.payloads import envelope

LIMIT = 6 * 1024 * 1024
#: The 200 envelope's text around its data (the contract's key order and the runtime's separators).
AROUND_DATA = len('{"StatusCode": 200, "headers": {"Content-Type": "application/json"}, '
                  '"body": {"statusCode": "SUCCESS", "data": }}')
LABEL = "QueueMessageReader.parseMessage"


@pytest.fixture(autouse=True)
def hostile() -> Iterator[None]:
    registry.register_implementation("QueueMessageReader", hostile_impls.HostileQueueReader)
    hostile_impls.CALLS.clear()
    yield
    hostile_impls.release_all()


def message(body: str, message_id: str = "m-1") -> dict[str, Any]:
    return {"messageId": message_id, "messageAttributes": {}, "messageBody": body}


def request(body: str) -> dict[str, Any]:
    return envelope("QueueMessageReader", "parseMessage", message(body))


def batch(*bodies: str) -> dict[str, Any]:
    return envelope("QueueMessageReader", "parseMessage",
                    batchedData=[message(b, f"m-{i}") for i, b in enumerate(bodies)])


def strict_text(response: dict[str, Any]) -> str:
    """The response as the runtime would send it; fails on NaN/Infinity (not JSON)."""
    text = json.dumps(response, allow_nan=False)
    json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    return text


def error_of(response: dict[str, Any]) -> tuple[str, str]:
    assert response["StatusCode"] == 500 and list(response) == ["StatusCode", "headers", "body"]
    body = response["body"]
    assert body["statusCode"] == "EXCEPTION" and body["errorMessage"] == body["exception"]["errorMessage"]
    assert body["exception"]["stackTrace"].endswith("\n")
    strict_text(response)
    return body["exception"]["errorType"], body["errorMessage"]


class Deadline:
    """A Lambda-like context: the time left until a fixed deadline."""

    def __init__(self, remaining_ms: float) -> None:
        self.deadline = time.monotonic() + remaining_ms / 1000

    def get_remaining_time_in_millis(self) -> int:
        return max(0, math.ceil((self.deadline - time.monotonic()) * 1000))


# -- 1. every BaseException but KeyboardInterrupt -----------------------------------------------------
@pytest.mark.parametrize(("command", "error_type", "text"), [
    ("exit:3", "SystemExit", "3"),
    ("exit", "SystemExit", ""),  # sys.exit() carries no argument
    ("cancelled:stop", "CancelledError", "stop"),
    ("generatorexit:closed", "GeneratorExit", "closed"),
    ("custom:mine", "CustomBaseException", "mine"),
])
@pytest.mark.parametrize("clock", [False, True], ids=["no-deadline", "deadline"])
def test_base_exceptions_become_error_envelopes(command: str, error_type: str, text: str, clock: bool) -> None:
    context = Deadline(60_000) if clock else None
    response = lambda_handler(request(command), context)
    assert error_of(response) == (error_type, text)
    assert "hostile_impls.py" in response["body"]["exception"]["stackTrace"]


@pytest.mark.parametrize("clock", [False, True], ids=["no-deadline", "deadline"])
def test_keyboard_interrupt_is_not_swallowed(clock: bool) -> None:
    context = Deadline(60_000) if clock else None
    with pytest.raises(KeyboardInterrupt):
        lambda_handler(request("keyboard:stop"), context)


@pytest.mark.parametrize("clock", [False, True], ids=["no-deadline", "deadline"])
def test_a_batch_item_exiting_never_touches_the_others(clock: bool) -> None:
    context = Deadline(60_000) if clock else None
    response = lambda_handler(batch("ok:a", "exit:2", "ok:b", "cancelled", "ok:c", "custom:x", "generatorexit"),
                              context)
    assert response["StatusCode"] == 200
    items = response["body"]["data"]
    assert [i["statusCode"] for i in items] == ["SUCCESS", "EXCEPTION", "SUCCESS", "EXCEPTION", "SUCCESS",
                                                "EXCEPTION", "EXCEPTION"]
    assert [items[i]["data"] for i in (0, 2, 4)] == [{"id": "m-0", "echo": "a"}, {"id": "m-2", "echo": "b"},
                                                     {"id": "m-4", "echo": "c"}]
    assert [items[i]["exception"]["errorType"] for i in (1, 3, 5, 6)] == [
        "SystemExit", "CancelledError", "CustomBaseException", "GeneratorExit"]
    assert items[1]["errorMessage"] == "2"
    strict_text(response)


# -- 2. strict JSON, naming the path ------------------------------------------------------------------
@pytest.mark.parametrize(("command", "text"), [
    ("nan", "getJsonObject - cannot serialise non-finite float nan at $.document.vectors[1]: JSON has no NaN or "
            "Infinity"),
    ("inf", "getJsonObject - cannot serialise non-finite float -inf at $.document.score: JSON has no NaN or "
            "Infinity"),
    ("bigint", "getJsonObject - cannot serialise int with more than 4300 digits at $.counts[1]: the interpreter's "
               "limit for int-to-text conversion (sys.get_int_max_str_digits()); return it as a str"),
])
@pytest.mark.parametrize("clock", [False, True], ids=["no-deadline", "deadline"])
def test_results_json_cannot_carry_are_errors_naming_the_path(command: str, text: str, clock: bool) -> None:
    context = Deadline(60_000) if clock else None
    assert error_of(lambda_handler(request(command), context)) == ("Exception", text)


def test_a_batch_item_with_nan_fails_alone() -> None:
    items = lambda_handler(batch("ok:a", "nan", "ok:b"), None)["body"]["data"]
    assert [i["statusCode"] for i in items] == ["SUCCESS", "EXCEPTION", "SUCCESS"]
    assert items[1]["errorMessage"].startswith("getJsonObject - cannot serialise non-finite float nan at "
                                               "$.document.vectors[1]")


# -- 5. nesting -----------------------------------------------------------------------------------------
def test_nesting_json_dumps_manages_is_answered() -> None:
    depth = sys.getrecursionlimit() - 200  # json.dumps manages this from this test's stack
    json.dumps(hostile_impls.nested(depth))
    response = lambda_handler(request(f"deep:{depth}"), None)
    data = response["body"]["data"]
    for _ in range(depth):
        data = data[0]
    assert data == "bottom"


def test_nesting_beyond_the_encoder_is_an_error_not_a_crash() -> None:
    depth = sys.getrecursionlimit() + 50
    error_type, text = error_of(lambda_handler(request(f"deep:{depth}"), None))
    assert error_type == "Exception"
    assert text.startswith(f"getJsonObject - cannot serialise value nested {depth} levels deep at $[0][0][0]")


# -- 3. Lambda's 6 MB response limit -------------------------------------------------------------------
def test_a_result_exactly_at_the_limit_is_sent_and_one_byte_more_is_an_error() -> None:
    at_limit = lambda_handler(request(f"size:{LIMIT - AROUND_DATA}"), None)
    assert at_limit["StatusCode"] == 200 and len(strict_text(at_limit)) == LIMIT
    over = lambda_handler(request(f"size:{LIMIT - AROUND_DATA + 1}"), None)
    assert error_of(over) == ("Exception", f"letsdata response - the result of {LABEL} is 6,291,457 bytes as JSON, "
                                           "over Lambda's response limit of 6,291,456 bytes; return less data per call")


def test_an_error_quoting_a_3_mb_record_is_cut_once_not_sent_three_times() -> None:
    response = lambda_handler(request(f"raise:{3_000_000}"), None)
    error_type, text = error_of(response)
    assert error_type == "ValueError"
    assert text.startswith("x" * 60_000)
    assert text.endswith("... [message cut: 2,934,569 of 3,000,000 characters omitted to stay under Lambda's "
                         "response size limit]")
    trace = response["body"]["exception"]["stackTrace"]
    assert trace.endswith("ValueError: " + "x" * 1024 + "... [message; its start is in errorMessage cut: "
                          "2,998,976 more characters]\n")
    assert len(strict_text(response)) < 200_000


def test_a_2_5_mb_function_name_is_echoed_cut() -> None:
    event = envelope("QueueMessageReader", "f" * 2_500_000, message("ok"))
    error_type, text = error_of(lambda_handler(event, None))
    assert text == ("letsdata assert - lambda event - invalid functionName " + "f" * 200
                    + "...[2,499,800 more characters] for interface QueueMessageReader (expected one of parseMessage)")
    assert len(strict_text(lambda_handler(event, None))) < 10_000


def test_batch_responses_respect_the_limit_across_items() -> None:
    item_bytes = 2_500_000  # three fit in no 6 MB response, two do
    response = lambda_handler(batch(*[f"size:{item_bytes}"] * 3), None)
    items = response["body"]["data"]
    assert [i["statusCode"] for i in items] == ["SUCCESS", "SUCCESS", "EXCEPTION"]
    assert items[2]["errorMessage"] == (
        f"letsdata response - the result of {LABEL} batchedData[2] is 2,500,035 bytes as JSON and does not fit in "
        "this response: Lambda's limit is 6,291,456 bytes for the whole batch; send fewer records per batch")
    assert len(strict_text(response)) <= LIMIT


def test_batch_replaces_the_largest_items_first() -> None:
    items = lambda_handler(batch("size:1000", "size:4000000", "size:3000000", "ok:small"), None)["body"]["data"]
    assert [i["statusCode"] for i in items] == ["SUCCESS", "EXCEPTION", "SUCCESS", "SUCCESS"]


def test_batch_of_long_errors_stays_under_the_limit() -> None:
    response = lambda_handler(batch(*[f"raise:{3_000_000}"] * 4), None)
    assert [i["exception"]["errorType"] for i in response["body"]["data"]] == ["ValueError"] * 4
    assert len(strict_text(response)) < LIMIT


# -- 4. deadlines ---------------------------------------------------------------------------------------
def test_a_call_past_the_deadline_gets_a_timeout_envelope_in_time_and_the_instance_stays_usable() -> None:
    started = time.monotonic()
    response = lambda_handler(request("block:slow"), Deadline(1500))
    elapsed = time.monotonic() - started
    assert error_of(response) == ("Exception", f"letsdata timeout - {LABEL} did not finish in time: the invocation "
                                               "had 1500 ms left when the request arrived and the bridge answers "
                                               "500 ms before the deadline; the call keeps running in the background "
                                               "and its result is discarded")
    assert elapsed < 1.5  # answered before the deadline
    # the abandoned call is still blocked; the next requests run on a fresh worker
    assert lambda_handler(request("ok:next"), Deadline(5000))["body"]["data"] == {"id": "m-1", "echo": "next"}
    assert lambda_handler(request("ok:plain"), None)["body"]["data"] == {"id": "m-1", "echo": "plain"}
    hostile_impls.RELEASE["slow"].set()


def test_too_little_time_left_does_not_start_user_code() -> None:
    response = lambda_handler(request("ok:never"), Deadline(300))
    error_type, text = error_of(response)
    assert text.startswith(f"letsdata timeout - {LABEL} was not started: the invocation had ")
    assert text.endswith(" ms left when the request arrived and the bridge answers 500 ms before the deadline")
    assert hostile_impls.CALLS == []


def test_a_batch_past_the_deadline_keeps_finished_items_and_starts_no_more() -> None:
    response = lambda_handler(batch("ok:a", "ok:b", "block:batch", "ok:d"), Deadline(1500))
    items = response["body"]["data"]
    assert [i["statusCode"] for i in items] == ["SUCCESS", "SUCCESS", "EXCEPTION", "EXCEPTION"]
    assert items[2]["errorMessage"] == (f"letsdata timeout - {LABEL} batchedData[2] did not finish in time: the "
                                        "invocation had 1500 ms left when the request arrived and the bridge answers "
                                        "500 ms before the deadline")
    assert items[3]["errorMessage"].startswith(f"letsdata timeout - {LABEL} batchedData[3] was not started: ")
    hostile_impls.RELEASE["batch"].set()
    time.sleep(0.2)
    assert hostile_impls.CALLS == ["ok:a", "ok:b", "block:batch"]  # item 3 never ran, even after the release


class NoClock:
    pass


class BrokenClock:
    def get_remaining_time_in_millis(self) -> Any:
        raise RuntimeError("no clock")


class NoneClock:
    def get_remaining_time_in_millis(self) -> Any:
        return None


@pytest.mark.parametrize("context", [None, NoClock(), BrokenClock(), NoneClock()])
def test_without_a_usable_clock_the_request_runs_on_the_calling_thread(context: Any) -> None:
    response = lambda_handler(request("thread"), context)
    assert response["body"]["data"] == {"thread": threading.current_thread().name}


def test_with_a_clock_the_request_runs_on_the_worker() -> None:
    response = lambda_handler(request("thread"), Deadline(60_000))
    assert response["body"]["data"] == {"thread": "letsdata-request"}


def test_concurrent_callers_with_a_clock_do_not_wait_for_each_other() -> None:
    """A caller blocked in user code never holds up a request from another thread."""
    results: dict[str, Any] = {}
    slow = threading.Thread(target=lambda: results.update(slow=lambda_handler(request("block:held"), Deadline(60_000))))
    slow.start()
    deadline = time.monotonic() + 10
    while "block:held" not in hostile_impls.CALLS and time.monotonic() < deadline:
        time.sleep(0.01)
    assert lambda_handler(request("ok:fast"), Deadline(60_000))["body"]["data"] == {"id": "m-1", "echo": "fast"}
    assert "slow" not in results  # still blocked while the other request was answered
    hostile_impls.RELEASE["held"].set()
    slow.join(10)
    assert results["slow"]["body"]["data"] == {"released": "held"}


def test_calls_still_running_past_their_deadline_are_reported_until_they_end(caplog: pytest.LogCaptureFixture) -> None:
    from letsdata_service import deadline

    def settle() -> None:
        stop = time.monotonic() + 10
        while deadline.still_running() and time.monotonic() < stop:
            time.sleep(0.01)

    settle()  # calls released by earlier tests have ended
    lambda_handler(request("block:lingering"), Deadline(600))
    caplog.clear()
    with caplog.at_level("WARNING", logger="letsdata"):
        lambda_handler(request("ok:next"), Deadline(60_000))
    assert [r.getMessage() for r in caplog.records] == [
        "letsdata deadline - 1 earlier call(s) that ran past their deadline are still running in the background"]
    hostile_impls.RELEASE["lingering"].set()
    settle()
    caplog.clear()
    with caplog.at_level("WARNING", logger="letsdata"):
        lambda_handler(request("ok:later"), Deadline(60_000))
    assert caplog.records == []


def test_a_long_stack_trace_is_cut_to_128_kib_keeping_its_start() -> None:
    response = lambda_handler(request("chain:500000"), None)
    assert error_of(response) == ("ValueError", "short")
    trace = response["body"]["exception"]["stackTrace"]
    assert trace.startswith("Traceback (most recent call last):\n")
    assert "RuntimeError: " + "c" * 100_000 in trace
    assert trace.endswith(" characters omitted to stay under Lambda's response size limit]\n")
    assert "[stack trace cut: " in trace
    assert 128 * 1024 - 200 < len(json.dumps(trace)) <= 128 * 1024
