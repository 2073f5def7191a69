"""SecretManagerUtil against a moto server: caching with a TTL, retries on throttling, clear errors."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from letsdata_utils import secretmanager_util
from letsdata_utils.secretmanager_util import (
    SECRETS_ERROR_MESSAGE,
    SecretManagerUtil,
    SparkCredentialsSecretError,
    cache_ttl_seconds,
    resolve_region,
)
from tests.conftest import record_sleeps

CREDS = {"AWS_ACCESS_KEY_ID": "AKIAREAD", "AWS_SECRET_ACCESS_KEY": "readsecret", "AWS_SESSION_TOKEN": "tok"}
SECRET = {
    "mapper": {"read": CREDS, "write": {**CREDS, "AWS_ACCESS_KEY_ID": "AKIAMAPW"}},
    "reducer": {"read": {**CREDS, "AWS_ACCESS_KEY_ID": "AKIARDR"}, "write": {**CREDS, "AWS_ACCESS_KEY_ID": "AKIARDW"}},
}


@pytest.fixture(autouse=True)
def fresh_instances() -> Iterator[None]:
    SecretManagerUtil.reset_instances()
    yield
    SecretManagerUtil.reset_instances()


@pytest.fixture
def sm(aws_endpoint: str) -> Any:
    from datalake_library.aws import shared_session

    return shared_session().client("secretsmanager")


def _create(sm: Any, value: Any, name: str = "spark-creds") -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return str(sm.create_secret(Name=name, SecretString=text)["ARN"])


class _Raw:
    """Enough of urllib3's response for botocore's AWSResponse."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def _inject_errors(client: Any, code: str, times: int, status: int = 400) -> list[int]:
    """Make the next ``times`` GetSecretValue calls fail with ``code`` before reaching moto."""
    from botocore.awsrequest import AWSResponse

    calls: list[int] = []

    def before_send(request: Any, **_: Any) -> Any:
        calls.append(1)
        if len(calls) <= times:
            body = json.dumps({"__type": code, "message": f"injected {code}"}).encode()
            return AWSResponse(request.url, status, {"Content-Type": "application/x-amz-json-1.1"}, _Raw(body))
        return None

    client.meta.events.register("before-send.secrets-manager.GetSecretValue", before_send)
    return calls


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record botocore's retry sleeps instead of sleeping."""
    return record_sleeps(monkeypatch)


def test_one_instance_per_region_even_across_threads() -> None:
    seen: list[SecretManagerUtil] = []
    threads = [threading.Thread(target=lambda: seen.append(SecretManagerUtil.get_instance("eu-west-1")))
               for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(i) for i in seen}) == 1
    assert seen[0].region == "eu-west-1"
    assert SecretManagerUtil.get_instance("us-east-1") is not seen[0]


