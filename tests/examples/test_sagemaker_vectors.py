"""SagemakerVectorsExample: the captured extract/construct requests and the extract -> construct -> SQS chain."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.examples.conftest import EXAMPLES
from tests.examples.helpers import flatten, invoke_error, invoke_ok, load_event, make_request

IFACE = "SagemakerVectorsInterface"


@pytest.fixture(autouse=True)
def selected(use_impl: Callable[[str, str], None]) -> None:
    use_impl(IFACE, EXAMPLES[IFACE])


def test_extract_captured_document_text() -> None:
    event = load_event("SagemakerVectorsInterface.extractDocumentElementsForVectorization")
    assert invoke_ok(event) == {"docText": event["data"]["document"]["docText"]}


def test_construct_captured_vector_doc() -> None:
    event = load_event("SagemakerVectorsInterface.constructVectorDoc")
    doc = invoke_ok(event)
    source = event["data"]["documentInterface"]
    assert doc["documentType"] == "Document"
    assert (doc["documentId"], doc["recordType"], doc["partitionKey"]) == (
        source["documentId"],
        "Content",
        source["partitionKey"],
    )
    assert flatten(doc) == {**source, "vectors": event["data"]["vectorsMap"]}
    assert len(doc["documentKeyValuesMap"]["vectors"]["docText"]) == 384


def test_extract_construct_then_read_back_from_sqs(use_impl: Callable[[str, str], None]) -> None:
    """The pipeline of the captured datasets: vectorise a document, write it to SQS, read it back."""
    document = load_event("SagemakerVectorsInterface.extractDocumentElementsForVectorization")["data"][
        "document"
    ]
    texts = invoke_ok(make_request(IFACE, "extractDocumentElementsForVectorization", {"document": document}))
    vectors = {name: [float(len(text)), 0.5, -1e-4] for name, text in texts.items()}  # stand-in embedding
    vector_doc = invoke_ok(
        make_request(IFACE, "constructVectorDoc", {"documentInterface": document, "vectorsMap": vectors})
    )
    message_body = json.dumps(flatten(vector_doc), ensure_ascii=False)
    use_impl("QueueMessageReader", EXAMPLES["QueueMessageReader"])
    sqs = {"messageId": "m", "messageAttributes": {}, "messageBody": message_body}
    read_back = invoke_ok(make_request("QueueMessageReader", "parseMessage", sqs))["document"]
    assert read_back == vector_doc


@pytest.mark.parametrize("document", [{"documentId": "d1"}, {"documentId": "d1", "docText": "   "}])
def test_extract_without_text_names_the_document(document: dict[str, str]) -> None:
    exc = invoke_error(make_request(IFACE, "extractDocumentElementsForVectorization", {"document": document}))
    assert exc["errorType"] == "ValueError"
    assert exc["errorMessage"] == "document d1 has no text to vectorise in 'docText'"


@pytest.mark.parametrize(
    ("vectors", "message"),
    [
        ({"docText": []}, "non-empty list"),
        ({"docText": [0.1, "x"]}, "not a number"),
        ({"docText": [True]}, "not a number"),
    ],
)
def test_construct_rejects_bad_vectors(vectors: dict[str, list[object]], message: str) -> None:
    data = {"documentInterface": {"documentId": "d1", "docText": "t"}, "vectorsMap": vectors}
    exc = invoke_error(make_request(IFACE, "constructVectorDoc", data))
    assert exc["errorType"] == "ValueError"
    assert "vectorsMap['docText'] for document d1" in exc["errorMessage"] and message in exc["errorMessage"]


def test_construct_refuses_to_overwrite_existing_vectors() -> None:
    data = {"documentInterface": {"documentId": "d1", "vectors": {}}, "vectorsMap": {"docText": [0.1]}}
    assert (
        "already has a 'vectors' field"
        in invoke_error(make_request(IFACE, "constructVectorDoc", data))["errorMessage"]
    )
