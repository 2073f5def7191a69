"""Legacy configuration classes (docs/sdlf-compatibility.md): names, lazy batched reads through the shared cache, fallbacks,
and named errors."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from datalake_library import DataLakeClient
from datalake_library.configuration.resource_configs import (
    DynamoConfiguration,
    KMSConfiguration,
    S3Configuration,
    SQSConfiguration,
    StateMachineConfiguration,
)
from datalake_library.errors import ConfigurationError, InvalidArgumentTypeError
from datalake_library.testing import SdlfEnvironment
from tests.datalake_library.helpers import counting_session


def test_values_match_the_deployment(mocked_sdlf: SdlfEnvironment, monkeypatch: pytest.MonkeyPatch) -> None:
    env = mocked_sdlf
    s3 = S3Configuration()
    assert (s3.raw_bucket, s3.stage_bucket, s3.analytics_bucket, s3.artifacts_bucket) == (
        env.raw_bucket,
        env.stage_bucket,
        env.analytics_bucket,
        env.artifacts_bucket,
    )
    # v2 deployments encrypt every bucket with the domain key.
    assert s3.raw_bucket_kms_key == s3.stage_bucket_kms_key == s3.analytics_bucket_kms_key == env.domain_key_arn
    dynamo = DynamoConfiguration()
    assert dynamo.object_metadata_table == env.object_metadata_table
    assert dynamo.manifests_control_table == env.manifests_table
    assert SQSConfiguration("engineering", "main", "A").get_stage_queue_name == "sdlf-engineering-main-queue-A.fifo"
    assert SQSConfiguration("engineering", "main", "B").get_stage_dlq_name == "sdlf-engineering-main-dlq-B.fifo"
    assert StateMachineConfiguration("engineering", "main", "B").get_stage_state_machine_arn == env.stage("B").state_machine_arn
    assert KMSConfiguration("engineering").get_kms_arn == env.team_data_key_arn
    monkeypatch.setenv("BUCKET_TARGET", "target-bucket")
    monkeypatch.setenv("TARGET_ENCRYPTION_KEY", "arn:aws:kms:us-east-1:123456789012:key/x")
    assert s3.destination_bucket == "target-bucket"
    assert s3.destination_encryption_key.endswith("key/x")


def test_construction_is_lazy_and_first_access_is_one_batched_read(mocked_sdlf: SdlfEnvironment) -> None:
    session, recorder = counting_session()
    s3 = S3Configuration(session=session)
    assert recorder.calls == []
    assert s3.raw_bucket == mocked_sdlf.raw_bucket
    calls = recorder.named("GetParameters")
    assert recorder.operations() == ["GetParameters"] * len(calls) and 1 <= len(calls) <= 2
    requested = [n for c in calls for n in c.params["Names"]]
    assert all(len(c.params["Names"]) <= 10 for c in calls) and all(c.params["WithDecryption"] for c in calls)
    assert {"/SDLF2/S3/RawBucket", "/SDLF/S3/RawBucket", "/SDLF/S3/CentralBucket", "/SDLF2/KMS/KeyArn"} <= set(requested)
    before = len(recorder.calls)
    _ = (s3.stage_bucket, s3.analytics_bucket, s3.artifacts_bucket, s3.raw_bucket_kms_key, s3.analytics_bucket_kms_key)
    assert len(recorder.calls) == before  # everything came from the same batch
    _ = S3Configuration(session=session).stage_bucket
    assert len(recorder.calls) == before  # a second object reuses the process-wide cache


def test_shares_the_cache_with_datalake_client(mocked_sdlf: SdlfEnvironment) -> None:
    session, recorder = counting_session()
    client = DataLakeClient("engineering", pipeline="main", stage="A", session=session)
    assert client.s3.raw_bucket == mocked_sdlf.raw_bucket
    reads = len(recorder.calls)
    assert S3Configuration(session=session).raw_bucket == mocked_sdlf.raw_bucket
    assert S3Configuration(session=session).raw_bucket_kms_key == mocked_sdlf.domain_key_arn
    assert DynamoConfiguration(session=session).object_metadata_table == mocked_sdlf.object_metadata_table
    assert SQSConfiguration("engineering", "main", "A", session=session).get_stage_dlq_name.endswith("dlq-A.fifo")
    assert StateMachineConfiguration("engineering", "main", "A", session=session).get_stage_state_machine_arn
    assert KMSConfiguration("engineering", session=session).get_kms_arn == mocked_sdlf.team_data_key_arn
    assert len(recorder.calls) == reads


def test_falls_back_to_v1_names(mocked_aws: None) -> None:
    ssm = boto3.client("ssm")
    legacy = {
        "/SDLF/S3/CentralBucket": "v1-central",
        "/SDLF/S3/StageBucket": "v1-stage",
        "/SDLF/S3/AnalyticsBucket": "arn:aws:s3:::v1-analytics",
        "/SDLF/KMS/CentralBucket": "arn:aws:kms:us-east-1:123456789012:key/central",
        "/SDLF/Dynamo/TransformMapping": "octagon-Dataset-dev",
        "/SDLF/Dynamo/Pipelines": "octagon-Pipelines-dev",
    }
    for name, value in legacy.items():
        ssm.put_parameter(Name=name, Value=value, Type="String")
    s3 = S3Configuration()
    assert s3.raw_bucket == "v1-central"
    assert s3.stage_bucket == "v1-stage"
    assert s3.analytics_bucket == "v1-analytics"
    assert s3.raw_bucket_kms_key.endswith("key/central")
    dynamo = DynamoConfiguration()
    assert (dynamo.transform_mapping_table, dynamo.pipelines_table) == ("octagon-Dataset-dev", "octagon-Pipelines-dev")


def test_current_names_win_over_historical_ones(mocked_aws: None) -> None:
    ssm = boto3.client("ssm")
    ssm.put_parameter(Name="/SDLF2/S3/RawBucket", Value="v2-raw", Type="String")
    ssm.put_parameter(Name="/SDLF/S3/RawBucket", Value="v1-raw", Type="String")
    assert S3Configuration().raw_bucket == "v2-raw"


def test_missing_values_raise_configuration_errors_naming_every_name_tried(mocked_sdlf: SdlfEnvironment) -> None:
    with pytest.raises(ConfigurationError) as caught:
        _ = DynamoConfiguration().transform_mapping_table
    assert "/SDLF2/Dynamo/TransformMapping" in str(caught.value) and "/SDLF/Dynamo/TransformMapping" in str(caught.value)
    assert caught.value.attribute == "transform_mapping_table"
    with pytest.raises(ConfigurationError, match="/SDLF/SQS/engineering/mainCQueue"):
        _ = SQSConfiguration("engineering", "main", "C").get_stage_queue_name
    with pytest.raises(ConfigurationError, match="/SDLF/KMS/marketing/DataKeyId"):
        _ = KMSConfiguration("marketing").get_kms_arn


def test_missing_environment_variables_are_named(mocked_aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BUCKET_TARGET", raising=False)
    with pytest.raises(ConfigurationError, match="BUCKET_TARGET"):
        _ = S3Configuration().destination_bucket


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (lambda: SQSConfiguration("engineering", "", "A"), "prefix"),
        (lambda: StateMachineConfiguration("engineering", "main", None), "stage"),  # type: ignore[arg-type]
        (lambda: KMSConfiguration(None), "team"),  # type: ignore[arg-type]
    ],
)
def test_missing_context_is_named_at_construction(mocked_aws: None, factory: Any, field: str) -> None:
    with pytest.raises(ConfigurationError, match=f"non-empty {field}") as caught:
        factory()
    assert caught.value.missing_context == (field,)


def test_an_injected_ssm_client_is_used(mocked_sdlf: SdlfEnvironment) -> None:
    session, recorder = counting_session()
    ssm = session.client("ssm")
    assert SQSConfiguration("engineering", "main", "A", ssm_interface=ssm).get_stage_queue_name.endswith(".fifo")
    assert recorder.operations("ssm") == ["GetParameters"]
    with pytest.raises(InvalidArgumentTypeError, match="ssm_interface must be a boto3 SSM client"):
        S3Configuration(ssm_interface="not a client")
