"""SSM configuration: byte-exact names, lazy batched reads, process-wide cache, missing parameters."""

from __future__ import annotations

import pytest

from datalake_library import DataLakeClient, S3Interface
from datalake_library.errors import ConfigurationError, DatalakeLibraryError
from datalake_library.parameters import PARAMETERS, clear_parameter_cache, parameter_names
from tests.conftest import record_sleeps
from tests.datalake_library.helpers import ThrottleFirst, counting_session

FOUNDATION = [
    "/SDLF2/S3/RawBucket",
    "/SDLF2/S3/StageBucket",
    "/SDLF2/S3/AnalyticsBucket",
    "/SDLF2/S3/ArtifactsBucket",
    "/SDLF2/Dynamo/ObjectCatalog",
    "/SDLF2/Dynamo/Manifests",
    "/SDLF2/KMS/KeyArn",
]
TEAM = ["/SDLF/KMS/engineering/DataKeyId", "/SDLF/KMS/engineering/InfraKeyId"]
STAGE_A = [
    "/SDLF/SM/engineering/mainASM",
    "/SDLF/SQS/engineering/mainAQueue",
    "/SDLF/SQS/engineering/mainADLQ",
]
ALL_ATTRIBUTES = {
    "s3": ["raw_bucket", "stage_bucket", "analytics_bucket", "artifacts_bucket"],
    "dynamo": ["object_metadata_table", "manifests_table"],
    "states": ["state_machine_arn"],
    "sqs": ["stage_queue", "stage_dlq"],
    "kms": ["data_kms_key", "team_data_kms_key", "team_infra_kms_key"],
}


def requested_names(recorder) -> list[str]:
    return [name for call in recorder.named("GetParameters") for name in call.params["Names"]]


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({}, FOUNDATION),
        ({"team": "engineering"}, FOUNDATION + TEAM),
        ({"team": "engineering", "dataset": "legislators", "stage": "a"}, FOUNDATION + TEAM),
        ({"team": "engineering", "pipeline": "main", "stage": "A"}, FOUNDATION + TEAM + STAGE_A),
    ],
    ids=["none", "team", "team-dataset-stage-a", "team-pipeline-stage"],
)
def test_exact_parameter_names_per_context(mocked_sdlf, context, expected) -> None:
    session, recorder = counting_session()
    client = DataLakeClient(session=session, **context)
    assert recorder.calls == []  # construction: no AWS call at all
    assert client.s3.raw_bucket == mocked_sdlf.raw_bucket
    assert sorted(requested_names(recorder)) == sorted(expected)
    assert all(call.params["WithDecryption"] is True for call in recorder.named("GetParameters"))
    assert all(len(call.params["Names"]) <= 10 for call in recorder.named("GetParameters"))
    assert recorder.operations() == ["GetParameters"] * len(recorder.operations())


def test_full_context_reads_everything_in_two_calls_and_second_client_in_none(mocked_sdlf) -> None:
    session, recorder = counting_session()
    first = DataLakeClient("engineering", pipeline="main", stage="A", session=session)
    values = {f"{i}.{a}": getattr(getattr(first, i), a) for i, attrs in ALL_ATTRIBUTES.items() for a in attrs}
    assert len(recorder.named("GetParameters")) == 2
    assert recorder.operations("ssm") == ["GetParameters", "GetParameters"]
    env = mocked_sdlf
    assert values["s3.stage_bucket"] == env.stage_bucket
    assert values["dynamo.object_metadata_table"] == env.object_metadata_table
    assert values["states.state_machine_arn"] == env.stage("A").state_machine_arn
    assert values["sqs.stage_queue"] == "sdlf-engineering-main-queue-A.fifo"
    assert values["sqs.stage_dlq"] == "sdlf-engineering-main-dlq-A.fifo"
    assert values["kms.team_data_kms_key"] == env.team_data_key_arn
    assert values["kms.data_kms_key"] == env.domain_key_arn

    recorder.reset()
    second = DataLakeClient("engineering", pipeline="main", stage="A", session=session)
    again = {f"{i}.{a}": getattr(getattr(second, i), a) for i, attrs in ALL_ATTRIBUTES.items() for a in attrs}
    assert again == values
    assert recorder.calls == []
    assert second.s3.s3 is first.s3.s3 and second.kms.ssm is first.kms.ssm


