"""The reasons behind the code live in the repository: no reference points outside it.

Code, tests, scripts and the README refer to design notes by path (``docs/<file>.md``); section
numbers of outside documents (a section sign and a number), relative paths out of the checkout and issue numbers are not
references a reader of this repository can follow.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE = re.compile("\u00a7|" + r"\.\./shared/spec|[Ii]ssue [0-9]+(, item| item)")
DOC_PATH = re.compile(r"\bdocs/([a-z0-9-]+\.md)\b")


def _tracked(*patterns: str) -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", *patterns],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return [ROOT / p for p in listed if not p.startswith("docs/") and (ROOT / p).is_file()]


def test_no_reference_points_outside_the_repository() -> None:
    offenders = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
                 for path in _tracked("*.py", "*.sh", "*.md")
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if OUTSIDE.search(line)]
    assert not offenders, "point at a docs/ file instead:\n" + "\n".join(offenders)


def test_every_referenced_design_note_exists() -> None:
    referenced = {name for path in _tracked("*.py", "*.sh", "*.md", "Makefile", "dockerfile")
                  for name in DOC_PATH.findall(path.read_text(encoding="utf-8"))}
    assert {"architecture.md", "letsdata-wire-contract.md", "safety.md", "performance.md"} <= referenced
    missing = sorted(name for name in referenced if not (ROOT / "docs" / name).is_file())
    assert not missing, f"referenced but not in docs/: {missing}"
