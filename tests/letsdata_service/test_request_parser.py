"""Envelope validation in the required order and the factory modules (docs/letsdata-wire-contract.md)."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pytest

from letsdata_service.function_table import SERVICE_MODULES
from letsdata_service.RequestParser import getServiceRequest
from letsdata_service.Service import InterfaceNames, LetsDataAuthParams, ServiceRequest
from letsdata_utils.errors import LetsDataAssertionError
from tests.letsdata_service.payloads import AUTH, envelope, valid_request
from tests.letsdata_service.recording_impls import RECORDERS


def _message(event: Any) -> str:
    with pytest.raises(LetsDataAssertionError) as info:
        getServiceRequest(event)
    return str(info.value)


@pytest.mark.parametrize("event", [None, [], "x", 3, True, 1.5, ("a",)])
def test_event_must_be_a_dict(event: Any) -> None:
    assert _message(event) == f"letsdata assert - invalid lambda event - expected a dict, got {type(event).__name__}"


def test_validation_order_reports_the_first_failing_rule() -> None:
    """Break everything, then repair one rule at a time: each step reports the next rule in spec order."""
    event: dict[str, Any] = {"interface": 5, "function": None, "batchedData": {}, "data": []}
    steps = [
        ("missing key 'requestId' in lambda event", lambda e: e.update(requestId=7)),
        ("invalid requestId - lambda event requires requestId to be a str, got int",
         lambda e: e.update(requestId="r")),
        ("missing key 'letsdataAuth' in lambda event", lambda e: e.update(letsdataAuth=None)),
        ("invalid letsdataAuth - lambda event requires letsdataAuth to be a dict, got NoneType",
         lambda e: e.update(letsdataAuth={"tenantId": 1})),
        ("missing key 'userId' in letsdataAuth", lambda e: e.update(letsdataAuth=dict(AUTH))),
        ("invalid interface - lambda event requires interface to be a str, got int",
         lambda e: e.update(interface="NoSuchReader")),
        ("invalid interface 'NoSuchReader' - expected one of", lambda e: e.update(interface="queueMESSAGEreader")),
        ("invalid function - lambda event requires function to be a str, got NoneType",
         lambda e: e.update(function="ParseMessage")),
        ("lambda event - invalid functionName ParseMessage for interface QueueMessageReader",
         lambda e: e.update(function="parseMessage")),
        ("invalid batchedData - QueueMessageReader.parseMessage requires batchedData to be a list or null, got dict",
         lambda e: e.update(batchedData=[])),
        ("invalid data - QueueMessageReader.parseMessage requires data to be a dict, got list",
         lambda e: e.update(data={"messageId": "m", "messageAttributes": {}, "messageBody": "b"})),
    ]
    for expected, repair in steps:
        assert _message(event).startswith("letsdata assert - " + expected), expected
        repair(event)
    assert isinstance(getServiceRequest(event), ServiceRequest)


def test_missing_interface_and_function_keys_name_the_key() -> None:
    event = envelope("SingleFileParser", "getS3FileType")
    del event["interface"]
    assert _message(event) == "letsdata assert - missing key 'interface' in lambda event"
    event = envelope("SingleFileParser", "getS3FileType")
    del event["function"]
    assert _message(event) == "letsdata assert - missing key 'function' in lambda event"


@pytest.mark.parametrize("key", ["tenantId", "userId", "datasetName", "datasetId"])
def test_each_auth_key_is_required_but_its_value_is_not_type_checked(key: str) -> None:
    event = envelope("SingleFileParser", "getS3FileType")
    del event["letsdataAuth"][key]
    assert _message(event) == f"letsdata assert - missing key '{key}' in letsdataAuth"
    event = envelope("SingleFileParser", "getS3FileType")
    event["letsdataAuth"][key] = None
    request = getServiceRequest(event)
    assert getattr(request.letsDataAuth, key) is None


@pytest.mark.parametrize("spelling", ["SingleFileParser", "singlefileparser", "SINGLEFILEPARSER", "sInGlEfIlEpArSeR"])
def test_interface_is_case_insensitive(spelling: str) -> None:
    request = getServiceRequest(envelope(spelling, "getS3FileType"))
    assert request.interfaceName is InterfaceNames.SingleFileParser


@pytest.mark.parametrize("spelling", ["gets3filetype", "GetS3FileType", "getS3FileType "])
def test_function_is_case_sensitive(spelling: str) -> None:
    assert _message(envelope("SingleFileParser", spelling)).startswith(
        f"letsdata assert - lambda event - invalid functionName {spelling} for interface SingleFileParser")


def test_sagemaker_unknown_function_names_the_interface_not_the_service() -> None:
    message = _message(envelope("SagemakerVectorsInterface", "nope", {}))
    assert "invalid functionName nope for interface SagemakerVectorsInterface (expected one of " \
           "extractDocumentElementsForVectorization, constructVectorDoc)" in message


def test_function_of_another_interface_is_rejected() -> None:
    assert "invalid functionName parseRecord for interface KinesisRecordReader" in _message(
        envelope("KinesisRecordReader", "parseRecord", {}))


def test_auth_params_and_request_fields() -> None:
    event = valid_request("KinesisRecordReader.parseMessage")
    request = getServiceRequest(event)
    auth = event["letsdataAuth"]
    assert (request.requestId, request.functionName) == (event["requestId"], "parseMessage")
    assert [request.letsDataAuth.tenantId, request.letsDataAuth.userId, request.letsDataAuth.datasetName,
            request.letsDataAuth.datasetId] == [auth.get("tenantId"), auth.get("userId"), auth["datasetName"],
                                                auth["datasetId"]]
    assert "requestId=" in request.log_context() and event["data"]["data"][:20] not in request.log_context()


def test_interface_names_enum_values_are_lower_case_names() -> None:
    assert {m.name: m.value for m in InterfaceNames} == {m.name: m.name.lower() for m in InterfaceNames}
    assert InterfaceNames.fromValue("SparkMapperInterface") is InterfaceNames.SparkMapperInterface
    assert len(InterfaceNames) == 8


@pytest.mark.parametrize("interface", list(InterfaceNames), ids=lambda i: i.name)
def test_factory_modules_have_the_original_names_and_signature(interface: InterfaceNames) -> None:
    module_name, factory_name = SERVICE_MODULES[interface]
    factory = getattr(importlib.import_module(module_name), factory_name)
    assert list(inspect.signature(factory).parameters) == [
        "requestId", "letsDataAuth", "interfaceName", "functionName", "data", "batchedData"]


@pytest.mark.usefixtures("recording_impls")
def test_factory_called_directly_validates_and_builds_a_runnable_request() -> None:
    from letsdata_service.SingleFileParserService import getSingleFileParserRequest

    request = getSingleFileParserRequest("r1", LetsDataAuthParams(dict(AUTH)), InterfaceNames.SingleFileParser,
                                         "getResolvedS3FileName", {"s3FileType": "WET", "fileName": "a/b"}, None)
    assert request.execute() == "resolved/WET/a/b"
    with pytest.raises(LetsDataAssertionError, match="the SingleFileParser service cannot handle interface"):
        getSingleFileParserRequest("r1", LetsDataAuthParams(dict(AUTH)), InterfaceNames.KinesisRecordReader,
                                   "getS3FileType", None, None)
    with pytest.raises(LetsDataAssertionError, match="requires letsdataAuth, got NoneType"):
        getSingleFileParserRequest("r1", None, InterfaceNames.SingleFileParser, "getS3FileType", None, None)
    assert RECORDERS["SingleFileParser"].calls[0][0] == "getResolvedS3FileName"


def test_requests_for_one_interface_do_not_import_other_service_modules() -> None:
    import subprocess
    import sys

    code = (
        "import sys, json\n"
        "from letsdata_service.RequestParser import getServiceRequest\n"
        "getServiceRequest({'requestId':'r','interface':'SingleFileParser','function':'getS3FileType',"
        "'letsdataAuth':{'tenantId':1,'userId':1,'datasetName':1,'datasetId':1}})\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('letsdata_service.'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = set(__import__("json").loads(out))
    assert "letsdata_service.SingleFileParserService" in loaded
    assert not loaded & {m for m, _ in SERVICE_MODULES.values() if not m.endswith("SingleFileParserService")}
