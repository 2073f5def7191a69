"""``S3Interface``: buckets from SSM, managed transfers, and the restored object helpers.

Downloads: every legal key is downloaded to its own directory under
``<download root>/<bucket>/<this interface's directory>/``, keeping the key's last segment as the
file name, so downloads never collide, never delete one another and never leave the root
(``_download_paths``); a process keeps at most ``$DATALAKE_DOWNLOAD_BUDGET_BYTES`` of them, oldest
evicted first (``_download_budget``). The download root is ``$DATALAKE_DOWNLOAD_DIR`` or
``tempfile.gettempdir()`` (``/tmp`` on Lambda). The rules: docs/sdlf-downloads.md.
"""

from __future__ import annotations

import io
import os
import stat
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, unquote_plus

from datalake_library import json_codec, settings
from datalake_library.datalake_exceptions import ObjectDeleteFailedException
from datalake_library.errors import (
    DownloadError,
    InvalidArgumentError,
    InvalidArgumentTypeError,
)
from datalake_library.interfaces._download_budget import download_budget, ledger, remove_empty_dirs
from datalake_library.interfaces._download_paths import file_name, segment_name
from datalake_library.interfaces._legacy import log_level_first
from datalake_library.interfaces._validation import require_str, translate_client_error
from datalake_library.interfaces.base_interface import BaseInterface, ClientAttribute, SsmAttribute

__all__ = ["DOWNLOAD_DIR_ENV", "S3Interface"]

DOWNLOAD_DIR_ENV = "DATALAKE_DOWNLOAD_DIR"
#: DeleteObjects accepts at most 1000 keys per request.
_DELETE_BATCH = 1000
#: Guards the lazy creation of an interface's download directory name.
_OWNER_LOCK = threading.Lock()
#: Attempts at creating a download's directories (a concurrent cleanup may remove a shared parent).
_MKDIR_ATTEMPTS = 3


def _client_error() -> type[Exception]:
    from botocore.exceptions import ClientError

    return ClientError


def _kms_args(kms_key: str | None) -> dict[str, str]:
    if not kms_key:
        return {}
    require_str(kms_key, "kms_key")
    return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": kms_key}


def _tagging_string(tagging: Mapping[str, str] | str) -> str:
    if isinstance(tagging, str):
        return tagging
    if not isinstance(tagging, Mapping):
        raise InvalidArgumentTypeError("tagging must be a dict or a URL-encoded string", argument="tagging")
    return "&".join(f"{quote(str(k), safe='')}={quote(str(v), safe='')}" for k, v in tagging.items())


def _private_dir(path: str) -> None:
    """Create directory ``path`` with mode 0700, or accept an existing one that is a real
    directory (not a symlink) of this user that other users cannot write to."""
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode):
            raise DownloadError(
                f"cannot download to {path}: it exists and is not a directory (downloads never follow links)"
            ) from None
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise DownloadError(f"cannot download to {path}: the directory belongs to another user") from None
        if info.st_mode & 0o022 and not info.st_mode & stat.S_ISVTX:
            raise DownloadError(f"cannot download to {path}: other users can write to the directory") from None
    else:
        os.chmod(path, 0o700)  # the umask may have taken bits away


def _make_private_dirs(root: str, directory: str) -> None:
    """Create ``directory`` and its parents below ``root`` (each 0700, checked by :func:`_private_dir`)."""
    os.makedirs(root, 0o700, exist_ok=True)  # the configured root itself is trusted
    parts = os.path.relpath(directory, root).split(os.sep)
    for attempt in range(_MKDIR_ATTEMPTS):
        try:
            path = root
            for part in parts:
                path = os.path.join(path, part)
                _private_dir(path)
            return
        except FileNotFoundError:  # a parent was removed (emptied by a cleanup) meanwhile: again
            if attempt == _MKDIR_ATTEMPTS - 1:
                raise


