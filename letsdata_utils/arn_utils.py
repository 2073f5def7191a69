"""ARN and S3 URI parsing helpers."""

from __future__ import annotations

from urllib.parse import urlparse


def parse_arn(arn: str) -> dict[str, str]:
    """Split ``arn:partition:service:region:account:resource`` into its parts.

    Returns a dict with ``arn``, ``partition``, ``service``, ``region``, ``account_id``,
    ``resource_type`` and ``resource_id``. The resource part may be ``type/id``, ``type:id`` or just an
    id (then ``resource_type`` is ``""``). A malformed ARN raises ``ValueError`` naming it (the
    original raised ``IndexError``).
    """
    if not isinstance(arn, str):
        raise ValueError(f"Not a valid ARN: {arn!r} (expected a str, got {type(arn).__name__})")
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1] or not parts[2] or not parts[5]:
        raise ValueError(f"Not a valid ARN: {arn!r} (expected arn:partition:service:region:account:resource)")
    resource = parts[5]
    resource_type = ""
    resource_id = resource
    for sep in ("/", ":"):
        if sep in resource:
            resource_type, resource_id = resource.split(sep, 1)
            break
    return {
        "arn": arn,
        "partition": parts[1],
        "service": parts[2],
        "region": parts[3],
        "account_id": parts[4],
        "resource_type": resource_type,
        "resource_id": resource_id,
    }


def parse_bucket_name_from_s3_uri(uri: str) -> str:
    """The bucket of an ``s3a://bucket/key`` URI; anything else raises ``ValueError("Not a valid S3 URI: ...")``.

    Only the ``s3a`` scheme is accepted because the value goes into Hadoop's per-bucket s3a settings.
    """
    parsed = urlparse(uri) if isinstance(uri, str) else None
    if parsed is None or parsed.scheme != "s3a" or not parsed.netloc:
        raise ValueError(f"Not a valid S3 URI: {uri}")
    return parsed.netloc
