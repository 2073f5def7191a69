"""Pipeline-execution-history records: the one implementation behind ``octagon.peh`` (<= 2.6) and
``sdlf.PipelineExecutionHistoryAPI`` (2.7 - 2.11.0).

Both generations wrote the same item to a table keyed by ``id`` (a uuid4): ``version``,
``pipeline``, ``active``, ``execution_date``, ``dataset``, ``dataset_date``, ``status``
(``STARTED``/``COMPLETED``/``FAILED``/``CANCELED`` or a free-form progress status), ``comment``,
``start_timestamp``, ``last_updated_timestamp``, ``status_last_updated_timestamp``
(``STATUS#iso``), ``history`` (appended with ``list_append``), then on a final status
``end_timestamp``, ``success``, ``duration_in_seconds`` and ``active = false``, and ``ttl``.
They differ only in where the table name comes from and in octagon's pipelines-table bookkeeping,
which the two APIs add around this class.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from datalake_library._utils import (
    get_duration_sec,
    get_local_date,
    get_timestamp_iso,
    get_ttl,
    is_not_empty,
    throw_if_false,
    throw_none_or_empty,
    validate_date,
)
from datalake_library.aws.session import AwsSession, shared_session
from datalake_library.commons import deserialize_dynamodb_item, floats_to_decimals, serialize_dynamodb_item

PIPELINE_STATUS_ACTIVE = "ACTIVE"
PEH_STATUS_STARTED = "STARTED"
PEH_STATUS_COMPLETED = "COMPLETED"
PEH_STATUS_FAILED = "FAILED"
PEH_STATUS_CANCELED = "CANCELED"
FINAL_STATUSES = (PEH_STATUS_COMPLETED, PEH_STATUS_CANCELED, PEH_STATUS_FAILED)
#: The constants both public PEH modules export next to their ``PipelineExecutionHistoryAPI``.
STATUS_NAMES = [
    "PEH_STATUS_CANCELED",
    "PEH_STATUS_COMPLETED",
    "PEH_STATUS_FAILED",
    "PEH_STATUS_STARTED",
    "PIPELINE_STATUS_ACTIVE",
]


class CurrentExecution:
    """The current execution an API object tracks, and closing it.

    Shared by sdlf's ``PipelineExecutionHistoryAPI`` and octagon's ``OctagonClient``, which keep
    ``pipeline_name``/``pipeline_execution_id`` on themselves and record a status through
    :meth:`_record_status`.
    """

    pipeline_name: str | None
    pipeline_execution_id: str | None

    def _record_status(self, status: str, component: str | None, issue_comment: str | None) -> bool:
        raise NotImplementedError

    def end_pipeline_execution_failed(self, component: str | None = None, issue_comment: str | None = None) -> bool:
        """Close the current execution as FAILED."""
        return self._record_status(PEH_STATUS_FAILED, component, issue_comment)

    def end_pipeline_execution_success(self, component: str | None = None) -> bool:
        """Close the current execution as COMPLETED."""
        return self._record_status(PEH_STATUS_COMPLETED, component, None)

    def end_pipeline_execution_cancel(self, component: str | None = None, issue_comment: str | None = None) -> bool:
        """Close the current execution as CANCELED."""
        return self._record_status(PEH_STATUS_CANCELED, component, issue_comment)

    def is_pipeline_set(self) -> bool:
        """True when a current execution is set."""
        return self.pipeline_execution_id is not None and self.pipeline_name is not None

    def reset_pipeline_execution(self) -> None:
        """Forget the current execution."""
        self.pipeline_execution_id = None
        self.pipeline_name = None

    def set_pipeline_execution(self, pipeline_execution_id: str, pipeline_name: str) -> None:
        """Make ``pipeline_execution_id`` of ``pipeline_name`` the current execution."""
        self.pipeline_execution_id = pipeline_execution_id
        self.pipeline_name = pipeline_name


class PehRecords:
    """Reads and writes execution records of one table through a low-level DynamoDB client."""

    def __init__(self, dynamodb: Callable[[], Any], table: Callable[[], str], ttl_days: Callable[[], int]) -> None:
        self._dynamodb = dynamodb
        self._table = table
        self._ttl_days = ttl_days

    def start(
        self, pipeline_name: str, dataset_name: str | None, dataset_date: str | None, comment: Any
    ) -> tuple[str, str]:
        """Write a STARTED record; return ``(peh_id, start timestamp)``."""
        throw_none_or_empty(pipeline_name, "Pipeline name is not specified")
        if dataset_date:
            validate_date(dataset_date)
        peh_id = str(uuid.uuid4())
        now = get_timestamp_iso(datetime.datetime.now(datetime.UTC))
        today = get_local_date()
        item: dict[str, Any] = {
            "id": peh_id,
            "version": 1,
            "pipeline": pipeline_name,
            "active": True,
            "execution_date": today,
            "dataset": dataset_name or "",
            "dataset_date": dataset_date or today,
            "status": PEH_STATUS_STARTED,
            "comment": comment if comment else f"Pipeline: {pipeline_name} has started execution",
            "start_timestamp": now,
            "last_updated_timestamp": now,
            "status_last_updated_timestamp": f"{PEH_STATUS_STARTED}#{now}",
            "history": [{"status": PEH_STATUS_STARTED, "timestamp": now}],
        }
        ttl_days = self._ttl_days()
        if ttl_days > 0:
            item["ttl"] = get_ttl(ttl_days)
        self._dynamodb().put_item(TableName=self._table(), Item=serialize_dynamodb_item(floats_to_decimals(item)))
        return peh_id, now

    def start_current(
        self,
        execution: CurrentExecution,
        pipeline_name: str,
        dataset_name: str | None,
        dataset_date: str | None,
        comment: Any,
    ) -> str:
        """:meth:`start` a record and make it ``execution``'s current one; return its id."""
        peh_id, _ = self.start(pipeline_name, dataset_name, dataset_date, comment)
        execution.set_pipeline_execution(peh_id, pipeline_name)
        return peh_id

    def update_current(
        self, execution: CurrentExecution, status: str, component: str | None, issue_comment: str | None
    ) -> tuple[str, float | None]:
        """:meth:`update` ``execution``'s current record (refused when none is set)."""
        current = execution.pipeline_execution_id if execution.is_pipeline_set() else None
        return self.update(current, status, component, issue_comment)

    def retrieve_current(self, execution: CurrentExecution, peh_id: str) -> None:
        """Make the active record ``peh_id`` ``execution``'s current one (``ValueError`` otherwise)."""
        item = self.retrieve(peh_id)
        execution.set_pipeline_execution(peh_id, item["pipeline"])

    def get(self, peh_id: str) -> dict[str, Any] | None:
        """The record ``peh_id`` (consistent read), or ``None``."""
        result = self._dynamodb().get_item(TableName=self._table(), Key={"id": {"S": peh_id}}, ConsistentRead=True)
        return deserialize_dynamodb_item(result["Item"]) if "Item" in result else None

    def update(
        self, peh_id: str | None, status: str, component: str | None, issue_comment: str | None
    ) -> tuple[str, float | None]:
        """Record ``status`` on an active execution; return ``(timestamp, duration or None)``.

        A final status (COMPLETED/FAILED/CANCELED) closes the record: ``active = false``,
        ``success``, ``end_timestamp``, ``duration_in_seconds`` and ``issue_comment``; any other
        status is a progress update whose ``issue_comment`` goes to ``comment``.
        """
        throw_if_false(peh_id is not None, "Pipeline execution is not yet assigned")
        assert peh_id is not None
        record = self.get(peh_id)
        throw_if_false(record is not None and record.get("active"), "Pipeline execution is not active")
        assert record is not None
        now = get_timestamp_iso(datetime.datetime.now(datetime.UTC))
        history: dict[str, Any] = {"status": status, "timestamp": now}
        if component:
            history["component"] = component
        names = {
            "#H": "history",
            "#St": "status",
            "#V": "version",
            "#LUT": "last_updated_timestamp",
            "#STT": "status_last_updated_timestamp",
        }
        values: dict[str, Any] = {
            ":H": [history],
            ":St": status,
            ":STT": f"{status}#{now}",
            ":LUT": now,
            ":INC": 1,
            ":V": record["version"],
        }
        expression = "SET #H = list_append(#H, :H), #St = :St, #STT = :STT, #V = :V + :INC, #LUT = :LUT"
        duration: float | None = None
        comment_attribute = "comment"
        if status in FINAL_STATUSES:
            duration = get_duration_sec(record["start_timestamp"], now)
            names.update({"#A": "active", "#ETS": "end_timestamp", "#S": "success", "#D": "duration_in_seconds"})
            values.update(
                {
                    ":A": False,
                    ":ETS": now,
                    ":S": status == PEH_STATUS_COMPLETED,
                    ":D": Decimal(str(duration)),
                }
            )
            expression += ", #A = :A, #ETS = :ETS, #S = :S, #D = :D"
            comment_attribute = "issue_comment"
        if is_not_empty(issue_comment):
            names["#C"] = comment_attribute
            values[":C"] = issue_comment
            expression += ", #C = :C"
        self._dynamodb().update_item(
            TableName=self._table(),
            Key={"id": {"S": peh_id}},
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=serialize_dynamodb_item(values),
            ReturnValues="UPDATED_NEW",
        )
        return now, duration

    def retrieve(self, peh_id: str) -> dict[str, Any]:
        """The active record ``peh_id``; ``ValueError`` when it is missing or closed."""
        throw_none_or_empty(peh_id, "Pipeline is not specified")
        item = self.get(peh_id)
        if item is None:
            raise ValueError("Pipeline execution is not found")
        if not item["active"]:
            raise ValueError("Pipeline execution is inactive")
        return item


def context_session(run_in_context: str | None, region: str | None, profile: str | None) -> AwsSession:
    """The session for a ``run_in_context`` of the octagon/PEH constructors.

    ``LAMBDA``: the process-wide session (the function's role). ``FARGATE``: the credentials in
    ``AWS_ACCESS_KEY``/``AWS_SECRET_ACCESS_KEY`` (``ValueError`` when they are not set, as before).
    Anything else: ``profile`` (``"default"`` means boto3's default chain) in ``region``.
    """
    if run_in_context == "LAMBDA":
        return shared_session()
    import boto3

    if run_in_context == "FARGATE":
        from datalake_library import settings

        key, secret = settings.get("AWS_ACCESS_KEY"), settings.get("AWS_SECRET_ACCESS_KEY")
        if not key or not secret:
            raise ValueError("Environment variables AWS_ACCESS_KEY and AWS_SECRET_ACCESS_KEY are not set")
        return shared_session(
            boto3.Session(aws_access_key_id=key, aws_secret_access_key=secret, region_name=region)
        )
    return shared_session(
        boto3.Session(profile_name=None if profile in (None, "default") else profile, region_name=region)
    )
