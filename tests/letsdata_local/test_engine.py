"""The compute engines: in-process wire round trip, batching, HTTP (RIE) and lambda.invoke transports."""

from __future__ import annotations

import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from letsdata_local.documents import Outcome, outcome_for
from letsdata_local.engine import (
    BridgeClient,
    HttpInvoker,
    InProcessInvoker,
    InvokeError,
    ItemResult,
    LambdaInvoker,
)
from letsdata_local.runner import to_vector

JSONL = "examples.letsdata.jsonl_log_parser:JsonLinesLogParser"


def _item(content: str, offset: int = 0) -> dict[str, Any]:
    return {"s3FileType": "JSONLOGS", "fileName": "f.jsonl", "offsetBytes": offset, "content": content,
            "startIndex": 0, "endIndex": len(content.encode())}


def test_in_process_batched_call_one_invocation_per_batch(make_bridge: Any) -> None:
    bridge = make_bridge(batch_size=3, SingleFileParser=JSONL)
    items = [_item('{"id": "a", "level": "INFO"}\n'), _item("{broken\n", 30), _item('{"id": "c", "level": "DEBUG"}\n', 40),
             _item('{"id": "d", "msg": "東京"}\n', 70)]
    results = bridge.call_many("SingleFileParser", "parseDocument", items)
    assert bridge.invocations == 2  # 3 + 1
    kinds = [outcome_for(r, str(i), {"JSONLOGS": "0"}, {"JSONLOGS": "1"}).kind for i, r in enumerate(results)]
    assert kinds == [Outcome.DOCUMENT, Outcome.ERROR, Outcome.SKIP, Outcome.DOCUMENT]
    doc = outcome_for(results[3], "3", {}, {}).record
    assert doc["documentId"] == "d" and doc["msg"] == "東京" and "documentType" not in doc


def test_unbatched_path_sends_plain_data_requests(make_bridge: Any) -> None:
    seen: list[dict[str, Any]] = []
    inner = InProcessInvoker()

    def spy(event: dict[str, Any]) -> dict[str, Any]:
        seen.append(event)
        return inner(event)

    make_bridge(SingleFileParser=JSONL)
    bridge = BridgeClient(spy, "ds", batch_size=1)
    bridge.call_many("SingleFileParser", "parseDocument", [_item('{"id": "x"}\n'), _item('{"id": "y"}\n')])
    assert len(seen) == 2 and all("batchedData" not in e and e["data"]["content"] for e in seen)
    assert set(seen[0]) == {"requestId", "interface", "function", "letsdataAuth", "data"}
    assert set(seen[0]["letsdataAuth"]) == {"tenantId", "userId", "datasetName", "datasetId"}


def test_user_exception_becomes_error_not_crash(make_bridge: Any) -> None:
    bridge = make_bridge()  # the shipped stub: "Not Yet Implemented"
    results = bridge.call_many("SingleFileParser", "parseDocument", [_item('{"id": "x"}\n')])
    outcome = outcome_for(results[0], "f@0", {"JSONLOGS": "0"}, {"JSONLOGS": "12"})
    assert outcome.kind == Outcome.ERROR
    assert outcome.record["errorMessage"] == "Not Yet Implemented"
    assert outcome.record["errorStartoffsetMap"] == {"JSONLOGS": "0"}


def test_in_process_round_trips_json() -> None:
    def handler(event: Any, context: Any) -> Any:
        return {"StatusCode": 200, "headers": {}, "body": {"statusCode": "SUCCESS", "data": b"raw"}}

    with pytest.raises(InvokeError, match="not JSON-serialisable"):
        InProcessInvoker(handler)({"requestId": "r"})


def test_falls_back_to_single_requests_when_batches_are_rejected() -> None:
    def old_bridge(event: Any, context: Any) -> Any:
        if event.get("batchedData"):
            body = {"statusCode": "EXCEPTION", "errorMessage": "letsdata assert - batchedData is not supported",
                    "exception": {"errorMessage": "x", "errorType": "Exception", "stackTrace": ""}}
            return {"StatusCode": 500, "headers": {}, "body": body}
        return {"StatusCode": 200, "headers": {}, "body": {"statusCode": "SUCCESS", "data": event["data"]["n"]}}

    bridge = BridgeClient(InProcessInvoker(old_bridge), "ds", batch_size=10)
    results = bridge.call_many("SingleFileParser", "parseDocument", [{"n": i} for i in range(5)])
    assert [r.data for r in results] == list(range(5)) and bridge.invocations == 6


