"""Local names for downloaded S3 objects: one mapping that is injective, contained and keeps file names.

Why: S3 keys are arbitrary UTF-8 strings of up to 1024 bytes; ``//``, ``.`` and ``..`` segments, a
key ``a/b`` beside a key ``a/b/c``, NUL characters and 300-byte segments are all legal. Mirroring a key
as a relative path breaks on every one of those (escape, file/directory clash, ``ENAMETOOLONG``), so
``download_object`` does not mirror keys. It stores ``s3://bucket/key`` at::

    <root>/<bucket dir>/<interface dir>/<key dir>/<file name>

* ``<bucket dir>`` and ``<key dir>`` are :func:`segment_name` of the bucket and of the *whole* key:
  one path segment each, so a key can never add or climb directories;
* ``<interface dir>`` (``dl-<pid>-<random>``) belongs to one interface, so two interfaces downloading
  the same key get two files and cleaning one up never touches the other's;
* ``<file name>`` is :func:`file_name` of the key: its last segment, unchanged whenever the
  filesystem can hold it. Every key has its own directory, so the file name need not be unique.

The rule, with examples, is in docs/sdlf-downloads.md.
"""

from __future__ import annotations

from urllib.parse import quote

__all__ = ["FILE_NAME_MAX", "NAME_MAX", "file_name", "segment_name"]

#: Longest file or directory name (bytes) on Linux filesystems (ext4, xfs, tmpfs: Lambda's /tmp).
NAME_MAX = 255
#: Longest file name kept: s3transfer writes ``<name>.<8 hex digits>`` first and renames it, and it
#: counts that limit in characters, not bytes, so the 9 bytes of its suffix are reserved here.
FILE_NAME_MAX = NAME_MAX - 9
#: Hex digits of SHA-256 kept in a shortened segment name (128 bits).
_HASH_DIGITS = 32
#: Segment names for the two strings a directory entry cannot be called.
_DOT_NAMES = {".": "%2E", "..": "%2E%2E"}
#: File names for a last key segment that cannot name a file.
_UNNAMEABLE_FILES = {"": "_", ".": "%2E", "..": "%2E%2E"}


def _utf8(text: str) -> bytes:
    # surrogatepass: a str holding a lone surrogate still maps to distinct bytes (S3 never sends one).
    return text.encode("utf-8", "surrogatepass")


def segment_name(text: str) -> str:
    """One safe directory name for ``text`` (a bucket or a whole key); distinct texts, distinct names.

    ``text`` is percent-encoded byte by byte (everything but ``A-Z a-z 0-9 _ . - ~``, so ``/``
    becomes ``%2F`` and ``%`` becomes ``%25``); ``.`` and ``..`` become ``%2E`` and ``%2E%2E``; the
    empty string becomes ``=``. Percent-encoding never produces ``=``, so when the result is
    longer than :data:`NAME_MAX` bytes it is cut to a readable prefix followed by ``=`` and 32 hex
    digits of the SHA-256 of ``text``, a form no short name can take.
    """
    raw = _utf8(text)
    name = quote(raw, safe="")
    if not name:
        return "="
    name = _DOT_NAMES.get(name, name)
    if len(name) <= NAME_MAX:
        return name
    head = name[: NAME_MAX - 1 - _HASH_DIGITS]
    escape = head.find("%", len(head) - 2)  # do not end inside a %XX escape
    if escape != -1:
        head = head[:escape]
    import hashlib  # lazily: only keys longer than a file name need it

    return f"{head}={hashlib.sha256(raw).hexdigest()[:_HASH_DIGITS]}"


def _os_bytes(text: str) -> int:
    """Bytes ``text`` takes as a file name (os encodes names as UTF-8 with ``surrogateescape``)."""
    return len(text.encode("utf-8", "surrogateescape"))


def _cut(text: str, limit: int) -> str:
    """The longest prefix of ``text`` (whole characters) that takes at most ``limit`` bytes."""
    size = 0
    for index, char in enumerate(text):
        size += _os_bytes(char)
        if size > limit:
            return text[:index]
    return text


def file_name(key: str) -> str:
    """The local file name of the object ``key``: its last segment (the part after the last ``/``).

    Kept unchanged unless the filesystem cannot hold it:

    * an empty last segment (a "folder" key ending in ``/``) is named ``_``; ``.`` and ``..`` are
      named ``%2E`` and ``%2E%2E``;
    * a NUL character becomes the three characters ``%00``;
    * a name longer than :data:`FILE_NAME_MAX` bytes keeps its extension (up to 32 bytes) and loses
      the end of its stem, cut at a character boundary.
    """
    name = key.rpartition("/")[2]
    if name in _UNNAMEABLE_FILES:
        return _UNNAMEABLE_FILES[name]
    name = name.replace("\x00", "%00")
    try:
        size = _os_bytes(name)
    except UnicodeEncodeError:  # a lone surrogate os cannot write: spell it out as \udXXX
        name = name.encode("utf-8", "backslashreplace").decode("utf-8")
        size = _os_bytes(name)
    if size <= FILE_NAME_MAX:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and stem and _os_bytes(extension) <= 32:
        return _cut(stem, FILE_NAME_MAX - 1 - _os_bytes(extension)) + dot + extension
    return _cut(name, FILE_NAME_MAX)
