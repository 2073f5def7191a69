"""S3Interface against moto: safe mirrored downloads, managed transfers, restored helpers."""

from __future__ import annotations

import io
import os
from datetime import datetime
from pathlib import Path

import boto3
import pytest
from boto3.s3.transfer import TransferConfig
from botocore.stub import Stubber

from datalake_library import DataLakeClient, S3Interface
from datalake_library.datalake_exceptions import ObjectDeleteFailedException
from datalake_library.errors import (
    BucketNotFoundError,
    DatalakeLibraryError,
    InvalidArgumentError,
    InvalidArgumentTypeError,
    MissingArgumentError,
    ObjectNotFoundError,
)
from tests.datalake_library.helpers import counting_session

BUCKET = "raw-bucket-test"


@pytest.fixture
def s3(mocked_aws, tmp_path) -> S3Interface:
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket=BUCKET)
    interface = S3Interface()
    interface.download_root = str(tmp_path / "dl")
    return interface


def put(key: str, body: bytes = b"data", bucket: str = BUCKET) -> None:
    boto3.client("s3", region_name="us-east-1").put_object(Bucket=bucket, Key=key, Body=body)


def test_download_keeps_the_file_name_and_other_downloads(s3, tmp_path) -> None:
    put("engineering/legislators/a/persons.json", b"one")
    put("engineering/legislators/b/persons.json", b"two")
    first = s3.download_object(BUCKET, "engineering/legislators/a/persons.json")
    second = s3.download_object(BUCKET, "engineering/legislators/b/persons.json")
    owner = Path(first).parts[-3]
    root = tmp_path / "dl" / BUCKET / owner
    assert first == str(root / "engineering%2Flegislators%2Fa%2Fpersons.json" / "persons.json")
    assert second == str(root / "engineering%2Flegislators%2Fb%2Fpersons.json" / "persons.json")
    assert Path(first).read_bytes() == b"one" and Path(second).read_bytes() == b"two"  # both survive


@pytest.mark.parametrize(
    ("object_key", "event_key", "local_name"),
    [
        ("team/ds/my file.csv", "team/ds/my+file.csv", "my file.csv"),
        ("team/ds/a+b.csv", "team/ds/a%2Bb.csv", "a+b.csv"),
        ("team/ds/100%.csv", "team/ds/100%25.csv", "100%.csv"),
        ("team/ds/é ü.csv", "team/ds/%C3%A9+%C3%BC.csv", "é ü.csv"),
    ],
)
def test_download_decodes_event_keys(s3, object_key, event_key, local_name) -> None:
    put(object_key, b"x")
    local = s3.download_object(BUCKET, event_key)
    assert os.path.basename(local) == local_name and Path(local).read_bytes() == b"x"


def test_decode_key_false_uses_the_key_verbatim(s3) -> None:
    put("team/ds/a+b.csv", b"plus")
    local = s3.download_object(BUCKET, "team/ds/a+b.csv", decode_key=False)
    assert os.path.basename(local) == "a+b.csv" and Path(local).read_bytes() == b"plus"
    put("team/..%2Fx", b"literal")  # with decoding off, %2F is just three characters
    local = s3.download_object(BUCKET, "team/..%2Fx", decode_key=False)
    assert local.endswith("/team%2F..%252Fx/..%2Fx") and Path(local).read_bytes() == b"literal"


def test_bad_bucket_names_and_types(s3) -> None:
    for bucket in ("..", "a/b"):
        with pytest.raises(InvalidArgumentError, match="bucket"):
            s3.download_object(bucket, "k.csv")
    with pytest.raises(MissingArgumentError, match="bucket"):
        s3.download_object(None, "k.csv")  # type: ignore[arg-type]
    with pytest.raises(MissingArgumentError, match="key"):
        s3.download_object(BUCKET, "")
    with pytest.raises(InvalidArgumentTypeError, match="key must be a str"):
        s3.download_object(BUCKET, 42)  # type: ignore[arg-type]


def test_missing_object_and_bucket_are_library_lookup_errors(s3) -> None:
    with pytest.raises(ObjectNotFoundError, match=f"s3://{BUCKET}/nope.csv") as info:
        s3.download_object(BUCKET, "nope.csv")
    assert isinstance(info.value, LookupError)
    with pytest.raises((BucketNotFoundError, ObjectNotFoundError)):
        s3.download_object("no-such-bucket-here", "k.csv")
    with pytest.raises(BucketNotFoundError):
        s3.list_objects("no-such-bucket-here", "x")


def test_upload_with_sse_kms_and_key_not_decoded(s3, tmp_path) -> None:
    key_arn = boto3.client("kms", region_name="us-east-1").create_key()["KeyMetadata"]["Arn"]
    local = tmp_path / "out.json"
    local.write_text("{}")
    s3.upload_object(str(local), BUCKET, "pre-stage/team/ds/a+b.json", kms_key=key_arn)
    head = boto3.client("s3", region_name="us-east-1").head_object(
        Bucket=BUCKET, Key="pre-stage/team/ds/a+b.json"
    )
    assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == key_arn
    s3.upload_object(str(local), BUCKET, "plain.json")
    assert "SSEKMSKeyId" not in boto3.client("s3", region_name="us-east-1").head_object(
        Bucket=BUCKET, Key="plain.json"
    )
    with pytest.raises(InvalidArgumentError, match="not a file"):
        s3.upload_object(str(tmp_path / "missing.json"), BUCKET, "k")
    with pytest.raises(BucketNotFoundError):
        s3.upload_object(str(local), "no-such-bucket-here", "k")


