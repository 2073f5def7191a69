"""S3Interface.download_object on moto: every legal key, distinct contained paths, file names kept,
permissions, symlinks, cleanup and the process's download budget (rule: docs/sdlf-downloads.md).

Expected paths are written out by hand from the documented rule: ``<root>/<bucket>/<interface
dir>/<key, percent-encoded as one segment>/<last key segment>``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path, PurePath

import boto3
import pytest

from datalake_library import S3Interface
from datalake_library.errors import ConfigurationError, DownloadError, ObjectNotFoundError
from datalake_library.interfaces import _download_budget

BUCKET = "raw-bucket-test"
OWNER = re.compile(r"dl-(\d+)-[0-9a-f]{16}")


@pytest.fixture(autouse=True)
def fresh_ledger(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts with a process ledger holding nothing (other tests' files are not ours)."""
    monkeypatch.setattr(_download_budget, "_ledger", _download_budget.DownloadLedger())
    monkeypatch.delenv("DATALAKE_DOWNLOAD_BUDGET_BYTES", raising=False)
    yield


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "dl"


@pytest.fixture
def s3(mocked_aws: None, root: Path) -> S3Interface:
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
    interface = S3Interface()
    interface.download_root = str(root)
    return interface


def put(key: str, body: bytes = b"data", bucket: str = BUCKET) -> None:
    boto3.client("s3", region_name="us-east-1").put_object(Bucket=bucket, Key=key, Body=body)


def parts_below_bucket(path: str, root: Path) -> list[str]:
    """``[interface dir, key dir, file name]`` of a download path, checking the bucket level."""
    relative = Path(path).relative_to(root / BUCKET)
    assert len(relative.parts) == 3, path
    assert OWNER.fullmatch(relative.parts[0]) and OWNER.fullmatch(relative.parts[0]).group(1) == str(os.getpid())
    return list(relative.parts)


# ---------------------------------------------------------------------------- the path rule, literally
@pytest.mark.parametrize(
    ("stored_key", "key_dir", "name"),
    [
        ("engineering/legislators/persons.json", "engineering%2Flegislators%2Fpersons.json", "persons.json"),
        ("team//x.csv", "team%2F%2Fx.csv", "x.csv"),
        ("a/./b/../c.txt", "a%2F.%2Fb%2F..%2Fc.txt", "c.txt"),
        ("../escape.txt", "..%2Fescape.txt", "escape.txt"),
        ("team/../../escape.txt", "team%2F..%2F..%2Fescape.txt", "escape.txt"),
        ("/etc/passwd", "%2Fetc%2Fpasswd", "passwd"),
        ("./x.csv", ".%2Fx.csv", "x.csv"),
        ("team/ds/", "team%2Fds%2F", "_"),
        ("/", "%2F", "_"),
        (".", "%2E", "%2E"),
        ("..", "%2E%2E", "%2E%2E"),
        ("team/..", "team%2F..", "%2E%2E"),
        ("team/.", "team%2F.", "%2E"),
        ("100%.csv", "100%25.csv", "100%.csv"),
        ("a=b~c_d-e.f", "a%3Db~c_d-e.f", "a=b~c_d-e.f"),
        ("é/ü 1.csv", "%C3%A9%2F%C3%BC%201.csv", "ü 1.csv"),
        ("%2E%2E/x", "%252E%252E%2Fx", "x"),
    ],
)
def test_every_legal_key_downloads_to_its_own_directory(s3, root, stored_key, key_dir, name) -> None:
    put(stored_key, stored_key.encode())
    local = s3.download_object(BUCKET, stored_key, decode_key=False)
    assert parts_below_bucket(local, root)[1:] == [key_dir, name]
    assert Path(local).read_bytes() == stored_key.encode()
    assert os.path.realpath(local) == local  # no link anywhere on the way


