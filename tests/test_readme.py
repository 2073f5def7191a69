"""The README stays true: its Python snippets run, its first lines show the two entry points, and
every environment variable the code reads is documented.

Each ```python block runs on its own (fresh namespace, repository root as working directory) on a
fresh moto account holding a complete SDLF deployment (team ``engineering``, pipeline ``main``,
stages A and B — the ``sdlf_environment`` fixture) with stage A's Lambda environment set, exactly
as a stage Lambda under test would see it. A block directly preceded by ``<!-- no-test -->`` is an
illustration that cannot run here and is skipped by design, not by failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
NO_TEST = "<!-- no-test -->"
#: Packages whose environment reads the README must document.
RUNTIME_SOURCES = ["datalake_library", "letsdata_interfaces", "letsdata_service", "letsdata_utils",
                   "letsdata_local", "letsdata_lambda_function.py"]
#: Direct reads: os.environ.get("X"), os.environ["X"], os.getenv("X"), os.environ.setdefault("X", ...).
#: Also helpers named like ``_environment("X", ...)`` that wrap such a read.
ENV_READ = re.compile(
    r"""(?:environ\.get\(|environ\[|getenv\(|environ\.setdefault\(|\b_?environment\()\s*f?["']([A-Z][A-Z0-9_]*)"""
)
#: Names kept in constants (CACHE_TTL_ENV = "X", ENV_PREFIX = "LETSDATA_IMPL_") and read through them.
ENV_CONSTANT = re.compile(r"""^[A-Z_]*(?:ENV|PREFIX)[A-Z_]*\s*(?::[^=]+)?=\s*["']([A-Z][A-Z0-9_]*)["']""", re.MULTILINE)
#: Fallback chains: for name in ("A", "B"): value = os.environ.get(name)
ENV_LOOP = re.compile(r"""for \w+ in \(([^)]*)\):\s*\n\s*\w+ = os\.environ\.get\(\w+\)""")


@dataclass(frozen=True)
class Snippet:
    line: int
    code: str
    runnable: bool


def python_snippets(text: str) -> list[Snippet]:
    snippets: list[Snippet] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        if lines[index].strip() == "```python":
            start = index
            body: list[str] = []
            index += 1
            while index < len(lines) and lines[index].strip() != "```":
                body.append(lines[index])
                index += 1
            previous = next((lines[i].strip() for i in range(start - 1, -1, -1) if lines[i].strip()), "")
            snippets.append(Snippet(start + 1, "\n".join(body) + "\n", previous != NO_TEST))
        index += 1
    return snippets


SNIPPETS = python_snippets(README.read_text(encoding="utf-8"))


def test_readme_opens_with_the_entry_points() -> None:
    head = "\n".join(README.read_text(encoding="utf-8").splitlines()[:40])
    for command in ("make run", "make test"):
        assert command in head, f"{command!r} must be in the README's first 40 lines"


def test_most_python_snippets_are_run() -> None:
    runnable = [s for s in SNIPPETS if s.runnable]
    assert len(runnable) >= 4
    assert len(runnable) >= 2 * (len(SNIPPETS) - len(runnable)), "most Python snippets must be tested"


@pytest.fixture
def readme_environment(sdlf_environment, monkeypatch):
    """Stage A's Lambda environment on a fresh SDLF deployment; state the snippets touch is reset."""
    from datalake_library.client import clear_cached_clients
    from letsdata_service.registry import reset_implementations

    for name, value in sdlf_environment.lambda_environment("A").items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(ROOT)
    reset_implementations()
    clear_cached_clients()
    yield sdlf_environment
    reset_implementations()
    clear_cached_clients()


@pytest.mark.parametrize(
    "snippet", [s for s in SNIPPETS if s.runnable], ids=lambda s: f"README.md:{s.line}"
)
def test_python_snippet_runs(snippet: Snippet, readme_environment) -> None:
    code = compile(snippet.code, f"README.md:{snippet.line}", "exec")
    exec(code, {"__name__": "__readme__"})  # noqa: S102 - running the documentation is the test


def environment_variables_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for source in RUNTIME_SOURCES:
        path = ROOT / source
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for file in files:
            if "testing" in file.relative_to(ROOT).parts:
                continue  # test support sets the moto environment; it is not a runtime setting
            text = file.read_text(encoding="utf-8")
            names.update(ENV_READ.findall(text))
            names.update(ENV_CONSTANT.findall(text))
            for group in ENV_LOOP.findall(text):
                names.update(re.findall(r"""["']([A-Z][A-Z0-9_]*)["']""", group))
    return names


#: Reads through the settings module: settings.get("X"), settings.is_set("X"), get_or_default("X").
SETTINGS_READ = re.compile(r"""\b(?:settings|env)\.(?:get|is_set|get_or_default)\(\s*["']([A-Z][A-Z0-9_]*)["']""")


def test_every_environment_variable_the_code_reads_is_named_in_settings() -> None:
    from datalake_library import settings

    names = environment_variables_read_by_the_code()
    # The scan itself works: a direct read, a constant, a prefix and a fallback chain.
    assert {"LOG_LEVEL", "LETS_DATA_STAGE", "LETSDATA_IMPL_", "AWS_DEFAULT_REGION"} <= names
    for source in RUNTIME_SOURCES:
        path = ROOT / source
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            names.update(SETTINGS_READ.findall(file.read_text(encoding="utf-8")))
    unnamed = sorted(name for name in names if not any(
        name == s.name or (s.family and name.startswith(s.name)) for s in settings.SETTINGS.values()))
    assert not unnamed, f"read by the code but not named in datalake_library/settings.py: {unnamed}"


def test_every_setting_is_documented_in_the_readme() -> None:
    from datalake_library import settings

    text = README.read_text(encoding="utf-8")
    missing = sorted(name for name in settings.SETTINGS if f"`{name}" not in text)
    assert not missing, f"README does not document {missing}"
