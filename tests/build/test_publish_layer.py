"""scripts/publish_layer.py: branch -> environment mapping and publishing against moto."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from tests.build.conftest import ROOT


def load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_script_{name}", ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


publish = load_script("publish_layer")
build_layer = load_script("build_layer")


@pytest.fixture
def layer_zip(tmp_path: Path) -> Path:
    """The real layer, built by the same code as `make layer`."""
    return build_layer.build_layer(tmp_path / "layer.zip").path


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"CODEBUILD_WEBHOOK_HEAD_REF": "refs/heads/dev"}, "dev"),
        ({"CODEBUILD_WEBHOOK_HEAD_REF": "refs/heads/test"}, "test"),
        ({"CODEBUILD_WEBHOOK_HEAD_REF": "refs/heads/main"}, "prod"),
        ({"CODEBUILD_SOURCE_VERSION": "main"}, "prod"),
        ({"CODEBUILD_SOURCE_VERSION": "refs/heads/dev"}, "dev"),
        # The webhook ref wins over the source version (which may be a commit id).
        ({"CODEBUILD_WEBHOOK_HEAD_REF": "refs/heads/test", "CODEBUILD_SOURCE_VERSION": "a" * 40}, "test"),
    ],
)
def test_branches_map_to_environments(environ, expected) -> None:
    assert publish.resolve_environment(environ) == expected


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"CODEBUILD_WEBHOOK_HEAD_REF": "refs/heads/feature/x"}, "branch 'feature/x' is not published"),
        ({"CODEBUILD_SOURCE_VERSION": "0123456789abcdef0123456789abcdef01234567"}, "is not published"),
        ({"CODEBUILD_SOURCE_VERSION": "pr/12"}, "branch 'pr/12' is not published"),
        ({"CODEBUILD_WEBHOOK_HEAD_REF": "refs/heads/prod"}, "only dev -> dev, test -> test, main -> prod"),
        ({}, "neither CODEBUILD_WEBHOOK_HEAD_REF nor CODEBUILD_SOURCE_VERSION is set"),
    ],
)
def test_other_branches_are_refused_clearly(environ, message) -> None:
    with pytest.raises(publish.PublishError, match=message.replace("(", r"\(").replace(")", r"\)")):
        publish.resolve_environment(environ)


def test_explicit_environment_is_validated() -> None:
    assert publish.resolve_environment({}, "test") == "test"
    with pytest.raises(publish.PublishError, match="unknown environment 'main'"):
        publish.resolve_environment({}, "main")


def test_zip_is_checked_before_publishing(tmp_path) -> None:
    with pytest.raises(publish.PublishError, match="run `make layer` first"):
        publish.check_layer_zip(tmp_path / "missing.zip")
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(publish.PublishError, match="is not a zip file"):
        publish.check_layer_zip(tmp_path / "junk.zip")
    with zipfile.ZipFile(tmp_path / "flat.zip", "w") as archive:
        archive.writestr("datalake_library/__init__.py", "")
    with pytest.raises(publish.PublishError, match="python/datalake_library/__init__.py is missing"):
        publish.check_layer_zip(tmp_path / "flat.zip")


def test_publishes_layer_version_and_points_the_parameter_at_it(aws_endpoint, layer_zip) -> None:
    from datalake_library.aws import shared_session

    first = publish.publish_layer(layer_zip, "prod", source_version="f" * 40)
    second = publish.publish_layer(layer_zip, "prod")

    session = shared_session()
    versions = session.client("lambda").list_layer_versions(LayerName="DatalakeLibrary")["LayerVersions"]
    assert sorted(v["Version"] for v in versions) == [first.version, second.version]
    assert second.version == first.version + 1
    latest = session.client("lambda").get_layer_version(LayerName="DatalakeLibrary", VersionNumber=second.version)
    assert latest["LayerVersionArn"] == second.layer_version_arn
    assert latest["CompatibleRuntimes"] == ["python3.12"]
    assert "(prod, zip sha256 " in latest["Description"]
    assert latest["Content"]["CodeSize"] == layer_zip.stat().st_size
    parameter = session.client("ssm").get_parameter(Name="/SDLF/Lambda/LatestDatalakeLibraryLayer")["Parameter"]
    assert parameter["Value"] == second.layer_version_arn  # overwritten, not the first version
    assert parameter["Version"] == 2


def test_publishes_from_the_artifacts_bucket_when_set(aws_endpoint, layer_zip) -> None:
    from datalake_library.aws import shared_session

    s3 = shared_session().client("s3")
    s3.create_bucket(Bucket="sdlf-artifacts-bucket")

    result = publish.publish_layer(layer_zip, "dev", artifacts_bucket="sdlf-artifacts-bucket")

    key = result.content.removeprefix("s3://sdlf-artifacts-bucket/")
    assert key.startswith("layers/DatalakeLibrary/dev/DatalakeLibrary-") and key.endswith(".zip")
    assert s3.get_object(Bucket="sdlf-artifacts-bucket", Key=key)["Body"].read() == layer_zip.read_bytes()
    parameter = shared_session().client("ssm").get_parameter(Name="/SDLF/Lambda/LatestDatalakeLibraryLayer")
    assert parameter["Parameter"]["Value"] == result.layer_version_arn


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CODEBUILD_")}
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "publish_layer.py"), *args],
        capture_output=True, text=True, env={**base, **env}, timeout=120, check=False,
    )


def test_cli_publishes_on_main_and_refuses_a_feature_branch(aws_endpoint, layer_zip) -> None:
    result = run_cli("--zip", str(layer_zip), CODEBUILD_WEBHOOK_HEAD_REF="refs/heads/main")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["environment"] == "prod"
    assert report["layer_version_arn"].endswith(":layer:DatalakeLibrary:1")

    result = run_cli("--zip", str(layer_zip), CODEBUILD_WEBHOOK_HEAD_REF="refs/heads/feature/faster")
    assert result.returncode == 2
    assert "publish_layer: branch 'feature/faster' is not published" in result.stderr

    result = run_cli("--print-environment", CODEBUILD_SOURCE_VERSION="test")
    assert (result.returncode, result.stdout) == (0, "test\n")
