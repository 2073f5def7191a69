"""Spark credentials from AWS Secrets Manager, cached briefly and fetched through the shared session.

Why it looks like this (docs/letsdata-wire-contract.md, Spark and secrets):

* The secret named by ``sparkCredentialsSecretArn`` holds
  ``{"mapper": {"read": C, "write": C}, "reducer": {"read": C, "write": C}}`` with
  ``C = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}``. The values are STS
  session credentials, so the original's forever-cache handed expired credentials to warm
  containers. Here a value lives at most :data:`MAX_CACHE_TTL_SECONDS` (5 min, far below the
  15 min minimum STS lifetime) and is dropped at once when Secrets Manager reports an auth failure.
* The client comes from :func:`datalake_library.aws.shared_session`, so it has the project's
  ``standard`` retry mode (throttling is retried with backoff) instead of the original's
  ``max_attempts: 0``, and a warm container builds it once.
* Every failure of the Secrets Manager call keeps the wire substring
  ``Get secrets value threw exception`` (the build-time smoke tests look for it), in the
  original's two-argument ``RuntimeError`` form.
* A secret with the wrong shape raises :class:`SparkCredentialsSecretError` naming the missing or
  malformed part, never a bare ``KeyError``. Secret values are never logged.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any, ClassVar

logger = logging.getLogger("letsdata.secrets")

#: The message prefix the LetsData build smoke test greps for (docs/letsdata-wire-contract.md, Error vocabulary).
SECRETS_ERROR_MESSAGE = "Get secrets value threw exception"
#: Upper bound of the cache lifetime: STS session credentials live 15 min at least.
MAX_CACHE_TTL_SECONDS = 300.0
#: Environment variable that lowers the cache lifetime (seconds; 0 disables caching).
CACHE_TTL_ENV = "LETSDATA_SECRETS_CACHE_TTL_SECONDS"
#: Error codes meaning "the caller's credentials are bad or expired": drop the cached value.
AUTH_ERROR_CODES = frozenset(
    {
        "AccessDeniedException",
        "AccessDenied",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "UnrecognizedClientException",
        "NotAuthorized",
    }
)
SPARK_METHOD_NAMES = ("mapper", "reducer")
SPARK_DESTINATION_TYPES = ("read", "write")
CREDENTIAL_KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
#: Keys that must hold a non-empty string; a missing session token means long-term keys.
REQUIRED_CREDENTIAL_KEYS = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")


class SparkCredentialsSecretError(ValueError):
    """The Spark credentials secret exists but does not have the documented shape."""


def cache_ttl_seconds() -> float:
    """The cache lifetime: ``LETSDATA_SECRETS_CACHE_TTL_SECONDS`` clamped to [0, 300] (default 300)."""
    from datalake_library import settings

    value = float(settings.get(CACHE_TTL_ENV, MAX_CACHE_TTL_SECONDS))
    if value > MAX_CACHE_TTL_SECONDS:
        logger.warning("%s=%s exceeds %ss; using %ss", CACHE_TTL_ENV, value, MAX_CACHE_TTL_SECONDS,
                       MAX_CACHE_TTL_SECONDS)
        return MAX_CACHE_TTL_SECONDS
    return max(0.0, value)


def resolve_region(region: str | None = None) -> str:
    """``region`` if given, else ``AWS_REGION``, else ``AWS_DEFAULT_REGION``, else the session's region.

    The original indexed the environment for AWS_REGION and raised ``KeyError`` outside Lambda.
    """
    if region:
        return region
    from datalake_library import settings
    from datalake_library.aws import shared_session

    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        value = settings.get(name)
        if value:
            return value

    value = shared_session().region_name
    if not value:
        raise ValueError(
            "no AWS region for Secrets Manager: pass one, or set AWS_REGION / AWS_DEFAULT_REGION"
        )
    return value


def _error_code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return str(code) if code else None
    return None


class SecretManagerUtil:
    """One instance per region (:meth:`get_instance`), safe to share between threads."""

    _instances: ClassVar[dict[str, SecretManagerUtil]] = {}
    _instances_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, region: str) -> None:
        self.region = region
        self._cache: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()
        #: Number of Secrets Manager calls made (tests and benchmarks read it).
        self.fetch_count = 0

    # -- instances ---------------------------------------------------------------------------
    @classmethod
    def get_instance(cls, region: str | None = None) -> SecretManagerUtil:
        """The process-wide instance for ``region`` (resolved as in :func:`resolve_region`)."""
        resolved = resolve_region(region)
        instance = cls._instances.get(resolved)
        if instance is None:
            with cls._instances_lock:
                instance = cls._instances.get(resolved)
                if instance is None:
                    instance = cls._instances[resolved] = cls(resolved)
        return instance

    @classmethod
    def reset_instances(cls) -> None:
        """Forget every instance and cached value (tests; credential rotation)."""
        with cls._instances_lock:
            cls._instances.clear()

    # -- client ------------------------------------------------------------------------------
    def _client(self) -> Any:
        """The Secrets Manager client for this region, from the shared session layer.

        Looked up on every call (a dict lookup when warm) so a test that clears the shared
        sessions or moves ``AWS_ENDPOINT_URL`` never talks to a stale endpoint.
        """
        from datalake_library.aws import AwsSession, shared_session

        shared = shared_session()
        if shared.region_name == self.region:
            return shared.client("secretsmanager")
        regional = _regional_sessions.get((id(shared), self.region))
        if regional is None:
            with _regional_lock:
                regional = _regional_sessions.get((id(shared), self.region))
                if regional is None:
                    regional = AwsSession(session=shared.boto3_session, region_name=self.region)
                    _regional_sessions.clear()  # the shared session changed: drop the old ones
                    _regional_sessions[(id(shared), self.region)] = regional
        return regional.client("secretsmanager")

    # -- secrets -----------------------------------------------------------------------------
    def invalidate(self, arn: str | None = None) -> None:
        """Drop the cached value of ``arn`` (or every cached value), e.g. after an S3 403."""
        with self._lock:
            if arn is None:
                self._cache.clear()
            else:
                self._cache.pop(arn, None)

    def get_secrets_value(self, arn: str) -> str:
        """The ``SecretString`` of ``arn``, from the cache when younger than the TTL.

        Raises ``RuntimeError("Get secrets value threw exception", <cause>)`` on any failure of
        the Secrets Manager call (after the client's own retries on throttling).
        """
        if not isinstance(arn, str) or not arn:
            raise RuntimeError(SECRETS_ERROR_MESSAGE, ValueError(f"secret ARN must be a non-empty string, got {arn!r}"))
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(arn)
            if cached is not None and cached[1] > now:
                return cached[0]
        try:
            self.fetch_count += 1
            response = self._client().get_secret_value(SecretId=arn)
        except Exception as exc:
            code = _error_code(exc)
            if code in AUTH_ERROR_CODES:
                self.invalidate(arn)
            logger.error("Secrets Manager get_secret_value failed for %s: %s", arn, code or type(exc).__name__)
            raise RuntimeError(SECRETS_ERROR_MESSAGE, exc) from exc
        value = response.get("SecretString")
        if not isinstance(value, str):
            raise RuntimeError(
                SECRETS_ERROR_MESSAGE,
                SparkCredentialsSecretError(f"secret {arn} has no SecretString (binary secrets are not supported)"),
            )
        ttl = cache_ttl_seconds()
        if ttl > 0:
            with self._lock:
                self._cache[arn] = (value, time.monotonic() + ttl)
        return value

    def get_secret_value_string(self, arn: str) -> str:
        """Alias of :meth:`get_secrets_value` (both names exist in the original)."""
        return self.get_secrets_value(arn)

    @classmethod
    def get_spark_aws_credentials(
        cls, region: str | None, arn: str, method_name: str, destination_type: str
    ) -> dict[str, str]:
        """``secret[method_name][destination_type]`` as ``{AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
        AWS_SESSION_TOKEN}``; the session token is ``""`` when the secret holds long-term keys."""
        if method_name not in SPARK_METHOD_NAMES:
            raise ValueError(f"method_name must be one of {SPARK_METHOD_NAMES}, got {method_name!r}")
        if destination_type not in SPARK_DESTINATION_TYPES:
            raise ValueError(f"destination_type must be one of {SPARK_DESTINATION_TYPES}, got {destination_type!r}")
        text = cls.get_instance(region).get_secrets_value(arn)
        return parse_spark_credentials(text, arn, method_name, destination_type)


_regional_lock = threading.Lock()
_regional_sessions: dict[tuple[int, str], Any] = {}


def parse_spark_credentials(text: str, arn: str, method_name: str, destination_type: str) -> dict[str, str]:
    """Validate the secret's JSON and pick one credential set; errors name what is missing."""
    where = f"spark credentials secret {arn}"
    try:
        secret = json.loads(text)
    except ValueError as exc:
        # The message never quotes the secret text: it may be a credential.
        raise SparkCredentialsSecretError(f"{where} is not valid JSON (line {getattr(exc, 'lineno', '?')})") from None
    if not isinstance(secret, dict):
        raise SparkCredentialsSecretError(f"{where} must be a JSON object with keys {list(SPARK_METHOD_NAMES)}")
    method = secret.get(method_name)
    if not isinstance(method, dict):
        state = "missing" if method is None else f"a {type(method).__name__}, not an object"
        raise SparkCredentialsSecretError(f"{where}: key '{method_name}' is {state}")
    creds = method.get(destination_type)
    if not isinstance(creds, dict):
        state = "missing" if creds is None else f"a {type(creds).__name__}, not an object"
        raise SparkCredentialsSecretError(f"{where}: key '{method_name}.{destination_type}' is {state}")
    for key in REQUIRED_CREDENTIAL_KEYS:
        value = creds.get(key)
        if not isinstance(value, str) or not value:
            raise SparkCredentialsSecretError(
                f"{where}: '{method_name}.{destination_type}.{key}' is missing or not a non-empty string"
            )
    token = creds.get("AWS_SESSION_TOKEN")
    if token is not None and not isinstance(token, str):
        raise SparkCredentialsSecretError(
            f"{where}: '{method_name}.{destination_type}.AWS_SESSION_TOKEN' must be a string"
        )
    return {
        "AWS_ACCESS_KEY_ID": creds["AWS_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": creds["AWS_SECRET_ACCESS_KEY"],
        "AWS_SESSION_TOKEN": token or "",
    }