@pytest.mark.parametrize(
    ("event_key", "key_dir", "name"),
    [
        ("team/ds/my+file.csv", "team%2Fds%2Fmy%20file.csv", "my file.csv"),
        ("team/ds/a%2Bb.csv", "team%2Fds%2Fa%2Bb.csv", "a+b.csv"),
        ("..%2F..%2Fescape.txt", "..%2F..%2Fescape.txt", "escape.txt"),
        ("%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "passwd"),
    ],
)
def test_event_keys_are_decoded_before_mapping(s3, root, event_key, key_dir, name) -> None:
    from urllib.parse import unquote_plus

    put(unquote_plus(event_key), b"decoded")
    local = s3.download_object(BUCKET, event_key)
    assert parts_below_bucket(local, root)[1:] == [key_dir, name]
    assert Path(local).read_bytes() == b"decoded"


def test_a_key_and_a_folder_of_the_same_name_both_download(s3, root) -> None:
    bodies = {"team/data": b"file", "team/data/inner.csv": b"inner", "team/data/": b"", "team/data/x/": b"m"}
    for key, body in bodies.items():
        put(key, body)
    paths = {key: s3.download_object(BUCKET, key) for key in bodies}
    assert {key: parts_below_bucket(p, root)[1:] for key, p in paths.items()} == {
        "team/data": ["team%2Fdata", "data"],
        "team/data/inner.csv": ["team%2Fdata%2Finner.csv", "inner.csv"],
        "team/data/": ["team%2Fdata%2F", "_"],
        "team/data/x/": ["team%2Fdata%2Fx%2F", "_"],
    }
    assert {key: Path(p).read_bytes() for key, p in paths.items()} == bodies


def test_long_segments_keep_their_extension_and_stay_distinct(s3, root) -> None:
    long_ascii = "team/" + "n" * 300 + ".csv"
    long_utf8 = "team/" + "ü" * 200 + ".txt"  # 2 bytes per ü: 404 bytes of file name
    no_extension = "team/" + "z" * 400
    deep = "a/" * 511 + "b"  # 1023 bytes, 512 segments
    for key in (long_ascii, long_utf8, no_extension, deep):
        put(key, key.encode()[:10])
    names = {}
    for key in (long_ascii, long_utf8, no_extension, deep):
        local = s3.download_object(BUCKET, key, decode_key=False)
        assert Path(local).read_bytes() == key.encode()[:10]
        names[key] = parts_below_bucket(local, root)[1:]
    # file names: at most 246 bytes (255 minus s3transfer's ".xxxxxxxx" temporary suffix)
    assert names[long_ascii][1] == "n" * 242 + ".csv"
    assert names[long_utf8][1] == "ü" * 121 + ".txt"
    assert names[no_extension][1] == "z" * 246
    assert names[deep][1] == "b"
    # key directories longer than 255 bytes: a 222-character readable prefix, "=", 32 hex of SHA-256
    digest = hashlib.sha256(long_ascii.encode()).hexdigest()[:32]
    assert names[long_ascii][0] == "team%2F" + "n" * 215 + "=" + digest
    deep_dir = names[deep][0]
    assert deep_dir == "a%2F" * 55 + "a=" + hashlib.sha256(deep.encode()).hexdigest()[:32]
    assert all(len(n.encode()) <= 255 for pair in names.values() for n in pair)


def test_prefix_cut_never_splits_an_escape(s3) -> None:
    key = "x" + "é" * 100  # 601 characters once encoded: x, then %C3%A9 repeated
    name = s3.local_path_for(BUCKET, key, decode_key=False).split(os.sep)[-2]
    head, _, digest = name.partition("=")
    # 222 characters would end in "%A": the prefix stops before that escape
    assert head == "x" + "%C3%A9" * 36 + "%C3"
    assert digest == hashlib.sha256(key.encode()).hexdigest()[:32]


def test_two_interfaces_downloading_the_same_key_get_two_files(s3, root, mocked_aws) -> None:
    put("team/ds/persons.json", b"v1")
    other = S3Interface()
    other.download_root = str(root)
    mine = s3.download_object(BUCKET, "team/ds/persons.json")
    theirs = other.download_object(BUCKET, "team/ds/persons.json")
    assert mine != theirs
    assert parts_below_bucket(mine, root)[1:] == parts_below_bucket(theirs, root)[1:]
    assert PurePath(mine).name == PurePath(theirs).name == "persons.json"
    assert s3.cleanup_downloads() == 1
    assert not os.path.exists(mine) and Path(theirs).read_bytes() == b"v1"
    assert other.cleanup_downloads() == 1
    assert not os.path.exists(theirs)


def test_downloading_a_key_again_replaces_the_file(s3) -> None:
    put("k.csv", b"old")
    first = s3.download_object(BUCKET, "k.csv")
    put("k.csv", b"new")
    again = s3.download_object(BUCKET, "k.csv")
    assert again == first and Path(again).read_bytes() == b"new"
    assert s3.cleanup_downloads() == 1


def test_stage_code_derives_its_output_name_from_the_file_name(s3, root) -> None:
    """SDLF's process Lambdas write ``{path without suffix}_parsed.json`` next to the download and
    upload it under its file name; each key's directory keeps those files apart."""
    put("engineering/legislators/persons.json", b"[]")
    put("engineering/legislators/persons_parsed.json", b"raw parsed")
    local = s3.download_object(BUCKET, "engineering/legislators/persons.json")
    other = s3.download_object(BUCKET, "engineering/legislators/persons_parsed.json")
    output = f"{PurePath(local).with_suffix('')}_parsed.json"
    Path(output).write_text("[1]")
    assert PurePath(output).name == "persons_parsed.json"
    assert Path(other).read_bytes() == b"raw parsed"  # the stage's output did not overwrite it
    assert s3.cleanup_downloads() == 2
    assert Path(output).read_text() == "[1]"  # files the stage wrote are the stage's


# ---------------------------------------------------------------------------- permissions and links
def test_files_are_0600_and_directories_0700_whatever_the_umask(s3, root) -> None:
    put("team/x.csv")
    previous = os.umask(0)
    try:
        local = s3.download_object(BUCKET, "team/x.csv")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(local).st_mode) == 0o600
    key_dir = Path(local).parent
    for directory in (key_dir, key_dir.parent, key_dir.parent.parent):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory


