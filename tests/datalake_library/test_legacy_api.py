"""The legacy APIs themselves: constructors recognised by argument type, subclass hooks, missing
parameters catchable the way each generation caught them, octagon events/artifacts/metrics,
``sdlf.utils``, and the SSM requests each generation's configuration costs (decorator-mode moto)."""

from __future__ import annotations

import datetime
import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from datalake_library.errors import ConfigurationError
from datalake_library.interfaces.dynamo_interface import DynamoInterface
from datalake_library.interfaces.s3_interface import S3Interface
from datalake_library.interfaces.sqs_interface import SQSInterface
from datalake_library.interfaces.states_interface import StatesInterface
from datalake_library.testing import SdlfEnvironment
from tests.datalake_library.helpers import counting_session


@pytest.fixture
def sdlf26(mocked_aws: None) -> SdlfEnvironment:
    from datalake_library.octagon.peh import PipelineExecutionHistoryAPI
    from datalake_library.testing.sdlf_environment import create_sdlf_environment
    from tests.datalake_library.conftest import _clear_library_caches

    PipelineExecutionHistoryAPI.pipelines.clear()
    env = create_sdlf_environment(generation="2.6")
    _clear_library_caches()
    return env


@pytest.fixture
def sdlf210(mocked_aws: None) -> SdlfEnvironment:
    from datalake_library.testing.sdlf_environment import create_sdlf_environment
    from tests.datalake_library.conftest import _clear_library_caches

    env = create_sdlf_environment(generation="2.10")
    _clear_library_caches()
    return env


# ------------------------------------------------------------------ constructors by argument type


def test_sqs_interface_bound_to_a_queue_name(sdlf26: SdlfEnvironment) -> None:
    from datalake_library.configuration.resource_configs import SQSConfiguration

    name = SQSConfiguration("engineering", "main", "A").get_stage_dlq_name
    assert name == "sdlf-engineering-main-dlq-A.fifo"
    sqs = SQSInterface(name)
    assert sqs.queue_name == name and sqs.team is None
    assert sqs._message_queue == sdlf26.stage("A").dlq_url
    sqs.send_message_to_fifo_queue("hello", "failed")
    assert [m["Body"] for m in sqs.receive_messages(1)] == ["hello"]
    # a literal queue name (not a team name: SDLF teams are [a-z0-9]{2,12}) binds the same way
    plain = SQSInterface("sdlf-engineering-main-queue-A.fifo", "DEBUG")
    assert plain.queue_name == "sdlf-engineering-main-queue-A.fifo" and plain.log_level == "DEBUG"
    assert plain._message_queue == sdlf26.stage("A").queue_url


def test_sqs_interface_with_an_injected_client(sdlf26: SdlfEnvironment) -> None:
    raw = boto3.client("sqs")
    sqs = SQSInterface("sdlf-engineering-main-queue-B.fifo", sqs_client=raw)
    assert sqs.sqs is raw and sqs._sqs_client is raw
    positional = SQSInterface("sdlf-engineering-main-queue-B.fifo", "INFO", raw)
    assert positional.sqs is raw and positional.log_level == "INFO"
    positional.send_batch_messages_to_fifo_queue(["a", {"b": 1}, 3], 2, "g")
    bodies = sorted(m["Body"] for m in sdlf26.drain_queue(sdlf26.stage("B").queue_url or ""))
    assert bodies == ["3", "a", '{"b": 1}']


def test_team_first_constructors_keep_the_2_11_meaning(sdlf26: SdlfEnvironment) -> None:
    sqs = SQSInterface("engineering", pipeline="main", stage="A")
    assert (sqs.team, sqs.pipeline, sqs.stage, sqs.queue_name) == ("engineering", "main", "A", None)
    assert SQSInterface("engineering").queue_name is None
    assert S3Interface("engineering").team == "engineering"
    legacy = S3Interface("WARNING")
    assert legacy.team is None and legacy.log_level == "WARNING"
    raw = boto3.client("stepfunctions")
    states = StatesInterface("INFO", raw)
    assert states.team is None and states.stepfunctions is raw and states._states_client is raw
    s3_raw = boto3.client("s3")
    assert S3Interface(s3_client=s3_raw)._s3_client is s3_raw


