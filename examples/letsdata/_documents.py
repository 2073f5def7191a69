"""Result builders shared by the examples: one place that knows the Document / ErrorDoc / SkipDoc shapes.

Every reader example ends in one of three outcomes (a document, an error doc, a skip doc), and the
platform needs the same things for each: a status that matches the document type and offset maps
that say where the record was. Keeping those rules here means the examples only contain the parsing
that makes each of them interesting.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.documents.DocumentType import DocumentType
from letsdata_interfaces.documents.ErrorDoc import ErrorDoc
from letsdata_interfaces.documents.SkipDoc import SkipDoc
from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult
from letsdata_interfaces.readers.model.ParseDocumentResultStatus import ParseDocumentResultStatus

#: Keys of a flattened document (docs/letsdata-wire-contract.md, Document model) that are Document attributes, not payload.
DOCUMENT_ATTRIBUTE_KEYS = frozenset(
    {"documentType", "documentId", "recordType", "partitionKey", "documentMetadata"}
)


class RecordFormatError(ValueError):
    """A record could not be turned into a document; the message says what was wrong with it."""


def success(document: Document) -> ParseDocumentResult:
    """A SUCCESS result carrying ``document`` (single-source readers have no next record type)."""
    return ParseDocumentResult(None, document, ParseDocumentResultStatus.SUCCESS)


def error(
    document_id: str,
    record_type: str,
    partition_key: str,
    start_offsets: dict[str, str],
    end_offsets: dict[str, str],
    message: str,
    payload: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
) -> ParseDocumentResult:
    """An ERROR result; ``payload`` should keep the raw record so nothing is lost on failure."""
    doc = ErrorDoc(
        document_id,
        record_type,
        partition_key,
        metadata or {},
        payload or {},
        start_offsets,
        end_offsets,
        message,
    )
    return ParseDocumentResult(None, doc, ParseDocumentResultStatus.ERROR)


def skip(
    document_id: str,
    record_type: str,
    partition_key: str,
    start_offsets: dict[str, str],
    end_offsets: dict[str, str],
    message: str,
    payload: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
) -> ParseDocumentResult:
    """A SKIP result: the record is fine but deliberately not written (the platform counts it)."""
    doc = SkipDoc(
        document_id,
        record_type,
        partition_key,
        metadata or {},
        payload or {},
        start_offsets,
        end_offsets,
        message,
    )
    return ParseDocumentResult(None, doc, ParseDocumentResultStatus.SKIP)


def decode_json_object(data: bytes | bytearray | str, what: str) -> dict[str, Any]:
    """Decode UTF-8 JSON text that must hold an object; raise RecordFormatError naming ``what`` otherwise."""
    try:
        text = data if isinstance(data, str) else bytes(data).decode("utf-8")
        value = json.loads(text)
    except UnicodeDecodeError as exc:
        raise RecordFormatError(f"{what} is not valid UTF-8: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise RecordFormatError(f"{what} is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise RecordFormatError(f"{what} must be a JSON object, got {type(value).__name__}")
    return value


def document_from_flat(
    flat: Mapping[str, Any],
    *,
    default_id: str,
    default_record_type: str,
    default_partition_key: str | None = None,
    extra_metadata: Mapping[str, Any] | None = None,
) -> Document:
    """Rebuild a Document from the flat JSON object LetsData writes downstream (docs/letsdata-wire-contract.md, Document model).

    The platform writes a document as one flat object: the payload keys plus ``documentId``,
    ``recordType``, ``partitionKey`` and ``documentMetadata``. Reading such a record back (from
    Kinesis, SQS or a SageMaker request) is the inverse: those four keys become attributes again and
    everything else is the payload. Missing attributes fall back to values from the record envelope
    (sequence number, message id) so every document still has an id and a partition key.
    ``extra_metadata`` entries are added to the metadata unless the document already has that key.
    """
    document_id = _first_text(flat, ("documentId", "docId")) or default_id
    record_type = _first_text(flat, ("recordType",)) or default_record_type
    partition_key = _first_text(flat, ("partitionKey",)) or default_partition_key or document_id
    metadata = flat.get("documentMetadata")
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise RecordFormatError(f"documentMetadata must be a JSON object, got {type(metadata).__name__}")
    if extra_metadata:
        metadata = {**extra_metadata, **metadata}
    payload = {k: v for k, v in flat.items() if k not in DOCUMENT_ATTRIBUTE_KEYS}
    return Document(DocumentType.Document, document_id, record_type, partition_key, metadata, payload)


def id_from_keys(keys: Mapping[str, Any]) -> str:
    """A stable document id from DynamoDB key attributes: values in key-name order joined by ``|``."""
    return "|".join(str(keys[name]) for name in sorted(keys))


def keys_offset(keys: Mapping[str, Any]) -> str:
    """The item's keys as canonical JSON text, used as the "offset" of a DynamoDB record in error docs."""
    return json.dumps(keys, sort_keys=True, default=str)


def _first_text(flat: Mapping[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = flat.get(name)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return None
