"""SagemakerVectorsInterface example: vectorise a document's text and attach the vectors to it.

With the ``LAMBDA_AND_SAGEMAKER`` compute engine the platform calls two functions per document:

1. ``extractDocumentElementsForVectorization(document)`` names the texts to embed. This example
   embeds the page text: ``{"docText": <text>}``. LetsData sends each value to the SageMaker endpoint.
2. ``constructVectorDoc(documentInterface, vectorsMap)`` receives the same document and
   ``{"docText": [floats]}`` and returns the document to write. This example returns a "feature"
   document: the original document plus a ``vectors`` map, which is exactly the shape of the SQS
   message captured from a real dataset (see ``tests/events/QueueMessageReader.parseMessage.json``).

Both inputs are the flat documents of docs/letsdata-wire-contract.md (Document model) (plain dicts), not Document objects. A document without
text, or a vectors map that is not ``{name: [numbers]}``, raises ``ValueError`` with a message naming
the document and the field, which the bridge returns as an error envelope.
"""

from __future__ import annotations

from numbers import Real
from typing import Any

from examples.letsdata._documents import RecordFormatError, document_from_flat
from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.readers.sagemaker.SagemakerVectorsInterface import SagemakerVectorsInterface


class SagemakerVectorsExample(SagemakerVectorsInterface):
    """Embed ``docText``; write the document back with its vectors under ``vectors``."""

    TEXT_FIELD = "docText"
    VECTORS_FIELD = "vectors"
    DEFAULT_RECORD_TYPE = "Content"

    def extractDocumentElementsForVectorization(self, document: dict[str, Any]) -> dict[str, str]:
        text = document.get(self.TEXT_FIELD)
        if not isinstance(text, str) or not text.strip():
            raise ValueError(
                f"document {_describe(document)} has no text to vectorise in {self.TEXT_FIELD!r}"
            )
        return {self.TEXT_FIELD: text}

    def constructVectorDoc(self, documentInterface: dict[str, Any], vectorsMap: dict[str, Any]) -> Document:
        for name, vector in vectorsMap.items():
            if not isinstance(vector, list) or not vector:
                raise ValueError(
                    f"vectorsMap[{name!r}] for document {_describe(documentInterface)} "
                    "must be a non-empty list of numbers"
                )
            if not all(isinstance(x, Real) and not isinstance(x, bool) for x in vector):
                raise ValueError(
                    f"vectorsMap[{name!r}] for document {_describe(documentInterface)} "
                    "holds a value that is not a number"
                )
        if self.VECTORS_FIELD in documentInterface:
            raise ValueError(
                f"document {_describe(documentInterface)} already has a {self.VECTORS_FIELD!r} field"
            )
        flat = {**documentInterface, self.VECTORS_FIELD: vectorsMap}
        try:
            return document_from_flat(
                flat, default_id=_describe(documentInterface), default_record_type=self.DEFAULT_RECORD_TYPE
            )
        except RecordFormatError as exc:
            raise ValueError(f"document {_describe(documentInterface)}: {exc}") from exc


def _describe(document: dict[str, Any]) -> str:
    for name in ("documentId", "docId", "url"):
        value = document.get(name)
        if isinstance(value, str) and value:
            return value
    return "<without documentId>"
