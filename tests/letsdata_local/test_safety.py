"""Safe by default: `make run` always uses the embedded account; nothing is seeded off this machine."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from letsdata_local.cli import EXIT_FAILED, main

ROOT = Path(__file__).resolve().parents[2]
#: TEST-NET-1 (RFC 5737): never routed, so a request that escaped would hang or fail, not succeed.
REMOTE = "http://192.0.2.1:9"


def make_run_arguments() -> list[str]:
    """The arguments `make run` passes to letsdata_local, read from the Makefile."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^RUN_ARGS\s*:=\s*(.+)$", text, re.MULTILINE)
    assert match, "Makefile defines RUN_ARGS"
    assert "$(PY) -m letsdata_local $(RUN_ARGS)" in text
    return match.group(1).split()


def test_make_run_uses_the_embedded_account_even_with_credentials_and_endpoints(
    monkeypatch: pytest.MonkeyPatch, capsys: Any, moto_server: Any
) -> None:
    moto_server.reset()
    monkeypatch.chdir(ROOT)  # make runs from the repository root
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLEREAL")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "real-looking-secret")
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_KINESIS", "AWS_ENDPOINT_URL_SQS"):
        monkeypatch.setenv(name, REMOTE)
    code = main([*make_run_arguments(), "--no-progress"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "--embedded: using an embedded moto account at http://127.0.0.1:" in err
    assert "600 records read, 514 documents written, 6 errors, 80 skipped" in out
    assert not any(os.environ.get(n) == REMOTE for n in ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_KINESIS"))


def test_seeding_a_remote_endpoint_is_refused_unless_allowed(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    config = str(ROOT / "letsdata_example_configs" / "dataset1.json")
    code = main(["run", config, "--embedded", "--endpoint-url", REMOTE, "--no-progress"])
    _, err = capsys.readouterr()
    assert code == EXIT_FAILED
    assert "UnsafeEndpointError" in err and "s3 -> http://192.0.2.1:9" in err and "--allow-remote-endpoint" in err


def test_seeding_a_loopback_endpoint_is_allowed(aws_endpoint: str, capsys: Any) -> None:
    config = str(ROOT / "letsdata_example_configs" / "dataset2.json")
    code = main(["run", config, "--embedded", "--endpoint-url", aws_endpoint, "--no-progress"])
    _, err = capsys.readouterr()
    assert code == 0, err