class _Rie(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server API
        from letsdata_lambda_function import lambda_handler

        assert self.path == "/2015-03-31/functions/function/invocations"
        event = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        payload = json.dumps(lambda_handler(event, None)).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


def test_http_invoker_posts_to_the_emulator_path(make_bridge: Any) -> None:
    make_bridge(SingleFileParser=JSONL)  # registers the implementation for the in-process "image"
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Rie)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        bridge = BridgeClient(HttpInvoker(f"http://127.0.0.1:{server.server_port}"), "ds", batch_size=10)
        assert bridge.call("SingleFileParser", "getS3FileType", {}) == "JSONLOGS"
        results = bridge.call_many("SingleFileParser", "parseDocument", [_item('{"id": "q"}\n')] * 3)
        assert all(r.ok and r.data["status"] == "SUCCESS" for r in results)
    finally:
        server.shutdown()
        server.server_close()
    with pytest.raises(InvokeError, match="cannot reach"):
        HttpInvoker(f"http://127.0.0.1:{server.server_port}", timeout=2)({"requestId": "r"})


def test_lambda_invoker_uses_lambda_invoke(session: Any) -> None:
    from botocore.stub import ANY, Stubber

    client = session.client("lambda")
    stub = Stubber(client)
    body = {"StatusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": {"statusCode": "SUCCESS", "data": "WET"}}
    stub.add_response("invoke", {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(body).encode())},
                      {"FunctionName": "my-fn", "InvocationType": "RequestResponse", "Payload": ANY})
    stub.add_response("invoke", {"StatusCode": 200, "FunctionError": "Unhandled",
                                 "Payload": io.BytesIO(b'{"errorMessage": "boom"}')})
    with stub:
        bridge = BridgeClient(LambdaInvoker("my-fn", session), "ds")
        assert bridge.call("SingleFileParser", "getS3FileType", {}) == "WET"
        with pytest.raises(InvokeError, match="Unhandled"):
            bridge.call("SingleFileParser", "getS3FileType", {})


def test_item_result_and_vector_shapes() -> None:
    assert not ItemResult.from_body("junk").ok
    assert to_vector([[1, 2], [3, 4]]) == [2.0, 3.0]
    assert to_vector({"embedding": [1, 2]}) == [1.0, 2.0]
    assert to_vector([[[0.5, 1.5]]]) == [0.5, 1.5]
    with pytest.raises(ValueError):
        to_vector("body")


def test_sagemaker_stage_queued_vectors_and_static_reply(aws_endpoint: str, session: Any, make_bridge: Any) -> None:
    from letsdata_local.config import Config
    from letsdata_local.readers import SourceRecord
    from letsdata_local.resources import Provisioner
    from letsdata_local.runner import SagemakerStage

    cfg = Config({"datasetName": "V", "readConnector": {"connectorDestination": "KINESIS", "streamName": "s"},
                  "writeConnector": {"connectorDestination": "LOCAL"},
                  "computeEngine": {"computeEngineType": "LAMBDA_AND_SAGEMAKER",
                                    "endpoint": {"sagemakerEndpointName": "emb"}}})
    bridge = make_bridge(SagemakerVectorsInterface="examples.letsdata.sagemaker_vectors:SagemakerVectorsExample")
    Provisioner(cfg, session).queue_sagemaker_results(aws_endpoint, count=2, dimensions=4)
    docs = [{"documentId": f"d{i}", "recordType": "Content", "partitionKey": f"d{i}", "documentMetadata": {},
             "docText": f"text {i}"} for i in range(3)]
    records = [SourceRecord({}, f"d{i}", {"sequenceNumber": str(i)}, {"sequenceNumber": str(i)}) for i in range(3)]
    outcomes = SagemakerStage(cfg, session, bridge).process(records, docs)
    assert [o.kind for o in outcomes] == [Outcome.DOCUMENT, Outcome.DOCUMENT, Outcome.ERROR]
    assert len(outcomes[0].record["vectors"]["docText"]) == 4 and outcomes[0].record["documentId"] == "d0"
    # the queue is drained: moto's static b"body" reply is not a vector -> an error document, not a crash
    assert "non-JSON body" in outcomes[2].record["errorMessage"]
    assert outcomes[2].record["errorStartoffsetMap"] == {"sequenceNumber": "2"}
