"""The SSM parameter names SDLF publishes, typed in by hand (docs/sdlf-compatibility.md).

Byte-exact with SDLF 2.11: foundation-level parameters under ``/SDLF2/``, team/pipeline/stage-level
ones under ``/SDLF/``, the stage appended verbatim after the pipeline. Nothing here is read from
``datalake_library.parameters``: a renamed parameter, a dropped prefix, a changed context rule or a
lost post-processing step turns these tests red.
"""

from __future__ import annotations

import pytest

from datalake_library.errors import ConfigurationError
from datalake_library.parameters import ParameterResolver, clear_parameter_cache, parameter_names

#: attribute -> (SSM name for team engineering / pipeline main / stage A, context it needs)
NAMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "raw_bucket": ("/SDLF2/S3/RawBucket", ()),
    "stage_bucket": ("/SDLF2/S3/StageBucket", ()),
    "analytics_bucket": ("/SDLF2/S3/AnalyticsBucket", ()),
    "artifacts_bucket": ("/SDLF2/S3/ArtifactsBucket", ()),
    "object_metadata_table": ("/SDLF2/Dynamo/ObjectCatalog", ()),
    "manifests_table": ("/SDLF2/Dynamo/Manifests", ()),
    "state_machine_arn": ("/SDLF/SM/engineering/mainASM", ("team", "pipeline", "stage")),
    "stage_queue": ("/SDLF/SQS/engineering/mainAQueue", ("team", "pipeline", "stage")),
    "stage_dlq": ("/SDLF/SQS/engineering/mainADLQ", ("team", "pipeline", "stage")),
    "data_kms_key": ("/SDLF2/KMS/KeyArn", ()),
    "team_data_kms_key": ("/SDLF/KMS/engineering/DataKeyId", ("team",)),
    "team_infra_kms_key": ("/SDLF/KMS/engineering/InfraKeyId", ("team",)),
}
CONTEXT = {"team": "engineering", "pipeline": "main", "stage": "A"}


class _NoAws:
    def client(self, service):  # pragma: no cover - naming never calls AWS
        raise AssertionError("naming a parameter must not call AWS")


@pytest.mark.parametrize("attribute", sorted(NAMES))
def test_each_attribute_reads_the_sdlf_parameter_name(attribute: str) -> None:
    expected, _ = NAMES[attribute]
    assert ParameterResolver(_NoAws(), **CONTEXT).parameter_name(attribute) == expected


@pytest.mark.parametrize("attribute", sorted(NAMES))
def test_each_attribute_needs_exactly_its_context(attribute: str) -> None:
    _, requires = NAMES[attribute]
    for missing in ("team", "pipeline", "stage"):
        context = {**CONTEXT, missing: None}
        resolver = ParameterResolver(_NoAws(), **context)
        if missing in requires:
            with pytest.raises(ConfigurationError) as info:
                resolver.parameter_name(attribute)
            assert info.value.missing_context == (missing,) and info.value.attribute == attribute
            assert str(info.value).startswith(f"{attribute} needs {missing} (parameter /SDLF/")
            assert str(info.value).endswith(
                "this client was created with " + ", ".join(f"{k}={v!r}" for k, v in context.items()))
        else:
            assert resolver.parameter_name(attribute) == NAMES[attribute][0]


def test_the_stage_is_appended_verbatim_after_the_pipeline() -> None:
    resolver = ParameterResolver(_NoAws(), team="t-1", pipeline="Pipe", stage="b")
    assert resolver.parameter_name("state_machine_arn") == "/SDLF/SM/t-1/PipebSM"
    assert resolver.parameter_name("stage_queue") == "/SDLF/SQS/t-1/PipebQueue"
    assert resolver.parameter_name("stage_dlq") == "/SDLF/SQS/t-1/PipebDLQ"


