"""The one place that defines the environment for talking to moto.

Why each variable matters (measured: docs/performance.md, Testing against moto): fake credentials so nothing can reach a real
account; ``AWS_ACCOUNT_ID_ENDPOINT_MODE=disabled`` because boto3 >= 1.44 otherwise sends
DynamoDB Streams calls to an account-specific host moto does not match; and
``AWS_REQUEST_CHECKSUM_CALCULATION=when_required`` because the default aws-chunked CRC bodies
make large S3 PUTs ten times slower against moto.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

MOTO_ENV: dict[str, str] = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "AWS_REQUEST_CHECKSUM_CALCULATION": "when_required",
    "AWS_RESPONSE_CHECKSUM_VALIDATION": "when_required",
    "AWS_EC2_METADATA_DISABLED": "true",
}
#: Variables that could point boto3 at a real account or profile; removed for tests.
UNSET_VARS = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")


def apply_moto_environment(environ: MutableMapping[str, str] | None = None) -> None:
    """Install the fake-account environment into ``environ`` (default ``os.environ``)."""
    env = os.environ if environ is None else environ
    for name in UNSET_VARS:
        env.pop(name, None)
    env.update(MOTO_ENV)