def test_region_falls_back_to_default_region_then_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    from datalake_library.aws import clear_shared_sessions

    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-south-1")
    assert resolve_region(None) == "ap-south-1"
    assert SecretManagerUtil.get_instance(None).region == "ap-south-1"
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    assert resolve_region("") == "eu-central-1"
    monkeypatch.delenv("AWS_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    clear_shared_sessions()
    try:
        with pytest.raises(ValueError, match="AWS_REGION"):
            resolve_region(None)
    finally:
        clear_shared_sessions()


def test_get_secrets_value_and_alias(sm: Any) -> None:
    arn = _create(sm, "plain text")
    util = SecretManagerUtil.get_instance("us-east-1")
    assert util.get_secrets_value(arn) == "plain text"
    assert util.get_secret_value_string(arn) == "plain text"


def test_value_is_cached_until_the_ttl_expires(sm: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    arn = _create(sm, "v1")
    util = SecretManagerUtil.get_instance("us-east-1")
    assert util.get_secrets_value(arn) == "v1"
    sm.put_secret_value(SecretId=arn, SecretString="v2")
    assert util.get_secrets_value(arn) == "v1"  # cached
    assert util.fetch_count == 1
    clock = [secretmanager_util.time.monotonic() + secretmanager_util.MAX_CACHE_TTL_SECONDS + 1]
    monkeypatch.setattr(secretmanager_util.time, "monotonic", lambda: clock[0])
    assert util.get_secrets_value(arn) == "v2"  # expired after 5 minutes
    assert util.fetch_count == 2


def test_ttl_is_configurable_and_capped(monkeypatch: pytest.MonkeyPatch, sm: Any) -> None:
    monkeypatch.setenv(secretmanager_util.CACHE_TTL_ENV, "3600")
    assert cache_ttl_seconds() == 300
    monkeypatch.setenv(secretmanager_util.CACHE_TTL_ENV, "30")
    assert cache_ttl_seconds() == 30
    monkeypatch.setenv(secretmanager_util.CACHE_TTL_ENV, "soon")
    with pytest.raises(ValueError, match=secretmanager_util.CACHE_TTL_ENV):
        cache_ttl_seconds()
    monkeypatch.setenv(secretmanager_util.CACHE_TTL_ENV, "0")
    arn = _create(sm, "v1")
    util = SecretManagerUtil.get_instance("us-east-1")
    assert util.get_secrets_value(arn) == "v1"
    sm.put_secret_value(SecretId=arn, SecretString="v2")
    assert util.get_secrets_value(arn) == "v2"  # TTL 0 disables the cache


def test_invalidate_forces_a_fresh_fetch(sm: Any) -> None:
    arn = _create(sm, "v1")
    util = SecretManagerUtil.get_instance("us-east-1")
    util.get_secrets_value(arn)
    sm.put_secret_value(SecretId=arn, SecretString="v2")
    util.invalidate(arn)
    assert util.get_secrets_value(arn) == "v2"


def test_missing_secret_keeps_the_wire_substring(sm: Any) -> None:
    util = SecretManagerUtil.get_instance("us-east-1")
    with pytest.raises(RuntimeError) as info:
        util.get_secrets_value("arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-AbCdEf")
    assert info.value.args[0] == SECRETS_ERROR_MESSAGE
    assert SECRETS_ERROR_MESSAGE in str(info.value)
    assert "ResourceNotFoundException" in str(info.value)


def test_throttling_is_retried_with_backoff(sm: Any, no_backoff: list[float]) -> None:
    arn = _create(sm, "ok")
    util = SecretManagerUtil.get_instance("us-east-1")
    calls = _inject_errors(util._client(), "ThrottlingException", times=2)
    assert util.get_secrets_value(arn) == "ok"
    assert len(calls) == 3
    assert len(no_backoff) == 2 and all(s >= 0 for s in no_backoff)


def test_persistent_throttling_surfaces_as_secrets_error(sm: Any, no_backoff: list[float]) -> None:
    arn = _create(sm, "ok")
    util = SecretManagerUtil.get_instance("us-east-1")
    calls = _inject_errors(util._client(), "ThrottlingException", times=100)
    with pytest.raises(RuntimeError, match=SECRETS_ERROR_MESSAGE) as info:
        util.get_secrets_value(arn)
    assert "ThrottlingException" in str(info.value)
    assert len(calls) == util._client().meta.config.retries["total_max_attempts"] > 1


def test_auth_failure_drops_the_cached_value(sm: Any, no_backoff: list[float]) -> None:
    arn = _create(sm, "v1")
    util = SecretManagerUtil.get_instance("us-east-1")
    util.get_secrets_value(arn)
    value, _ = util._cache[arn]
    util._cache[arn] = (value, 0.0)  # expired: the next call goes to Secrets Manager
    _inject_errors(util._client(), "UnrecognizedClientException", times=1)
    with pytest.raises(RuntimeError, match=SECRETS_ERROR_MESSAGE):
        util.get_secrets_value(arn)
    assert arn not in util._cache


@pytest.mark.parametrize(("method", "side", "key_id"), [
    ("mapper", "read", "AKIAREAD"), ("mapper", "write", "AKIAMAPW"),
    ("reducer", "read", "AKIARDR"), ("reducer", "write", "AKIARDW"),
])
def test_spark_credentials_pick_the_right_set(sm: Any, method: str, side: str, key_id: str) -> None:
    arn = _create(sm, SECRET)
    creds = SecretManagerUtil.get_spark_aws_credentials("us-east-1", arn, method, side)
    assert creds == {"AWS_ACCESS_KEY_ID": key_id, "AWS_SECRET_ACCESS_KEY": "readsecret", "AWS_SESSION_TOKEN": "tok"}


def test_long_term_keys_have_an_empty_session_token(sm: Any) -> None:
    creds = {"AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s"}
    arn = _create(sm, {"mapper": {"read": creds, "write": creds}})
    assert SecretManagerUtil.get_spark_aws_credentials(None, arn, "mapper", "read")["AWS_SESSION_TOKEN"] == ""


@pytest.mark.parametrize(("secret", "message"), [
    ("{not json", "is not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
    ({"reducer": SECRET["reducer"]}, "key 'mapper' is missing"),
    ({"mapper": "x"}, "key 'mapper' is a str, not an object"),
    ({"mapper": {"read": CREDS}}, "key 'mapper.write' is missing"),
    ({"mapper": {"read": CREDS, "write": {"AWS_ACCESS_KEY_ID": "A"}}},
     "'mapper.write.AWS_SECRET_ACCESS_KEY' is missing"),
    ({"mapper": {"read": CREDS, "write": {**CREDS, "AWS_SESSION_TOKEN": 5}}},
     "'mapper.write.AWS_SESSION_TOKEN' must be a string"),
])
def test_malformed_secret_names_what_is_wrong(sm: Any, secret: Any, message: str) -> None:
    arn = _create(sm, secret)
    with pytest.raises(SparkCredentialsSecretError, match=message) as info:
        SecretManagerUtil.get_spark_aws_credentials("us-east-1", arn, "mapper", "write")
    assert arn in str(info.value)
    assert "readsecret" not in str(info.value)  # secret material never appears in messages


def test_bad_method_or_destination_is_rejected() -> None:
    with pytest.raises(ValueError, match="method_name"):
        SecretManagerUtil.get_spark_aws_credentials("us-east-1", "arn", "combiner", "read")
    with pytest.raises(ValueError, match="destination_type"):
        SecretManagerUtil.get_spark_aws_credentials("us-east-1", "arn", "mapper", "delete")


def test_other_region_uses_its_own_client(sm: Any) -> None:
    util = SecretManagerUtil.get_instance("eu-west-1")
    assert util._client().meta.region_name == "eu-west-1"
    assert SecretManagerUtil.get_instance("us-east-1")._client().meta.region_name == "us-east-1"
    with pytest.raises(RuntimeError, match=SECRETS_ERROR_MESSAGE):
        util.get_secrets_value("arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf")
