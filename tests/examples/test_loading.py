"""Every example loads the way user code is loaded: LETSDATA_IMPL_<IFACE> or register_implementation."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Callable

import pytest

from letsdata_service import registry
from letsdata_service.registry import DEFAULT_IMPLEMENTATIONS
from tests.conftest import ROOT
from tests.examples.conftest import EXAMPLES, WET_PARSER
from tests.examples.helpers import invoke_error, make_request

ALL_EXAMPLES = [*EXAMPLES.items(), ("SingleFileParser", WET_PARSER)]


def _class(spec: str) -> type:
    module, _, name = spec.partition(":")
    cls: type = getattr(importlib.import_module(module), name)
    return cls


@pytest.mark.parametrize(("interface", "spec"), ALL_EXAMPLES, ids=[s for _, s in ALL_EXAMPLES])
def test_example_subclasses_the_original_interface(interface: str, spec: str) -> None:
    original = _class(DEFAULT_IMPLEMENTATIONS[registry.interface_of(interface)])
    assert issubclass(_class(spec), original)
    assert _class(spec).__doc__ and importlib.import_module(spec.partition(":")[0]).__doc__


@pytest.mark.parametrize(("interface", "spec"), ALL_EXAMPLES, ids=[s for _, s in ALL_EXAMPLES])
def test_example_selected_by_environment_variable(
    interface: str, spec: str, use_impl: Callable[[str, str], None]
) -> None:
    use_impl(interface, spec)
    instance = registry.get_implementation(interface)
    assert type(instance) is _class(spec)
    assert registry.get_implementation(interface) is instance  # one instance per warm process


@pytest.mark.parametrize("as_class", [False, True], ids=["module:Class", "class object"])
@pytest.mark.parametrize(("interface", "spec"), ALL_EXAMPLES, ids=[s for _, s in ALL_EXAMPLES])
def test_example_selected_by_registration(interface: str, spec: str, as_class: bool) -> None:
    registry.register_implementation(interface, _class(spec) if as_class else spec)
    assert type(registry.get_implementation(interface)) is _class(spec)


def test_registration_wins_over_environment(use_impl: Callable[[str, str], None]) -> None:
    use_impl("SingleFileParser", EXAMPLES["SingleFileParser"])
    registry.register_implementation("SingleFileParser", WET_PARSER)
    assert type(registry.get_implementation("SingleFileParser")) is _class(WET_PARSER)


def test_misspelt_example_gives_an_error_envelope_naming_it(use_impl: Callable[[str, str], None]) -> None:
    use_impl("SingleFileParser", "examples.letsdata.jsonl_log_parser:JsonLineLogParser")
    exc = invoke_error(make_request("SingleFileParser", "getS3FileType", {}))
    assert "examples.letsdata.jsonl_log_parser:JsonLineLogParser" in exc["errorMessage"]
    assert "LETSDATA_IMPL_SINGLEFILEPARSER" in exc["errorMessage"]


def test_importing_the_examples_package_imports_no_example() -> None:
    """``examples.letsdata`` must stay empty so that selecting one example never loads the others."""
    code = (
        "import sys, examples.letsdata; "
        "print(sorted(m for m in sys.modules if m.startswith('examples.letsdata.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_bundled_sample_files_match_their_generator() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "examples.data.generate_samples", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