def test_dynamo_interface_with_a_configuration(sdlf26: SdlfEnvironment) -> None:
    from datalake_library.configuration.resource_configs import DynamoConfiguration

    dynamo = DynamoInterface(DynamoConfiguration())
    assert dynamo.team is None
    assert dynamo.object_metadata_table == sdlf26.object_metadata_table
    assert dynamo.manifests_control_table == dynamo.manifests_table == sdlf26.manifests_table
    assert dynamo.pipelines_table == "octagon-Pipelines-dev"
    assert dynamo.transform_mapping_table == "octagon-Datasets-dev"
    assert dynamo.get_pipelines_table_item("engineering-main-A")["status"] == "ACTIVE"
    dynamo.put_item(dynamo.transform_mapping_table, {"name": "engineering-legislators", "pipeline": {"main": {"A": {"lambda_arn": "arn:x"}}}})
    assert dynamo.get_transform_table_item("engineering-legislators")["pipeline"]["main"]["A"] == {"lambda_arn": "arn:x"}
    with pytest.raises(KeyError):
        dynamo.get_transform_table_item("engineering-unknown")
    raw = boto3.client("dynamodb")
    assert DynamoInterface(DynamoConfiguration(), "INFO", raw).dynamodb_client is raw
    assert DynamoInterface(configuration=DynamoConfiguration(), dynamodb_client=raw).dynamodb is raw


def test_2_11_dynamo_interface_also_reads_the_legacy_tables(mocked_aws: None) -> None:
    from datalake_library.testing.sdlf_environment import create_sdlf_environment
    from tests.datalake_library.conftest import _clear_library_caches

    # 2.11 deployments with the octagon tables publish /SDLF2/Dynamo/Pipelines too; 2.11 code may
    # call the restored helpers
    create_sdlf_environment(octagon=True)
    _clear_library_caches()
    assert DynamoInterface().pipelines_table == "octagon-Pipelines-dev"
    assert DynamoInterface().get_pipelines_table_item("engineering-main-B")["name"] == "engineering-main-B"


def test_legacy_catalog_write_mutates_the_callers_dict_but_2_11_does_not(sdlf26: SdlfEnvironment) -> None:
    from datalake_library.configuration.resource_configs import DynamoConfiguration

    legacy_item = {"bucket": "b", "key": "k"}
    DynamoInterface(DynamoConfiguration()).update_object_metadata_catalog(legacy_item)
    assert legacy_item["id"] == "s3://b/k" and isinstance(legacy_item["timestamp"], int)
    current_item = {"bucket": "b", "key": "k2"}
    current = DynamoInterface()
    current.object_metadata_table = sdlf26.object_metadata_table  # a 2.6 deployment has no /SDLF2 name
    written = current.update_object_metadata_catalog(current_item)
    assert current_item == {"bucket": "b", "key": "k2"} and written["id"] == "s3://b/k2"


# ------------------------------------------------------------------ subclass hooks