def test_a_symlinked_bucket_directory_is_refused(s3, root, tmp_path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    root.mkdir()
    os.symlink(outside, root / BUCKET)
    put("x.csv")
    with pytest.raises(DownloadError, match="not a directory"):
        s3.download_object(BUCKET, "x.csv")
    assert list(outside.iterdir()) == []


def test_a_symlink_named_like_a_key_directory_is_never_followed(s3, root, tmp_path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (root / BUCKET).mkdir(parents=True)
    os.symlink(outside, root / BUCKET / "link")  # where a mirrored "link/x.csv" would have gone
    put("link/x.csv", b"x")
    local = s3.download_object(BUCKET, "link/x.csv")
    assert Path(local).read_bytes() == b"x" and list(outside.iterdir()) == []


def test_a_planted_key_directory_link_is_refused(s3, root, tmp_path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    put("team/x.csv")
    key_dir = Path(s3.local_path_for(BUCKET, "team/x.csv")).parent
    key_dir.parent.mkdir(parents=True)
    os.symlink(outside, key_dir)
    with pytest.raises(DownloadError, match="not a directory"):
        s3.download_object(BUCKET, "team/x.csv")
    assert list(outside.iterdir()) == []


def test_a_planted_file_link_is_replaced_not_followed(s3, root, tmp_path) -> None:
    target = tmp_path / "victim.txt"
    target.write_text("precious")
    put("team/x.csv", b"downloaded")
    local = Path(s3.local_path_for(BUCKET, "team/x.csv"))
    local.parent.mkdir(parents=True)
    os.symlink(target, local)
    assert s3.download_object(BUCKET, "team/x.csv") == str(local)
    assert not local.is_symlink() and local.read_bytes() == b"downloaded"
    assert target.read_text() == "precious"


def test_a_bucket_directory_others_can_write_is_refused_unless_sticky(s3, root) -> None:
    put("x.csv")
    (root / BUCKET).mkdir(parents=True)
    os.chmod(root / BUCKET, 0o777)
    with pytest.raises(DownloadError, match="other users can write"):
        s3.download_object(BUCKET, "x.csv")
    os.chmod(root / BUCKET, 0o777 | stat.S_ISVTX)  # like /tmp: others cannot touch our entries
    assert Path(s3.download_object(BUCKET, "x.csv")).read_bytes() == b"data"


# ---------------------------------------------------------------------------- cleanup
def test_cleanup_removes_only_this_interfaces_downloads(s3, root, mocked_aws) -> None:
    put("team/a/x.csv")
    put("team/b/y.csv")
    foreign = root / BUCKET / "someone-else" / "keep.txt"
    foreign.parent.mkdir(parents=True)
    foreign.write_text("not ours")
    other = S3Interface()
    other.download_root = str(root)
    theirs = other.download_object(BUCKET, "team/a/x.csv")
    mine = [s3.download_object(BUCKET, "team/a/x.csv"), s3.download_object(BUCKET, "team/b/y.csv")]
    beside = Path(mine[0]).with_name("x_parsed.json")
    beside.write_text("stage output")
    assert s3.cleanup_downloads() == 2
    assert not any(os.path.exists(p) for p in mine)
    assert foreign.read_text() == "not ours" and Path(theirs).exists() and beside.exists()
    assert not Path(mine[1]).parent.exists()  # the emptied key directory went
    assert s3.cleanup_downloads() == 0
    beside.unlink()
    assert other.cleanup_downloads() == 1
    assert sorted(p.name for p in (root / BUCKET).iterdir()) == sorted(["someone-else", Path(mine[0]).parent.parent.name])


def test_cleanup_after_the_stage_deleted_a_file_itself(s3) -> None:
    put("a.csv")
    put("b.csv")
    os.unlink(s3.download_object(BUCKET, "a.csv"))
    s3.download_object(BUCKET, "b.csv")
    assert s3.cleanup_downloads() == 1


def test_a_failed_download_leaves_no_directory_and_no_budget(s3, root) -> None:
    with pytest.raises(ObjectNotFoundError):
        s3.download_object(BUCKET, "team/missing.csv")
    assert list(root.rglob("*")) == []
    assert _download_budget.ledger().on_disk() == 0


def test_default_root_is_the_environment_variable_then_the_temp_dir(mocked_aws, monkeypatch, tmp_path) -> None:
    import tempfile

    interface = S3Interface()
    path = interface.local_path_for("b-b-b", "k/x.csv")
    owner = Path(path).parts[-3]
    assert path == str(tmp_path / "ephemeral" / "b-b-b" / owner / "k%2Fx.csv" / "x.csv")
    monkeypatch.delenv("DATALAKE_DOWNLOAD_DIR")
    assert interface.local_path_for("b-b-b", "k/x.csv") == os.path.join(
        os.path.realpath(tempfile.gettempdir()), "b-b-b", owner, "k%2Fx.csv", "x.csv"
    )
    other = os.path.join(tmp_path, "elsewhere")
    assert interface.local_path_for("b-b-b", "k/x.csv", download_dir=other) == os.path.join(
        other, "b-b-b", owner, "k%2Fx.csv", "x.csv"
    )


def test_access_point_arns_are_one_directory(mocked_aws) -> None:
    arn = "arn:aws:s3:us-east-1:123456789012:accesspoint/my-ap"
    path = Path(S3Interface().local_path_for(arn, "k.csv"))
    assert path.parts[-4] == "arn%3Aaws%3As3%3Aus-east-1%3A123456789012%3Aaccesspoint%2Fmy-ap"


# ---------------------------------------------------------------------------- the budget
def test_oldest_downloads_of_the_process_are_evicted_to_fit_the_budget(s3, root, monkeypatch, mocked_aws) -> None:
    monkeypatch.setenv("DATALAKE_DOWNLOAD_BUDGET_BYTES", "250")
    for key in ("k1", "k2", "k3", "k4"):
        put(key, b"x" * 100)
    other = S3Interface()
    other.download_root = str(root)
    first = other.download_object(BUCKET, "k1")  # another interface of the same process
    second = s3.download_object(BUCKET, "k2")
    assert os.path.exists(first) and os.path.exists(second)
    third = s3.download_object(BUCKET, "k3")  # 300 > 250: k1 goes, the oldest
    assert [os.path.exists(p) for p in (first, second, third)] == [False, True, True]
    assert not Path(first).parent.exists()
    fourth = s3.download_object(BUCKET, "k4")
    assert [os.path.exists(p) for p in (second, third, fourth)] == [False, True, True]
    assert other.cleanup_downloads() == 0  # its file was already evicted
    assert s3.cleanup_downloads() == 2


def test_files_beside_a_download_and_foreign_files_are_never_evicted(s3, root, monkeypatch) -> None:
    monkeypatch.setenv("DATALAKE_DOWNLOAD_BUDGET_BYTES", "150")
    put("k1", b"x" * 100)
    put("k2", b"y" * 100)
    foreign = root / BUCKET / "other-process" / "big.bin"
    foreign.parent.mkdir(parents=True)
    foreign.write_bytes(b"z" * 1000)
    first = s3.download_object(BUCKET, "k1")
    beside = Path(first).with_name("k1_parsed.json")
    beside.write_text("output")
    s3.download_object(BUCKET, "k2")
    assert not os.path.exists(first)
    assert beside.read_text() == "output" and foreign.stat().st_size == 1000


def test_an_object_larger_than_the_budget_is_kept_until_the_next_download(s3, monkeypatch, caplog) -> None:
    monkeypatch.setenv("DATALAKE_DOWNLOAD_BUDGET_BYTES", "100")
    put("small", b"s" * 50)
    put("big", b"b" * 300)
    small = s3.download_object(BUCKET, "small")
    with caplog.at_level(logging.WARNING, logger="datalake_library"):
        big = s3.download_object(BUCKET, "big")
    assert not os.path.exists(small) and Path(big).stat().st_size == 300
    assert "DATALAKE_DOWNLOAD_BUDGET_BYTES" in caplog.text and "300 bytes" in caplog.text
    again = s3.download_object(BUCKET, "small")
    assert not os.path.exists(big) and os.path.exists(again)


def test_the_budget_defaults_to_256_mib_and_bad_values_name_the_variable(monkeypatch) -> None:
    assert _download_budget.download_budget() == 268_435_456
    monkeypatch.setenv("DATALAKE_DOWNLOAD_BUDGET_BYTES", "1048576")
    assert _download_budget.download_budget() == 1_048_576
    for bad in ("lots", "0", "-5", "1.5"):
        monkeypatch.setenv("DATALAKE_DOWNLOAD_BUDGET_BYTES", bad)
        with pytest.raises(ConfigurationError, match="DATALAKE_DOWNLOAD_BUDGET_BYTES") as info:
            _download_budget.download_budget()
        assert info.value.parameter == "DATALAKE_DOWNLOAD_BUDGET_BYTES"


def test_a_running_transfer_evicts_as_its_bytes_arrive(tmp_path) -> None:
    """The progress callback counts received bytes, so older files go before the new one lands."""
    ledger = _download_budget.DownloadLedger()
    old = tmp_path / "o" / "k" / "old"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"o" * 100)
    ticket, _ = ledger.start(1000)
    ledger.finish(ticket, str(old), 100, "owner", str(tmp_path), 1000)
    ticket, progress = ledger.start(250)
    progress(100)
    assert old.exists() and ledger.on_disk() == 200
    progress(100)  # 300 > 250 while still running
    assert not old.exists() and not old.parent.exists() and ledger.on_disk() == 200
    progress(-150)  # s3transfer rewinds on a retried GET
    assert ledger.on_disk() == 50
    ledger.finish(ticket, None, 0, "owner", str(tmp_path), 250)  # failed: nothing held
    assert ledger.on_disk() == 0 and ledger.paths() == []


def test_a_nul_character_is_spelled_out(s3, root) -> None:
    path = s3.local_path_for(BUCKET, "team/x\x00.csv", decode_key=False)
    assert parts_below_bucket(path, root)[1:] == ["team%2Fx%00.csv", "x%00.csv"]
    assert parts_below_bucket(s3.local_path_for(BUCKET, "team/x%00.csv"), root)[1:] == [
        "team%2Fx%00.csv",
        "x%00.csv",
    ]


def test_a_failed_download_again_keeps_the_earlier_file(s3) -> None:
    put("team/x.csv", b"first")
    local = s3.download_object(BUCKET, "team/x.csv")
    boto3.client("s3", region_name="us-east-1").delete_object(Bucket=BUCKET, Key="team/x.csv")
    with pytest.raises(ObjectNotFoundError):
        s3.download_object(BUCKET, "team/x.csv")
    assert Path(local).read_bytes() == b"first"
    assert s3.cleanup_downloads() == 1


def test_a_bad_budget_setting_fails_before_anything_is_created(s3, root, monkeypatch) -> None:
    put("x.csv")
    monkeypatch.setenv("DATALAKE_DOWNLOAD_BUDGET_BYTES", "half a gig")
    with pytest.raises(ConfigurationError, match="DATALAKE_DOWNLOAD_BUDGET_BYTES='half a gig'"):
        s3.download_object(BUCKET, "x.csv")
    assert not root.exists()


def test_a_forked_child_gets_its_own_directory_and_an_empty_ledger(s3, root, monkeypatch) -> None:
    put("k.csv", b"parent")
    parent_path = s3.download_object(BUCKET, "k.csv")
    parent_pid = os.getpid()
    monkeypatch.setattr(os, "getpid", lambda: parent_pid + 1)  # what the child sees after fork
    _download_budget._reset_after_fork()  # what os.register_at_fork runs in the child
    child_path = s3.download_object(BUCKET, "k.csv")
    assert Path(child_path).parts[-3].startswith(f"dl-{parent_pid + 1}-") and child_path != parent_path
    assert s3.cleanup_downloads() == 1  # the child's ledger knows only the child's download
    assert Path(parent_path).read_bytes() == b"parent" and not os.path.exists(child_path)


def test_concurrent_downloads_from_threads_are_all_kept_and_counted(s3, root) -> None:
    from concurrent.futures import ThreadPoolExecutor

    keys = [f"team/{n}/part-{n % 3}.csv" for n in range(24)]
    for n, key in enumerate(keys):
        put(key, b"x" * (n + 1))
    with ThreadPoolExecutor(max_workers=6) as pool:
        paths = list(pool.map(lambda key: s3.download_object(BUCKET, key), keys))
    assert len(set(paths)) == 24
    assert [Path(p).stat().st_size for p in paths] == [n + 1 for n in range(24)]
    assert _download_budget.ledger().on_disk() == sum(range(1, 25))
    assert s3.cleanup_downloads() == 24
    assert _download_budget.ledger().on_disk() == 0
