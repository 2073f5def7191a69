"""The implementation registry contract: registration > env var > original module; one instance reused."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator

import pytest

from letsdata_interfaces.readers.parsers.SingleFileParser import SingleFileParser
from letsdata_service import registry
from letsdata_service.Service import InterfaceNames
from letsdata_utils.errors import LetsDataImplementationError
from tests.letsdata_service.recording_impls import RecordingQueueReader, RecordingSingleFileParser

MODULE = "tests.letsdata_service.recording_impls"


@pytest.fixture
def throwaway_module() -> Iterator[types.ModuleType]:
    """A module whose class counts constructions, importable as ``letsdata_test_throwaway``."""
    module = types.ModuleType("letsdata_test_throwaway")

    class Counting(SingleFileParser):
        built = 0

        def __init__(self) -> None:
            type(self).built += 1

        def getS3FileType(self) -> str:
            return "COUNTING"

    class Exploding:
        def __init__(self) -> None:
            raise RuntimeError("no config")

    module.Counting = Counting  # type: ignore[attr-defined]
    module.Exploding = Exploding  # type: ignore[attr-defined]
    module.not_a_class = 42  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    yield module
    del sys.modules[module.__name__]


def test_default_is_the_stub_in_its_original_module() -> None:
    impl = registry.get_implementation("SingleFileParser")
    assert type(impl) is SingleFileParser
    assert registry.implementation_label(InterfaceNames.SingleFileParser) == (
        "letsdata_interfaces.readers.parsers.SingleFileParser:SingleFileParser")
    for iface, spec in registry.DEFAULT_IMPLEMENTATIONS.items():
        cls = registry.load_class(spec, "test")
        assert cls.__name__ == iface.name and cls.__module__.endswith("." + iface.name)


def test_env_var_selects_the_class(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LETSDATA_IMPL_SINGLEFILEPARSER", f"{MODULE}:RecordingSingleFileParser")
    assert registry.env_var_name("singleFileParser") == "LETSDATA_IMPL_SINGLEFILEPARSER"
    assert type(registry.get_implementation("SingleFileParser")) is RecordingSingleFileParser
    assert registry.implementation_spec("SingleFileParser")[1] == "environment variable LETSDATA_IMPL_SINGLEFILEPARSER"


def test_registration_beats_env_var_and_accepts_class_or_string(monkeypatch: pytest.MonkeyPatch,
                                                                throwaway_module: types.ModuleType) -> None:
    monkeypatch.setenv("LETSDATA_IMPL_SINGLEFILEPARSER", f"{MODULE}:RecordingSingleFileParser")
    registry.register_implementation("SingleFileParser", "letsdata_test_throwaway:Counting")
    assert registry.get_implementation("SingleFileParser").getS3FileType() == "COUNTING"
    registry.register_implementation(InterfaceNames.SingleFileParser, RecordingSingleFileParser)
    assert type(registry.get_implementation("singlefileparser")) is RecordingSingleFileParser
    registry.reset_implementations()
    assert type(registry.get_implementation("SingleFileParser")) is RecordingSingleFileParser  # env again
    monkeypatch.delenv("LETSDATA_IMPL_SINGLEFILEPARSER")
    registry.reset_implementations()
    assert type(registry.get_implementation("SingleFileParser")) is SingleFileParser


def test_instance_is_built_once_and_reused_across_calls(throwaway_module: types.ModuleType) -> None:
    from letsdata_lambda_function import lambda_handler

    registry.register_implementation("SingleFileParser", "letsdata_test_throwaway:Counting")
    event = {"requestId": "r", "interface": "SingleFileParser", "function": "getS3FileType",
             "letsdataAuth": {"tenantId": "t", "userId": "u", "datasetName": "d", "datasetId": "i"}}
    bodies = [lambda_handler(dict(event), None)["body"] for _ in range(5)]
    assert bodies == [{"statusCode": "SUCCESS", "data": "COUNTING"}] * 5
    assert throwaway_module.Counting.built == 1
    first = registry.get_implementation("SingleFileParser")
    assert registry.get_implementation("SingleFileParser") is first
    registry.register_implementation("SingleFileParser", "letsdata_test_throwaway:Counting")  # re-register
    assert registry.get_implementation("SingleFileParser") is not first
    assert throwaway_module.Counting.built == 2


def test_interfaces_have_separate_instances() -> None:
    registry.register_implementation("QueueMessageReader", RecordingQueueReader)
    registry.register_implementation("SingleFileParser", RecordingSingleFileParser)
    assert type(registry.get_implementation("QueueMessageReader")) is RecordingQueueReader
    assert type(registry.get_implementation("SingleFileParser")) is RecordingSingleFileParser


@pytest.mark.parametrize(("spec", "expected"), [
    ("no_colon_here", "invalid implementation 'no_colon_here' for SingleFileParser (from environment variable "
                      "LETSDATA_IMPL_SINGLEFILEPARSER): expected 'module:Class'"),
    ("letsdata_no_such_module_xyz:Parser", "cannot import module 'letsdata_no_such_module_xyz' of "
                                          "'letsdata_no_such_module_xyz:Parser'"),
    ("letsdata_test_throwaway:Missing", "module 'letsdata_test_throwaway' has no class 'Missing'"),
    ("letsdata_test_throwaway:not_a_class", "'letsdata_test_throwaway:not_a_class' for SingleFileParser (from "
                                            "environment variable LETSDATA_IMPL_SINGLEFILEPARSER) is a int, not a class"),
    ("letsdata_test_throwaway:Exploding", "constructing letsdata_test_throwaway:"),
])
def test_bad_env_spec_gives_a_clear_error_envelope(monkeypatch: pytest.MonkeyPatch, throwaway_module: types.ModuleType,
                                                   spec: str, expected: str) -> None:
    from letsdata_lambda_function import lambda_handler

    monkeypatch.setenv("LETSDATA_IMPL_SINGLEFILEPARSER", spec)
    with pytest.raises(LetsDataImplementationError) as info:
        registry.get_implementation("SingleFileParser")
    assert expected in str(info.value)
    response = lambda_handler({"requestId": "r", "interface": "SingleFileParser", "function": "getS3FileType",
                               "letsdataAuth": {"tenantId": "t", "userId": "u", "datasetName": "d",
                                                "datasetId": "i"}}, None)
    assert response["StatusCode"] == 500
    assert expected in response["body"]["errorMessage"]
    assert response["body"]["exception"]["errorType"] == "Exception"


def test_register_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown interface 'NotAnInterface'"):
        registry.register_implementation("NotAnInterface", RecordingSingleFileParser)
    with pytest.raises(LetsDataImplementationError, match="expected 'module:Class'"):
        registry.register_implementation("SingleFileParser", "just_a_module")
    with pytest.raises(TypeError, match="needs a class or a 'module:Class' string, got int"):
        registry.register_implementation("SingleFileParser", 5)  # type: ignore[arg-type]


def test_implementation_without_the_method_is_reported_clearly() -> None:
    from letsdata_lambda_function import lambda_handler

    registry.register_implementation("QueueMessageReader", RecordingSingleFileParser)
    response = lambda_handler({"requestId": "r", "interface": "QueueMessageReader", "function": "parseMessage",
                               "letsdataAuth": {"tenantId": "t", "userId": "u", "datasetName": "d", "datasetId": "i"},
                               "data": {"messageId": "m", "messageAttributes": {}, "messageBody": "b"}}, None)
    assert response["body"]["errorMessage"] == (
        f"letsdata implementation - {MODULE}:RecordingSingleFileParser implements QueueMessageReader but has no "
        "method parseMessage")


def test_concurrent_first_use_builds_one_instance() -> None:
    import threading
    import time

    class Slow:
        built = 0

        def __init__(self) -> None:
            time.sleep(0.05)
            type(self).built += 1

    registry.register_implementation("KinesisRecordReader", Slow)
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(registry.get_implementation("KinesisRecordReader")))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Slow.built == 1 and len({id(s) for s in seen}) == 1 and len(seen) == 8