def test_copy_keeps_kms_defaults_dest_key_and_supports_directives(s3) -> None:
    client = boto3.client("s3", region_name="us-east-1")
    key_arn = boto3.client("kms", region_name="us-east-1").create_key()["KeyMetadata"]["Arn"]
    client.create_bucket(Bucket="stage-bucket-test")
    put("team/ds/my file.csv", b"copy me")
    s3.copy_object(BUCKET, "team/ds/my+file.csv", "stage-bucket-test", kms_key=key_arn)
    head = client.head_object(Bucket="stage-bucket-test", Key="team/ds/my file.csv")  # decoded default
    assert head["SSEKMSKeyId"] == key_arn and head["ContentLength"] == 7
    s3.copy_object(
        BUCKET,
        "team/ds/my+file.csv",
        "stage-bucket-test",
        "post/x.csv",
        metadata={"origin": "raw"},
        tagging={"stage": "b", "team": "eng ineering"},
    )
    assert client.head_object(Bucket="stage-bucket-test", Key="post/x.csv")["Metadata"] == {"origin": "raw"}
    tags = client.get_object_tagging(Bucket="stage-bucket-test", Key="post/x.csv")["TagSet"]
    assert {t["Key"]: t["Value"] for t in tags} == {"stage": "b", "team": "eng ineering"}
    with pytest.raises(InvalidArgumentError, match="metadata_directive"):
        s3.copy_object(BUCKET, "k", "stage-bucket-test", metadata_directive="MERGE")
    with pytest.raises(ObjectNotFoundError):
        s3.copy_object(BUCKET, "missing.csv", "stage-bucket-test")


def test_large_copy_goes_through_managed_multipart(mocked_aws) -> None:
    session, recorder = counting_session()
    client = session.client("s3")
    client.create_bucket(Bucket=BUCKET)
    client.create_bucket(Bucket="stage-bucket-test")
    client.put_object(Bucket=BUCKET, Key="big.bin", Body=os.urandom(11 * 1024 * 1024))
    s3 = S3Interface(session=session)
    s3.transfer_config = TransferConfig(
        multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024
    )
    recorder.reset()
    s3.copy_object(
        BUCKET,
        "big.bin",
        "stage-bucket-test",
        "big-copy.bin",
        kms_key="arn:aws:kms:us-east-1:123456789012:key/x",
    )
    operations = recorder.operations("s3")
    assert operations.count("UploadPartCopy") == 3 and "CopyObject" not in operations
    create = recorder.named("CreateMultipartUpload")[0].params
    assert create["ServerSideEncryption"] == "aws:kms"
    assert create["SSEKMSKeyId"] == "arn:aws:kms:us-east-1:123456789012:key/x"
    assert (
        client.head_object(Bucket="stage-bucket-test", Key="big-copy.bin")["ContentLength"]
        == 11 * 1024 * 1024
    )


def test_size_and_last_modified(s3) -> None:
    put("team/x.csv", b"12345")
    size, modified = s3.get_size_and_last_modified(BUCKET, "team/x.csv")
    assert size == 5 and isinstance(size, int)
    assert modified.endswith("+00:00") and datetime.fromisoformat(modified)
    assert s3.get_size(BUCKET, "team/x.csv") == 5
    assert s3.get_last_modified(BUCKET, "team/x.csv") == modified
    with pytest.raises(ObjectNotFoundError):
        s3.get_size(BUCKET, "team/none.csv")


def test_list_objects_decodes_prefix_and_skips_folders(s3) -> None:
    for key in (
        "team/my ds/",
        "team/my ds/a.csv",
        "team/my ds/sub/b.csv",
        "team/other/c.csv",
        "team/my dsx/d.csv",
    ):
        put(key)
    assert sorted(s3.list_objects(BUCKET, "team/my+ds")) == ["team/my ds/a.csv", "team/my ds/sub/b.csv"]
    assert s3.list_objects(BUCKET, "nothing/here") == []


def test_list_objects_paginates_and_tolerates_pages_without_contents(mocked_aws) -> None:
    raw = boto3.client("s3", region_name="us-east-1")
    with Stubber(raw) as stub:
        stub.add_response(
            "list_objects_v2",
            {
                "Contents": [{"Key": "p/a"}, {"Key": "p/dir/"}],
                "IsTruncated": True,
                "NextContinuationToken": "t",
            },
            {"Bucket": BUCKET, "Prefix": "p/"},
        )
        stub.add_response(
            "list_objects_v2",
            {"IsTruncated": False},
            {"Bucket": BUCKET, "Prefix": "p/", "ContinuationToken": "t"},
        )
        assert S3Interface(clients={"s3": raw}).list_objects(BUCKET, "p") == ["p/a"]
        stub.assert_no_pending_responses()


