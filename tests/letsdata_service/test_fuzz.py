"""Property-based fuzzing of the handler envelope (>= 5,000 generated events across the strategies below).

Whatever arrives, ``lambda_handler`` must return (never raise) a well-formed envelope: exact key sets and
order, the right types, JSON-serialisable, and for batches one well-formed entry per item.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from letsdata_lambda_function import lambda_handler
from letsdata_service import registry
from letsdata_utils.logging_utils import logger
from tests.letsdata_service.payloads import ALL_FUNCTIONS, valid_request
from tests.letsdata_service.recording_impls import RECORDERS


def fuzz(max_examples: int) -> settings:
    return settings(max_examples=max_examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
HEADERS = {"Content-Type": "application/json"}

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)
python_oddities = st.sampled_from([b"bytes", bytearray(b"x"), {1, 2}, (1, "a"), object(), float("nan"),
                                   {"requestId": b"r"}, {1: 2}, ..., type])


def _check_error_body(body: Any) -> None:
    assert list(body) == ["statusCode", "errorMessage", "exception"]
    assert body["statusCode"] == "EXCEPTION" and isinstance(body["errorMessage"], str)
    exc = body["exception"]
    assert list(exc) == ["errorMessage", "errorType", "stackTrace"]
    assert exc["errorMessage"] == body["errorMessage"] and isinstance(exc["errorType"], str) and exc["errorType"]
    assert isinstance(exc["stackTrace"], str) and exc["stackTrace"].endswith("\n")


def check_envelope(event: Any, response: Any) -> None:
    assert isinstance(response, dict) and list(response) == ["StatusCode", "headers", "body"]
    assert response["headers"] == HEADERS
    body = response["body"]
    if response["StatusCode"] == 200:
        assert list(body) == ["statusCode", "data"] and body["statusCode"] == "SUCCESS"
        if isinstance(event, dict) and isinstance(event.get("batchedData"), list) and event["batchedData"]:
            assert isinstance(body["data"], list) and len(body["data"]) == len(event["batchedData"])
            for item in body["data"]:
                if item["statusCode"] == "SUCCESS":
                    assert list(item) == ["statusCode", "data"]
                else:
                    _check_error_body(item)
    else:
        assert response["StatusCode"] == 500
        _check_error_body(body)
        if not isinstance(event, dict):
            assert body["errorMessage"].startswith("letsdata assert - ")
    json.dumps(response)


@pytest.fixture
def half_registered() -> Iterator[None]:
    """Recording implementations for half of the interfaces (the others keep the shipped stubs).

    The per-request warning logs are silenced: thousands of captured log records only slow the run down.
    """
    for name in sorted(RECORDERS)[::2]:
        registry.register_implementation(name, RECORDERS[name])
    previous = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(previous)


@fuzz(1500)
@given(st.one_of(json_values, python_oddities))
def test_arbitrary_values_as_events(half_registered: None, event: Any) -> None:
    check_envelope(event, lambda_handler(event, None))


@st.composite
def mutated_envelopes(draw: st.DrawFn) -> dict[str, Any]:
    event = valid_request(draw(st.sampled_from(ALL_FUNCTIONS)))
    for _ in range(draw(st.integers(1, 3))):
        targets: list[dict[str, Any]] = [event]
        if isinstance(event.get("letsdataAuth"), dict):
            targets.append(event["letsdataAuth"])
        if isinstance(event.get("data"), dict):
            targets.append(event["data"])
            if isinstance(event["data"].get("data"), dict):
                targets.append(event["data"]["data"])
        target = draw(st.sampled_from(targets))
        if not target:
            continue
        key = draw(st.sampled_from(sorted(target)))
        action = draw(st.sampled_from(["delete", "replace", "case", "add"]))
        if action == "delete":
            del target[key]
        elif action == "replace":
            target[key] = draw(st.one_of(json_values, st.sampled_from([True, False, 0, -1, 1.5, "", {}, []])))
        elif action == "case" and isinstance(target[key], str):
            target[key] = draw(st.sampled_from([target[key].upper(), target[key].lower(), target[key] + " "]))
        else:
            target[draw(st.text(max_size=6))] = draw(json_values)
    return event


@fuzz(2500)
@given(mutated_envelopes())
def test_near_valid_envelopes(half_registered: None, event: dict[str, Any]) -> None:
    check_envelope(event, lambda_handler(event, None))


@st.composite
def batched_envelopes(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(st.sampled_from(ALL_FUNCTIONS))
    event = valid_request(name)
    good = event.pop("data", None)
    items: list[Any] = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["good", "good", "garbage", "broken"]))
        if kind == "good":
            items.append(json.loads(json.dumps(good)) if good is not None else None)
        elif kind == "garbage":
            items.append(draw(json_values))
        else:
            item = json.loads(json.dumps(good)) if isinstance(good, dict) else {}
            if item:
                item[draw(st.sampled_from(sorted(item)))] = draw(json_values)
            items.append(item)
    event["batchedData"] = items
    return event


@fuzz(1200)
@given(batched_envelopes())
def test_batches_of_mixed_items(half_registered: None, event: dict[str, Any]) -> None:
    response = lambda_handler(event, None)
    check_envelope(event, response)
    assert response["StatusCode"] == 200  # envelope is valid, so only items can fail


def test_fuzz_budget_is_at_least_5000_events() -> None:
    total = sum(t._hypothesis_internal_use_settings.max_examples  # type: ignore[attr-defined]
                for t in (test_arbitrary_values_as_events, test_near_valid_envelopes, test_batches_of_mixed_items))
    assert total >= 5000
