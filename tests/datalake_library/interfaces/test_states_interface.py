"""StatesInterface against moto: payload encoding, size guard, names, restored describe/list."""

from __future__ import annotations

import base64
import json
import logging
from datetime import UTC, date, datetime
from decimal import Decimal

import boto3
import pytest
from botocore.stub import Stubber

from datalake_library import DataLakeClient, StatesInterface
from datalake_library.errors import (
    ExecutionNotFoundError,
    InvalidArgumentError,
    InvalidArgumentTypeError,
    MalformedArnError,
    MissingArgumentError,
    PayloadTooLargeError,
    StateMachineNotFoundError,
)
from datalake_library.interfaces.states_interface import MAX_INPUT_BYTES
from tests.datalake_library.helpers import counting_session


def test_json_serial() -> None:
    serial = StatesInterface.json_serial
    assert serial(datetime(2025, 8, 14, 10, 0, tzinfo=UTC)) == "2025-08-14T10:00:00+00:00"
    assert serial(date(2025, 8, 14)) == "2025-08-14"
    assert serial(Decimal("3")) == 3 and isinstance(serial(Decimal("3")), int)
    assert serial(Decimal("2.5")) == 2.5
    assert serial({"b", "a"}) == ["a", "b"] and sorted(serial({1, "x"}), key=str) == [1, "x"]
    assert base64.b64decode(serial(b"\x00\xffbin")) == b"\x00\xffbin"
    with pytest.raises(TypeError, match="not serializable"):
        serial(object())


def test_run_state_machine_serialises_rich_payloads(mocked_sdlf) -> None:
    client = DataLakeClient("engineering", pipeline="main", stage="A")
    message = {
        "when": datetime(2025, 8, 14, 10, 0, tzinfo=UTC),
        "day": date(2025, 8, 14),
        "size": Decimal("12"),
        "ratio": Decimal("0.5"),
        "keys": {"k2", "k1"},
        "raw": b"hi",
    }
    response = client.states.run_state_machine(client.states.state_machine_arn, message)
    assert response["executionArn"].startswith(
        mocked_sdlf.stage("A").state_machine_arn.replace(":stateMachine:", ":execution:")
    )
    assert isinstance(response["startDate"], datetime)
    [execution] = mocked_sdlf.list_executions("A")
    assert execution["input"] == {
        "when": "2025-08-14T10:00:00+00:00",
        "day": "2025-08-14",
        "size": 12,
        "ratio": 0.5,
        "keys": ["k1", "k2"],
        "raw": base64.b64encode(b"hi").decode(),
    }


def test_execution_name(mocked_sdlf) -> None:
    states = StatesInterface("engineering", pipeline="main", stage="A")
    response = states.run_state_machine(states.state_machine_arn, {"a": 1}, name="run-2025-08-14")
    assert response["executionArn"].endswith(":run-2025-08-14")
    for bad in ("has space", "x" * 81, "a/b", ""):
        with pytest.raises(InvalidArgumentError, match="name"):
            states.run_state_machine(states.state_machine_arn, {}, name=bad)


def test_oversized_input_is_refused_before_calling_aws(mocked_sdlf) -> None:
    session, recorder = counting_session()
    states = StatesInterface("engineering", pipeline="main", stage="A", session=session)
    arn = states.state_machine_arn
    recorder.reset()
    with pytest.raises(PayloadTooLargeError) as info:
        states.run_state_machine(arn, {"blob": "x" * MAX_INPUT_BYTES})
    assert info.value.limit == 262_144 and info.value.size > 262_144 and "262144" in str(info.value)
    assert recorder.calls == []
    # The limit counts UTF-8 bytes, not characters.
    with pytest.raises(PayloadTooLargeError):
        states.encode_input({"b": "é" * (MAX_INPUT_BYTES // 2)})
    exact = {"b": "x" * (MAX_INPUT_BYTES - len(json.dumps({"b": ""})))}
    assert len(states.encode_input(exact).encode()) == MAX_INPUT_BYTES  # exactly at the limit is fine


def test_str_message_is_double_encoded_with_a_warning(mocked_sdlf, caplog) -> None:
    states = StatesInterface("engineering", pipeline="main", stage="A")
    with caplog.at_level(logging.WARNING):
        states.run_state_machine(states.state_machine_arn, '{"a": 1}')
    assert any("JSON-encoded again" in r.message for r in caplog.records)
    assert mocked_sdlf.list_executions("A")[0]["input"] == '{"a": 1}'


def test_unencodable_message(mocked_sdlf) -> None:
    states = StatesInterface()
    with pytest.raises(InvalidArgumentTypeError, match="JSON"):
        states.run_state_machine(mocked_sdlf.stage("A").state_machine_arn, {"x": object()})


@pytest.mark.parametrize(
    ("arn", "error"),
    [
        (None, MissingArgumentError),
        (123, InvalidArgumentTypeError),
        ("sdlf-engineering-main-sm-A", MalformedArnError),
        ("arn:aws:states:us-east-1:123456789012:execution:sm:run", MalformedArnError),
        ("arn:aws:lambda:us-east-1:123456789012:function:f", MalformedArnError),
    ],
)
def test_bad_machine_arns(mocked_aws, arn, error) -> None:
    with pytest.raises(error) as info:
        StatesInterface().run_state_machine(arn, {})
    assert isinstance(info.value, ValueError)


def test_unknown_state_machine(mocked_aws) -> None:
    with pytest.raises(StateMachineNotFoundError, match="nope"):
        StatesInterface().run_state_machine("arn:aws:states:us-east-1:123456789012:stateMachine:nope", {})


def test_describe_state_execution(mocked_sdlf) -> None:
    states = StatesInterface("engineering", pipeline="main", stage="A")
    arn = states.run_state_machine(states.state_machine_arn, {})["executionArn"]
    assert states.describe_state_execution(arn) in {"RUNNING", "SUCCEEDED"}
    with pytest.raises(MalformedArnError):
        states.describe_state_execution(states.state_machine_arn)
    with pytest.raises(ExecutionNotFoundError):
        states.describe_state_execution(arn.rsplit(":", 1)[0] + ":missing")


def test_get_all_step_functions(mocked_sdlf) -> None:
    names = {m["name"] for m in StatesInterface().get_all_step_functions()}
    assert {"sdlf-engineering-main-sm-A", "sdlf-engineering-main-sm-B"} <= names


def test_get_all_step_functions_paginates(mocked_aws) -> None:
    raw = boto3.client("stepfunctions", region_name="us-east-1")
    when = datetime(2025, 1, 1, tzinfo=UTC)

    def machine(name: str) -> dict:
        return {
            "stateMachineArn": f"arn:aws:states:us-east-1:123456789012:stateMachine:{name}",
            "name": name,
            "type": "STANDARD",
            "creationDate": when,
        }

    with Stubber(raw) as stub:
        stub.add_response("list_state_machines", {"stateMachines": [machine("a")], "nextToken": "t"}, {})
        stub.add_response("list_state_machines", {"stateMachines": [machine("b")]}, {"nextToken": "t"})
        assert [
            m["name"] for m in StatesInterface(clients={"stepfunctions": raw}).get_all_step_functions()
        ] == ["a", "b"]
        stub.assert_no_pending_responses()


def test_server_mode_routing_start(sdlf_environment) -> None:
    client = DataLakeClient("engineering", pipeline="main", stage="A")
    client.states.run_state_machine(client.states.state_machine_arn, {"key": "k", "team": "engineering"})
    assert [e["input"] for e in sdlf_environment.list_executions("A")] == [
        {"key": "k", "team": "engineering"}
    ]
