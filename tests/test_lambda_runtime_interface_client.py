"""The container entry point run the way Lambda runs it: the real ``awslambdaric`` client in a subprocess.

``python -m awslambdaric letsdata_lambda_function.lambda_handler`` is the image's CMD. Here it talks to
the Runtime API test server (tests/support/runtime_api_server.py) on 127.0.0.1 instead of Lambda.
This checks what direct handler calls cannot: the module imports from ``LAMBDA_TASK_ROOT`` in a fresh
interpreter, the return value survives the client's own JSON encoding, and error envelopes are
posted as normal results on ``/response`` (never on ``/error``, which the platform would see as a
function error).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EVENTS_DIR, ROOT
from tests.support.runtime_api_server import InvocationResult, LambdaProcess, awslambdaric_process

HANDLER = "letsdata_lambda_function.lambda_handler"
EVENT_NAMES = sorted(p.stem for p in EVENTS_DIR.glob("*.json"))
FALLBACK_EXPECTED = "Not Yet Implemented"


def expected_substring(name: str) -> str:
    """The one-line substring the stub response must contain (tests/events/<name>.expected)."""
    path = EVENTS_DIR / f"{name}.expected"
    return path.read_text(encoding="utf-8").strip() if path.exists() else FALLBACK_EXPECTED


def lambda_process(extra_env: dict[str, str] | None = None) -> AbstractContextManager[LambdaProcess]:
    return awslambdaric_process(HANDLER, ROOT, {"LETS_DATA_STAGE": "Test", **(extra_env or {})})


@pytest.fixture(scope="module")
def stub_lambda() -> Iterator[LambdaProcess]:
    """The handler with the shipped stub interfaces (what a fresh fork deploys)."""
    with lambda_process() as running:
        yield running


@pytest.fixture(scope="module")
def example_lambda() -> Iterator[LambdaProcess]:
    """The handler with example implementations selected by environment variables."""
    env = {
        "LETSDATA_IMPL_SINGLEFILEPARSER": "examples.letsdata.wet_parser:WetFileParser",
        "LETSDATA_IMPL_DYNAMODBTABLEITEMREADER": "examples.letsdata.dynamodb_table_reader:DynamoDBTableJsonItemReader",
    }
    with lambda_process(env) as running:
        yield running


def _envelope(result: InvocationResult) -> dict[str, Any]:
    assert result.kind == "response", f"posted to /{result.kind}: {result.body!r}"
    text = result.body.decode("utf-8")
    assert text.startswith('{"StatusCode": '), text[:80]  # wire key order: StatusCode, headers, body
    envelope: dict[str, Any] = json.loads(text)
    assert list(envelope) == ["StatusCode", "headers", "body"]
    assert envelope["headers"] == {"Content-Type": "application/json"}
    return envelope


@pytest.mark.parametrize("name", EVENT_NAMES)
def test_captured_request_with_stubs(stub_lambda: LambdaProcess, name: str) -> None:
    event = json.loads((EVENTS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    result = stub_lambda.invoke(event)
    envelope = _envelope(result)
    assert expected_substring(name) in result.body.decode("utf-8")
    body = envelope["body"]
    if envelope["StatusCode"] == 500:
        assert body["statusCode"] == "EXCEPTION"
        assert body["errorMessage"] == body["exception"]["errorMessage"]
        assert body["exception"]["errorType"] == "Exception"
        assert body["exception"]["stackTrace"].startswith("Traceback (most recent call last):")
    else:
        assert body["statusCode"] == "SUCCESS"


@pytest.mark.parametrize(
    "raw",
    [b"null", b'"text"', b"[1, 2]", b"{}", b'{"requestId": 5}', b'{"requestId": "r", "interface": "Nope"}'],
    ids=["null", "string", "list", "empty", "bad-request-id", "unknown-interface"],
)
def test_invalid_events_are_error_envelopes_on_response(stub_lambda: LambdaProcess, raw: bytes) -> None:
    envelope = _envelope(stub_lambda.invoke(raw))
    assert envelope["StatusCode"] == 500
    assert envelope["body"]["exception"]["errorType"] == "Exception"
    assert envelope["body"]["errorMessage"].startswith("letsdata assert - ")


def test_batched_request_with_stubs(stub_lambda: LambdaProcess) -> None:
    event = json.loads((EVENTS_DIR / "KinesisRecordReader.parseMessage.json").read_text(encoding="utf-8"))
    record = event.pop("data")  # a batch carries its records in batchedData only
    event["batchedData"] = [record, {"streamArn": "only one key"}, record]
    envelope = _envelope(stub_lambda.invoke(event))
    assert envelope["StatusCode"] == 200 and envelope["body"]["statusCode"] == "SUCCESS"
    items = envelope["body"]["data"]
    assert [i["statusCode"] for i in items] == ["EXCEPTION"] * 3
    assert [i["errorMessage"] for i in items][::2] == ["Not Yet Implemented"] * 2
    assert items[1]["errorMessage"].startswith("letsdata assert - ")


def test_no_result_was_ever_posted_to_the_error_endpoint(stub_lambda: LambdaProcess) -> None:
    stub_lambda.invoke(b"null")  # make sure this module's process has served at least one request
    results = stub_lambda.server.results.values()
    assert results and all(r.kind == "response" for r in results)
    assert stub_lambda.server.init_errors == []
    assert stub_lambda.server.unexpected_requests == []


def test_example_implementation_success(example_lambda: LambdaProcess) -> None:
    event = json.loads((EVENTS_DIR / "SingleFileParser.parseDocument.json").read_text(encoding="utf-8"))
    envelope = _envelope(example_lambda.invoke(event))
    assert envelope["StatusCode"] == 200
    result = envelope["body"]["data"]
    assert result["status"] == "SUCCESS"
    assert result["document"]["documentId"] == "http://023hrk.com/a/chanpinzhongxin/cp2/104.html"
    assert result["document"]["documentKeyValuesMap"]["docText"].startswith("漫步肩关节")
    assert result["document"]["documentKeyValuesMap"]["language"] == "zho"


def test_example_batched_request(example_lambda: LambdaProcess) -> None:
    event = json.loads(
        (EVENTS_DIR / "DynamoDBTableItemReader.parseDynamoDBItem.json").read_text(encoding="utf-8")
    )
    empty_item = {"tableName": "Test_Table", "segmentNumber": 2, "data": {"keys": {"k": "v"}, "item": {}}}
    event["batchedData"] = [event.pop("data"), empty_item, {"tableName": 7}]
    envelope = _envelope(example_lambda.invoke(event))
    items = envelope["body"]["data"]
    assert [i["statusCode"] for i in items] == ["SUCCESS", "SUCCESS", "EXCEPTION"]
    assert items[0]["data"]["document"]["documentId"] == "value1|value2"
    assert items[1]["data"]["status"] == "ERROR"
    assert items[1]["data"]["document"]["errorStartoffsetMap"] == {"keys": '{"k": "v"}'}
    assert items[2]["exception"]["errorType"] == "Exception"
    assert all(r.kind == "response" for r in example_lambda.server.results.values())


def test_the_test_server_sees_raised_errors_and_init_errors(tmp_path: Path) -> None:
    """Guard for the checks above: a handler that raises does reach /error, a broken import /init/error."""
    (tmp_path / "raising.py").write_text(
        "def handler(event, context):\n    raise ValueError('boom ' + context.aws_request_id)\n",
        encoding="utf-8",
    )
    (tmp_path / "broken.py").write_text("import no_such_module_here\n", encoding="utf-8")
    with awslambdaric_process("raising.handler", tmp_path) as running:
        result = running.invoke({"x": 1})
        assert result.kind == "error"
        assert result.json()["errorType"] == "ValueError"
        assert result.json()["errorMessage"] == f"boom {result.request_id}"
    with awslambdaric_process("broken.handler", tmp_path) as running:
        running.server.submit({"x": 1})
        deadline = time.monotonic() + 30
        while not running.server.init_errors and time.monotonic() < deadline:
            time.sleep(0.05)
        assert running.server.init_errors, running.log()
        assert "no_such_module_here" in running.server.init_errors[0].body.decode()
