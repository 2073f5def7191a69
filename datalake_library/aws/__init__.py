"""The shared AWS session layer used by datalake_library and the LetsData half.

Kept import-light on purpose: boto3/botocore are imported only when a session or client is
actually built, so importing this package costs microseconds on a Lambda cold start.
"""

from datalake_library.aws.config import build_config, resolve_endpoint_url
from datalake_library.aws.session import AwsSession, clear_shared_sessions, shared_session

__all__ = ["AwsSession", "build_config", "clear_shared_sessions", "resolve_endpoint_url", "shared_session"]
