"""S3 read-connector manifests: which files a dataset reads, one task per line.

The platform knows two S3 manifest types (docs/letsdata-local.md has the details):

* ``S3ReaderTextManifestFile`` — the lines are inline, in ``manifestFile.fileContents``;
* ``S3ReaderS3LinkManifestFile`` — the lines are in an S3 object, ``manifestFile.manifestFileS3Uri``
  (``s3://bucket/key``).

A line is one S3 key for the single-file readers (``SINGLEFILEREADER``,
``SINGLEFILESTATEMACHINEREADER``, ``SPARKREADER``) and ``TYPE:file|TYPE:file`` for the multiple-file
state-machine reader (``MULTIPLEFILESTATEMACHINEREADER``: each line maps every file type to its
file). Lines are parsed and checked here, before any reader runs, so a bad line stops the run with
its line number instead of surfacing as a failed task halfway through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from letsdata_local.config import Config, ConfigError

TEXT_MANIFEST = "S3ReaderTextManifestFile"
S3_LINK_MANIFEST = "S3ReaderS3LinkManifestFile"
S3_MANIFEST_TYPES = (TEXT_MANIFEST, S3_LINK_MANIFEST)

SINGLE_FILE_READERS = ("SINGLEFILEREADER", "SINGLEFILESTATEMACHINEREADER", "SPARKREADER")
MULTIPLE_FILE_READER = "MULTIPLEFILESTATEMACHINEREADER"

_FILE_TYPE = re.compile(r"[A-Za-z0-9_\-]+")


@dataclass(frozen=True)
class ManifestEntry:
    """One manifest line (one task): ``files`` maps a file type to its S3 key.

    Single-file lines have one entry under the empty file type; the reader learns the type from the
    parser (``getS3FileType``), as the platform does.
    """

    line_number: int
    files: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The S3 key of a single-file line."""
        return next(iter(self.files.values()))


def parse_s3_uri(uri: str, where: str) -> tuple[str, str]:
    """``s3://bucket/key`` -> (bucket, key); anything else is a :class:`ConfigError` naming ``where``."""
    if not isinstance(uri, str) or not uri.startswith("s3://"):
        raise ConfigError(f"{where} must be an s3://bucket/key URI, got {uri!r}")
    bucket, _, key = uri[len("s3://") :].partition("/")
    if not bucket or not key:
        raise ConfigError(f"{where} must be an s3://bucket/key URI (bucket and key), got {uri!r}")
    return bucket, key


def parse_manifest(text: str, reader_type: str, where: str) -> list[ManifestEntry]:
    """Every task of a manifest; ``where`` (file and field) prefixes each error.

    Blank lines are ignored; so are lines starting with ``#`` (a local convenience for commenting a
    file out). Surrounding whitespace (and a CRLF line end) is not part of a key.
    """
    multiple = reader_type == MULTIPLE_FILE_READER
    entries: list[ManifestEntry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        files = _multiple_file_line(line, f"{where} line {number}") if multiple else {"": line}
        entries.append(ManifestEntry(number, files))
    if not entries:
        raise ConfigError(f"{where} lists no S3 files to read")
    return entries


def _multiple_file_line(line: str, where: str) -> dict[str, str]:
    files: dict[str, str] = {}
    for part in line.split("|"):
        file_type, sep, name = part.partition(":")
        file_type, name = file_type.strip(), name.strip()
        if not sep or not name:
            raise ConfigError(f"{where}: {part.strip()!r} is not TYPE:file (a multiple-file line is "
                              "TYPE:file|TYPE:file, e.g. METADATA:m1.gz|DATA:d1.gz)")
        if not _FILE_TYPE.fullmatch(file_type):
            raise ConfigError(f"{where}: file type {file_type!r} must be letters, digits, '_' or '-'")
        if file_type in files:
            raise ConfigError(f"{where}: file type {file_type!r} appears twice")
        files[file_type] = name
    return files


class ManifestMissingError(RuntimeError):
    """The S3 object an ``S3ReaderS3LinkManifestFile`` points at cannot be read."""


def fetch_s3_manifest(s3: Any, uri: str, reader_type: str, source: str) -> list[ManifestEntry]:
    """Download and parse the manifest at ``uri`` (``manifestFile.manifestFileS3Uri`` of ``source``)."""
    where = f"{source}: field manifestFile.manifestFileS3Uri"
    bucket, key = parse_s3_uri(uri, where)
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except Exception as exc:
        code = (getattr(exc, "response", None) or {}).get("Error", {}).get("Code") or exc
        raise ManifestMissingError(f"manifest file {uri!r} does not exist or is not accessible ({code})") from exc
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{where}: {uri} is not UTF-8 text (byte {exc.start})") from None
    return parse_manifest(text, reader_type, f"{where} ({uri})")


def single_file_keys(cfg: Config, s3: Any) -> list[str]:
    """The S3 keys of a single-file dataset, from whichever manifest type ``cfg`` uses."""
    uri = cfg.get("manifestFile.manifestFileS3Uri")
    if uri:
        entries = fetch_s3_manifest(s3, str(uri), cfg.reader_type, cfg.source)
    else:
        entries = parse_manifest(str(cfg.get("manifestFile.fileContents") or ""), cfg.reader_type,
                                 f"{cfg.source}: field manifestFile.fileContents")
    return [entry.key for entry in entries]
