"""DataLakeClient: no AWS call or client at construction, one shared session, lazy clients, import cost."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import boto3
import pytest
from botocore.stub import Stubber

import datalake_library
from datalake_library import (
    DataLakeClient,
    DynamoInterface,
    KMSInterface,
    S3Interface,
    SQSInterface,
    StatesInterface,
)
from datalake_library._version import __version__
from datalake_library.aws import shared_session
from datalake_library.errors import InvalidLogLevelError
from tests.datalake_library.helpers import counting_session


class CountingSession(boto3.Session):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.built: list[str] = []

    def client(self, service_name, *args, **kwargs):  # type: ignore[override]
        self.built.append(service_name)
        return super().client(service_name, *args, **kwargs)


def test_public_api_names() -> None:
    assert set(datalake_library.__all__) == {
        "DataLakeClient",
        "S3Interface",
        "DynamoInterface",
        "StatesInterface",
        "SQSInterface",
        "KMSInterface",
    }
    from datalake_library.interfaces import BaseInterface

    assert datalake_library.BaseInterface is BaseInterface
    assert issubclass(S3Interface, BaseInterface)
    assert datalake_library.__version__ == __version__
    with pytest.raises(AttributeError):
        datalake_library.NoSuchThing  # noqa: B018


def test_construction_makes_no_call_and_builds_no_client(mocked_sdlf) -> None:
    session = CountingSession(region_name="us-east-1")
    recorder_session, recorder = counting_session()
    client = DataLakeClient("engineering", "legislators", "main", "A", "debug", session)
    DataLakeClient(session=recorder_session)
    assert session.built == [] and recorder.calls == []
    assert client.s3.team == "engineering" and client.s3.dataset == "legislators"
    assert client.sqs.pipeline == "main" and client.kms.stage == "A" and client.dynamo.log_level == "debug"
    # Every interface shares one AwsSession, hence one boto3 Session and one client per service.
    interfaces = [client.s3, client.dynamo, client.states, client.sqs, client.kms]
    assert {id(i.aws_session) for i in interfaces} == {id(client.aws_session)}
    assert client.session is session and all(i.session is session for i in interfaces)
    assert client.s3.s3 is client.s3.s3
    assert session.built == ["s3"]
    assert client.dynamo.dynamodb is not None and client.states.stepfunctions is not None
    assert client.sqs.sqs is not None and client.kms.kms is not None
    assert client.s3.ssm is client.kms.ssm is client.sqs.ssm
    assert sorted(session.built) == ["dynamodb", "kms", "s3", "sqs", "ssm", "stepfunctions"]
    assert type(client.sqs.sqs).__name__ == "SQS" and type(client.dynamo.dynamodb).__name__ == "DynamoDB"


def test_second_client_reuses_clients_of_first(mocked_sdlf) -> None:
    session = CountingSession(region_name="us-east-1")
    first = DataLakeClient("engineering", pipeline="main", stage="A", session=session)
    _ = first.s3.raw_bucket, first.s3.s3, first.sqs.stage_queue_url
    built = list(session.built)
    second = DataLakeClient("engineering", pipeline="main", stage="A", session=session)
    assert second.s3.s3 is first.s3.s3 and second.sqs.sqs is first.sqs.sqs
    assert second.sqs.stage_queue_url == first.sqs.stage_queue_url
    assert session.built == built


def test_default_session_is_process_wide(mocked_aws) -> None:
    a, b = DataLakeClient(), DataLakeClient(team="x")
    assert a.aws_session is b.aws_session is shared_session()
    alone = S3Interface()
    assert alone.aws_session is shared_session()
    assert DataLakeClient.cached("t", None, "p", "A") is DataLakeClient.cached("t", None, "p", "A")
    assert DataLakeClient.cached("t", None, "p", "B") is not DataLakeClient.cached("t", None, "p", "A")


def test_interfaces_accept_the_same_signature_positionally(mocked_aws) -> None:
    for cls in (S3Interface, DynamoInterface, StatesInterface, SQSInterface, KMSInterface):
        interface = cls("team", "dataset", "pipeline", "stage", "INFO", None)
        assert (interface.team, interface.dataset, interface.pipeline, interface.stage) == (
            "team",
            "dataset",
            "pipeline",
            "stage",
        )
        assert interface.logger.name == cls.__module__  # per-module logger names


def test_session_config_and_user_agent(mocked_sdlf) -> None:
    session, recorder = counting_session()
    client = DataLakeClient(session=session)
    config = client.s3.session_config
    assert config.user_agent is None  # the SDK's own user agent is kept
    assert config.user_agent_extra.startswith(f"awssdlf/{__version__}")
    assert config.retries["mode"] == "standard" and config.retries["max_attempts"] >= 1
    _ = client.s3.raw_bucket
    agents = [request.headers["User-Agent"] for request in recorder.sends]
    agents = [a.decode() if isinstance(a, bytes) else a for a in agents]
    assert agents and all(f"awssdlf/{__version__}" in a and "Botocore/" in a for a in agents)


def test_injected_clients_and_config(mocked_aws) -> None:
    sqs = boto3.client("sqs", region_name="us-east-1")
    url = "https://sqs.us-east-1.amazonaws.com/123456789012/q.fifo"
    with Stubber(sqs) as stub:
        stub.add_response(
            "send_message",
            {"MessageId": "m-1", "SequenceNumber": "1"},
            {
                "QueueUrl": url,
                "MessageBody": '{"a": 1}',
                "MessageGroupId": "g",
                "MessageDeduplicationId": "d",
            },
        )
        client = DataLakeClient(clients={"sqs": sqs})
        response = client.sqs.send_message_to_fifo_queue({"a": 1}, "g", url, deduplication_id="d")
        stub.assert_no_pending_responses()
    assert response["MessageId"] == "m-1"
    assert client.aws_session is not shared_session()  # injection never leaks to other clients
    from botocore.config import Config

    tuned = DataLakeClient(config=Config(read_timeout=5))
    assert tuned.s3.session_config.read_timeout == 5
    assert tuned.s3.session_config.user_agent_extra.startswith("awssdlf/")


def test_bad_log_level_is_rejected_clearly() -> None:
    with pytest.raises(InvalidLogLevelError, match="bogus"):
        DataLakeClient(log_level="bogus")
    assert DataLakeClient(log_level="warning").s3.logger.level == 30


def test_import_does_not_load_boto3() -> None:
    code = (
        "import sys, datalake_library\n"
        "from datalake_library import DataLakeClient\n"
        "c = DataLakeClient('engineering', pipeline='main', stage='A')\n"
        "assert c.sqs.parameter_name('stage_queue') == '/SDLF/SQS/engineering/mainAQueue'\n"
        "print(sorted(m for m in ('boto3', 'botocore', 'moto', 's3transfer') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _median_wall(args: list[str], runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


@pytest.mark.perf
def test_import_cost_budget() -> None:
    """``import datalake_library`` stays far under the 30 ms budget (checked with 2x headroom)."""
    bare = _median_wall([sys.executable, "-c", "pass"])
    library = _median_wall([sys.executable, "-c", "import datalake_library"])
    assert library - bare < 0.060


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"team": 123}, "team"),
        ({"pipeline": ["main"]}, "pipeline"),
        ({"stage": 1}, "stage"),
        ({"dataset": object()}, "dataset"),
        ({"session": "default"}, "session"),
        ({"clients": ["s3"]}, "clients"),
    ],
)
def test_wrong_constructor_types_are_library_errors(kwargs, argument) -> None:
    from datalake_library.errors import InvalidArgumentTypeError

    for factory in (DataLakeClient, S3Interface, SQSInterface):
        with pytest.raises(InvalidArgumentTypeError) as info:
            factory(**kwargs)
        assert info.value.argument == argument and isinstance(info.value, TypeError)