def _seal(path: str) -> int:
    """Make the downloaded file 0600 (s3transfer creates it with the umask) and return its size."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        os.fchmod(fd, 0o600)
        return os.fstat(fd).st_size
    finally:
        os.close(fd)


class S3Interface(BaseInterface):
    """S3 access for stage Lambdas. ``self.s3`` is the boto3 S3 client (created on first use)."""

    raw_bucket = SsmAttribute()
    stage_bucket = SsmAttribute()
    analytics_bucket = SsmAttribute()
    artifacts_bucket = SsmAttribute()

    #: Optional ``boto3.s3.transfer.TransferConfig`` for downloads, uploads and copies.
    transfer_config: Any = None
    #: Download root of this interface; ``None``: ``$DATALAKE_DOWNLOAD_DIR``, else the temp directory.
    download_root: str | None = None

    #: The boto3 S3 client (one per session). Assignable by subclass hooks.
    s3 = ClientAttribute("s3")

    def __init__(
        self,
        team: str | None = None,
        dataset: str | None = None,
        pipeline: str | None = None,
        stage: str | None = None,
        log_level: str | None = None,
        session: Any = None,
        *,
        config: Any = None,
        clients: Mapping[str, Any] | None = None,
        s3_client: Any = None,
    ) -> None:
        """2.11's signature, or SDLF <= 2.11.0's ``S3Interface(log_level=None, s3_client=None)``: a call
        with an upper-case level name where ``team`` goes is the legacy one (see ``interfaces/_legacy.py``)."""
        self._init_interface(
            [team, dataset, pipeline, stage], log_level, session, config=config, clients=clients,
            service="s3", client=s3_client, legacy_at=log_level_first(team, log_level),
        )

    @property
    def _s3_client(self) -> Any:
        """The legacy name of :attr:`s3`."""
        return self.s3

    # ------------------------------------------------------------------ downloads
    def _download_root(self, download_dir: str | None = None) -> str:
        """``download_dir`` argument, else ``self.download_root``, ``$DATALAKE_DOWNLOAD_DIR``, tempdir."""
        root = download_dir or self.download_root or settings.get(DOWNLOAD_DIR_ENV)
        if not root:
            import tempfile  # lazily: tempfile pulls in shutil and random at import

            root = tempfile.gettempdir()
        return os.path.realpath(root)

    def _download_owner(self) -> str:
        """``dl-<pid>-<random>``: this interface's directory under each bucket directory, and its
        name in the process's download ledger. Made on first use (no constructor hook needed); a
        forked child gets a new one."""
        prefix = f"dl-{os.getpid()}-"
        owner = self.__dict__.get("_download_owner_name")
        if owner is None or not owner.startswith(prefix):
            with _OWNER_LOCK:
                owner = self.__dict__.get("_download_owner_name")
                if owner is None or not owner.startswith(prefix):
                    owner = prefix + os.urandom(8).hex()
                    self.__dict__["_download_owner_name"] = owner
        return str(owner)

    @staticmethod
    def _bucket_dir_name(bucket: str) -> str:
        if bucket in (".", "..") or "\x00" in bucket or ("/" in bucket and not bucket.startswith("arn:")):
            raise InvalidArgumentError(
                f"bucket name {bucket!r} is not a valid S3 bucket name or access point ARN", argument="bucket"
            )
        return segment_name(bucket)

    def local_path_for(
        self, bucket: str, key: str, decode_key: bool = True, *, download_dir: str | None = None
    ) -> str:
        """Where this interface's :meth:`download_object` puts ``s3://bucket/key`` (no AWS call,
        nothing written): ``<root>/<bucket>/dl-<pid>-<random>/<key as one segment>/<file name>``.

        Every legal key has a path: distinct keys get distinct paths, none leaves the root, and
        the file name is the key's last segment (the rule: docs/sdlf-downloads.md).
        """
        require_str(bucket, "bucket")
        require_str(key, "key")
        s3_key = unquote_plus(key) if decode_key else key
        return os.path.join(
            self._download_root(download_dir),
            self._bucket_dir_name(bucket),
            self._download_owner(),
            segment_name(s3_key),
            file_name(s3_key),
        )

    def download_object(
        self, bucket: str, key: str, decode_key: bool = True, *, download_dir: str | None = None
    ) -> str:
        """Download ``s3://bucket/key`` with the managed transfer and return the local path.

        The basename is the object's file name (the key's last segment, see :meth:`local_path_for`);
        ``decode_key`` applies ``unquote_plus`` first (S3 event keys are URL-encoded). Directories
        are created 0700 and the file is 0600. Older downloads of this process are deleted, oldest
        first, while its downloads exceed ``$DATALAKE_DOWNLOAD_BUDGET_BYTES``; nothing else is
        deleted. Call :meth:`cleanup_downloads` when done with the files.
        """
        local_path = self.local_path_for(bucket, key, decode_key, download_dir=download_dir)
        s3_key = unquote_plus(key) if decode_key else key
        root = self._download_root(download_dir)
        budget = download_budget()  # a bad setting fails before anything is created
        try:
            _make_private_dirs(root, os.path.dirname(local_path))
        except DownloadError:
            raise
        except OSError as exc:
            raise DownloadError(f"cannot download s3://{bucket}/{s3_key}: cannot create {local_path}: {exc}") from exc
        downloads = ledger()
        ticket, progress = downloads.start(budget)
        done: str | None = None
        size = 0
        self.logger.debug("Downloading s3://%s/%s to %s", bucket, s3_key, local_path)
        try:
            self.s3.download_file(bucket, s3_key, local_path, Config=self.transfer_config, Callback=progress)
            size = _seal(local_path)
            done = local_path
        except _client_error() as exc:
            raise translate_client_error(exc, f"s3://{bucket}/{s3_key}") from exc
        except OSError as exc:
            raise DownloadError(f"cannot download s3://{bucket}/{s3_key} to {local_path}: {exc}") from exc
        finally:
            downloads.finish(ticket, done, size, self._download_owner(), root, budget)
            if done is None:  # an earlier download of this key, if any, stays as it was
                remove_empty_dirs(os.path.dirname(local_path), root)
        return local_path

    def cleanup_downloads(self) -> int:
        """Delete the files this interface downloaded (and directories left empty); return how many.

        Files other interfaces or processes downloaded, and files you wrote next to a download,
        are left alone. Lambda's ephemeral storage persists across warm invocations, so call this
        at the end of an invocation (the download budget is only the safety net).
        """
        return ledger().release(self._download_owner())

    # ------------------------------------------------------------------ uploads and copies
    def upload_object(self, object_path: str, bucket: str, key: str, kms_key: str | None = None) -> None:
        """Managed upload (multipart above the threshold), SSE-KMS when ``kms_key`` is given.

        The key is used as given (not URL-decoded), as in the original.
        """
        require_str(object_path, "object_path")
        require_str(bucket, "bucket")
        require_str(key, "key")
        if not os.path.isfile(object_path):
            raise InvalidArgumentError(f"object_path {object_path!r} is not a file", argument="object_path")
        self.logger.debug("Uploading %s to s3://%s/%s", object_path, bucket, key)
        try:
            self.s3.upload_file(
                object_path, bucket, key, ExtraArgs=_kms_args(kms_key), Config=self.transfer_config
            )
        except _client_error() as exc:
            raise translate_client_error(exc, f"s3://{bucket}") from exc
        except Exception as exc:  # s3transfer wraps ClientError in S3UploadFailedError
            cause = exc.__cause__ or exc.__context__
            if cause is not None and isinstance(cause, _client_error()):
                raise translate_client_error(cause, f"s3://{bucket}") from exc
            raise

    def copy_object(
        self,
        source_bucket: str,
        source_key: str,
        dest_bucket: str,
        dest_key: str | None = None,
        kms_key: str | None = None,
        *,
        metadata_directive: str | None = None,
        metadata: Mapping[str, str] | None = None,
        tagging: Mapping[str, str] | str | None = None,
    ) -> None:
        """Managed copy (multipart ``UploadPartCopy`` above the threshold, so > 5 GB works).

        ``source_key`` is URL-decoded; ``dest_key`` defaults to the decoded source key. SSE-KMS is
        applied when ``kms_key`` is given. ``metadata_directive`` is ``COPY`` or ``REPLACE``
        (``REPLACE`` with ``metadata``); ``tagging`` replaces the object's tags.
        """
        require_str(source_bucket, "source_bucket")
        require_str(source_key, "source_key")
        require_str(dest_bucket, "dest_bucket")
        source_key = unquote_plus(source_key)
        target_key = require_str(dest_key, "dest_key") if dest_key is not None else source_key
        extra: dict[str, Any] = _kms_args(kms_key)
        if metadata_directive is not None:
            if metadata_directive not in ("COPY", "REPLACE"):
                raise InvalidArgumentError(
                    f"metadata_directive must be 'COPY' or 'REPLACE', got {metadata_directive!r}",
                    argument="metadata_directive",
                )
            extra["MetadataDirective"] = metadata_directive
        if metadata is not None:
            extra["Metadata"] = dict(metadata)
            extra.setdefault("MetadataDirective", "REPLACE")
        if tagging is not None:
            extra["Tagging"] = _tagging_string(tagging)
            extra["TaggingDirective"] = "REPLACE"
        self.logger.debug(
            "Copying s3://%s/%s to s3://%s/%s", source_bucket, source_key, dest_bucket, target_key
        )
        try:
            self.s3.copy(
                {"Bucket": source_bucket, "Key": source_key},
                dest_bucket,
                target_key,
                ExtraArgs=extra,
                Config=self.transfer_config,
            )
        except _client_error() as exc:
            raise translate_client_error(exc, f"s3://{source_bucket}/{source_key}") from exc

    # ------------------------------------------------------------------ metadata
    def _head(self, bucket: str, key: str) -> dict[str, Any]:
        require_str(bucket, "bucket")
        require_str(key, "key")
        try:
            return dict(self.s3.head_object(Bucket=bucket, Key=key))
        except _client_error() as exc:
            raise translate_client_error(exc, f"s3://{bucket}/{key}") from exc

    def get_size_and_last_modified(self, bucket: str, key: str) -> tuple[int, str]:
        """``(ContentLength, LastModified.isoformat())``; the key is not decoded."""
        head = self._head(bucket, key)
        return int(head["ContentLength"]), head["LastModified"].isoformat()

    def get_size(self, bucket: str, key: str) -> int:
        """Object size in bytes (restored)."""
        return int(self._head(bucket, key)["ContentLength"])

    def get_last_modified(self, bucket: str, key: str) -> str:
        """Last-modified time as ISO 8601 (restored)."""
        return str(self._head(bucket, key)["LastModified"].isoformat())

    # ------------------------------------------------------------------ restored helpers
    def list_objects(self, bucket: str, keys_path: str) -> list[str]:
        """Every key under the "folder" ``keys_path`` (decoded, ``/`` appended), skipping folder
        markers. Paginated; pages without ``Contents`` (no match) are fine."""
        require_str(bucket, "bucket")
        prefix = unquote_plus(require_str(keys_path, "keys_path", allow_empty=True))
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        keys: list[str] = []
        try:
            for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
                keys.extend(obj["Key"] for obj in page.get("Contents", []) if not obj["Key"].endswith("/"))
        except _client_error() as exc:
            raise translate_client_error(exc, f"s3://{bucket}") from exc
        return keys

    def read_object(self, bucket: str, key: str) -> io.StringIO:
        """The object's text (UTF-8) as a ``StringIO`` positioned at 0; the key is URL-decoded."""
        require_str(bucket, "bucket")
        key = unquote_plus(require_str(key, "key"))
        try:
            body = self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except _client_error() as exc:
            raise translate_client_error(exc, f"s3://{bucket}/{key}") from exc
        return io.StringIO(body.decode("utf-8"))

    def write_object(self, bucket: str, key: str, data_object: Any, kms_key: str | None = None) -> None:
        """``put_object`` of a file-like object (rewound first), ``str`` or ``bytes``; SSE-KMS optional."""
        require_str(bucket, "bucket")
        require_str(key, "key")
        if hasattr(data_object, "read"):
            if hasattr(data_object, "seek"):
                data_object.seek(0)
            body = data_object.read()
        elif isinstance(data_object, str | bytes | bytearray):
            body = data_object
        else:
            raise InvalidArgumentTypeError(
                f"data_object must be file-like, str or bytes, got {type(data_object).__name__}",
                argument="data_object",
            )
        if isinstance(body, str):
            body = body.encode("utf-8")
        try:
            self.s3.put_object(Bucket=bucket, Key=key, Body=bytes(body), **_kms_args(kms_key))
        except _client_error() as exc:
            raise translate_client_error(exc, f"s3://{bucket}") from exc

    def tag_object(self, bucket: str, key: str, tag_dict: Mapping[str, str]) -> None:
        """Replace the object's tags with ``tag_dict``."""
        require_str(bucket, "bucket")
        require_str(key, "key")
        if not isinstance(tag_dict, Mapping):
            raise InvalidArgumentTypeError("tag_dict must be a dict", argument="tag_dict")
        tag_set = [{"Key": str(k), "Value": str(v)} for k, v in tag_dict.items()]
        try:
            self.s3.put_object_tagging(Bucket=bucket, Key=key, Tagging={"TagSet": tag_set})
        except _client_error() as exc:
            raise translate_client_error(exc, f"s3://{bucket}/{key}") from exc

    def delete_objects(self, bucket: str, prefix: str) -> int:
        """Delete every object under ``prefix`` (decoded) in batches of 1000; return how many.

        Raises :class:`ObjectDeleteFailedException` listing S3's ``Errors`` if any delete failed
        (after attempting every batch).
        """
        require_str(bucket, "bucket")
        prefix = unquote_plus(require_str(prefix, "prefix", allow_empty=True))
        deleted = 0
        failures: list[dict[str, Any]] = []
        paginator = self.s3.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(
                Bucket=bucket, Prefix=prefix, PaginationConfig={"PageSize": _DELETE_BATCH}
            ):
                objects = [{"Key": obj["Key"]} for obj in page.get("Contents", [])]
                if not objects:
                    continue
                response = self.s3.delete_objects(Bucket=bucket, Delete={"Objects": objects, "Quiet": True})
                errors = response.get("Errors", [])
                failures.extend(errors)
                deleted += len(objects) - len(errors)
        except _client_error() as exc:
            raise translate_client_error(exc, f"s3://{bucket}") from exc
        if failures:
            raise ObjectDeleteFailedException(json_codec.dumps(failures), failed=failures)
        return deleted
