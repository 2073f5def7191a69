"""The shared session layer: lazy clients, one per session and service, project Config."""

from __future__ import annotations

import threading

import boto3
import pytest
from botocore.config import Config

from datalake_library._version import __version__
from datalake_library.aws import (
    AwsSession,
    build_config,
    clear_shared_sessions,
    resolve_endpoint_url,
    shared_session,
)


@pytest.fixture(autouse=True)
def _fresh_registry(monkeypatch: pytest.MonkeyPatch):
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SFN"):
        monkeypatch.delenv(name, raising=False)
    clear_shared_sessions()
    yield
    clear_shared_sessions()


class CountingSession(boto3.Session):
    """A real boto3 Session that counts client builds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.built: list[str] = []

    def client(self, service_name, *args, **kwargs):  # type: ignore[override]
        self.built.append(service_name)
        return super().client(service_name, *args, **kwargs)


def test_clients_are_built_lazily_and_once_per_service() -> None:
    session = CountingSession()
    aws = AwsSession(session=session)
    assert session.built == []
    s3_first = aws.client("s3")
    assert aws.client("s3") is s3_first
    aws.client("sqs")
    assert session.built == ["s3", "sqs"]
    assert aws.clients_built == 2


def test_same_boto3_session_maps_to_same_wrapper_and_clients() -> None:
    session = CountingSession()
    first = shared_session(session)
    second = shared_session(session)
    assert first is second
    assert first.client("dynamodb") is second.client("dynamodb")
    assert session.built == ["dynamodb"]
    assert shared_session() is shared_session()
    assert shared_session(first) is first


def test_config_appends_user_agent_and_sets_standard_retries() -> None:
    client = AwsSession().client("s3")
    config = client.meta.config
    assert config.user_agent_extra.startswith(f"awssdlf/{__version__}")
    assert config.retries["mode"] == "standard"
    # botocore normalises max_attempts (retries) into total_max_attempts (first try included).
    assert config.retries["total_max_attempts"] >= 4
    assert config.tcp_keepalive is True
    # The SDK's own user agent is kept (user_agent_extra appends, user_agent would replace).
    assert "Botocore/" in config.user_agent and config.user_agent.endswith(f"awssdlf/{__version__}")


def test_caller_config_is_merged_and_keeps_project_user_agent() -> None:
    merged = build_config(Config(user_agent_extra="mystage/1", read_timeout=5))
    assert merged.read_timeout == 5
    assert "awssdlf/" in merged.user_agent_extra and "mystage/1" in merged.user_agent_extra
    assert build_config(user_agent_extra="x/1").user_agent_extra == f"awssdlf/{__version__} x/1"


def test_endpoint_overrides_are_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_endpoint_url("s3") is None
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_SFN", "http://127.0.0.1:2")
    assert resolve_endpoint_url("s3") == "http://127.0.0.1:1"
    assert resolve_endpoint_url("stepfunctions") == "http://127.0.0.1:2"
    assert resolve_endpoint_url("s3", "http://127.0.0.1:3") == "http://127.0.0.1:3"
    aws = AwsSession()
    assert aws.client("stepfunctions").meta.endpoint_url == "http://127.0.0.1:2"
    s3_a = aws.client("s3")
    assert s3_a.meta.endpoint_url == "http://127.0.0.1:1"
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4")
    s3_b = aws.client("s3")
    assert s3_b is not s3_a and s3_b.meta.endpoint_url == "http://127.0.0.1:4"


def test_explicit_endpoint_session_is_shared_per_endpoint() -> None:
    a = shared_session(endpoint_url="http://127.0.0.1:9")
    assert a is shared_session(endpoint_url="http://127.0.0.1:9")
    assert a is not shared_session()
    assert a.client("kinesis").meta.endpoint_url == "http://127.0.0.1:9"


def test_injected_clients_win() -> None:
    fake = object()
    aws = AwsSession(clients={"sqs": fake})
    assert aws.client("sqs") is fake


def test_concurrent_first_use_builds_one_client() -> None:
    session = CountingSession()
    aws = AwsSession(session=session)
    barrier = threading.Barrier(8)
    seen: list[object] = []

    def worker() -> None:
        barrier.wait()
        seen.append(aws.client("kms"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert session.built == ["kms"]
    assert len({id(c) for c in seen}) == 1


def test_clients_reach_a_real_endpoint(aws_endpoint: str) -> None:
    s3 = shared_session().client("s3")
    assert s3.meta.endpoint_url == aws_endpoint
    s3.create_bucket(Bucket="session-layer-check")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["session-layer-check"]


# Written by hand from botocore's documented rule: AWS_ENDPOINT_URL_ + the service id, spaces and
# hyphens as underscores, upper case (EventBridge, CloudWatch Logs, SFN, Secrets Manager, ...).
SERVICE_ENV_NAMES = {
    "s3": "AWS_ENDPOINT_URL_S3",
    "ssm": "AWS_ENDPOINT_URL_SSM",
    "sqs": "AWS_ENDPOINT_URL_SQS",
    "kms": "AWS_ENDPOINT_URL_KMS",
    "dynamodb": "AWS_ENDPOINT_URL_DYNAMODB",
    "dynamodbstreams": "AWS_ENDPOINT_URL_DYNAMODB_STREAMS",
    "stepfunctions": "AWS_ENDPOINT_URL_SFN",
    "events": "AWS_ENDPOINT_URL_EVENTBRIDGE",
    "logs": "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
    "secretsmanager": "AWS_ENDPOINT_URL_SECRETS_MANAGER",
    "sagemaker-runtime": "AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME",
    "kinesis": "AWS_ENDPOINT_URL_KINESIS",
    "lambda": "AWS_ENDPOINT_URL_LAMBDA",
    "sts": "AWS_ENDPOINT_URL_STS",
}


@pytest.mark.parametrize(("service", "env_name"), sorted(SERVICE_ENV_NAMES.items()))
def test_per_service_endpoint_variable_uses_botocores_service_id(monkeypatch, service, env_name) -> None:
    import boto3

    from datalake_library.aws.config import service_env_name

    assert service_env_name(service) == env_name
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv(env_name, "http://127.0.0.1:7")
    assert resolve_endpoint_url(service) == "http://127.0.0.1:7"
    # botocore itself reads the same variable: a plain client goes to the same place
    assert boto3.client(service, region_name="us-east-1").meta.endpoint_url == "http://127.0.0.1:7"


@pytest.mark.parametrize("service", ["events", "logs", "stepfunctions", "secretsmanager", "s3"])
def test_the_service_model_agrees_with_the_table(service) -> None:
    from datalake_library.aws.config import hyphenized_service_id_from_model

    expected = SERVICE_ENV_NAMES[service].removeprefix("AWS_ENDPOINT_URL_").replace("_", "-").lower()
    assert hyphenized_service_id_from_model(service) == expected
