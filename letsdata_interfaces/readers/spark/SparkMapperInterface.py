"""SparkMapperInterface: one Spark task per manifest file."""

from __future__ import annotations

from typing import Any


class SparkMapperInterface:
    """Implement :meth:`mapper` to transform one input file with Spark.

    Typical flow: fetch credentials with :meth:`get_read_destination_credentials` and
    :meth:`get_write_destination_credentials`, ``letsdata_utils.spark_utils.createSparkSession``,
    ``readSparkDataframe``, transform, ``writeSparkDataframe``. Import pyspark inside your
    implementation: the bridge itself never imports it. The return value is ignored (``"data": null``).
    """

    def mapper(self, appName: str, readDestination: str, readUri: str, readFormat: str,
               readOptions: dict[str, Any], writeDestination: str, writeUri: str, writeFormat: str,
               writeMode: str, writeOptions: dict[str, Any], spark_credentials_secret_arn: str) -> None:
        """Read ``readUri`` (``s3a://``) in ``readFormat`` with ``readOptions``, transform, write to ``writeUri``.

        Under ``MAPPER_AND_REDUCER`` the write side is a system-generated intermediate parquet location;
        under ``MAPPER_ONLY`` it is the dataset's write bucket.
        """
        raise Exception("Not Yet Implemented")

    def get_read_destination_credentials(self, region: str, spark_credentials_secret_arn: str) -> dict[str, str]:
        """The mapper's read credentials from the dataset secret (``secret["mapper"]["read"]``)."""
        from letsdata_utils.secretmanager_util import SecretManagerUtil

        return SecretManagerUtil.get_spark_aws_credentials(region, spark_credentials_secret_arn, "mapper", "read")

    def get_write_destination_credentials(self, region: str, spark_credentials_secret_arn: str) -> dict[str, str]:
        """The mapper's write credentials from the dataset secret (``secret["mapper"]["write"]``)."""
        from letsdata_utils.secretmanager_util import SecretManagerUtil

        return SecretManagerUtil.get_spark_aws_credentials(region, spark_credentials_secret_arn, "mapper", "write")