def test_queue_urls_resolved_once_per_process(mocked_sdlf) -> None:
    session, recorder = counting_session()
    client = DataLakeClient("engineering", pipeline="main", stage="A", session=session)
    for _ in range(3):
        assert client.sqs.stage_queue_url == mocked_sdlf.stage("A").queue_url
        assert client.sqs.stage_dlq_url == mocked_sdlf.stage("A").dlq_url
    assert len(recorder.named("GetQueueUrl")) == 2
    recorder.reset()
    other = DataLakeClient("engineering", pipeline="main", stage="A", session=session)
    assert other.sqs.stage_queue_url == mocked_sdlf.stage("A").queue_url
    assert recorder.calls == []


def test_table_matches_spec_and_original_counts() -> None:
    """Compatibility record: the original made 12 / 9 / 7 GetParameter calls in its constructor
    (one per applicable parameter); the same contexts need 12 / 9 / 7 names here, fetched with
    ceil(n / 10) GetParameters calls on first access instead."""
    assert len(parameter_names("engineering", "main", "A")) == 12
    assert len(parameter_names("engineering", None, "a")) == 9
    assert len(parameter_names()) == 7
    assert PARAMETERS["stage_queue"].name({"team": "engineering", "pipeline": "main", "stage": "A"}) == (
        "/SDLF/SQS/engineering/mainAQueue"
    )


def test_missing_optional_parameters_fail_only_when_used(mocked_aws) -> None:
    from datalake_library.testing.sdlf_environment import create_sdlf_environment

    env = create_sdlf_environment(manifests=False, stage_queues=False, team_keys=False)
    client = DataLakeClient("engineering", pipeline="main", stage="A")
    assert client.s3.raw_bucket == env.raw_bucket  # S3 still served
    assert client.kms.data_kms_key == env.domain_key_arn
    cases = {
        ("dynamo", "manifests_table"): "/SDLF2/Dynamo/Manifests",
        ("sqs", "stage_queue"): "/SDLF/SQS/engineering/mainAQueue",
        ("sqs", "stage_dlq"): "/SDLF/SQS/engineering/mainADLQ",
        ("kms", "team_data_kms_key"): "/SDLF/KMS/engineering/DataKeyId",
        ("kms", "team_infra_kms_key"): "/SDLF/KMS/engineering/InfraKeyId",
    }
    for (interface, attribute), name in cases.items():
        with pytest.raises(ConfigurationError) as info:
            getattr(getattr(client, interface), attribute)
        assert info.value.parameter == name
        assert info.value.attribute == attribute
        assert name in str(info.value) and "team='engineering'" in str(info.value)
        assert isinstance(info.value, DatalakeLibraryError)
    with pytest.raises(ConfigurationError, match="/SDLF/SQS/engineering/mainAQueue"):
        _ = client.sqs.stage_queue_url


@pytest.mark.parametrize(
    ("context", "attribute", "missing"),
    [
        ({"team": "engineering", "stage": "A"}, "state_machine_arn", ("pipeline",)),
        ({}, "stage_queue", ("team", "pipeline", "stage")),
        ({}, "team_data_kms_key", ("team",)),
        ({"team": "engineering", "pipeline": "main"}, "stage_dlq", ("stage",)),
    ],
)
def test_missing_context_names_what_is_missing(context, attribute, missing) -> None:
    client = DataLakeClient(**context)
    interface = {"state_machine_arn": client.states, "stage_queue": client.sqs, "stage_dlq": client.sqs}.get(
        attribute, client.kms
    )
    with pytest.raises(ConfigurationError) as info:
        getattr(interface, attribute)
    assert info.value.missing_context == missing
    for field in missing:
        assert field in str(info.value)
    assert not isinstance(info.value, AttributeError)


