"""Turning bridge results into what the platform writes downstream.

* A ``Document`` becomes the platform's **flat** output record (docs/letsdata-wire-contract.md, Document model): the keys of
  ``documentKeyValuesMap`` plus ``documentId``, ``recordType``, ``partitionKey`` and
  ``documentMetadata`` — no ``documentType``.
* An ``ErrorDoc`` (status ``ERROR``), or a record the user's code raised on, becomes an error
  document: the ErrorDoc wire shape with its offset maps, so the failing bytes can be found again.
* A ``SkipDoc`` (status ``SKIP``) is counted, never written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from letsdata_local.engine import ItemResult

FLAT_KEYS = ("documentId", "recordType", "partitionKey", "documentMetadata")


@dataclass
class Outcome:
    """What to do with one source record: ``kind`` is document, error or skip."""

    kind: str
    record: dict[str, Any]
    #: True when the user's code raised (or the invocation failed) rather than returning a result:
    #: on the platform that is a task error, not an error document.
    exception: bool = False

    DOCUMENT = "document"
    ERROR = "error"
    SKIP = "skip"
    #: placeholder for a source record that carries its own outcomes (``SourceRecord.outcomes``)
    PRODUCED = "produced"


def flatten(document: dict[str, Any]) -> dict[str, Any]:
    """The flat downstream shape of a Document's wire form."""
    flat: dict[str, Any] = dict(document.get("documentKeyValuesMap") or {})
    for key in FLAT_KEYS:
        flat[key] = document.get(key)
    return flat


def error_document(
    source_id: str,
    start_offsets: dict[str, str],
    end_offsets: dict[str, str],
    message: str,
    error_type: str = "Exception",
    record_type: str = "Error",
) -> dict[str, Any]:
    """An ErrorDoc-shaped record for a record the platform could not turn into a document."""
    return {
        "documentType": "ErrorDoc",
        "documentId": source_id,
        "recordType": record_type,
        "partitionKey": source_id,
        "documentMetadata": {"errorType": error_type},
        "documentKeyValuesMap": {},
        "errorStartoffsetMap": start_offsets,
        "errorEndoffsetMap": end_offsets,
        "errorMessage": message,
    }


def outcome_for(result: ItemResult, source_id: str, start: dict[str, str], end: dict[str, str]) -> Outcome:
    """Classify a ``ParseDocumentResult`` item (or a failed item) into an :class:`Outcome`."""
    if not result.ok:
        return Outcome(Outcome.ERROR, error_document(source_id, start, end, result.error_message, result.error_type),
                       exception=True)
    data = result.data
    if not isinstance(data, dict):
        return Outcome(
            Outcome.ERROR,
            error_document(source_id, start, end, f"expected a ParseDocumentResult, got {str(data)[:200]}", "TypeError"),
        )
    status = str(data.get("status") or "").upper()
    document = data.get("document")
    if status == "SKIP":
        return Outcome(Outcome.SKIP, document if isinstance(document, dict) else {})
    if status == "ERROR" or (isinstance(document, dict) and document.get("documentType") == "ErrorDoc"):
        if isinstance(document, dict):
            doc = dict(document)
            doc.setdefault("errorStartoffsetMap", start)
            doc.setdefault("errorEndoffsetMap", end)
            if not doc.get("errorStartoffsetMap"):
                doc["errorStartoffsetMap"] = start
            if not doc.get("errorEndoffsetMap"):
                doc["errorEndoffsetMap"] = end
            return Outcome(Outcome.ERROR, doc)
        return Outcome(Outcome.ERROR, error_document(source_id, start, end, "status ERROR without an ErrorDoc"))
    if status == "SUCCESS" and isinstance(document, dict):
        if document.get("documentType") == "SkipDoc":
            return Outcome(Outcome.SKIP, document)
        return Outcome(Outcome.DOCUMENT, flatten(document))
    return Outcome(
        Outcome.ERROR,
        error_document(source_id, start, end, f"invalid ParseDocumentResult (status {status!r})", "ValueError"),
    )


def document_outcome(result: ItemResult, source_id: str, start: dict[str, str], end: dict[str, str]) -> Outcome:
    """For functions that return a bare ``Document`` (SageMaker ``constructVectorDoc``)."""
    if result.ok and isinstance(result.data, dict) and "documentType" in result.data:
        wrapped = ItemResult(True, {"status": "SUCCESS", "document": result.data})
        if result.data.get("documentType") == "ErrorDoc":
            wrapped = ItemResult(True, {"status": "ERROR", "document": result.data})
        elif result.data.get("documentType") == "SkipDoc":
            wrapped = ItemResult(True, {"status": "SKIP", "document": result.data})
        return outcome_for(wrapped, source_id, start, end)
    if result.ok:
        return Outcome(
            Outcome.ERROR, error_document(source_id, start, end, f"expected a Document, got {str(result.data)[:200]}")
        )
    return outcome_for(result, source_id, start, end)