def test_read_and_write_object(s3) -> None:
    key_arn = boto3.client("kms", region_name="us-east-1").create_key()["KeyMetadata"]["Arn"]
    buffer = io.StringIO("line 1\nline 2\n")
    buffer.read()  # write_object rewinds
    s3.write_object(BUCKET, "team/a b.txt", buffer, kms_key=key_arn)
    text = s3.read_object(BUCKET, "team/a+b.txt")
    assert isinstance(text, io.StringIO) and text.read() == "line 1\nline 2\n"
    head = boto3.client("s3", region_name="us-east-1").head_object(Bucket=BUCKET, Key="team/a b.txt")
    assert head["SSEKMSKeyId"] == key_arn
    s3.write_object(BUCKET, "s.txt", "ünïcode")
    s3.write_object(BUCKET, "b.bin", io.BytesIO(b"bytes"))
    assert s3.read_object(BUCKET, "s.txt").getvalue() == "ünïcode"
    assert s3.get_size(BUCKET, "b.bin") == 5
    with pytest.raises(InvalidArgumentTypeError, match="data_object"):
        s3.write_object(BUCKET, "x", 123)
    with pytest.raises(ObjectNotFoundError):
        s3.read_object(BUCKET, "missing.txt")


def test_tag_object(s3) -> None:
    put("team/t.csv")
    s3.tag_object(BUCKET, "team/t.csv", {"classification": "internal", "n": 1})
    tags = boto3.client("s3", region_name="us-east-1").get_object_tagging(Bucket=BUCKET, Key="team/t.csv")[
        "TagSet"
    ]
    assert {t["Key"]: t["Value"] for t in tags} == {"classification": "internal", "n": "1"}
    with pytest.raises(InvalidArgumentTypeError):
        s3.tag_object(BUCKET, "team/t.csv", ["a"])  # type: ignore[arg-type]


def test_delete_objects_by_prefix(s3) -> None:
    for i in range(5):
        put(f"team/del/{i}.csv")
    put("team/keep.csv")
    assert s3.delete_objects(BUCKET, "team/del/") == 5
    assert s3.list_objects(BUCKET, "team") == ["team/keep.csv"]
    assert s3.delete_objects(BUCKET, "team/del/") == 0


def test_delete_objects_reports_failures(mocked_aws) -> None:
    raw = boto3.client("s3", region_name="us-east-1")
    with Stubber(raw) as stub:
        stub.add_response(
            "list_objects_v2", {"Contents": [{"Key": "p/a"}, {"Key": "p/b"}], "IsTruncated": False}
        )
        stub.add_response(
            "delete_objects",
            {"Errors": [{"Key": "p/b", "Code": "AccessDenied", "Message": "denied"}]},
            {"Bucket": BUCKET, "Delete": {"Objects": [{"Key": "p/a"}, {"Key": "p/b"}], "Quiet": True}},
        )
        with pytest.raises(ObjectDeleteFailedException, match="AccessDenied") as info:
            S3Interface(clients={"s3": raw}).delete_objects(BUCKET, "p/")
    assert info.value.failed == [{"Key": "p/b", "Code": "AccessDenied", "Message": "denied"}]
    assert isinstance(info.value, DatalakeLibraryError)


def test_server_mode_stage_a_process_path(sdlf_environment, tmp_path, monkeypatch) -> None:
    """Integration over HTTP: download a raw object, upload the result SSE-KMS to pre-stage."""
    monkeypatch.setenv("DATALAKE_DOWNLOAD_DIR", str(tmp_path))
    env = sdlf_environment
    env.put_raw_object("engineering/legislators/my file+1.json", b'{"id": 1}')
    client = DataLakeClient("engineering", "legislators", stage="a")
    local = client.s3.download_object(env.raw_bucket, "engineering/legislators/my+file%2B1.json")
    assert os.path.basename(local) == "my file+1.json"
    parsed = Path(local).with_name("my file+1_parsed.json")
    parsed.write_text('{"id": 1, "ok": true}')
    client.s3.upload_object(
        str(parsed),
        client.s3.stage_bucket,
        f"pre-stage/engineering/legislators/{parsed.name}",
        kms_key=client.kms.team_data_kms_key,
    )
    head = env.client("s3").head_object(
        Bucket=env.stage_bucket, Key="pre-stage/engineering/legislators/my file+1_parsed.json"
    )
    assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == env.team_data_key_arn


def test_download_dir_argument(s3, tmp_path) -> None:
    put("team/x.csv", b"x")
    local = s3.download_object(BUCKET, "team/x.csv", download_dir=str(tmp_path / "elsewhere"))
    owner = Path(local).parts[-3]
    assert local == str(tmp_path / "elsewhere" / BUCKET / owner / "team%2Fx.csv" / "x.csv")
    assert Path(local).exists()
    assert s3.cleanup_downloads() == 1
    assert not (tmp_path / "elsewhere" / BUCKET).exists() and (tmp_path / "elsewhere").exists()
