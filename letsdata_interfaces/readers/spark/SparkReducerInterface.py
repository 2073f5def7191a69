"""SparkReducerInterface: combine the mapper outputs (or the manifest's files) with Spark."""

from __future__ import annotations

from typing import Any


class SparkReducerInterface:
    """Implement :meth:`reducer` to read several files, combine them and write one output.

    Same flow as the mapper; read each of ``readUris`` and union the results by column name. Import
    pyspark inside your implementation. The return value is ignored (``"data": null``).
    """

    def reducer(self, appName: str, readDestination: str, readUris: list[str], readFormat: str,
                readOptions: dict[str, Any], writeDestination: str, writeUri: str, writeFormat: str,
                writeMode: str, writeOptions: dict[str, Any], spark_credentials_secret_arn: str) -> None:
        """Read every URI in ``readUris`` (the mapper's intermediate parquet under ``MAPPER_AND_REDUCER``,
        the manifest's files under ``REDUCER_ONLY``), combine, and write to ``writeUri``."""
        raise Exception("Not Yet Implemented")

    def get_read_destination_credentials(self, region: str, spark_credentials_secret_arn: str) -> dict[str, str]:
        """The reducer's read credentials from the dataset secret (``secret["reducer"]["read"]``)."""
        from letsdata_utils.secretmanager_util import SecretManagerUtil

        return SecretManagerUtil.get_spark_aws_credentials(region, spark_credentials_secret_arn, "reducer", "read")

    def get_write_destination_credentials(self, region: str, spark_credentials_secret_arn: str) -> dict[str, str]:
        """The reducer's write credentials from the dataset secret (``secret["reducer"]["write"]``)."""
        from letsdata_utils.secretmanager_util import SecretManagerUtil

        return SecretManagerUtil.get_spark_aws_credentials(region, spark_credentials_secret_arn, "reducer", "write")