def test_analytics_bucket_legacy_arn_is_stripped(mocked_aws) -> None:
    from datalake_library.testing.sdlf_environment import create_sdlf_environment

    env = create_sdlf_environment(analytics_bucket_as_arn=True)
    assert env.parameters["/SDLF2/S3/AnalyticsBucket"].startswith("arn:aws:s3:::")
    assert S3Interface().analytics_bucket == env.analytics_bucket


def test_ttl_expiry_refetches_and_zero_disables(mocked_sdlf, monkeypatch) -> None:
    session, recorder = counting_session()
    monkeypatch.setenv("DATALAKE_SSM_CACHE_TTL", "0")
    s3 = S3Interface(session=session)
    _ = s3.raw_bucket
    _ = s3.raw_bucket
    assert len(recorder.named("GetParameters")) == 2
    monkeypatch.setenv("DATALAKE_SSM_CACHE_TTL", "300")
    recorder.reset()
    _ = s3.raw_bucket
    _ = s3.stage_bucket
    assert len(recorder.named("GetParameters")) == 1
    # A changed value is seen after clear_parameter_cache (or after the TTL).
    mocked_sdlf.client("ssm").put_parameter(Name="/SDLF2/S3/RawBucket", Value="other-bucket", Overwrite=True)
    assert s3.raw_bucket == mocked_sdlf.raw_bucket
    clear_parameter_cache()
    assert s3.raw_bucket == "other-bucket"


def test_bad_ttl_setting_is_a_configuration_error(mocked_sdlf, monkeypatch) -> None:
    monkeypatch.setenv("DATALAKE_SSM_CACHE_TTL", "five minutes")
    with pytest.raises(ConfigurationError, match="DATALAKE_SSM_CACHE_TTL"):
        _ = S3Interface().raw_bucket


def test_throttling_on_first_attempts_is_retried(mocked_sdlf, monkeypatch) -> None:
    sleeps = record_sleeps(monkeypatch)
    session, recorder = counting_session()
    throttle = ThrottleFirst(failures=2)
    session.events.register_first("before-send.ssm.GetParameters", throttle)
    client = DataLakeClient("engineering", pipeline="main", stage="A", session=session)
    assert client.kms.team_data_kms_key == mocked_sdlf.team_data_key_arn
    assert throttle.attempts >= 3  # two throttled attempts, then success
    assert len(sleeps) == 2  # botocore backed off before each retry
    assert len(recorder.named("GetParameters")) == 2  # still two API calls (retries are attempts)


def test_throttling_beyond_retries_is_a_configuration_error(mocked_sdlf) -> None:
    from botocore.config import Config

    session, _ = counting_session()
    throttle = ThrottleFirst(failures=100)
    session.events.register_first("before-send.ssm.GetParameters", throttle)
    s3 = S3Interface(session=session, config=Config(retries={"mode": "standard", "max_attempts": 2}))
    with pytest.raises(ConfigurationError, match="ThrottlingException"):
        _ = s3.raw_bucket
    # botocore: a Config max_attempts of N allows N retries after the first attempt.
    assert throttle.attempts == 3  # the injected config was used (the default allows more)


def test_assigned_attribute_overrides_ssm() -> None:
    s3 = S3Interface()
    s3.raw_bucket = "my-bucket"
    assert s3.raw_bucket == "my-bucket"


def test_server_mode_integration(sdlf_environment) -> None:
    """Against the moto server (real HTTP): all 12 values in two GetParameters calls."""
    client = DataLakeClient("engineering", pipeline="main", stage="B")
    assert client.states.state_machine_arn == sdlf_environment.stage("B").state_machine_arn
    assert client.sqs.stage_queue_url == sdlf_environment.stage("B").queue_url
    assert client.kms.team_infra_kms_key == sdlf_environment.team_infra_key_arn
    assert client.s3.parameter_name("raw_bucket") == "/SDLF2/S3/RawBucket"