def test_parameter_names_lists_what_a_context_can_read_in_order() -> None:
    assert parameter_names() == ["/SDLF2/S3/RawBucket", "/SDLF2/S3/StageBucket", "/SDLF2/S3/AnalyticsBucket",
                                 "/SDLF2/S3/ArtifactsBucket", "/SDLF2/Dynamo/ObjectCatalog",
                                 "/SDLF2/Dynamo/Manifests", "/SDLF2/KMS/KeyArn"]
    assert parameter_names(team="engineering") == [*parameter_names(), "/SDLF/KMS/engineering/DataKeyId",
                                                   "/SDLF/KMS/engineering/InfraKeyId"]
    assert sorted(parameter_names(**CONTEXT)) == sorted(name for name, _ in NAMES.values())


def test_an_unknown_attribute_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="'raw_bukket' is not an SSM-backed attribute"):
        ParameterResolver(_NoAws(), **CONTEXT).parameter_name("raw_bukket")


# -- values, read through the resolver (a fake SSM client; moto end to end: test_parameters.py) --------
@pytest.fixture
def ssm_values():
    from tests.datalake_library.test_parameter_resolver import FakeAws, FakeSsm

    clear_parameter_cache()
    values = {name: f"value-of-{name.rsplit('/', 1)[1]}" for name, _ in NAMES.values()}
    values["/SDLF2/S3/AnalyticsBucket"] = "arn:aws:s3:::legacy-analytics"
    ssm = FakeSsm(values)
    yield ParameterResolver(FakeAws(ssm), **CONTEXT), ssm
    clear_parameter_cache()


def test_values_come_from_those_names_and_the_analytics_arn_is_reduced_to_the_bucket(ssm_values) -> None:
    resolver, _ = ssm_values
    assert resolver.get("raw_bucket") == "value-of-RawBucket"
    assert resolver.get("stage_queue") == "value-of-mainAQueue"
    assert resolver.get("team_infra_kms_key") == "value-of-InfraKeyId"
    assert resolver.get("analytics_bucket") == "legacy-analytics"  # the legacy value was an ARN
    assert resolver.get("stage_bucket") == "value-of-StageBucket"  # only the analytics bucket is reduced


@pytest.mark.parametrize(
    ("attribute", "name", "note"),
    [
        ("stage_queue", "/SDLF/SQS/engineering/mainAQueue", " (published only when the stage has an event pattern)"),
        ("stage_dlq", "/SDLF/SQS/engineering/mainADLQ", " (published only when the stage has an event pattern)"),
        ("manifests_table", "/SDLF2/Dynamo/Manifests", " (published only when pLegacyTables=true)"),
        ("team_data_kms_key", "/SDLF/KMS/engineering/DataKeyId", " (published only for legacy teams (pLegacyTeam=true))"),
        ("raw_bucket", "/SDLF2/S3/RawBucket", ""),
        ("state_machine_arn", "/SDLF/SM/engineering/mainASM", ""),
    ],
)
def test_an_absent_parameter_names_itself_and_the_deployment_option(ssm_values, attribute, name, note) -> None:
    resolver, ssm = ssm_values
    del ssm.values[name]
    with pytest.raises(ConfigurationError) as info:
        resolver.get(attribute)
    assert str(info.value) == (f"SSM parameter {name} for {attribute} does not exist{note}; client context: "
                               "team='engineering', pipeline='main', stage='A'")
    assert info.value.parameter == name


