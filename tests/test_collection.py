"""Every test file is collected by a plain ``pytest`` run (what ``make test`` runs).

pytest's default ``norecursedirs`` skips folders named ``build``; for a while that silently dropped
every test in ``tests/build/``. This test lists the test files on disk and the files pytest collects
items from, and fails on any difference (a test file with no test in it counts as uncollected too).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_every_test_file_is_collected() -> None:
    on_disk = {p.relative_to(ROOT).as_posix() for p in (ROOT / "tests").rglob("test_*.py")
               if not any(part.startswith(".") for part in p.relative_to(ROOT).parts)}
    assert "tests/build/test_dockerfile.py" in on_disk and "tests/test_collection.py" in on_disk
    result = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q"],
                            cwd=ROOT, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    collected = {line.split("::", 1)[0] for line in result.stdout.splitlines() if "::" in line}
    missing = sorted(on_disk - collected)
    assert not missing, f"test files pytest does not collect: {missing}"
