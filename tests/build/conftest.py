"""Fixtures for the build tests: a throw-away copy of the build script with fake external tools.

This machine has no Docker engine, so build.sh is exercised two ways: ``--dry-run`` (the command
sequence it prints) and a real run with ``docker``/``curl``/``aws``/``git`` replaced by small fakes on
PATH that record every call and answer like the real tools. The fakes let the tests drive the
failure paths (no engine, a failed smoke request) that a dry run cannot reach.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_SH = ROOT / "build.sh"
EVENTS_DIR = ROOT / "tests" / "events"
BASH = shutil.which("bash") or "/bin/bash"


def tool(name: str) -> str:
    """A command-line tool installed with the test environment (hadolint, shellcheck), wherever it is.

    Looked up next to the running interpreter first (the venv's ``bin``, wherever the venv lives),
    then on PATH; never assumed to be in the checkout's ``.venv``.
    """
    import sys

    found = shutil.which(name, path=os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")]))
    if found is None:
        pytest.fail(f"{name} is not installed (requirements-dev.txt installs it into the environment)")
    return found

#: Settings build.sh reads; removed from the inherited environment so each test states its own.
BUILD_SETTINGS = (
    "LETSDATA_ECR_ACCOUNT",
    "AWS_REGION",
    "LETSDATA_ECR_REPOSITORY",
    "AWS_PROFILE",
    "LETSDATA_SMOKE_PORT",
    "LETSDATA_SMOKE_TIMEOUT",
    "LETSDATA_BUILD_CONFIG",
)

GOOD_SETTINGS = {
    "LETSDATA_ECR_ACCOUNT": "123456789012",
    "AWS_REGION": "eu-west-1",
    "LETSDATA_ECR_REPOSITORY": "letsdata/bridge",
}

FAKE_CONTAINER_ID = "c0ffee0123456789"
FAKE_SHA = "abcdef123456"

# Each fake appends one line "<tool> <args...>" to $FAKE_LOG.
FAKE_DOCKER = f"""#!/usr/bin/env bash
printf 'docker %s\\n' "$*" >>"$FAKE_LOG"
case "$1" in
  info) exit "${{FAKE_DOCKER_INFO_RC:-0}}" ;;
  run) echo {FAKE_CONTAINER_ID} ;;
  inspect) echo true ;;
  login) cat >/dev/null; echo "Login Succeeded" ;;
  stop|rm) echo "$2" ;;
esac
exit 0
"""

# Readiness polls (no --data-binary) succeed; a POST answers with the event's expected substring
# inside an error envelope (FAKE_CURL_MODE=good), with the stub reply whatever the event (stub), with\n# an unrelated body (bad), or fails (http-error).
FAKE_CURL = """#!/usr/bin/env bash
printf 'curl %s\\n' "$*" >>"$FAKE_LOG"
event=""
while (($#)); do
  if [[ $1 == --data-binary ]]; then event="${2#@}"; fi
  shift
done
[[ -n $event ]] || exit 0
case "${FAKE_CURL_MODE:-good}" in
  good) printf '{"StatusCode": 500, "body": {"errorMessage": "%s"}}' "$(head -n 1 "${event%.json}.expected")" ;;
  stub) printf '{"StatusCode": 500, "body": {"errorMessage": "Not Yet Implemented"}}' ;;
  bad) printf '{"StatusCode": 200, "body": {"data": []}}' ;;
  http-error) echo "curl: (22) The requested URL returned error: 502" >&2; exit 22 ;;
esac
"""

FAKE_AWS = """#!/usr/bin/env bash
printf 'aws %s\\n' "$*" >>"$FAKE_LOG"
echo fake-ecr-password
"""

FAKE_GIT = f"""#!/usr/bin/env bash
printf 'git %s\\n' "$*" >>"$FAKE_LOG"
case "$*" in
  *rev-parse*) echo {FAKE_SHA} ;;
  *status*) [[ -z ${{FAKE_GIT_DIRTY:-}} ]] || echo " M build.sh" ;;
esac
"""


@dataclass
class BuildRun:
    returncode: int
    stdout: str
    stderr: str
    calls: list[str]

    def commands(self, tool: str) -> list[str]:
        return [call for call in self.calls if call.split(" ", 1)[0] == tool]


def clean_environment(extra: Mapping[str, str]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in BUILD_SETTINGS}
    env.update(extra)
    return env


@pytest.fixture
def build_tree(tmp_path: Path) -> Path:
    """A copy of build.sh with its own tests/events: the nine captured requests plus expectations."""
    root = tmp_path / "repo"
    events = root / "tests" / "events"
    events.mkdir(parents=True)
    shutil.copy2(BUILD_SH, root / "build.sh")
    (root / "dockerfile").write_text((ROOT / "dockerfile").read_text())
    for event in sorted(EVENTS_DIR.glob("*.json")):
        shutil.copy2(event, events / event.name)
        (events / f"{event.stem}.expected").write_text("Not Yet Implemented\n")
    return root


@pytest.fixture
def fake_tools(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in {"docker": FAKE_DOCKER, "curl": FAKE_CURL, "aws": FAKE_AWS, "git": FAKE_GIT}.items():
        path = bin_dir / name
        path.write_text(text)
        path.chmod(0o755)
    return bin_dir


@pytest.fixture
def run_build(tmp_path: Path, fake_tools: Path) -> Callable[..., BuildRun]:
    """Run ``build.sh`` (from ``root``) with the fake tools first on PATH."""

    def run(root: Path, *args: str, fakes: bool = True, **env: str) -> BuildRun:
        log = tmp_path / "calls.log"
        log.write_text("")
        extra = {"FAKE_LOG": str(log), **env}
        if fakes:
            extra["PATH"] = f"{fake_tools}{os.pathsep}{os.environ['PATH']}"
        proc = subprocess.run(
            [BASH, str(root / "build.sh"), *args],
            capture_output=True,
            text=True,
            env=clean_environment(extra),
            timeout=60,
            check=False,
        )
        return BuildRun(proc.returncode, proc.stdout, proc.stderr, log.read_text().splitlines())

    return run