# -- the names of earlier SDLF generations (docs/sdlf-compatibility.md), typed in by hand -----------
#: v1 - 2.6, tried in order: the 2.11 /SDLF2/ name, then v2's /SDLF/ name, then v1's.
LEGACY_NAMES = {
    "raw_bucket": ("/SDLF2/S3/RawBucket", "/SDLF/S3/RawBucket", "/SDLF/S3/CentralBucket"),
    "stage_bucket": ("/SDLF2/S3/StageBucket", "/SDLF/S3/StageBucket"),
    "analytics_bucket": ("/SDLF2/S3/AnalyticsBucket", "/SDLF/S3/AnalyticsBucket"),
    "artifacts_bucket": ("/SDLF2/S3/ArtifactsBucket", "/SDLF/S3/ArtifactsBucket"),
    "raw_bucket_kms_key": ("/SDLF2/KMS/KeyArn", "/SDLF/KMS/KeyArn", "/SDLF/KMS/CentralBucket"),
    "stage_bucket_kms_key": ("/SDLF2/KMS/KeyArn", "/SDLF/KMS/KeyArn", "/SDLF/KMS/StageBucket"),
    "analytics_bucket_kms_key": ("/SDLF2/KMS/KeyArn", "/SDLF/KMS/KeyArn", "/SDLF/KMS/AnalyticsBucket"),
    "object_metadata_table": ("/SDLF2/Dynamo/ObjectCatalog", "/SDLF/Dynamo/ObjectCatalog"),
    "transform_mapping_table": ("/SDLF2/Dynamo/TransformMapping", "/SDLF/Dynamo/TransformMapping"),
    "pipelines_table": ("/SDLF2/Dynamo/Pipelines", "/SDLF/Dynamo/Pipelines"),
    "manifests_control_table": ("/SDLF2/Dynamo/Manifests", "/SDLF/Dynamo/Manifests"),
    "stage_queue": ("/SDLF/SQS/{team}/{prefix}{stage}Queue",),
    "stage_dlq": ("/SDLF/SQS/{team}/{prefix}{stage}DLQ",),
    "state_machine_arn": ("/SDLF/SM/{team}/{pipeline}{stage}SM",),
    "team_data_kms_key": ("/SDLF/KMS/{team}/DataKeyId",),
}
#: 2.7 - 2.11.0, the "deployment instance" scheme of the CDK constructs.
INSTANCE_NAMES = {
    "raw_bucket": "/sdlf/storage/rRawBucket/{instance}",
    "stage_bucket": "/sdlf/storage/rStageBucket/{instance}",
    "analytics_bucket": "/sdlf/storage/rAnalyticsBucket/{instance}",
    "artifacts_bucket": "/sdlf/storage/rArtifactsBucket/{instance}",
    "peh_table": "/sdlf/dataset/rDynamoPipelineExecutionHistory/{instance}",
    "manifests_table": "/sdlf/dataset/rDynamoManifests/{instance}",
    "stage_queue": "/sdlf/pipeline/rQueueRoutingStep/{instance}",
    "stage_dlq": "/sdlf/pipeline/rDeadLetterQueueRoutingStep/{instance}",
    "state_machine_arn": "/sdlf/pipeline/rStateMachine/{instance}",
    "data_kms_key": "/sdlf/dataset/rKMSDataKey/{instance}",
}


def test_the_legacy_and_instance_name_tables_are_byte_exact() -> None:
    from datalake_library.parameters import INSTANCE_PARAMETERS, LEGACY_PARAMETERS

    assert LEGACY_PARAMETERS == LEGACY_NAMES
    assert INSTANCE_PARAMETERS == INSTANCE_NAMES


def test_first_value_tries_names_in_order_and_batches_the_rest_with_the_fill() -> None:
    from tests.datalake_library.test_parameter_resolver import FakeAws, FakeSsm

    clear_parameter_cache()
    ssm = FakeSsm({"/SDLF/S3/RawBucket": "v2-raw", "/SDLF/S3/CentralBucket": "v1-raw", "/SDLF/S3/StageBucket": "st"})
    resolver = ParameterResolver(FakeAws(ssm), team="engineering")
    names = list(LEGACY_NAMES["raw_bucket"])
    assert resolver.first_value(names, fill=["/SDLF/S3/StageBucket"]) == ("/SDLF/S3/RawBucket", "v2-raw")
    assert ssm.calls == [{"Names": [*names, "/SDLF/S3/StageBucket"], "WithDecryption": True}]
    # later reads come from the cache, absences included
    assert resolver.first_value(names) == ("/SDLF/S3/RawBucket", "v2-raw")
    assert resolver.first_value(["/SDLF/S3/StageBucket"]) == ("/SDLF/S3/StageBucket", "st")
    assert resolver.first_value(["/SDLF2/S3/RawBucket"]) == (None, None)
    assert len(ssm.calls) == 1
    clear_parameter_cache()


