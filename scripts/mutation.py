"""`make mutation`: mutation testing of the modules whose tests must pin the contract (docs/mutation.md).

For each module below, every mutant that mutmut's engine (pinned in requirements-dev.txt) can make
is written into a throw-away copy of the repository, one at a time, and only the tests that guard
that module run against it (``pytest -x``); a mutant the tests do not notice "survives". The copy is
first on ``sys.path`` so every import (the pytest plugin included) sees the mutated code, and the
checkout is never modified. Each test run is a fork of a parent that has already imported pytest,
boto3 and moto (never this project), which keeps a run to the tests' own time.

Why mutmut 2's engine and this small driver rather than ``mutmut run``: mutmut 3 mutates only code
inside functions, and what matters here is mostly module-level data (the wire function table, the SSM
name table); mutmut 2 mutates those, but its multiprocessing runner stalled on this machine. Mutants
that only change a type annotation (the modules use ``from __future__ import annotations``, so
annotations never run) are counted apart as equivalent.

Usage: ``python scripts/mutation.py [MODULE ...] [--min-score 90]``; prints the score per module and
every surviving mutant, and exits non-zero if a module scores below ``--min-score``.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: module -> the tests that guard it (hand-written expectations, not derived from the module).
TARGETS: dict[str, list[str]] = {
    "letsdata_service/function_table.py": ["tests/letsdata_service/test_wire_contract.py"],
    "letsdata_utils/request_utils.py": [
        "tests/letsdata_utils/test_request_utils_messages.py",
        "tests/letsdata_utils/test_request_utils.py",
        "tests/letsdata_service/test_hostile.py",  # the error body's size limits
    ],
    # the strict encoder behind getJsonObject and every AWS payload
    "datalake_library/json_codec.py": [
        "tests/datalake_library/test_json_codec.py",
        "tests/letsdata_utils/test_request_utils_messages.py",
        "tests/letsdata_utils/test_request_utils.py",
    ],
    "datalake_library/parameters.py": [
        "tests/datalake_library/test_sdlf_parameter_names.py",
        "tests/datalake_library/test_parameter_resolver.py",
    ],
}
#: Directories never copied (environments, caches, build output).
SKIP = {".venv", ".git", ".cache", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis", "__pycache__",
        "build", "dist", "python", "mutants", ".mutmut-cache"}


def _copy_repository(destination: Path) -> None:
    def ignore(directory: str, names: list[str]) -> set[str]:
        return {n for n in names if n in SKIP or n.endswith(".egg-info")}

    shutil.copytree(ROOT, destination, ignore=ignore, symlinks=True)
    jars = ROOT / ".cache"
    if jars.exists():
        (destination / ".cache").symlink_to(jars)


def _without_annotations(source: str) -> str:
    """The module's AST with every annotation removed, to recognise annotation-only mutants."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.arg):
            node.annotation = None
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            node.returns = None
        elif isinstance(node, ast.AnnAssign):
            node.annotation = ast.Constant(None)
    return ast.dump(tree)


def mutants(path: Path) -> list[tuple[str, str]]:
    """(label, mutated source) for every mutant of ``path``, via mutmut's own engine."""
    from mutmut import ALL, Context, list_mutations, mutate

    source = path.read_text(encoding="utf-8")
    found = []
    for mutation_id in list_mutations(Context(source=source, filename=str(path), mutation_id=ALL)):
        mutated, count = mutate(Context(source=source, filename=str(path), mutation_id=mutation_id))
        if count:
            found.append((f"line {mutation_id.line_number + 1} #{mutation_id.index}", mutated))
    return found


def _diff(before: str, after: str) -> str:
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return "\n".join(line for line in lines if line[:1] in "+-" and line[:3] not in ("+++", "---"))


