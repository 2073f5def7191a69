"""Shared plumbing of the Spark examples: fetch only the credentials an s3a URI needs.

Local paths (``file://`` or absolute, used by tests and ``letsdata_local``) need no secret; an
``s3a://`` URI on either side fetches that side's credentials from the dataset secret, exactly as the
LetsData template does (``get_read_destination_credentials`` / ``get_write_destination_credentials``).

When S3 rejects the credentials (403, expired token) the cached secret is dropped, so the platform's
retry of the task fetches fresh STS credentials instead of reusing the rejected ones for 5 minutes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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


#: Signs in a Spark/S3A error that the credentials were rejected or have expired.
_AUTH_FAILURE = re.compile(r"\b403\b|AccessDenied|ExpiredToken|InvalidAccessKeyId|SignatureDoesNotMatch|Forbidden")


@contextmanager
def invalidate_secret_on_auth_failure(spark_credentials_secret_arn: str) -> Iterator[None]:
    """Drop the cached credentials secret when the wrapped Spark work fails with an auth error."""
    try:
        yield
    except Exception as exc:
        if _AUTH_FAILURE.search(str(exc)):
            from letsdata_utils.secretmanager_util import SecretManagerUtil, resolve_region

            SecretManagerUtil.get_instance(resolve_region(None)).invalidate(spark_credentials_secret_arn)
        raise
