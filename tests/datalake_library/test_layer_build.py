"""``scripts/build_layer.py``: layout, determinism, limits, and the layer importing on its own."""

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

ROOT = Path(__file__).resolve().parents[2]


def _load_build_layer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_layer", ROOT / "scripts" / "build_layer.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_layer"] = module
    spec.loader.exec_module(module)
    return module


build_layer = _load_build_layer()


@pytest.fixture(scope="module")
def layer_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("layer") / "dist" / "datalake_library-layer.zip"
    report = build_layer.build_layer(out)
    assert report.path == out and out.is_file()
    return out


def test_layout_has_python_prefix_and_the_whole_runtime_package(layer_zip: Path) -> None:
    with zipfile.ZipFile(layer_zip) as archive:
        names = archive.namelist()
        assert archive.read("python/__init__.py") == b""
    assert "python/datalake_library/__init__.py" in names
    assert "python/datalake_library/client.py" in names
    assert "python/datalake_library/py.typed" in names
    assert all(n.startswith("python/") for n in names)
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert not any(n.startswith("python/datalake_library/testing/") for n in names)
    source = {
        "python/" + p.relative_to(ROOT).as_posix()
        for p in (ROOT / "datalake_library").rglob("*.py")
        if "__pycache__" not in p.parts and "testing" not in p.relative_to(ROOT / "datalake_library").parts[:1]
    }
    assert source <= set(names)
    assert names == sorted(names, key=lambda n: (n != "python/__init__.py", n))


def test_build_is_deterministic_and_within_limits(layer_zip: Path, tmp_path: Path) -> None:
    again = build_layer.build_layer(tmp_path / "again.zip")
    assert again.sha256 == build_layer.build_layer(tmp_path / "third.zip").sha256
    assert (tmp_path / "again.zip").read_bytes() == layer_zip.read_bytes()
    assert again.zipped_bytes < build_layer.MAX_ZIPPED_BYTES == 50 * 1024 * 1024
    assert again.unzipped_bytes < build_layer.MAX_UNZIPPED_BYTES == 262_144_000
    with zipfile.ZipFile(layer_zip) as archive:
        infos = archive.infolist()
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert sum(i.file_size for i in infos) == again.unzipped_bytes
    assert len(again.version) == 12 and again.sha256.startswith(again.version)


def test_limits_fail_with_a_clear_message_and_leave_no_zip(tmp_path: Path) -> None:
    out = tmp_path / "layer.zip"
    with pytest.raises(build_layer.LayerBuildError, match=r"bytes zipped|above the 1,000-byte limit .*50 MB"):
        build_layer.build_layer(out, max_zipped=1000)
    assert not out.exists() and not list(tmp_path.iterdir())
    with pytest.raises(build_layer.LayerBuildError, match=r"unzipped, above the 1,000-byte limit .*250 MB"):
        build_layer.build_layer(out, max_unzipped=1000)
    assert not out.exists()


def test_missing_package_is_named(tmp_path: Path) -> None:
    with pytest.raises(build_layer.LayerBuildError, match="datalake_library is not a Python package"):
        build_layer.build_layer(tmp_path / "x.zip", source_root=tmp_path)


def test_command_line_reports_and_fails_cleanly(tmp_path: Path) -> None:
    script = str(ROOT / "scripts" / "build_layer.py")
    ok = subprocess.run(
        [sys.executable, script, "--output", str(tmp_path / "l.zip")], capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    assert "bytes zipped" in ok.stdout and (tmp_path / "l.zip").is_file()
    bad = subprocess.run(
        [sys.executable, script, "--output", str(tmp_path / "m.zip"), "--source", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1
    assert bad.stderr.startswith("build_layer: ") and "not a Python package" in bad.stderr


def test_library_imports_and_works_from_the_unzipped_layer_alone(
    layer_zip: Path, tmp_path: Path, sdlf_environment
) -> None:
    opt = tmp_path / "opt"
    with zipfile.ZipFile(layer_zip) as archive:
        archive.extractall(opt)
    import boto3

    boto_site = str(Path(boto3.__file__).resolve().parents[1])
    # -I: no PYTHON* variables, no user site, no cwd; -S: no site-packages (so neither the repo's
    # editable install nor its .pth files); then only /opt/python and the boto3 runtime paths.
    code = f"""
import json, sys
sys.path[:0] = [{str(opt / "python")!r}, {boto_site!r}]
import datalake_library
from datalake_library import DataLakeClient
client = DataLakeClient("engineering", pipeline="main", stage="A")
print(json.dumps({{
    "file": datalake_library.__file__,
    "raw_bucket": client.s3.raw_bucket,
    "queue": client.sqs.stage_queue,
    "repo_on_path": any(p.rstrip("/") == {str(ROOT)!r} for p in sys.path),
}}))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["file"] == str(opt / "python" / "datalake_library" / "__init__.py")
    assert seen["repo_on_path"] is False
    assert seen["raw_bucket"] == sdlf_environment.raw_bucket
    assert seen["queue"] == "sdlf-engineering-main-queue-A.fifo"