def test_first_value_falls_back_to_the_oldest_name_and_reports_none_when_all_are_absent() -> None:
    from tests.datalake_library.test_parameter_resolver import FakeAws, FakeSsm

    clear_parameter_cache()
    ssm = FakeSsm({"/SDLF/S3/CentralBucket": "v1-raw"})
    resolver = ParameterResolver(FakeAws(ssm))
    assert resolver.first_value(list(LEGACY_NAMES["raw_bucket"])) == ("/SDLF/S3/CentralBucket", "v1-raw")
    assert resolver.first_value(list(LEGACY_NAMES["stage_bucket"])) == (None, None)
    many = [f"/x/{i}" for i in range(12)]
    assert resolver.first_value(many) == (None, None)
    assert [len(c["Names"]) for c in ssm.calls[-2:]] == [10, 2]
    clear_parameter_cache()


def test_an_absent_parameter_is_also_botocores_parameter_not_found() -> None:
    from botocore.exceptions import ClientError

    from tests.datalake_library.test_parameter_resolver import FakeAws, FakeSsm

    clear_parameter_cache()
    resolver = ParameterResolver(FakeAws(FakeSsm({})), **CONTEXT)
    with pytest.raises(ClientError) as info:
        resolver.get("raw_bucket")
    assert info.value.response["Error"]["Code"] == "ParameterNotFound"
    assert isinstance(info.value, ConfigurationError)
    clear_parameter_cache()


def test_first_value_does_not_refetch_fill_names_already_cached_present_or_absent() -> None:
    from tests.datalake_library.test_parameter_resolver import FakeAws, FakeSsm

    clear_parameter_cache()
    ssm = FakeSsm({"/SDLF/S3/StageBucket": "st"})
    resolver = ParameterResolver(FakeAws(ssm))
    assert resolver.first_value(["/SDLF/S3/StageBucket", "/SDLF/S3/AbsentBucket"]) == ("/SDLF/S3/StageBucket", "st")
    assert resolver.first_value(["/SDLF/S3/RawBucket"], fill=["/SDLF/S3/StageBucket", "/SDLF/S3/AbsentBucket"]) == (
        None, None)
    assert ssm.calls[-1]["Names"] == ["/SDLF/S3/RawBucket"]
    clear_parameter_cache()


def test_first_value_caches_for_a_fractional_ttl(monkeypatch) -> None:
    import datalake_library.parameters as parameters
    from tests.datalake_library.test_parameter_resolver import FakeAws, FakeSsm

    clear_parameter_cache()
    clock = [10.0]
    monkeypatch.setattr(parameters.time, "monotonic", lambda: clock[0])
    monkeypatch.setenv("DATALAKE_SSM_CACHE_TTL", "0.5")
    ssm = FakeSsm({"/SDLF/S3/RawBucket": "raw"})
    resolver = ParameterResolver(FakeAws(ssm))
    assert resolver.first_value(["/SDLF/S3/RawBucket"]) == ("/SDLF/S3/RawBucket", "raw")
    clock[0] += 0.4
    assert resolver.first_value(["/SDLF/S3/RawBucket"]) == ("/SDLF/S3/RawBucket", "raw")
    assert len(ssm.calls) == 1
    clock[0] += 0.2
    resolver.first_value(["/SDLF/S3/RawBucket"])
    assert len(ssm.calls) == 2
    clear_parameter_cache()
