"""ParameterResolver against a recording fake SSM client: batching, caching, absent values, errors.

Fast (no moto) on purpose: these run once per mutant in ``make mutation`` (docs/mutation.md).
tests/datalake_library/test_parameters.py covers the same behaviour end to end on moto.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from datalake_library.errors import ConfigurationError
from datalake_library.parameters import (
    CACHE_TTL_ENV,
    DEFAULT_CACHE_TTL,
    GET_PARAMETERS_MAX_NAMES,
    ParameterResolver,
    cache_ttl,
    clear_parameter_cache,
)

STAGE_CONTEXT = {"team": "engineering", "pipeline": "main", "stage": "A"}
#: The 12 names a full stage context reads (docs/sdlf-compatibility.md), by hand.
STAGE_NAMES = {
    "/SDLF2/S3/RawBucket", "/SDLF2/S3/StageBucket", "/SDLF2/S3/AnalyticsBucket", "/SDLF2/S3/ArtifactsBucket",
    "/SDLF2/Dynamo/ObjectCatalog", "/SDLF2/Dynamo/Manifests", "/SDLF2/KMS/KeyArn",
    "/SDLF/KMS/engineering/DataKeyId", "/SDLF/KMS/engineering/InfraKeyId", "/SDLF/SM/engineering/mainASM",
    "/SDLF/SQS/engineering/mainAQueue", "/SDLF/SQS/engineering/mainADLQ",
}


class FakeSsm:
    """Answers GetParameters from ``values``; records every call."""

    def __init__(self, values: dict[str, str], error: Exception | None = None) -> None:
        self.values = values
        self.calls: list[dict[str, Any]] = []
        self.error = error

    def get_parameters(self, *, Names: list[str], WithDecryption: bool) -> dict[str, Any]:
        self.calls.append({"Names": list(Names), "WithDecryption": WithDecryption})
        if self.error is not None:
            raise self.error
        return {
            "Parameters": [{"Name": n, "Value": self.values[n]} for n in Names if n in self.values],
            "InvalidParameters": [n for n in Names if n not in self.values],
        }


class FakeAws:
    def __init__(self, ssm: FakeSsm) -> None:
        self.ssm = ssm

    def client(self, service: str) -> Any:
        assert service == "ssm"
        return self.ssm


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    monkeypatch.delenv(CACHE_TTL_ENV, raising=False)
    clear_parameter_cache()
    yield
    clear_parameter_cache()


def _resolver(values: dict[str, str], **context: Any) -> tuple[ParameterResolver, FakeSsm]:
    ssm = FakeSsm(values)
    return ParameterResolver(FakeAws(ssm), **(context or STAGE_CONTEXT)), ssm


def test_first_read_fetches_the_whole_context_in_batches_of_ten_with_decryption() -> None:
    resolver, ssm = _resolver({n: f"v:{n}" for n in STAGE_NAMES})
    assert resolver.get("raw_bucket") == "v:/SDLF2/S3/RawBucket"
    assert GET_PARAMETERS_MAX_NAMES == 10
    assert [len(c["Names"]) for c in ssm.calls] == [10, 2]
    assert {n for c in ssm.calls for n in c["Names"]} == STAGE_NAMES
    assert all(c["WithDecryption"] is True for c in ssm.calls)


def test_later_reads_and_other_resolvers_of_the_same_client_use_the_cache() -> None:
    resolver, ssm = _resolver({n: f"v:{n}" for n in STAGE_NAMES})
    resolver.get("raw_bucket")
    assert resolver.get("stage_queue") == "v:/SDLF/SQS/engineering/mainAQueue"
    other = ParameterResolver(FakeAws(ssm), **STAGE_CONTEXT)
    assert other.get("team_infra_kms_key") == "v:/SDLF/KMS/engineering/InfraKeyId"
    assert len(ssm.calls) == 2


def test_another_ssm_client_does_not_see_the_cache() -> None:
    values = {n: f"v:{n}" for n in STAGE_NAMES}
    first, _ = _resolver(values)
    first.get("raw_bucket")
    second, ssm2 = _resolver({**values, "/SDLF2/S3/RawBucket": "other"})
    assert second.get("raw_bucket") == "other" and len(ssm2.calls) == 2


def test_absent_parameters_are_cached_as_absent_and_fail_only_their_attribute() -> None:
    values = {n: f"v:{n}" for n in STAGE_NAMES if not n.endswith("Queue")}
    resolver, ssm = _resolver(values)
    assert resolver.get("stage_dlq") == "v:/SDLF/SQS/engineering/mainADLQ"
    with pytest.raises(ConfigurationError) as info:
        resolver.get("stage_queue")
    assert info.value.parameter == "/SDLF/SQS/engineering/mainAQueue" and info.value.attribute == "stage_queue"
    assert info.value.context == STAGE_CONTEXT
    with pytest.raises(ConfigurationError):
        resolver.get("stage_queue")
    assert len(ssm.calls) == 2  # the absence was cached too
    assert resolver.value_of("/SDLF/SQS/engineering/mainAQueue") is None


def test_value_of_a_name_outside_the_context_is_fetched_with_it() -> None:
    resolver, ssm = _resolver({"/SDLF2/Misc/pEnv": "dev"}, team=None, pipeline=None, stage=None)
    assert resolver.value_of("/SDLF2/Misc/pEnv") == "dev"
    assert "/SDLF2/Misc/pEnv" in ssm.calls[0]["Names"]
    assert len(ssm.calls[0]["Names"]) == 8  # the 7 foundation names and the extra one
    assert resolver.value_of("/SDLF2/Misc/pEnv") == "dev" and len(ssm.calls) == 1


def test_ttl_zero_refetches_on_every_read(monkeypatch) -> None:
    monkeypatch.setenv(CACHE_TTL_ENV, "0")
    resolver, ssm = _resolver({n: f"v:{n}" for n in STAGE_NAMES})
    assert resolver.get("raw_bucket") == "v:/SDLF2/S3/RawBucket"
    calls = len(ssm.calls)
    assert resolver.get("raw_bucket") == "v:/SDLF2/S3/RawBucket"
    assert len(ssm.calls) == 2 * calls


def test_an_expired_entry_is_refetched(monkeypatch) -> None:
    import datalake_library.parameters as parameters

    clock = [1000.0]
    monkeypatch.setattr(parameters.time, "monotonic", lambda: clock[0])
    monkeypatch.setenv(CACHE_TTL_ENV, "30")
    resolver, ssm = _resolver({n: f"v:{n}" for n in STAGE_NAMES})
    resolver.get("raw_bucket")
    clock[0] += 29.9
    resolver.get("raw_bucket")
    assert len(ssm.calls) == 2
    clock[0] += 0.1  # exactly at expiry: refetched
    ssm.values["/SDLF2/S3/RawBucket"] = "changed"
    assert resolver.get("raw_bucket") == "changed" and len(ssm.calls) == 4


def test_cache_ttl_setting() -> None:
    assert cache_ttl() == DEFAULT_CACHE_TTL == 300.0


@pytest.mark.parametrize("raw", ["12.5", " 7 "])
def test_cache_ttl_reads_the_variable(monkeypatch, raw) -> None:
    monkeypatch.setenv(CACHE_TTL_ENV, raw)
    assert cache_ttl() == float(raw)


@pytest.mark.parametrize("raw", ["soon", "-1"])
def test_a_bad_cache_ttl_is_a_configuration_error_naming_it(monkeypatch, raw) -> None:
    monkeypatch.setenv(CACHE_TTL_ENV, raw)
    with pytest.raises(ConfigurationError, match=f"DATALAKE_SSM_CACHE_TTL={raw!r}"):
        cache_ttl()


def test_a_client_error_is_a_configuration_error_naming_the_names_and_code(caplog) -> None:
    error = ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "GetParameters")
    ssm = FakeSsm({}, error)
    resolver = ParameterResolver(FakeAws(ssm), **STAGE_CONTEXT)
    with caplog.at_level(logging.WARNING, logger="datalake_library.parameters"):
        with pytest.raises(ConfigurationError) as info:
            resolver.get("raw_bucket")
    assert str(info.value).startswith("could not read SSM parameters ['/SDLF2/S3/RawBucket'")
    assert str(info.value).endswith(": AccessDeniedException")
    assert info.value.parameter == "/SDLF2/S3/RawBucket" and info.value.context == STAGE_CONTEXT
    assert isinstance(info.value.__cause__, ClientError)
    assert not [r for r in caplog.records if "RATE LIMIT" in r.getMessage()]


def test_throttling_is_logged_as_the_rate_limit(caplog) -> None:
    error = ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow"}}, "GetParameters")
    resolver = ParameterResolver(FakeAws(FakeSsm({}, error)), **STAGE_CONTEXT)
    with caplog.at_level(logging.WARNING, logger="datalake_library.parameters"):
        with pytest.raises(ConfigurationError, match="ThrottlingException"):
            resolver.get("raw_bucket")
    assert [r.getMessage() for r in caplog.records if r.name == "datalake_library.parameters"] == [
        "SSM RATE LIMIT REACHED reading 10 parameters"]


def test_a_connection_error_is_a_configuration_error() -> None:
    error = EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
    resolver = ParameterResolver(FakeAws(FakeSsm({}, error)), **STAGE_CONTEXT)
    with pytest.raises(ConfigurationError) as info:
        resolver.get("raw_bucket")
    assert str(info.value).startswith("could not read SSM parameters ['/SDLF2/S3/RawBucket'")
    assert "http://127.0.0.1:1" in str(info.value) and info.value.parameter == "/SDLF2/S3/RawBucket"


def test_the_spec_repr_names_the_template() -> None:
    from datalake_library.parameters import PARAMETERS

    assert repr(PARAMETERS["stage_queue"]) == (
        "ParameterSpec('stage_queue', '/SDLF/SQS/{team}/{pipeline}{stage}Queue', "
        "requires=('team', 'pipeline', 'stage'))")


def test_messages_for_unknown_attributes_and_missing_context_are_exact() -> None:
    resolver = ParameterResolver(FakeAws(FakeSsm({})), team="engineering")
    with pytest.raises(ConfigurationError) as unknown:
        resolver.parameter_name("raw_bukket")
    assert str(unknown.value) == "'raw_bukket' is not an SSM-backed attribute"
    with pytest.raises(ConfigurationError) as missing:
        resolver.parameter_name("stage_queue")
    assert str(missing.value) == (
        "stage_queue needs pipeline, stage (parameter /SDLF/SQS/{team}/{pipeline}{stage}Queue); "
        "this client was created with team='engineering', pipeline=None, stage=None")
    assert missing.value.missing_context == ("pipeline", "stage")


def test_a_second_refresh_keeps_what_the_first_cached_and_skips_known_absences() -> None:
    values = {n: f"v:{n}" for n in STAGE_NAMES if not n.endswith("Queue")}
    values["/SDLF2/Misc/pEnv"] = "dev"
    resolver, ssm = _resolver(values)
    resolver.get("raw_bucket")  # first refresh: the 12 names, the queue absent
    assert resolver.value_of("/SDLF2/Misc/pEnv") == "dev"  # second refresh: only the new name
    assert ssm.calls[-1]["Names"] == ["/SDLF2/Misc/pEnv"]
    calls = len(ssm.calls)
    assert resolver.get("raw_bucket") == "v:/SDLF2/S3/RawBucket"  # still cached after the second refresh
    assert len(ssm.calls) == calls


def test_a_fractional_ttl_still_caches(monkeypatch) -> None:
    import datalake_library.parameters as parameters

    clock = [50.0]
    monkeypatch.setattr(parameters.time, "monotonic", lambda: clock[0])
    monkeypatch.setenv(CACHE_TTL_ENV, "0.5")
    resolver, ssm = _resolver({n: f"v:{n}" for n in STAGE_NAMES})
    resolver.get("raw_bucket")
    clock[0] += 0.4
    resolver.get("raw_bucket")
    assert len(ssm.calls) == 2
    clock[0] += 0.2
    resolver.get("raw_bucket")
    assert len(ssm.calls) == 4


def test_a_client_error_without_a_code_names_the_error_itself() -> None:
    error = ClientError({"Error": {"Message": "odd"}}, "GetParameters")
    resolver = ParameterResolver(FakeAws(FakeSsm({}, error)), **STAGE_CONTEXT)
    with pytest.raises(ConfigurationError) as info:
        resolver.get("raw_bucket")
    assert str(info.value).endswith(f": {error}")


def test_each_read_is_logged_at_debug_with_its_absences(caplog) -> None:
    values = {n: f"v:{n}" for n in STAGE_NAMES if not n.endswith("Queue")}
    resolver, _ = _resolver(values)
    with caplog.at_level(logging.DEBUG, logger="datalake_library.parameters"):
        resolver.get("raw_bucket")
    assert [r.getMessage() for r in caplog.records if r.name == "datalake_library.parameters"] == [
        "read 10 SSM parameters (1 absent)", "read 2 SSM parameters (0 absent)"]
