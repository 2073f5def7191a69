"""The Spark examples' credential plumbing: secrets fetched only for s3a URIs, dropped on auth errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from examples.letsdata._spark_common import invalidate_secret_on_auth_failure, spark_credentials
from examples.letsdata.spark_wet_mapper import WetSparkMapper
from letsdata_utils.secretmanager_util import SecretManagerUtil
from letsdata_utils.spark_utils import SparkIOError
from tests.letsdata_spark.conftest import spark_secret


def test_local_paths_need_no_secret() -> None:
    assert spark_credentials(WetSparkMapper(), ["/data/in"], "/data/out", "arn:never-fetched") == (None, None)


def test_only_the_s3a_side_is_fetched(create_secret: Callable[..., str]) -> None:
    arn = create_secret(spark_secret())
    read, write = spark_credentials(WetSparkMapper(), ["/data/in"], "s3a://bkt/out", arn)
    assert read is None and write is not None and write["AWS_ACCESS_KEY_ID"] == "writekey"
    read, write = spark_credentials(WetSparkMapper(), ["s3a://bkt/in"], "/data/out", arn)
    assert write is None and read is not None and read["AWS_ACCESS_KEY_ID"] == "readkey"


@pytest.mark.parametrize(("error", "dropped"), [
    (SparkIOError("cannot read text from readUri s3a://b/k: ... 403 Forbidden (Service: Amazon S3)"), True),
    (SparkIOError("cannot write json to writeUri s3a://b/o: ExpiredToken: The provided token has expired"), True),
    (SparkIOError("cannot read text from readUri s3a://b/k: [PATH_NOT_FOUND] Path does not exist"), False),
])
def test_auth_failures_drop_the_cached_secret(create_secret: Callable[..., str], error: Exception,
                                              dropped: bool) -> None:
    arn = create_secret(spark_secret())
    util: Any = SecretManagerUtil.get_instance(None)
    util.get_secrets_value(arn)
    with pytest.raises(type(error)), invalidate_secret_on_auth_failure(arn):
        raise error
    assert (arn not in util._cache) is dropped
