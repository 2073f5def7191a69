"""The test kit refuses to build an SDLF environment anywhere but on this machine."""

from __future__ import annotations

import pytest

from datalake_library.testing import UnsafeEndpointError, create_sdlf_environment, is_loopback_url


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:5000", True),
        ("http://127.8.9.10", True),
        ("https://localhost:4566", True),
        ("http://[::1]:5000", True),
        ("http://192.0.2.1:9", False),
        ("https://s3.us-east-1.amazonaws.com", False),
        ("http://localhost.example.com", False),
        ("http://127.0.0.1.example.com", False),
        ("ftp://127.0.0.1", False),
        ("", False),
        (None, False),
    ],
)
def test_is_loopback_url(url, local) -> None:
    assert is_loopback_url(url) is local


def test_no_endpoint_means_real_aws_and_is_refused(monkeypatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with pytest.raises(UnsafeEndpointError) as info:
        create_sdlf_environment()
    message = str(info.value)
    assert message.startswith("create_sdlf_environment only creates resources on a loopback endpoint")
    assert "s3 -> https://" in message and "allow_remote_endpoint=True" in message


def test_a_remote_endpoint_is_refused_before_anything_is_created(monkeypatch) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with pytest.raises(UnsafeEndpointError, match=r"ssm -> http://192\.0\.2\.1:9"):
        create_sdlf_environment(endpoint_url="http://192.0.2.1:9")


def test_a_per_service_override_to_a_remote_host_is_caught(aws_endpoint, monkeypatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", "http://192.0.2.1:9")
    with pytest.raises(UnsafeEndpointError, match=r"ssm -> http://192\.0\.2\.1:9"):
        create_sdlf_environment()


def test_loopback_server_and_moto_decorator_are_accepted(aws_endpoint) -> None:
    env = create_sdlf_environment()
    assert env.client("ssm").get_parameter(Name="/SDLF2/S3/RawBucket")["Parameter"]["Value"]


def test_moto_mock_aws_is_accepted(monkeypatch) -> None:
    from moto import mock_aws

    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        env = create_sdlf_environment(stage_queues=False)
        assert env.client("ssm").get_parameter(Name="/SDLF2/S3/RawBucket")["Parameter"]["Value"]


def test_the_explicit_argument_skips_the_check() -> None:
    from datalake_library.testing.safety import require_loopback_endpoints

    class NoClients:
        def client(self, service):
            raise AssertionError("the check must not even look when told explicitly")

    require_loopback_endpoints(NoClients(), ["s3"], allow_remote_endpoint=True, what="x", how_to_allow="y")
    with pytest.raises(AssertionError, match="must not even look"):
        require_loopback_endpoints(NoClients(), ["s3"], allow_remote_endpoint=False, what="x", how_to_allow="y")
