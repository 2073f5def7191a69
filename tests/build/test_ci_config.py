"""buildspec.yml and .devcontainer/devcontainer.json: well-formed, and everything they call exists."""

from __future__ import annotations

import json
import re
import shlex

import yaml

from tests.build.conftest import ROOT

BUILDSPEC = ROOT / "buildspec.yml"
DEVCONTAINER = ROOT / ".devcontainer" / "devcontainer.json"


def make_targets() -> set[str]:
    return set(re.findall(r"^([A-Za-z][\w-]*):", (ROOT / "Makefile").read_text(), re.MULTILINE))


def buildspec() -> dict:
    data = yaml.safe_load(BUILDSPEC.read_text())
    assert isinstance(data, dict)
    return data


def commands(phase: str) -> list[str]:
    return list(buildspec()["phases"][phase]["commands"])


def test_buildspec_shape_and_runtimes() -> None:
    spec = buildspec()
    assert str(spec["version"]) == "0.2"
    assert list(spec["phases"]) == ["install", "pre_build", "build"]
    runtimes = spec["phases"]["install"]["runtime-versions"]
    assert str(runtimes["python"]) == "3.12"
    assert runtimes["java"] == "corretto17"  # the Spark tests in `make test` need a JVM
    assert spec["env"]["shell"] == "bash"
    for phase in ("pre_build", "build"):
        assert spec["phases"][phase]["on-failure"] == "ABORT"
    assert spec["env"]["variables"]["LAYER_SSM_PARAMETER"] == "/SDLF/Lambda/LatestDatalakeLibraryLayer"
    assert spec["artifacts"]["files"] == ["dist/datalake_library-layer.zip"]


def test_buildspec_installs_tests_builds_then_publishes_in_that_order() -> None:
    sequence = commands("install") + commands("pre_build") + commands("build")
    joined = "\n".join(sequence)
    assert sequence.index("make venv") < sequence.index("make test") < sequence.index("make layer")
    assert joined.index("make layer") < joined.index("publish_layer.py --zip dist/datalake_library-layer.zip")
    # The branch check runs before the (long) test suite.
    assert joined.index("--print-environment") < joined.index("make test")


def test_every_make_target_and_script_the_buildspec_calls_exists() -> None:
    targets = make_targets()
    called = 0
    for command in commands("install") + commands("pre_build") + commands("build"):
        words = shlex.split(command)
        if words[0] == "make":
            for target in (w for w in words[1:] if not w.startswith("-") and "=" not in w):
                assert target in targets, f"buildspec calls `make {target}`, which the Makefile lacks"
                called += 1
        for word in words:
            if word.startswith("scripts/") or word.endswith((".py", ".sh")):
                path = ROOT / word
                assert path.is_file(), f"buildspec calls {word}, which does not exist"
                called += 1
    assert called >= 5
    # The layer zip the buildspec publishes and keeps is the one `make layer` writes.
    from tests.build.test_publish_layer import build_layer

    written = build_layer.DEFAULT_OUTPUT.relative_to(ROOT).as_posix()
    assert written == "dist/datalake_library-layer.zip"
    assert f"--zip {written}" in "\n".join(commands("build"))


def test_devcontainer_installs_the_dev_environment() -> None:
    config = json.loads(DEVCONTAINER.read_text())
    assert re.search(r"python:.*3\.12", config["image"])
    java = config["features"]["ghcr.io/devcontainers/features/java:1"]
    assert java["version"] == "17"
    command = config["postCreateCommand"]
    assert command == "make venv" and "venv" in make_targets()
    vscode = config["customizations"]["vscode"]
    assert vscode["settings"]["python.defaultInterpreterPath"].endswith("/.venv/bin/python")
    assert {"ms-python.python", "charliermarsh.ruff", "ms-python.mypy-type-checker"} <= set(vscode["extensions"])
    assert "ms-toolsai.jupyter" not in vscode["extensions"]
