"""SagemakerVectorsInterface: prepare documents for a SageMaker embedding endpoint and rebuild them."""

from __future__ import annotations

from typing import Any

from letsdata_interfaces.documents.Document import Document


class SagemakerVectorsInterface:
    """Implement both methods for datasets with the ``LAMBDA_AND_SAGEMAKER`` compute engine.

    The documents arrive as plain dicts: the flattened document the platform wrote (the
    ``documentKeyValuesMap`` keys plus ``documentId``, ``recordType``, ``partitionKey``,
    ``documentMetadata``), not :class:`Document` objects. The instance is reused across warm invocations.
    """

    def extractDocumentElementsForVectorization(self, document: dict[str, Any]) -> dict[str, str]:
        """Return ``{friendlyName: textToVectorize}``; LetsData sends each value to the endpoint."""
        raise Exception("Not Yet Implemented")

    def constructVectorDoc(self, documentInterface: dict[str, Any],
                           vectorsMap: dict[str, list[float]]) -> Document:
        """Build the output document from the original doc and ``{friendlyName: vector}``.

        Either a feature document (the original fields plus the vectors) or a vector document (ids plus
        vectors).
        """
        raise Exception("Not Yet Implemented")
