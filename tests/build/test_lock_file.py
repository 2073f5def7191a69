"""requirements-lock.txt: the dev environment pinned with hashes, in step with requirements*.txt."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;\\]+)", line)
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def _locked() -> dict[str, tuple[str, list[str]]]:
    text = (ROOT / "requirements-lock.txt").read_text(encoding="utf-8")
    entries = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", block)
        if match:
            entries[match.group(1).lower()] = (match.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
    return entries


def test_every_direct_pin_is_locked_at_the_same_version() -> None:
    locked = _locked()
    for source in ("requirements.txt", "requirements-dev.txt"):
        for name, version in _pins(ROOT / source).items():
            assert name in locked, f"{name} ({source}) is not in requirements-lock.txt: run make lock"
            assert locked[name][0] == version, f"{name}: {source} pins {version}, the lock {locked[name][0]}"


def test_every_locked_package_has_a_hash_and_make_venv_requires_them() -> None:
    locked = _locked()
    assert len(locked) > 50
    assert all(hashes for _, hashes in locked.values()), [n for n, (_, h) in locked.items() if not h]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet --require-hashes --no-deps -r requirements-lock.txt" in makefile
    assert "pip install --quiet --no-deps -e ." in makefile
