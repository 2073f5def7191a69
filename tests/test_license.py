"""The licence files match what pyproject declares, and NOTICE credits what the code mirrors."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_license_file_is_the_apache_2_text_pyproject_declares() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["license"]
    assert declared == {"text": "Apache-2.0"}
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_notice_credits_the_upstream_projects_with_their_licences() -> None:
    notice = (ROOT / "NOTICE").read_text(encoding="utf-8")
    for expected in ("aws-solutions-library-samples/data-lakes-on-aws", "MIT No Attribution",
                     "lets-data/letsdata-python-interface", "Copyright 2023 The Resonance Labs LLC",
                     "The above copyright notice and this permission notice shall be included",
                     "lets-data/letsdata-data-interface"):
        assert expected in notice, expected
