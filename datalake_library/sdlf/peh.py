"""``PipelineExecutionHistoryAPI`` of SDLF 2.7 - 2.11.0: execution records in a dataset's
pipeline-execution-history table (``/sdlf/dataset/rDynamoPipelineExecutionHistory/{instance}``).

Same constructor and methods as the original. Differences, all deliberate: the table name and the
account id are read when first needed (the original read SSM and called STS in the constructor,
with hard-coded regional endpoints that made it unusable on a local endpoint); clients come from
the library's shared session; ``run_in_context`` other than ``LAMBDA``/``FARGATE`` builds a
private session for ``profile``/``region`` instead of replacing boto3's default session.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from datalake_library._peh import (  # noqa: F401  (status constants re-exported via __all__)
    PEH_STATUS_CANCELED,
    PEH_STATUS_COMPLETED,
    PEH_STATUS_FAILED,
    PEH_STATUS_STARTED,
    PIPELINE_STATUS_ACTIVE,
    STATUS_NAMES,
    CurrentExecution,
    PehRecords,
    context_session,
)
from datalake_library.aws.session import shared_session
from datalake_library.sdlf.config import DynamoConfiguration

__all__ = [*STATUS_NAMES, "PipelineExecutionHistoryAPI"]


class PipelineExecutionHistoryAPI(CurrentExecution):
    """Start, progress and close pipeline executions of one dataset deployment instance."""

    #: Kept for compatibility (the original declared a pipelines cache it never used).
    pipelines: dict[str, bool] = {}

    def __init__(
        self,
        run_in_context: str | None = None,
        region: str = "us-east-1",
        profile: str = "default",
        peh_table_instance: str | None = None,
        manifests_table_instance: str | None = None,
        sns_topic: str | None = None,
        *,
        session: Any = None,
    ) -> None:
        self._logger = logging.getLogger(__name__)
        self.region = region
        self.profile = profile
        self.run_in_fargate = run_in_context == "FARGATE"
        self.run_in_lambda = run_in_context == "LAMBDA"
        self.sns_topic = sns_topic
        self.peh_ttl = 120
        self.pipeline_name: str | None = None
        self.pipeline_execution_id: str | None = None
        self._aws = shared_session(session) if session is not None else context_session(run_in_context, region, profile)
        self._dynamo_config = DynamoConfiguration(
            peh_table_instance=peh_table_instance,
            manifests_table_instance=manifests_table_instance,
            session=self._aws,
        )
        self._account_lock = threading.Lock()
        self._account_id: str | None = None
        self._records = PehRecords(lambda: self.dynamodb, lambda: self.peh_table, lambda: self.peh_ttl)

    @property
    def dynamodb(self) -> Any:
        """The low-level DynamoDB client."""
        return self._aws.client("dynamodb")

    @property
    def peh_table(self) -> str:
        """The pipeline-execution-history table of the dataset instance (read from SSM once)."""
        return str(self._dynamo_config.peh_table)

    @property
    def account_id(self) -> str:
        """The caller's account id (one STS call, on first use)."""
        if self._account_id is None:
            with self._account_lock:
                if self._account_id is None:
                    self._account_id = str(self._aws.client("sts").get_caller_identity()["Account"])
        return self._account_id

    def start_pipeline_execution(
        self,
        pipeline_name: str,
        dataset_name: str | None = None,
        dataset_date: str | None = None,
        comment: Any = None,
    ) -> str:
        """Create a STARTED record and make it the current execution; return its id (uuid4)."""
        return self._records.start_current(self, pipeline_name, dataset_name, dataset_date, comment)

    def update_pipeline_execution(
        self, status: str, component: str | None = None, issue_comment: str | None = None
    ) -> bool:
        """Record ``status`` on the current execution (closing it for COMPLETED/FAILED/CANCELED)."""
        self._records.update_current(self, status, component, issue_comment)
        return True

    def _record_status(self, status: str, component: str | None, issue_comment: str | None) -> bool:
        return self.update_pipeline_execution(status, component=component, issue_comment=issue_comment)

    def get_peh_record(self, peh_id: str) -> dict[str, Any] | None:
        """The record ``peh_id``, or ``None``."""
        return self._records.get(peh_id)

    def retrieve_pipeline_execution(self, peh_id: str) -> None:
        """Make the active execution ``peh_id`` the current one (``ValueError`` if missing/closed)."""
        self._records.retrieve_current(self, peh_id)
