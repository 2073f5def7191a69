"""``OctagonClient`` (SDLF <= 2.6): the builder stage code uses to record pipeline executions,
events, artifacts and metrics in the octagon tables of a configuration instance::

    client = OctagonClient().with_run_lambda(True).with_configuration_instance(env).build()
    peh_id = client.start_pipeline_execution(pipeline_name=f"{team}-{pipeline}-{stage}", ...)

Same builder and methods as the original. ``build()`` makes no AWS call (the original called STS
from a hard-coded regional endpoint to learn the account id; here ``account_id`` is read on first
use) and its clients come from the library's shared session, so building a client per record in a
warm Lambda costs nothing.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from datalake_library._peh import CurrentExecution, context_session
from datalake_library.aws.session import AwsSession
from datalake_library.octagon.artifact import Artifact, ArtifactAPI
from datalake_library.octagon.config import ConfigParser
from datalake_library.octagon.event import EventAPI
from datalake_library.octagon.metric import MetricAPI
from datalake_library.octagon.peh import PipelineExecutionHistoryAPI

__all__ = ["OctagonClient"]


class OctagonClient(CurrentExecution):
    """Octagon access for one configuration instance; configure with ``with_*`` then ``build()``."""

    def __init__(self) -> None:
        self.logger = logging.getLogger(__name__)
        self.region = "us-east-1"
        self.profile = "default"
        self.configuration_file: str | Path | None = None
        self.configuration_instance = "dev"
        self.metadata_file: str | Path | None = None
        self.initialized = False
        self.run_in_fargate = False
        self.run_in_lambda = False
        self.sns_topic: str | None = None
        self.pipeline_name: str | None = None
        self.pipeline_execution_id: str | None = None
        self.config: ConfigParser | None = None
        self.meta: Any = None
        self._aws: AwsSession | None = None
        self._session: Any = None
        self._account_id: str | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ builder
    def with_sns_topic(self, sns_topic: str) -> OctagonClient:
        """SNS topic (ARN or name in this account) for metric notifications."""
        self.sns_topic = sns_topic
        return self

    def with_run_lambda(self, flag: bool) -> OctagonClient:
        """Use the Lambda function's credentials (the process-wide session)."""
        self.run_in_lambda = flag
        return self

    def with_run_fargate(self, flag: bool) -> OctagonClient:
        """Use ``AWS_ACCESS_KEY``/``AWS_SECRET_ACCESS_KEY`` from the environment."""
        self.run_in_fargate = flag
        return self

    def with_region(self, region: str) -> OctagonClient:
        self.region = region
        return self

    def with_profile(self, profile: str) -> OctagonClient:
        self.profile = profile
        return self

    def with_config(self, config_file: str | Path) -> OctagonClient:
        """Read table names from an octagon configuration file instead of ``octagon-{Object}-{instance}``."""
        self.configuration_file = config_file
        return self

    def with_meta(self, metadata_file: str | Path) -> OctagonClient:
        """Kept for compatibility; the metadata file is not needed by any API of this client."""
        self.metadata_file = metadata_file
        return self

    def with_configuration_instance(self, instance: str) -> OctagonClient:
        """The configuration instance (SDLF environment: dev, test, prod)."""
        self.configuration_instance = instance
        return self

    def with_session(self, session: Any) -> OctagonClient:
        """Use a boto3 Session or :class:`AwsSession` (tests, other accounts). Not in the original."""
        self._session = session
        return self

    def build(self) -> OctagonClient:
        """Resolve the configuration and credentials; no AWS call."""
        if self._session is not None:
            from datalake_library.aws.session import shared_session

            self._aws = shared_session(self._session)
        elif self.run_in_fargate:
            self._aws = context_session("FARGATE", self.region, self.profile)
        elif self.run_in_lambda:
            self._aws = context_session("LAMBDA", self.region, self.profile)
        else:
            self._aws = context_session(None, self.region, self.profile)
        self.config = ConfigParser(self.configuration_file, self.configuration_instance)
        self.initialized = True
        return self

    # ------------------------------------------------------------------ clients
    def _session_layer(self) -> AwsSession:
        if self._aws is None:
            raise ValueError("OctagonClient is not built: call .build() first")
        return self._aws

    @property
    def dynamodb(self) -> Any:
        """The low-level DynamoDB client."""
        return self._session_layer().client("dynamodb")

    @property
    def sns(self) -> Any:
        """The SNS client (metric notifications)."""
        return self._session_layer().client("sns")

    @property
    def account_id(self) -> str:
        """The caller's account id (one STS call, on first use)."""
        if self._account_id is None:
            with self._lock:
                if self._account_id is None:
                    self._account_id = str(self._session_layer().client("sts").get_caller_identity()["Account"])
        return self._account_id

    @property
    def partition(self) -> str:
        """The AWS partition of ``region`` (aws, aws-cn, aws-us-gov)."""
        if self.region.startswith("cn-"):
            return "aws-cn"
        if self.region.startswith("us-gov-"):
            return "aws-us-gov"
        return "aws"

    def built_config(self) -> ConfigParser:
        """The configuration resolved by ``build()`` (``ValueError`` before it)."""
        if self.config is None:
            raise ValueError("OctagonClient is not built: call .build() first")
        return self.config

    # ------------------------------------------------------------------ executions
    def start_pipeline_execution(
        self,
        pipeline_name: str,
        dataset_name: str | None = None,
        dataset_date: str | None = None,
        comment: Any = None,
    ) -> str | None:
        """Start an execution of an active pipeline (``None`` when it is not registered/active)."""
        self.built_config()
        return PipelineExecutionHistoryAPI(self).start_pipeline_execution(pipeline_name, dataset_name, dataset_date, comment)

    def update_pipeline_execution(self, status: str, component: str | None = None) -> bool:
        """Record a progress ``status`` on the current execution."""
        return PipelineExecutionHistoryAPI(self).update_pipeline_execution(status, component=component)

    def _record_status(self, status: str, component: str | None, issue_comment: str | None) -> bool:
        return PipelineExecutionHistoryAPI(self).update_pipeline_execution(
            status, component=component, issue_comment=issue_comment
        )

    def retrieve_pipeline_execution(self, peh_id: str) -> None:
        """Make the active execution ``peh_id`` the current one."""
        return PipelineExecutionHistoryAPI(self).retrieve_pipeline_execution(peh_id)

    def create_event(
        self, reason: Any, comment: str, component_name: str | None = None, event_details: Any = None
    ) -> str:
        """Record an event of the current execution; return its id."""
        return EventAPI(self).create_event(reason, comment, component_name, event_details)

    def create_artifact_registration(self, artifact: Artifact) -> str:
        """Register ``artifact`` for the current execution; return its id."""
        return ArtifactAPI(self).register_artifact(artifact)

    def create_metrics(self, date_str: str, metric_code: str, value: int) -> bool | None:
        """Add ``value`` to metric ``metric_code`` (``A#B`` nests) on ``date_str``."""
        return MetricAPI(self).create_metrics(date_str=date_str, metric_code=metric_code, value=value)

    def is_sns_set(self) -> bool:
        return self.sns_topic is not None
