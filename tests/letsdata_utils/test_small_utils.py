"""arn_utils, validations and logging_utils."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from letsdata_utils.arn_utils import parse_arn, parse_bucket_name_from_s3_uri
from letsdata_utils.errors import LetsDataAssertionError, LetsDataError
from letsdata_utils.logging_utils import level_from_environment, logger
from letsdata_utils.validations import letsdata_assert


def test_parse_arn_variants() -> None:
    assert parse_arn("arn:aws:dynamodb:us-east-1:223413462631:table/Test_Table/stream/2023-08-01T03:03:57.926") == {
        "arn": "arn:aws:dynamodb:us-east-1:223413462631:table/Test_Table/stream/2023-08-01T03:03:57.926",
        "partition": "aws", "service": "dynamodb", "region": "us-east-1", "account_id": "223413462631",
        "resource_type": "table", "resource_id": "Test_Table/stream/2023-08-01T03:03:57.926"}
    secret = parse_arn("arn:aws:secretsmanager:us-east-1:1:secret:Name-AbC")
    assert (secret["resource_type"], secret["resource_id"]) == ("secret", "Name-AbC")
    bucket = parse_arn("arn:aws:s3:::my-bucket")
    assert (bucket["region"], bucket["account_id"], bucket["resource_type"], bucket["resource_id"]) == (
        "", "", "", "my-bucket")


@pytest.mark.parametrize("bad", ["", "arn", "arn:aws:s3", "not:an:arn:at:all:x", "arn::s3:::b", "arn:aws:s3:::", 5, None])
def test_parse_arn_rejects_malformed_input_with_value_error_naming_it(bad: object) -> None:
    with pytest.raises(ValueError) as info:
        parse_arn(bad)  # type: ignore[arg-type]
    assert repr(bad) in str(info.value)


def test_parse_bucket_name() -> None:
    assert parse_bucket_name_from_s3_uri("s3a://commoncrawl/crawl-data/x.gz") == "commoncrawl"
    for bad in ("s3://bucket/key", "s3a:///key", "bucket/key", ""):
        with pytest.raises(ValueError, match="Not a valid S3 URI: "):
            parse_bucket_name_from_s3_uri(bad)


def test_letsdata_assert_raises_the_dedicated_error_with_the_prefix() -> None:
    letsdata_assert(True, "never")
    with pytest.raises(LetsDataAssertionError) as info:
        letsdata_assert(False, "invalid x")
    assert str(info.value) == "letsdata assert - invalid x"
    assert isinstance(info.value, LetsDataError) and type(info.value).__mro__[-2] is BaseException


def test_package_logger_is_named_letsdata_and_not_root() -> None:
    assert logger.name == "letsdata" and logger is not logging.getLogger()


@pytest.mark.parametrize(("raw", "level"), [("DEBUG", logging.DEBUG), ("warning", logging.WARNING), ("10", 10),
                                            ("nonsense", logging.INFO), ("", logging.INFO)])
def test_level_from_environment(raw: str, level: int) -> None:
    assert level_from_environment(raw) == level


def test_log_level_env_var_sets_the_package_logger_level_at_import() -> None:
    code = "import logging, letsdata_utils.logging_utils as l; print(l.logger.level, logging.getLogger().level)"
    for env, expected in (({}, logging.INFO), ({"LOG_LEVEL": "debug"}, logging.DEBUG),
                          ({"LOG_LEVEL": "ERROR"}, logging.ERROR), ({"LOG_LEVEL": "loud"}, logging.INFO),
                          ({"LOG_LEVEL": "ERROR", "AWS_LAMBDA_LOG_LEVEL": "WARN"}, logging.WARNING)):
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ".", **env})
        out = run.stdout.split()
        assert int(out[0]) == expected
        if env.get("LOG_LEVEL") == "loud":  # one warning naming the variable, then INFO
            assert run.stderr.count("LOG_LEVEL='loud'") == 1 and "using INFO" in run.stderr
        assert int(out[1]) == logging.WARNING  # the root logger is left alone


def test_letsdata_fail_always_raises_with_the_prefix() -> None:
    from letsdata_utils.validations import letsdata_fail

    with pytest.raises(LetsDataAssertionError) as info:
        letsdata_fail("missing key 'x'")
    assert str(info.value) == "letsdata assert - missing key 'x'"
