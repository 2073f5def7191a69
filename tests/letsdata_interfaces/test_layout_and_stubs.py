"""Module layout (docs/letsdata-wire-contract.md), the stub behaviour and the Spark credential helpers."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path
from typing import Any

import pytest

import letsdata_interfaces

MODULES = [
    "letsdata_interfaces.documents.Document", "letsdata_interfaces.documents.DocumentType",
    "letsdata_interfaces.documents.ErrorDoc", "letsdata_interfaces.documents.SkipDoc",
    "letsdata_interfaces.readers.model.ParseDocumentResult", "letsdata_interfaces.readers.model.ParseDocumentResultStatus",
    "letsdata_interfaces.readers.model.RecordHintType", "letsdata_interfaces.readers.model.RecordParseHint",
    "letsdata_interfaces.readers.parsers.SingleFileParser", "letsdata_interfaces.readers.kinesis.KinesisRecordReader",
    "letsdata_interfaces.readers.sqs.QueueMessageReader",
    "letsdata_interfaces.readers.dynamodbstreams.DynamoDBStreamsRecordReader",
    "letsdata_interfaces.readers.dynamodb.DynamoDBTableItemReader",
    "letsdata_interfaces.readers.sagemaker.SagemakerVectorsInterface",
    "letsdata_interfaces.readers.spark.SparkMapperInterface", "letsdata_interfaces.readers.spark.SparkReducerInterface",
    # state-machine readers (no bridge envelope; used by letsdata_local and user code directly)
    "letsdata_interfaces.documents.CompositeDoc", "letsdata_interfaces.documents.SingleDoc",
    "letsdata_interfaces.readers.parsers.SingleFileStateMachineParser",
    "letsdata_interfaces.readers.SingleFileStateMachineReader",
    "letsdata_interfaces.readers.MultipleFileStateMachineReader",
    "letsdata_interfaces.readers.SystemFileReader",
    "letsdata_interfaces.readers.model.ParseCompositeDocumentResult",
    "letsdata_interfaces.readers.model.SingleFileReaderState",
]

STUB_CALLS: dict[str, list[tuple[str, tuple[Any, ...]]]] = {
    "SingleFileParser": [("getS3FileType", ()), ("getResolvedS3FileName", ("WET", "f")),
                         ("getRecordStartPattern", ("WET",)), ("getRecordEndPattern", ("WET",)),
                         ("parseDocument", ("WET", "f", 0, bytearray(b"x"), 0, 1))],
    "KinesisRecordReader": [("parseMessage", ("arn", "shard", "pk", "1", 1, bytearray(b"x")))],
    "QueueMessageReader": [("parseMessage", ("m", None, None, {}, "body"))],
    "DynamoDBStreamsRecordReader": [("parseRecord", ("arn", "s", "e", "INSERT", None, None, "1", 1, "KEYS_ONLY", 1,
                                                     {}, {}, {}))],
    "DynamoDBTableItemReader": [("parseDynamoDBItem", ("T", 0, {}, {}))],
    "SagemakerVectorsInterface": [("extractDocumentElementsForVectorization", ({},)),
                                  ("constructVectorDoc", ({}, {}))],
    "SparkMapperInterface": [("mapper", ("a", "S3", "s3a://b/k", "text", {}, "S3", "s3a://c/k", "json", "overwrite",
                                         {}, "arn"))],
    "SparkReducerInterface": [("reducer", ("a", "S3", ["s3a://b/k"], "json", {}, "S3", "s3a://c/k", "parquet",
                                           "overwrite", {}, "arn"))],
}


@pytest.mark.parametrize("module_name", MODULES)
def test_each_module_defines_the_class_of_the_same_name(module_name: str) -> None:
    module = importlib.import_module(module_name)
    cls = getattr(module, module_name.rsplit(".", 1)[1])
    assert inspect.isclass(cls) and cls.__module__ == module_name
    assert cls.__doc__


def test_packages_do_not_re_export_classes_under_submodule_names() -> None:
    for module_name in MODULES:
        package_name, leaf = module_name.rsplit(".", 1)
        package = importlib.import_module(package_name)
        assert inspect.ismodule(getattr(package, leaf)), module_name  # attribute is the submodule, not a class
    root = Path(letsdata_interfaces.__file__).parent
    for init in root.rglob("__init__.py"):
        tree = ast.parse(init.read_text(encoding="utf-8"))
        imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
        # the one exception: the project's single version (datalake_library/_version.py)
        others = [n for n in imports if not (isinstance(n, ast.ImportFrom) and n.module == "datalake_library._version"
                                             and [a.name for a in n.names] == ["__version__"])]
        assert not others, init


def test_version_and_typing_marker() -> None:
    import datalake_library
    import letsdata_local
    import letsdata_service
    import letsdata_utils

    for package in (letsdata_interfaces, letsdata_service, letsdata_utils):
        assert isinstance(package.__version__, str) and package.__version__.count(".") == 2
        assert (Path(package.__file__).parent / "py.typed").exists()
    # one version for the whole project, written once in datalake_library/_version.py
    versions = {p.__version__ for p in (datalake_library, letsdata_interfaces, letsdata_service, letsdata_utils,
                                        letsdata_local)}
    assert versions == {datalake_library.__version__}
    literal = re.compile(r"^__version__\s*=", re.MULTILINE)
    root = Path(datalake_library.__file__).resolve().parent.parent
    holders = sorted(str(f.relative_to(root)) for d in ("datalake_library", "letsdata_interfaces", "letsdata_service",
                                                        "letsdata_utils", "letsdata_local")
                     for f in (root / d).rglob("*.py") if literal.search(f.read_text(encoding="utf-8")))
    assert holders == ["datalake_library/_version.py"]


def test_docstrings_contain_no_java() -> None:
    for path in Path(letsdata_interfaces.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for java in ("public class", "public interface", "public void", "Matcher", "ValidationUtils", "DocumentInterface", "new Document(", "@Override"):
            assert java not in text, (path, java)


@pytest.mark.parametrize("interface", sorted(STUB_CALLS))
def test_every_stub_method_raises_not_yet_implemented(interface: str) -> None:
    from letsdata_service.registry import DEFAULT_IMPLEMENTATIONS, interface_of, load_class

    cls = load_class(DEFAULT_IMPLEMENTATIONS[interface_of(interface)], "test")
    instance = cls()
    for method, args in STUB_CALLS[interface]:
        with pytest.raises(Exception) as info:
            getattr(instance, method)(*args)
        assert type(info.value) is Exception and str(info.value) == "Not Yet Implemented"
        hints = inspect.signature(getattr(cls, method))
        assert all(p.annotation is not inspect.Parameter.empty for n, p in hints.parameters.items() if n != "self")
        assert hints.return_annotation is not inspect.Signature.empty


@pytest.mark.parametrize(("module_name", "method_key"), [
    ("letsdata_interfaces.readers.spark.SparkMapperInterface", "mapper"),
    ("letsdata_interfaces.readers.spark.SparkReducerInterface", "reducer"),
])
def test_spark_credential_helpers_delegate_to_secret_manager_util(monkeypatch: pytest.MonkeyPatch, module_name: str,
                                                                  method_key: str) -> None:
    from letsdata_utils import secretmanager_util

    calls: list[tuple[str, ...]] = []

    def fake(region: str, arn: str, method_name: str, destination_type: str) -> dict[str, str]:
        calls.append((region, arn, method_name, destination_type))
        return {"AWS_ACCESS_KEY_ID": destination_type}

    monkeypatch.setattr(secretmanager_util.SecretManagerUtil, "get_spark_aws_credentials", staticmethod(fake))
    cls = getattr(importlib.import_module(module_name), module_name.rsplit(".", 1)[1])
    instance = cls()
    assert instance.get_read_destination_credentials("eu-west-1", "arn:s") == {"AWS_ACCESS_KEY_ID": "read"}
    assert instance.get_write_destination_credentials("eu-west-1", "arn:s") == {"AWS_ACCESS_KEY_ID": "write"}
    assert calls == [("eu-west-1", "arn:s", method_key, "read"), ("eu-west-1", "arn:s", method_key, "write")]


def test_spark_stubs_do_not_import_pyspark() -> None:
    import subprocess
    import sys

    code = ("import sys\n"
            "import letsdata_interfaces.readers.spark.SparkMapperInterface, letsdata_interfaces.readers.spark.SparkReducerInterface\n"
            "print('pyspark' in sys.modules, 'boto3' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.split() == ["False", "False"]