def test_subclass_hooks_assigning_clients_and_attributes(mocked_sdlf: SdlfEnvironment) -> None:
    created: list[Any] = []

    class MyS3(S3Interface):
        def _initialize_client(self) -> None:
            self.s3 = self.session.client("s3", config=self.session_config)
            created.append(self.s3)

        def _load_config(self) -> None:
            self.raw_bucket = self._get_ssm_parameter("/SDLF2/S3/RawBucket")
            self.custom = "mine"

    s3 = MyS3()
    assert s3.s3 is created[0]
    assert s3.raw_bucket == mocked_sdlf.raw_bucket and s3.custom == "mine"
    s3.s3.put_object(Bucket=mocked_sdlf.raw_bucket, Key="team/ds/f.txt", Body=b"x")
    # the library's own state does not depend on its hook: downloads and cleanup still work
    path = s3.download_object(mocked_sdlf.raw_bucket, "team/ds/f.txt")
    assert open(path, "rb").read() == b"x"
    assert s3.cleanup_downloads() == 1

    class MySQS(SQSInterface):
        def _initialize_client(self) -> None:
            self.sqs = boto3.client("sqs")

    sqs = MySQS("engineering", pipeline="main", stage="A")
    assert sqs.sqs is not sqs.aws_session.client("sqs")
    sqs.send_message_to_fifo_queue("x", "g", sqs.stage_dlq_url)
    assert mocked_sdlf.queue_depth(mocked_sdlf.stage("A").dlq_url or "") == 1


# ------------------------------------------------------------------ missing parameters


def test_missing_parameter_is_catchable_every_generation_s_way(mocked_sdlf: SdlfEnvironment) -> None:
    from datalake_library.configuration.resource_configs import SQSConfiguration
    from datalake_library.sdlf import StateMachineConfiguration as InstanceStateMachine

    def failures() -> list[Any]:
        return [
            lambda: SQSConfiguration("engineering", "other", "A").get_stage_queue_name,  # <= 2.6
            lambda: InstanceStateMachine(instance="nowhere").stage_state_machine,  # 2.7 - 2.11.0
            lambda: SQSInterface("engineering", pipeline="other", stage="A").stage_queue,  # 2.11
            lambda: S3Interface()._get_ssm_parameter("/SDLF2/S3/Nothing"),  # 2.11 subclass helper
        ]

    for attempt in failures():
        with pytest.raises(ClientError) as caught:
            attempt()
        assert caught.value.response["Error"]["Code"] == "ParameterNotFound"
        assert isinstance(caught.value, ConfigurationError) and isinstance(caught.value, LookupError)
    with pytest.raises(ConfigurationError, match="/sdlf/pipeline/rStateMachine/nowhere"):
        _ = InstanceStateMachine(instance="nowhere").stage_state_machine


def test_instance_scheme_attribute_without_instance_names_the_problem(mocked_aws: None) -> None:
    from datalake_library.configuration.resource_configs import DynamoConfiguration

    with pytest.raises(ConfigurationError, match="pass instance="):
        _ = DynamoConfiguration().peh_table
    with pytest.raises(ConfigurationError, match="without instance="):
        _ = DynamoConfiguration(instance="x").object_metadata_table
    with pytest.raises(ConfigurationError, match="needs a non-empty team"):
        from datalake_library.configuration.resource_configs import KMSConfiguration

        KMSConfiguration()


# ------------------------------------------------------------------ instance scheme and SSM cost


def test_instance_configurations(sdlf210: SdlfEnvironment) -> None:
    from datalake_library import sdlf
    from datalake_library.configuration.resource_configs import SQSConfiguration as LegacySQS

    s3 = sdlf.S3Configuration(instance="dev")
    assert (s3.raw_bucket, s3.stage_bucket, s3.analytics_bucket) == (
        sdlf210.raw_bucket,
        sdlf210.stage_bucket,
        sdlf210.analytics_bucket,
    )
    assert s3.raw_bucket_instance == "dev" and sdlf.S3Configuration(stage_bucket_instance="dev").stage_bucket_instance == "dev"
    dynamo = sdlf.DynamoConfiguration(peh_table_instance="legislators", manifests_table_instance="legislators")
    assert (dynamo.peh_table, dynamo.manifests_table) == (sdlf210.peh_table, sdlf210.manifests_table)
    sqs = sdlf.SQSConfiguration(instance="mainb")
    assert (sqs.stage_queue, sqs.stage_dlq) == ("sdlf-engineering-main-queue-B.fifo", "sdlf-engineering-main-dlq-B.fifo")
    assert sdlf.StateMachineConfiguration(instance="maina").stage_state_machine == sdlf210.stage("A").state_machine_arn
    assert sdlf.KMSConfiguration(instance="legislators").data_kms_key == sdlf210.team_data_key_arn
    # 2.11.2's sdlf-stage-glue redrive builds resource_configs.SQSConfiguration(instance=...) and reads
    # get_stage_*_name: the same values
    legacy = LegacySQS(instance="maina")
    assert legacy.get_stage_dlq_name == "sdlf-engineering-main-dlq-A.fifo"
    assert legacy.get_stage_queue_name == "sdlf-engineering-main-queue-A.fifo"


