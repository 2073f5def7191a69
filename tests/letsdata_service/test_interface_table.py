"""The one interface table: every interface of the contract, once, and everything derives from it."""

from __future__ import annotations

import importlib

from letsdata_service.interface_table import INTERFACE_NAMES, INTERFACES
from letsdata_service.Service import InterfaceNames

#: The eight interfaces of the LetsData Python wire contract (docs/letsdata-wire-contract.md), by hand.
CONTRACT_INTERFACES = {
    "SingleFileParser", "KinesisRecordReader", "QueueMessageReader", "DynamoDBStreamsRecordReader",
    "DynamoDBTableItemReader", "SagemakerVectorsInterface", "SparkMapperInterface", "SparkReducerInterface",
}


def test_the_table_has_every_interface_of_the_contract_once() -> None:
    assert set(INTERFACE_NAMES) == CONTRACT_INTERFACES and len(INTERFACE_NAMES) == 8
    assert set(INTERFACES) == set(InterfaceNames)
    assert {m.value for m in InterfaceNames} == {n.lower() for n in CONTRACT_INTERFACES}


def test_registry_factories_and_local_config_derive_from_the_table() -> None:
    from letsdata_local import config
    from letsdata_service import function_table, registry

    assert config.INTERFACE_NAMES is INTERFACE_NAMES
    assert set(registry.DEFAULT_IMPLEMENTATIONS) == set(function_table.SERVICE_MODULES) == set(INTERFACES)


def test_every_entry_points_at_something_that_exists() -> None:
    for iface, entry in INTERFACES.items():
        module_name, class_name = entry.stub.split(":")
        assert class_name == iface.name
        assert getattr(importlib.import_module(module_name), class_name).__name__ == iface.name
        assert callable(getattr(importlib.import_module(entry.service_module), entry.factory))
