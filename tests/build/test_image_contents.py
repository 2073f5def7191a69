"""The image's task root is self-sufficient: build.sh's smoke test, replayed without Docker.

The files the dockerfile COPYs (after the .dockerignore filter) are copied to a temporary task root,
and a fresh interpreter that sees only that root, the standard library and the installed runtime
dependencies (not the repository, not the editable install) imports the handler and answers every
captured request in tests/events with its expected substring — what the Runtime Interface Emulator
run in build.sh checks on the real image.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from tests.build.conftest import EVENTS_DIR, ROOT
from tests.build.test_dockerfile import args_of, dockerignore_allows

CHILD = r"""
import json, sys
task_root, site_packages, events_dir = sys.argv[1:4]
sys.path[:] = [task_root] + [p for p in sys.path if p and "site-packages" not in p] + [site_packages]

import letsdata_lambda_function
assert letsdata_lambda_function.__file__.startswith(task_root), letsdata_lambda_function.__file__

from pathlib import Path
results = {}
for event in sorted(Path(events_dir).glob("*.json")):
    response = letsdata_lambda_function.lambda_handler(json.loads(event.read_text()), None)
    results[event.stem] = json.dumps(response)
heavy = sorted(m for m in ("pyspark", "moto", "tqdm", "pytest", "letsdata_local", "examples") if m in sys.modules)
json.dump({"results": results, "heavy": heavy, "path": sys.path}, sys.stdout)
"""


def copied_runtime_files(task_root: Path) -> list[str]:
    """Copy what `COPY <src> ${LAMBDA_TASK_ROOT}/...` puts in the image, honouring .dockerignore."""
    copied: list[str] = []
    for arguments in args_of("COPY"):
        *sources, destination = arguments.split()
        if not destination.startswith("${LAMBDA_TASK_ROOT}"):
            continue
        for source in sources:
            path = ROOT / source.rstrip("/")
            files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
            for file in files:
                relative = file.relative_to(ROOT).as_posix()
                if not dockerignore_allows(relative):
                    continue
                target = task_root / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(file, target)
                copied.append(relative)
    return copied


def test_handler_in_the_task_root_answers_every_captured_request(tmp_path) -> None:
    task_root = tmp_path / "var-task"
    copied = copied_runtime_files(task_root)
    assert "letsdata_lambda_function.py" in copied
    assert not any("/testing/" in name or "__pycache__" in name for name in copied)

    site_packages = sysconfig.get_paths()["purelib"]
    result = subprocess.run(
        [sys.executable, "-S", "-c", CHILD, str(task_root), site_packages, str(EVENTS_DIR)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False,
        env={"PATH": "/usr/bin:/bin", "LETS_DATA_STAGE": "Test", "AWS_DEFAULT_REGION": "us-east-1"},
    )

    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert str(ROOT) not in report["path"]
    assert report["heavy"] == [], "the handler must not import dev tools or pyspark for these requests"
    events = sorted(EVENTS_DIR.glob("*.json"))
    assert len(events) == 9 and sorted(report["results"]) == [e.stem for e in events]
    for event in events:
        expected = event.with_suffix(".expected").read_text().splitlines()[0]
        assert expected in report["results"][event.stem], (event.name, report["results"][event.stem][:300])