def test_ssm_requests_per_configuration_object(sdlf210: SdlfEnvironment) -> None:
    from datalake_library import sdlf

    session, recorder = counting_session()
    config = sdlf.SQSConfiguration(instance="maina", session=session)
    assert recorder.calls == []
    _ = (config.stage_queue, config.stage_dlq)
    # the original made one GetParameter per value in its constructor (2); one batched read here
    assert [c.operation for c in recorder.calls] == ["GetParameters"]
    assert sorted(recorder.calls[0].params["Names"]) == [
        "/sdlf/pipeline/rDeadLetterQueueRoutingStep/maina",
        "/sdlf/pipeline/rQueueRoutingStep/maina",
    ]
    _ = sdlf.SQSConfiguration(instance="maina", session=session).stage_dlq
    assert len(recorder.calls) == 1  # a second object (warm Lambda) reads the cache


def test_legacy_stage_code_on_a_2_11_deployment_reads_the_sdlf2_names(mocked_sdlf: SdlfEnvironment) -> None:
    from datalake_library.configuration.resource_configs import S3Configuration

    session, recorder = counting_session()
    assert S3Configuration(session=session).stage_bucket == mocked_sdlf.stage_bucket
    assert recorder.calls[0].params["Names"][:2] == ["/SDLF2/S3/StageBucket", "/SDLF/S3/StageBucket"]


# ------------------------------------------------------------------ octagon events, artifacts, metrics


def test_octagon_events_artifacts_and_metrics(sdlf26: SdlfEnvironment) -> None:
    from datalake_library import octagon
    from datalake_library.octagon.artifact import ArtifactAPI
    from datalake_library.octagon.event import EventAPI
    from datalake_library.octagon.metric import MetricAPI

    client = octagon.OctagonClient().with_run_lambda(True).with_configuration_instance("dev").build()
    with pytest.raises(ValueError, match="not yet assigned"):
        client.create_event(octagon.EventReasonEnum.INFO, "too early")
    peh_id = client.start_pipeline_execution("engineering-main-A", "engineering-legislators", "2024-05-01")
    assert peh_id is not None
    event_id = client.create_event(octagon.EventReasonEnum.WARN, "slow", component_name="Process")
    event = EventAPI(client).get_event(event_id)
    assert (event["reason"], event["comment"], event["component"], event["pipeline_execution_id"]) == (
        "WARN",
        "slow",
        "Process",
        peh_id,
    )
    assert event["date_and_reason"].endswith("#WARN") and event["ttl"] > 0

    artifact = (
        octagon.Artifact("legislators", comment="parsed")
        .with_source_info("S3", "arn:aws:s3:::raw", "s3://raw/a.json")
        .with_target_info("S3", "arn:aws:s3:::stage", "s3://stage/a_parsed.json")
    )
    stored = ArtifactAPI(client).get_artifact(client.create_artifact_registration(artifact))
    assert stored["target_location_pointers"] == ["s3://stage/a_parsed.json"]
    assert stored["pipeline_and_target_type"] == "engineering-main-A#S3"

    assert client.create_metrics("2024-05-01", "Rows#Persons", 5) is True
    assert client.create_metrics("2024-05-02", "Rows#Persons", 2) is True
    assert client.create_metrics("2024-05-02", "Rows", 0) is None
    metrics = MetricAPI(client)
    assert metrics.get_metrics_value("Rows") == 7
    assert metrics.get_metrics_value("Rows#Persons") == 7
    assert metrics.get_metrics_value("Rows.M2024-05") == 7
    assert metrics.get_metrics_value("Rows#Persons.D2024-05-01") == 5
    assert metrics.get_metrics_value("Rows.D2024-05-03") == 0
    with pytest.raises(ValueError, match="Duplicated"):
        client.create_metrics("2024-05-01", "A#A", 1)


