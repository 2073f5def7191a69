"""Shared plumbing of the Spark examples: fetch only the credentials an s3a URI needs.

Local paths (``file://`` or absolute, used by tests and ``letsdata_local``) need no secret; an
``s3a://`` URI on either side fetches that side's credentials from the dataset secret, exactly as the
LetsData template does (``get_read_destination_credentials`` / ``get_write_destination_credentials``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from letsdata_utils.spark_utils import is_s3a_uri


def spark_credentials(
    interface: Any, readUris: Sequence[str], writeUri: str, spark_credentials_secret_arn: str
) -> tuple[dict[str, str] | None, dict[str, str] | None]:
    """(read credentials or None, write credentials or None) for the given URIs."""
    from letsdata_utils.secretmanager_util import resolve_region

    needs_read = any(is_s3a_uri(uri) for uri in readUris)
    needs_write = is_s3a_uri(writeUri)
    if not (needs_read or needs_write):
        return None, None
    region = resolve_region(None)
    read = interface.get_read_destination_credentials(region, spark_credentials_secret_arn) if needs_read else None
    write = interface.get_write_destination_credentials(region, spark_credentials_secret_arn) if needs_write else None
    return read, write
