"""build.sh: strict-mode bash that builds, smoke-tests (RIE) and pushes the bridge image.

The real Docker engine is absent here, so the script runs against recording fakes of docker, curl,
aws and git (see conftest.py) and in --dry-run mode; shellcheck checks the script itself.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.build.conftest import (
    BUILD_SH,
    FAKE_CONTAINER_ID,
    FAKE_SHA,
    GOOD_SETTINGS,
    ROOT,
    tool,
)

REGISTRY = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
REMOTE_TEST_IMAGE = f"{REGISTRY}/letsdata/bridge:test-{FAKE_SHA}"
INVOCATIONS_URL = "http://127.0.0.1:9000/2015-03-31/functions/function/invocations"


def event_names(root: Path) -> list[str]:
    return sorted(path.name for path in (root / "tests" / "events").glob("*.json"))


def posted_events(calls: list[str]) -> list[str]:
    found = []
    for call in calls:
        match = re.search(r"--data-binary @(\S+)", call)
        if match:
            found.append(Path(match.group(1)).name)
    return found


def index_of(calls: list[str], prefix: str) -> int:
    for position, call in enumerate(calls):
        if call.startswith(prefix):
            return position
    raise AssertionError(f"no call starting with {prefix!r} in {calls}")


def test_script_uses_bash_strict_mode_and_is_shellcheck_clean() -> None:
    lines = BUILD_SH.read_text().splitlines()
    assert lines[0] == "#!/usr/bin/env bash"
    assert "set -euo pipefail" in lines
    assert BUILD_SH.stat().st_mode & 0o111, "build.sh must be executable"
    result = subprocess.run(
        [tool("shellcheck"), str(BUILD_SH)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_account_profile_or_mutable_tag_is_hard_coded() -> None:
    text = "\n".join(line for line in BUILD_SH.read_text().splitlines() if not line.lstrip().startswith("#"))
    assert not re.search(r"\b\d{12}\b", text), "an AWS account id is hard-coded"
    assert ":latest" not in text
    assert "--profile devLetsData" not in text


def test_full_run_builds_smoke_tests_every_event_then_stops_tags_and_pushes(build_tree, run_build) -> None:
    result = run_build(build_tree, "test", **GOOD_SETTINGS)

    assert result.returncode == 0, result.stderr
    calls = result.calls
    docker_run = next(call for call in calls if call.startswith("docker run"))
    assert "--detach" in docker_run
    assert "--publish 127.0.0.1:9000:8080" in docker_run
    assert "--env LETS_DATA_STAGE=Test" in docker_run
    # Every captured request is posted exactly once, with curl --fail, to the RIE invocation URL.
    assert sorted(posted_events(calls)) == event_names(build_tree)
    for call in calls:
        if "--data-binary" in call:
            assert "--fail" in call and call.endswith(INVOCATIONS_URL)
    # Order: engine check, build, run, readiness, posts, stop (by the id docker run printed), tag, login, push.
    order = [
        index_of(calls, "docker info"),
        index_of(calls, "docker build"),
        index_of(calls, "docker run"),
        index_of(calls, "curl --silent --output /dev/null"),
        index_of(calls, "curl --fail"),
        index_of(calls, f"docker stop {FAKE_CONTAINER_ID}"),
        index_of(calls, "docker tag"),
        index_of(calls, f"docker login --username AWS --password-stdin {REGISTRY}"),
        index_of(calls, f"docker push {REMOTE_TEST_IMAGE}"),
    ]
    assert order == sorted(order), calls
    # The two sides of `aws ecr get-login-password | docker login` run concurrently: either order.
    assert order[6] < index_of(calls, "aws ecr get-login-password --region eu-west-1") < order[-1]
    assert max(i for i, call in enumerate(calls) if call.startswith("curl --fail")) < order[5]
    assert f"docker rm {FAKE_CONTAINER_ID}" in calls
    assert f"docker tag letsdata_python_bridge:test-{FAKE_SHA} {REMOTE_TEST_IMAGE}" in calls
    build = next(call for call in calls if call.startswith("docker build"))
    assert f"--tag letsdata_python_bridge:test-{FAKE_SHA} --pull" in build
    assert f"--label org.opencontainers.image.revision={FAKE_SHA}" in build
    assert not any(":latest" in call for call in calls)
    assert "--profile" not in " ".join(result.commands("aws"))


def test_prod_uses_prod_stage_and_per_environment_settings(build_tree, run_build) -> None:
    result = run_build(
        build_tree,
        "prod",
        **GOOD_SETTINGS,
        LETSDATA_ECR_ACCOUNT_PROD="210987654321",
        AWS_PROFILE="prod-profile",
    )

    assert result.returncode == 0, result.stderr
    assert "--env LETS_DATA_STAGE=Prod" in next(c for c in result.calls if c.startswith("docker run"))
    assert "aws ecr get-login-password --region eu-west-1 --profile prod-profile" in result.calls
    assert f"docker push 210987654321.dkr.ecr.eu-west-1.amazonaws.com/letsdata/bridge:prod-{FAKE_SHA}" in result.calls


@pytest.mark.parametrize("mode", ["bad", "http-error"])
def test_failed_smoke_request_stops_the_container_and_pushes_nothing(build_tree, run_build, mode) -> None:
    result = run_build(build_tree, "test", **GOOD_SETTINGS, FAKE_CURL_MODE=mode)

    assert result.returncode != 0
    assert "smoke test failed for 9 request(s); nothing was pushed" in result.stderr
    assert f"docker stop {FAKE_CONTAINER_ID}" in result.calls
    assert f"docker rm {FAKE_CONTAINER_ID}" in result.calls
    assert not any(call.startswith(("docker tag", "docker push", "docker login", "aws ")) for call in result.calls)
    if mode == "bad":
        assert 'does not contain "Not Yet Implemented"' in result.stderr


def test_one_mismatching_expectation_fails_the_build(build_tree, run_build) -> None:
    (build_tree / "tests" / "events" / "KinesisRecordReader.parseMessage.expected").write_text("Get secrets value\n")
    result = run_build(build_tree, "test", **GOOD_SETTINGS, FAKE_CURL_MODE="stub")

    assert result.returncode != 0
    assert 'FAIL KinesisRecordReader.parseMessage: the response does not contain "Get secrets value"' in result.stderr
    assert "smoke test failed for 1 request(s)" in result.stderr
    assert len(posted_events(result.calls)) == 9, "every request is checked before the build fails"
    assert not any(call.startswith("docker push") for call in result.calls)


def test_missing_docker_engine_stops_before_building(build_tree, run_build) -> None:
    result = run_build(build_tree, "test", **GOOD_SETTINGS, FAKE_DOCKER_INFO_RC="1")

    assert result.returncode != 0
    assert "no Docker engine is reachable" in result.stderr
    assert result.calls and result.calls[-1] == "docker info"
    assert not any(call.startswith("docker build") for call in result.calls)


def test_uncommitted_changes_are_refused_for_a_real_push(build_tree, run_build) -> None:
    result = run_build(build_tree, "test", **GOOD_SETTINGS, FAKE_GIT_DIRTY="1")

    assert result.returncode != 0
    assert "uncommitted changes" in result.stderr
    assert not any(call.startswith("docker") for call in result.calls)


@pytest.mark.parametrize("args", [[], ["staging"], ["Test"], ["test", "prod"], ["test", "--push-latest"]])
def test_unknown_or_missing_environment_is_rejected(build_tree, run_build, args) -> None:
    result = run_build(build_tree, *args, **GOOD_SETTINGS)

    assert result.returncode == 2
    assert "usage: build.sh test|prod [--dry-run]" in result.stderr
    assert result.calls == []


@pytest.mark.parametrize("missing", ["LETSDATA_ECR_ACCOUNT", "AWS_REGION", "LETSDATA_ECR_REPOSITORY"])
def test_missing_setting_is_named(build_tree, run_build, missing) -> None:
    settings = {key: value for key, value in GOOD_SETTINGS.items() if key != missing}
    result = run_build(build_tree, "test", "--dry-run", **settings)

    assert result.returncode != 0
    assert f"missing setting {missing}" in result.stderr
    assert not result.stdout.count("+ docker")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("LETSDATA_ECR_ACCOUNT", "12345", "12-digit"),
        ("AWS_REGION", "Ireland", "does not look like a region"),
        ("LETSDATA_ECR_REPOSITORY", "Bad Repo", "not a valid repository name"),
        ("LETSDATA_SMOKE_PORT", "http", "port number"),
    ],
)
def test_invalid_setting_is_rejected(build_tree, run_build, name, value, message) -> None:
    result = run_build(build_tree, "test", "--dry-run", **{**GOOD_SETTINGS, name: value})

    assert result.returncode != 0
    assert message in result.stderr


def test_config_file_supplies_settings_and_the_environment_wins(build_tree, run_build) -> None:
    (build_tree / "build.env").write_text(
        "# comment\n"
        "LETSDATA_ECR_ACCOUNT=111111111111\n"
        'AWS_REGION="us-west-2"\n'
        "export LETSDATA_ECR_REPOSITORY=from-file\n"
        "LETSDATA_ECR_ACCOUNT_PROD=222222222222\n"
    )
    result = run_build(build_tree, "test", "--dry-run", LETSDATA_ECR_REPOSITORY="from-env")
    assert result.returncode == 0, result.stderr
    assert "111111111111.dkr.ecr.us-west-2.amazonaws.com/from-env:test-" in result.stdout

    result = run_build(build_tree, "prod", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "222222222222.dkr.ecr.us-west-2.amazonaws.com/from-file:prod-" in result.stdout


def test_config_file_with_unknown_key_or_bad_line_is_rejected(build_tree, run_build, tmp_path) -> None:
    config = tmp_path / "custom.env"
    config.write_text("LETSDATA_ECR_ACOUNT=111111111111\n")
    result = run_build(build_tree, "test", "--dry-run", **GOOD_SETTINGS, LETSDATA_BUILD_CONFIG=str(config))
    assert result.returncode != 0
    assert "unknown setting 'LETSDATA_ECR_ACOUNT'" in result.stderr

    config.write_text("rm -rf /\n")
    result = run_build(build_tree, "test", "--dry-run", **GOOD_SETTINGS, LETSDATA_BUILD_CONFIG=str(config))
    assert result.returncode != 0
    assert "expected KEY=VALUE" in result.stderr

    result = run_build(
        build_tree, "test", "--dry-run", **GOOD_SETTINGS, LETSDATA_BUILD_CONFIG=str(tmp_path / "absent.env")
    )
    assert result.returncode != 0
    assert "does not exist" in result.stderr


def test_expectation_with_windows_line_ending_still_matches(build_tree, run_build) -> None:
    (build_tree / "tests" / "events" / "QueueMessageReader.parseMessage.expected").write_bytes(b"Not Yet Implemented\r\n")
    result = run_build(build_tree, "test", **GOOD_SETTINGS, FAKE_CURL_MODE="stub")

    assert result.returncode == 0, result.stderr
    assert "ok   QueueMessageReader.parseMessage" in result.stdout


def test_empty_expectation_file_is_rejected(build_tree, run_build) -> None:
    (build_tree / "tests" / "events" / "QueueMessageReader.parseMessage.expected").write_text("\n")
    result = run_build(build_tree, "test", "--dry-run", **GOOD_SETTINGS)

    assert result.returncode != 0
    assert "QueueMessageReader.parseMessage.expected is empty" in result.stderr


def test_event_without_expectation_file_fails_before_building(build_tree, run_build) -> None:
    (build_tree / "tests" / "events" / "SingleFileParser.parseDocument.expected").unlink()
    result = run_build(build_tree, "test", **GOOD_SETTINGS)

    assert result.returncode != 0
    assert "no expectation file for tests/events/SingleFileParser.parseDocument.json" in result.stderr
    assert not any(call.startswith("docker") for call in result.calls)


def test_dry_run_prints_every_command_and_runs_none(build_tree, run_build) -> None:
    result = run_build(build_tree, "test", "--dry-run", **GOOD_SETTINGS, FAKE_DOCKER_INFO_RC="1")

    assert result.returncode == 0, result.stderr
    assert not any(call.startswith(("docker", "curl", "aws")) for call in result.calls)
    printed = [line[2:] for line in result.stdout.splitlines() if line.startswith("+ ")]
    expected_prefixes = [
        "docker info",
        "docker build --platform linux/amd64 --file",
        "docker run --detach --platform linux/amd64 --publish 127.0.0.1:9000:8080 --env LETS_DATA_STAGE=Test",
        "curl --silent --output /dev/null",
        *["curl --fail"] * len(event_names(build_tree)),
        "docker stop DRY-RUN-CONTAINER-ID",
        "docker rm DRY-RUN-CONTAINER-ID",
        "docker tag",
        "aws ecr get-login-password --region eu-west-1 | docker login --username AWS --password-stdin",
        "docker push",
    ]
    assert len(printed) == len(expected_prefixes), printed
    for line, prefix in zip(printed, expected_prefixes, strict=True):
        assert line.startswith(prefix), (line, prefix)
    assert sorted(posted_events(printed)) == event_names(build_tree)


def test_dry_run_against_the_repository_events(run_build) -> None:
    """The shipped tests/events: every captured request has an expectation build.sh can check."""
    result = run_build(ROOT, "test", "--dry-run", fakes=False, **GOOD_SETTINGS)

    assert result.returncode == 0, result.stderr
    printed = [line[2:] for line in result.stdout.splitlines() if line.startswith("+ ")]
    assert sorted(posted_events(printed)) == event_names(ROOT)
    assert len(event_names(ROOT)) == 9
    for event in event_names(ROOT):
        assert f"{ROOT}/tests/events/{event}" in result.stdout
