"""Properties of the download path rule over generated S3 keys (hypothesis): every key has a path,
paths are distinct, stay under the root, and keep the key's file name (docs/sdlf-downloads.md)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from unittest import mock
from urllib.parse import unquote

import boto3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from datalake_library import S3Interface
from datalake_library.interfaces import _download_budget

ROOT = os.path.realpath(os.path.join(tempfile.gettempdir(), "sdlf-download-properties"))
BUCKET = "prop-bucket"
#: Characters that break naive mirroring, weighted up against arbitrary text.
TRICKY = st.sampled_from(["/", "/", ".", "..", "a", "%", "%2F", "%2E", "=", "~", " ", "+", "\x00", "é", "😀", "\\"])
KEY_PIECES = st.one_of(TRICKY, st.text(min_size=1, max_size=40), st.just("n" * 120))


def _fits(key: str) -> bool:
    return 1 <= len(key.encode("utf-8")) <= 1024  # S3's key limit


keys = st.lists(KEY_PIECES, min_size=1, max_size=30).map("".join).filter(_fits)


def _interface() -> S3Interface:
    interface = S3Interface()
    interface.download_root = ROOT
    return interface


def _last_segment(key: str) -> str:
    return key.split("/")[-1]


@settings(max_examples=300, deadline=None)
@given(key=keys)
def test_every_key_maps_to_three_plain_names_under_the_bucket_directory(key: str) -> None:
    path = _interface().local_path_for(BUCKET, key, decode_key=False)
    assert os.path.commonpath([path, ROOT]) == ROOT
    assert os.path.normpath(path) == path  # no empty, "." or ".." segment anywhere
    owner, key_dir, name = os.path.relpath(path, os.path.join(ROOT, BUCKET)).split(os.sep)
    for segment in (owner, key_dir, name):
        assert segment not in ("", ".", "..") and "\x00" not in segment and "/" not in segment
    assert len(os.fsencode(key_dir)) <= 255
    assert len(os.fsencode(name)) <= 246


@settings(max_examples=300, deadline=None)
@given(key=keys)
def test_the_file_name_is_the_last_key_segment_whenever_the_filesystem_can_hold_it(key: str) -> None:
    last = _last_segment(key)
    name = os.path.basename(_interface().local_path_for(BUCKET, key, decode_key=False))
    if last not in ("", ".", "..") and "\x00" not in last and len(last.encode()) <= 246:
        assert name == last
    elif len(last.encode()) > 246 and "\x00" not in last:  # shortened at the end of its stem, not renamed
        stem, dot, extension = last.rpartition(".")
        if dot and stem and len(extension.encode()) <= 32:  # the extension survives, the stem is cut
            assert name.endswith(dot + extension) and stem.startswith(name[: -len(dot + extension)])
        else:  # no (short) extension: the name is cut
            assert last.startswith(name)
        assert 246 - 4 < len(os.fsencode(name)) <= 246


@settings(max_examples=300, deadline=None)
@given(key=keys)
def test_short_key_directories_decode_back_to_the_key(key: str) -> None:
    key_dir = Path(_interface().local_path_for(BUCKET, key, decode_key=False)).parent.name
    if "=" not in key_dir:  # not shortened: plain percent-encoding of the whole key
        assert unquote(key_dir, errors="strict") == key
    else:
        assert len(key.encode()) * 3 > 255  # only keys that may not fit are shortened


@settings(max_examples=150, deadline=None)
@given(batch=st.lists(keys, min_size=2, max_size=12, unique=True))
def test_distinct_keys_get_distinct_paths_and_distinct_directories(batch: list[str]) -> None:
    interface = _interface()
    paths = [interface.local_path_for(BUCKET, key, decode_key=False) for key in batch]
    assert len(set(paths)) == len(batch)
    assert len({os.path.dirname(p) for p in paths}) == len(batch)
    # no path is a directory prefix of another one (a file never sits where a directory must be)
    for path in paths:
        assert not any(other.startswith(path + os.sep) for other in paths)


moto_keys = keys.filter(lambda k: not any(ord(c) < 32 for c in k))  # XML cannot carry control characters


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(moto_keys, min_size=1, max_size=4, unique=True))
def test_generated_keys_download_inside_the_root_on_moto(batch: list[str]) -> None:
    from moto import mock_aws

    with tempfile.TemporaryDirectory() as tmp, mock_aws(), mock.patch.object(
        _download_budget, "_ledger", _download_budget.DownloadLedger()
    ):
        root = os.path.realpath(tmp)
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        interface = S3Interface()
        interface.download_root = root
        local = {}
        for number, key in enumerate(batch):
            s3.put_object(Bucket=BUCKET, Key=key, Body=str(number).encode())
            local[key] = interface.download_object(BUCKET, key, decode_key=False)
        assert len(set(local.values())) == len(batch)
        for number, key in enumerate(batch):
            assert os.path.commonpath([os.path.realpath(local[key]), root]) == root
            assert Path(local[key]).read_bytes() == str(number).encode()
        assert interface.cleanup_downloads() == len(batch)
        assert not any(p.is_file() for p in Path(root).rglob("*"))
