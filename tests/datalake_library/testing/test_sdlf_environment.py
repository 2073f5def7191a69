"""The SDLF environment builder creates what the 2.11.x templates deploy, with exact names/settings."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from datalake_library.testing import SdlfEnvironment, create_sdlf_environment, sdlf_parameter_names

#: The SSM names (docs/sdlf-compatibility.md) for team engineering, pipeline main, stages A and B, written out literally.
EXPECTED_SECTION_3_1 = {
    "/SDLF2/S3/RawBucket",
    "/SDLF2/S3/StageBucket",
    "/SDLF2/S3/AnalyticsBucket",
    "/SDLF2/S3/ArtifactsBucket",
    "/SDLF2/Dynamo/ObjectCatalog",
    "/SDLF2/Dynamo/Manifests",
    "/SDLF2/KMS/KeyArn",
    "/SDLF/KMS/engineering/DataKeyId",
    "/SDLF/KMS/engineering/InfraKeyId",
    "/SDLF/SM/engineering/mainASM",
    "/SDLF/SM/engineering/mainBSM",
    "/SDLF/SQS/engineering/mainAQueue",
    "/SDLF/SQS/engineering/mainADLQ",
    "/SDLF/SQS/engineering/mainBQueue",
    "/SDLF/SQS/engineering/mainBDLQ",
}


def _ssm_values(env: SdlfEnvironment) -> dict[str, str]:
    ssm = env.client("ssm")
    values: dict[str, str] = {}
    for page in ssm.get_paginator("describe_parameters").paginate():
        names = [p["Name"] for p in page["Parameters"]]
        for start in range(0, len(names), 10):
            for p in ssm.get_parameters(Names=names[start : start + 10])["Parameters"]:
                values[p["Name"]] = p["Value"]
    return values


def test_every_section_3_1_parameter_exists_with_the_resource_it_names(sdlf_environment: SdlfEnvironment) -> None:
    env = sdlf_environment
    values = _ssm_values(env)
    assert EXPECTED_SECTION_3_1 <= set(values)
    assert values == dict(env.parameters)
    # Values point at real resources.
    buckets = {b["Name"] for b in env.client("s3").list_buckets()["Buckets"]}
    for name in ("RawBucket", "StageBucket", "AnalyticsBucket", "ArtifactsBucket"):
        assert values[f"/SDLF2/S3/{name}"] in buckets
        assert 3 <= len(values[f"/SDLF2/S3/{name}"]) <= 63
    assert values["/SDLF2/S3/RawBucket"].endswith("-raw")
    assert values["/SDLF2/Dynamo/ObjectCatalog"] == "octagon-ObjectMetadata-dev"
    assert values["/SDLF2/Dynamo/Manifests"] == "octagon-Manifests-dev"
    assert values["/SDLF/SQS/engineering/mainAQueue"] == "sdlf-engineering-main-queue-A.fifo"
    assert values["/SDLF/SQS/engineering/mainBDLQ"] == "sdlf-engineering-main-dlq-B.fifo"
    sfn = env.client("stepfunctions")
    for stage in ("A", "B"):
        described = sfn.describe_state_machine(stateMachineArn=values[f"/SDLF/SM/engineering/main{stage}SM"])
        assert described["name"] == f"sdlf-engineering-main-sm-{stage}"
        assert json.loads(described["definition"])["States"]["Pass"]["Type"] == "Pass"
    kms = env.client("kms")
    key_arns = [values[n] for n in ("/SDLF2/KMS/KeyArn", "/SDLF/KMS/engineering/DataKeyId", "/SDLF/KMS/engineering/InfraKeyId")]
    assert len(set(key_arns)) == 3
    for arn in key_arns:
        assert arn.startswith("arn:aws:kms:us-east-1:123456789012:key/")
        assert kms.describe_key(KeyId=arn)["KeyMetadata"]["Enabled"] is True


def test_parameter_names_helper_matches_the_spec_table() -> None:
    names = sdlf_parameter_names("engineering", "main", "A")
    assert names["state_machine_arn"] == "/SDLF/SM/engineering/mainASM"
    assert names["stage_queue"] == "/SDLF/SQS/engineering/mainAQueue"
    assert names["stage_dlq"] == "/SDLF/SQS/engineering/mainADLQ"
    assert names["team_data_kms_key"] == "/SDLF/KMS/engineering/DataKeyId"
    assert len(names) == 12
    assert set(sdlf_parameter_names("engineering", "main", "A").values()) | set(
        sdlf_parameter_names("engineering", "main", "B").values()
    ) == EXPECTED_SECTION_3_1


def test_stage_queue_and_dlq_settings(sdlf_environment: SdlfEnvironment) -> None:
    env = sdlf_environment
    sqs = env.client("sqs")
    for stage in ("A", "B"):
        res = env.stage(stage)
        assert res.queue_url and res.dlq_url
        assert sqs.get_queue_url(QueueName=f"sdlf-engineering-main-queue-{stage}.fifo")["QueueUrl"] == res.queue_url
        queue = sqs.get_queue_attributes(QueueUrl=res.queue_url, AttributeNames=["All"])["Attributes"]
        assert queue["FifoQueue"] == "true"
        assert queue["ContentBasedDeduplication"] == "true"
        assert queue["VisibilityTimeout"] == "60"
        assert queue["MessageRetentionPeriod"] == str(7 * 86400)
        assert queue["KmsMasterKeyId"] == env.team_infra_key_arn
        redrive = json.loads(queue["RedrivePolicy"])
        assert redrive["deadLetterTargetArn"] == res.dlq_arn
        assert int(redrive["maxReceiveCount"]) == 1
        dlq = sqs.get_queue_attributes(QueueUrl=res.dlq_url, AttributeNames=["All"])["Attributes"]
        assert dlq["FifoQueue"] == "true"
        assert dlq["ContentBasedDeduplication"] == "false"
        assert dlq["MessageRetentionPeriod"] == str(14 * 86400)


def test_dlq_refuses_a_message_without_dedup_id_while_the_queue_accepts_one(sdlf_environment: SdlfEnvironment) -> None:
    from botocore.exceptions import ClientError

    env = sdlf_environment
    sqs = env.client("sqs")
    sqs.send_message(QueueUrl=env.stage("A").queue_url, MessageBody="{}", MessageGroupId="g")
    with pytest.raises(ClientError):
        sqs.send_message(QueueUrl=env.stage("A").dlq_url, MessageBody="{}", MessageGroupId="g")
    assert env.queue_depth(env.stage("A").queue_url) == 1
    assert env.queue_depth(env.stage("A").dlq_url) == 0


def test_redrive_policy_moves_a_message_to_the_dlq_after_one_receive(sdlf_environment: SdlfEnvironment) -> None:
    env = sdlf_environment
    sqs = env.client("sqs")
    res = env.stage("B")
    sqs.send_message(QueueUrl=res.queue_url, MessageBody='{"k": 1}', MessageGroupId="g")
    first = sqs.receive_message(QueueUrl=res.queue_url, VisibilityTimeout=0)["Messages"]
    assert len(first) == 1
    # maxReceiveCount 1: the next receive moves it to the DLQ instead of delivering it again.
    assert sqs.receive_message(QueueUrl=res.queue_url).get("Messages", []) == []
    moved = env.drain_queue(res.dlq_url)
    assert [m["Body"] for m in moved] == ['{"k": 1}']


def test_tables_have_the_catalog_and_manifest_keys(sdlf_environment: SdlfEnvironment) -> None:
    env = sdlf_environment
    ddb = env.client("dynamodb")
    catalog = ddb.describe_table(TableName=env.object_metadata_table)["Table"]
    assert catalog["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert catalog["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert catalog["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert env.manifests_table
    manifests = ddb.describe_table(TableName=env.manifests_table)["Table"]
    assert manifests["KeySchema"] == [
        {"AttributeName": "dataset_name", "KeyType": "HASH"},
        {"AttributeName": "datafile_name", "KeyType": "RANGE"},
    ]
    ttl = ddb.describe_time_to_live(TableName=env.manifests_table)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}


def test_optional_infrastructure_can_be_left_out(sdlf_environment_factory) -> None:
    env = sdlf_environment_factory(manifests=False, stage_queues=False, team_keys=False)
    values = _ssm_values(env)
    for absent in (
        "/SDLF2/Dynamo/Manifests",
        "/SDLF/SQS/engineering/mainAQueue",
        "/SDLF/SQS/engineering/mainADLQ",
        "/SDLF/KMS/engineering/DataKeyId",
        "/SDLF/KMS/engineering/InfraKeyId",
    ):
        assert absent not in values
    assert "/SDLF/SM/engineering/mainASM" in values and "/SDLF2/S3/RawBucket" in values
    assert env.manifests_table is None and env.team_data_key_arn is None
    assert env.stage("A").queue_url is None
    assert env.client("sqs").list_queues().get("QueueUrls", []) == []
    tables = env.client("dynamodb").list_tables()["TableNames"]
    assert tables == ["octagon-ObjectMetadata-dev"]


def test_omit_parameters_drops_exact_names_and_rejects_unknown_ones(sdlf_environment_factory) -> None:
    env = sdlf_environment_factory(omit_parameters=["/SDLF/KMS/engineering/DataKeyId"])
    values = _ssm_values(env)
    assert "/SDLF/KMS/engineering/DataKeyId" not in values
    assert "/SDLF/KMS/engineering/InfraKeyId" in values
    with pytest.raises(ValueError, match="/SDLF/KMS/engineering/DataKeyid"):
        sdlf_environment_factory(team="other", omit_parameters=["/SDLF/KMS/engineering/DataKeyid"])


def test_second_team_and_custom_stages_coexist(sdlf_environment_factory) -> None:
    first = sdlf_environment_factory()
    second = sdlf_environment_factory(team="marketing", pipeline="adv", stages=("A", "B", "C"), suffix="-2")
    values = _ssm_values(second)
    assert values["/SDLF/SM/marketing/advCSM"] == second.stage("C").state_machine_arn
    assert second.stage("C").queue_name == "sdlf-marketing-adv-queue-C.fifo"
    assert first.raw_bucket != second.raw_bucket
    with pytest.raises(LookupError, match="no stage 'D'"):
        second.stage("D")


def test_analytics_bucket_can_be_a_legacy_arn(sdlf_environment_factory) -> None:
    env = sdlf_environment_factory(analytics_bucket_as_arn=True)
    assert env.parameters["/SDLF2/S3/AnalyticsBucket"] == f"arn:aws:s3:::{env.analytics_bucket}"


def test_bad_arguments_are_named(aws_endpoint: str) -> None:
    with pytest.raises(ValueError, match="team and pipeline"):
        create_sdlf_environment(team="", endpoint_url=aws_endpoint)
    with pytest.raises(ValueError, match="distinct"):
        create_sdlf_environment(stages=("A", "A"), endpoint_url=aws_endpoint)
    with pytest.raises(ValueError, match="S3 bucket name .* 3-63"):
        create_sdlf_environment(org="o" * 40, endpoint_url=aws_endpoint)


def test_event_helpers_build_the_shapes_stage_lambdas_receive(sdlf_environment: SdlfEnvironment) -> None:
    env = sdlf_environment
    detail = env.put_raw_object("engineering/legislators/a+b.json", b'{"x": 1}')
    assert detail["bucket"]["name"] == env.raw_bucket
    assert detail["object"]["key"] == "engineering/legislators/a+b.json"
    assert detail["object"]["size"] == 8
    event = env.sqs_event([detail, "raw"])
    assert [json.loads(r["body"]) if r["body"].startswith("{") else r["body"] for r in event["Records"]] == [
        detail,
        "raw",
    ]
    assert len({r["messageId"] for r in event["Records"]}) == 2
    status = env.execution_status_change_detail("A", [{"processedKeys": ["k"]}])
    assert json.loads(status["output"]) == [{"processedKeys": ["k"]}]
    assert status["stateMachineArn"] == env.stage("A").state_machine_arn
    assert env.lambda_environment("B") == {
        "TEAM": "engineering",
        "PIPELINE": "main",
        "PIPELINE_STAGE": "B",
        "STAGE": "B",
        "ORG": "forecourt",
        "DOMAIN": "datalake",
        "ENV": "dev",
    }


def test_list_executions_parses_inputs(sdlf_environment: SdlfEnvironment) -> None:
    env = sdlf_environment
    env.client("stepfunctions").start_execution(
        stateMachineArn=env.stage("B").state_machine_arn, input=json.dumps({"a": 1})
    )
    executions = env.list_executions("B")
    assert [e["input"] for e in executions] == [{"a": 1}]
    assert env.list_executions("A") == []


def test_each_test_gets_a_fresh_account_part_1(sdlf_environment: SdlfEnvironment) -> None:
    sdlf_environment.put_raw_object("engineering/x/leftover.json", b"1")
    assert len(sdlf_environment.client("s3").list_objects_v2(Bucket=sdlf_environment.raw_bucket)["Contents"]) == 1


def test_each_test_gets_a_fresh_account_part_2(sdlf_environment: SdlfEnvironment) -> None:
    listing = sdlf_environment.client("s3").list_objects_v2(Bucket=sdlf_environment.raw_bucket)
    assert listing.get("Contents", []) == []


def test_importing_the_testing_package_does_not_import_moto_or_boto3() -> None:
    code = (
        "import sys, datalake_library.testing, datalake_library.testing.sdlf_environment;"
        "print(sorted(m for m in ('moto', 'boto3', 'botocore') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_fixture_points_downloads_at_the_test_tmp_path(sdlf_environment: SdlfEnvironment, tmp_path) -> None:
    import os

    from datalake_library import DataLakeClient

    assert os.environ["DATALAKE_DOWNLOAD_DIR"] == str(tmp_path / "ephemeral")
    sdlf_environment.put_raw_object("engineering/legislators/persons.json", b"{}")
    local = DataLakeClient("engineering", "legislators", stage="a").s3.download_object(
        sdlf_environment.raw_bucket, "engineering/legislators/persons.json"
    )
    bucket_dir = tmp_path / "ephemeral" / sdlf_environment.raw_bucket
    owner = os.path.relpath(local, bucket_dir).split(os.sep)[0]  # the interface's dl-<pid>-<random>
    assert local == str(bucket_dir / owner / "engineering%2Flegislators%2Fpersons.json" / "persons.json")