def _run_tests_in_child(copy: Path, args: list[str], timeout: float) -> bool:
    """Run pytest on ``args`` in a forked child; True when the tests fail (or hang: the mutant is caught).

    The parent has imported pytest and the heavy third-party packages once, but never this
    project's modules, so each child imports the mutated source afresh; forking saves the
    interpreter start and the third-party imports on every mutant.
    """
    pid = os.fork()
    if pid == 0:  # child
        code = 3
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.chdir(copy)
            import pytest

            code = int(pytest.main(args))
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status) != 0
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            return True
        time.sleep(0.02)


def _preload() -> None:
    """Import what every child would import anyway (not this project's modules)."""
    import boto3  # noqa: F401
    import botocore.session  # noqa: F401
    import pytest  # noqa: F401

    for optional in ("moto", "hypothesis"):
        try:
            __import__(optional)
        except ImportError:
            pass


def _fastest_first(report: Path, copy: Path, tests: list[str]) -> list[str]:
    """The baseline's test node ids ordered by their duration (falls back to ``tests``)."""
    import xml.etree.ElementTree as ElementTree

    timed = []
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        module, _, name = case.get("classname", "").rpartition(".")
        path = module.replace(".", "/") + "/" + name + ".py" if name.startswith("test_") else ""
        node = f"{path}::{case.get('name')}" if path else ""
        if not node or not (copy / path).is_file():
            return tests  # a class-based or unexpected layout: keep the given order
        timed.append((float(case.get("time", 0)), node))
    return [node for _, node in sorted(timed)] or tests


def run_module(module: str, tests: list[str]) -> tuple[int, int, int, list[str]]:
    """(killed, tested, equivalent, survivor descriptions) for one module."""
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        copy = Path(tmp) / "repo"
        _copy_repository(copy)
        sys.path.insert(0, str(copy))
        os.environ["PYTHONPATH"] = str(copy)
        target = copy / module
        original = target.read_text(encoding="utf-8")
        plain = _without_annotations(original)
        options = ["-x", "-q", "-p", "no:cacheprovider", "-o", "addopts="]
        report = Path(tmp) / "baseline.xml"
        started = time.monotonic()
        if _run_tests_in_child(copy, [*options, f"--junitxml={report}", *tests], timeout=3600):
            raise SystemExit(f"{module}: the tests fail without any mutation (run pytest {' '.join(tests)})")
        timeout = 10 * (time.monotonic() - started) + 30
        # fastest tests first: with -x most mutants are caught before the slow (hypothesis) tests run
        args = [*options, *_fastest_first(report, copy, tests)]
        killed = tested = equivalent = 0
        survivors = []
        candidates = mutants(target)
        for number, (label, mutated) in enumerate(candidates, 1):
            try:
                if _without_annotations(mutated) == plain:
                    equivalent += 1
                    continue
            except SyntaxError:
                pass  # an unparsable mutant is still tested (and fails at import)
            target.write_text(mutated, encoding="utf-8")
            try:
                caught = _run_tests_in_child(copy, args, timeout)
            finally:
                target.write_text(original, encoding="utf-8")
            tested += 1
            killed += caught
            if not caught:
                survivors.append(f"# {module} {label}\n{_diff(original, mutated)}")
            sys.stderr.write(f"{module}: {number}/{len(candidates)} mutants, {len(survivors)} survived\n")
        sys.path.remove(str(copy))
        return killed, tested, equivalent, survivors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=list(TARGETS), help="modules to mutate (default: all)")
    parser.add_argument("--min-score", type=float, default=90.0, help="percentage of mutants to kill")
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in TARGETS]
    if unknown:
        parser.error(f"unknown module(s) {unknown}; choose from {list(TARGETS)}")
    _preload()
    failed = False
    summary = []
    for module in args.modules:
        killed, total, equivalent, survivors = run_module(module, TARGETS[module])
        score = 100.0 * killed / total if total else 100.0
        line = f"{module}: {killed}/{total} killed = {score:.1f} % ({equivalent} annotation-only mutants not run)"
        summary.append(line)
        sys.stdout.write(f"\n== {line}\n")
        for diff in survivors:
            sys.stdout.write(diff + "\n")
        failed |= score < args.min_score
    sys.stdout.write("\n" + "\n".join(summary) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