def test_octagon_configuration_file_and_instances(tmp_path: Any) -> None:
    from datalake_library.octagon.config import ConfigObjectEnum, ConfigParser

    default = ConfigParser(None, "prod")
    assert default.get_peh_table() == "octagon-PipelineExecutionHistory-prod" and default.get_peh_ttl() == 120
    assert default.get_events_ttl() == 60 and default.get_table_ttl(ConfigObjectEnum.OCTAGON_OBJECT_DATASETS) == 0
    document = {
        "configuration_instances": [
            {"instance": "qa", "tables": [{"object": "Events", "table_name": "my-events", "ttl": 5}],
             "metrics": [{"metric": "Rows", "evaluation": ">=", "threshold": 10, "notify": "ONCE", "metric_type": "DAILY"}]}
        ]
    }
    path = tmp_path / "octagon.json"
    path.write_text(json.dumps(document))
    parsed = ConfigParser(path, "qa")
    assert (parsed.get_events_table(), parsed.get_events_ttl()) == ("my-events", 5)
    assert [(m.metric, m.threshold) for m in parsed.metric_info] == [("Rows", 10)]
    with pytest.raises(ValueError, match="no Pipelines table"):
        parsed.get_pipelines_table()
    with pytest.raises(ValueError, match="instance is not found"):
        ConfigParser(path, "dev")


def test_fargate_context_needs_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    from datalake_library import octagon

    monkeypatch.delenv("AWS_ACCESS_KEY", raising=False)
    with pytest.raises(ValueError, match="AWS_ACCESS_KEY"):
        octagon.OctagonClient().with_run_fargate(True).build()


# ------------------------------------------------------------------ sdlf.utils


def test_sdlf_utils() -> None:
    from datalake_library.sdlf import utils

    assert utils.get_duration_sec("2024-01-01T00:00:00.500000+00:00", "2024-01-01T00:01:00+00:00") == 59.5
    assert utils.parse_metrics("A#B#C") == ["A", "A#B", "A#B#C"] and utils.parse_metrics("A") == ["A"]
    assert utils.get_local_date(datetime.datetime(2024, 2, 29, 23, 0)) == "2024-02-29"
    stamp = datetime.datetime(2024, 1, 1, 12, 0, tzinfo=datetime.UTC)
    assert utils.get_timestamp_iso(stamp) == "2024-01-01T12:00:00+00:00"
    start = datetime.datetime(2024, 1, 1, 12, 0)
    assert utils.get_ttl(2, start) - utils.get_ttl(1, start) == 86_400
    assert utils.is_valid_uuid("12345678-1234-5678-1234-567812345678") and not utils.is_valid_uuid("nope")
    assert utils.is_not_empty("x") and not utils.is_not_empty("") and not utils.is_not_empty(None)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        utils.validate_date("01/02/2024")
    for check in (lambda: utils.throw_if_none(None, "m"), lambda: utils.throw_none_or_empty([], "m"), lambda: utils.throw_if_false(0, "m")):
        with pytest.raises(ValueError, match="^m$"):
            check()
    # default dates are taken per call, not at import time
    assert utils.get_local_date() == datetime.datetime.now().strftime("%Y-%m-%d")
