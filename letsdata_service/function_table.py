"""The one declarative table of the 11 wire functions and the generic validator that reads it.

Each :class:`FunctionSpec` lists the ``data`` fields of a function in the order of the user method's
positional parameters: wire key, user argument name, type, whether the key is required and whether
``null`` is allowed, the value passed when it is absent/null, a conversion (``content`` -> UTF-8
``bytearray``) and the dict it lives in (``data`` or the nested ``data.data`` of the DynamoDB
functions). Fields with ``arg=None`` are containers that are validated but not passed. A few rules that
are not per-field (parseDocument's startIndex/endIndex) are a ``finish`` hook.

Validation is by key name (docs/letsdata-wire-contract.md, Interfaces and functions): missing required
keys, ``null`` where not allowed and wrong types (a ``bool`` is never an ``int``) raise :class:`LetsDataAssertionError` with a ``letsdata assert - `` message
naming ``Interface.function`` and the field; unknown keys are tolerated and logged at DEBUG.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from letsdata_service.interface_table import INTERFACES
from letsdata_service.Service import InterfaceNames
from letsdata_utils.errors import LetsDataRequestError
from letsdata_utils.logging_utils import logger
from letsdata_utils.validations import echo, letsdata_fail

DATA = "data"
NESTED = "data.data"

_TYPE_NAMES: dict[type, str] = {str: "str", int: "int", dict: "dict", list: "list"}


@dataclass(frozen=True)
class FieldSpec:
    """One key of a function's ``data``."""

    key: str
    type: type
    arg: str | None = None  # user argument name; None -> a container that is not passed
    required: bool = True
    nullable: bool = False
    default: Callable[[], Any] | None = None  # value passed when absent or null (None if not given)
    convert: Callable[[Any], Any] | None = None
    parent: str = DATA
    warn_if_empty: bool = False

    @property
    def type_name(self) -> str:
        return _TYPE_NAMES.get(self.type, self.type.__name__)

    def type_ok(self, value: Any) -> bool:
        if self.type is int:
            return isinstance(value, int) and not isinstance(value, bool)
        return isinstance(value, self.type)


@dataclass(frozen=True)
class FunctionSpec:
    """One wire function of one interface."""

    interface: InterfaceNames
    function: str
    fields: tuple[FieldSpec, ...] = ()
    data_required: bool = True  # False: data may be absent/null/{} (getS3FileType)
    finish: Callable[[FunctionSpec, list[Any]], list[Any]] | None = None
    #: The keys each container (``data``, ``data.data``) may hold; the others are logged as unknown.
    known_keys: Mapping[str, frozenset[str]] = field(init=False, repr=False)
    #: ``Interface.function``, as used in every message.
    label: str = field(init=False)

    def __post_init__(self) -> None:
        keys: dict[str, set[str]] = {}
        for f in self.fields:
            keys.setdefault(f.parent, set()).add(f.key)
        object.__setattr__(self, "known_keys", {parent: frozenset(names) for parent, names in keys.items()})
        object.__setattr__(self, "label", f"{self.interface.name}.{self.function}")


def _utf8_bytearray(value: str) -> bytearray:
    return bytearray(value, "utf-8")


def _parse_document_indexes(spec: FunctionSpec, args: list[Any]) -> list[Any]:
    """parseDocument (docs/letsdata-wire-contract.md): startIndex must be 0 and endIndex the UTF-8 length of ``content``."""
    byte_arr, start, end = args[3], args[4], args[5]
    if start != 0:
        raise LetsDataRequestError(
            f"SingleFileParser_ParseDocument - invalid startIndex for byteArray - expected: 0, actual: {start}")
    if end != len(byte_arr):
        raise LetsDataRequestError(
            "SingleFileParser_ParseDocument - invalid endIndex for byteArray - expected: "
            f"{len(byte_arr)}, actual: {end}")
    return args


def _f(key: str, type_: type, arg: str | None = "", **kw: Any) -> FieldSpec:
    """A field whose user argument has the wire key's name unless ``arg`` says otherwise."""
    return FieldSpec(key=key, type=type_, arg=key if arg == "" else arg, **kw)


def _empty_dict() -> dict[str, Any]:
    return {}


_SPARK_COMMON_HEAD = (_f("appName", str), _f("readDestination", str))
_SPARK_COMMON_TAIL = (
    _f("readFormat", str), _f("readOptions", dict), _f("writeDestination", str), _f("writeUri", str),
    _f("writeFormat", str), _f("writeMode", str), _f("writeOptions", dict),
    _f("sparkCredentialsSecretArn", str, "spark_credentials_secret_arn"),
)

_SFP = InterfaceNames.SingleFileParser
_SPECS: tuple[FunctionSpec, ...] = (
    FunctionSpec(_SFP, "getS3FileType", data_required=False),
    FunctionSpec(_SFP, "getResolvedS3FileName", (_f("s3FileType", str), _f("fileName", str))),
    FunctionSpec(_SFP, "getRecordStartPattern", (_f("s3FileType", str),)),
    FunctionSpec(_SFP, "getRecordEndPattern", (_f("s3FileType", str),)),
    FunctionSpec(_SFP, "parseDocument", (
        _f("s3FileType", str), _f("fileName", str, "s3Filename"), _f("offsetBytes", int),
        _f("content", str, "byteArr", convert=_utf8_bytearray), _f("startIndex", int), _f("endIndex", int),
    ), finish=_parse_document_indexes),
    FunctionSpec(InterfaceNames.KinesisRecordReader, "parseMessage", (
        _f("streamArn", str), _f("shardId", str), _f("partitionKey", str), _f("sequenceNumber", str),
        _f("approximateArrivalTimestamp", int), _f("data", str, convert=_utf8_bytearray),
    )),
    FunctionSpec(InterfaceNames.QueueMessageReader, "parseMessage", (
        _f("messageId", str),
        _f("messageGroupId", str, required=False, nullable=True),
        _f("messageDeduplicationId", str, required=False, nullable=True),
        _f("messageAttributes", dict), _f("messageBody", str),
    )),
    FunctionSpec(InterfaceNames.DynamoDBStreamsRecordReader, "parseRecord", (
        _f("streamArn", str), _f("shardId", str), _f("eventId", str), _f("eventName", str),
        _f("identityPrincipalId", str, nullable=True), _f("identityType", str, nullable=True),
        _f("sequenceNumber", str), _f("sizeBytes", int), _f("streamViewType", str),
        _f("approximateCreationDateTime", int),
        _f("data", dict, None),
        _f("keys", dict, parent=NESTED, warn_if_empty=True),
        _f("oldImage", dict, parent=NESTED, required=False, nullable=True, default=_empty_dict),
        _f("newImage", dict, parent=NESTED, required=False, nullable=True, default=_empty_dict),
    )),
    FunctionSpec(InterfaceNames.DynamoDBTableItemReader, "parseDynamoDBItem", (
        _f("tableName", str), _f("segmentNumber", int), _f("data", dict, None),
        _f("keys", dict, parent=NESTED, warn_if_empty=True), _f("item", dict, parent=NESTED),
    )),
    FunctionSpec(InterfaceNames.SagemakerVectorsInterface, "extractDocumentElementsForVectorization",
                 (_f("document", dict),)),
    FunctionSpec(InterfaceNames.SagemakerVectorsInterface, "constructVectorDoc",
                 (_f("documentInterface", dict), _f("vectorsMap", dict))),
    FunctionSpec(InterfaceNames.SparkMapperInterface, "mapper",
                 (*_SPARK_COMMON_HEAD, _f("readUri", str), *_SPARK_COMMON_TAIL)),
    FunctionSpec(InterfaceNames.SparkReducerInterface, "reducer",
                 (*_SPARK_COMMON_HEAD, _f("readUris", list), *_SPARK_COMMON_TAIL)),
)

#: The request factory (service module, function) of each interface, imported only when a request for
#: it arrives; from the one interface table.
SERVICE_MODULES: dict[InterfaceNames, tuple[str, str]] = {
    iface: (entry.service_module, entry.factory) for iface, entry in INTERFACES.items()
}


FUNCTIONS: dict[InterfaceNames, dict[str, FunctionSpec]] = {}
for _spec in _SPECS:
    FUNCTIONS.setdefault(_spec.interface, {})[_spec.function] = _spec


def function_names(interface: InterfaceNames) -> list[str]:
    """The wire function names of an interface, in table order."""
    return list(FUNCTIONS[interface])


def lookup(interface: InterfaceNames, function: object) -> FunctionSpec:
    """The spec of ``interface.function``; ``function`` is matched case-sensitively (docs/letsdata-wire-contract.md, Request envelope)."""
    if not isinstance(function, str):
        letsdata_fail(f"invalid function - lambda event requires function to be a str, got {type(function).__name__}")
    spec = FUNCTIONS[interface].get(function)
    if spec is None:
        letsdata_fail(f"lambda event - invalid functionName {echo(function)} for interface {interface.name} "
                      f"(expected one of {', '.join(function_names(interface))})")
    return spec


def validate_data(spec: FunctionSpec, data: Any, where: str = "data") -> list[Any]:
    """Validate one ``data`` dict against ``spec`` and return the user method's positional arguments.

    ``where`` names the value in messages (``data`` or ``batchedData[3]``). Messages are formatted only
    on failure: this runs once per record.
    """
    if data is None:
        if spec.data_required:
            letsdata_fail(f"invalid {where} - None - {spec.label} requires {where} keys "
                          f"[{', '.join(f.key for f in spec.fields)}]")
        data = {}
    if not isinstance(data, dict):
        letsdata_fail(f"invalid {where} - {spec.label} requires {where} to be a dict, got {type(data).__name__}")
    containers: dict[str, dict[str, Any]] = {DATA: data}
    args: list[Any] = []
    for f in spec.fields:
        container = containers[f.parent]
        value: Any = container.get(f.key)
        if value is None:
            if f.key not in container:
                if f.required:
                    letsdata_fail(f"missing key '{f.key}' in {_path(where, f)} for {spec.label}")
            elif not f.nullable:
                letsdata_fail(f"invalid {f.key} - None - {spec.label} requires {_path(where, f)}.{f.key} to be a "
                              f"non-null {f.type_name}")
            value = f.default() if f.default is not None else None
        else:
            if not f.type_ok(value):
                letsdata_fail(f"invalid {f.key} - {spec.label} requires {_path(where, f)}.{f.key} value to be "
                              f"{f.type_name}, got {type(value).__name__}")
            if f.warn_if_empty and not value:
                logger.warning("letsdata request - %s: %s.%s is empty", spec.label, _path(where, f), f.key)
            if f.convert is not None:
                value = f.convert(value)
        if f.arg is None:
            containers[f"{f.parent}.{f.key}"] = value
        else:
            args.append(value)
    if logger.isEnabledFor(logging.DEBUG):
        _log_unknown_keys(spec, containers, where)
    return spec.finish(spec, args) if spec.finish is not None else args


def _path(where: str, f: FieldSpec) -> str:
    return where if f.parent == DATA else f"{where}.data"


def _log_unknown_keys(spec: FunctionSpec, containers: dict[str, dict[str, Any]], where: str) -> None:
    for parent, container in containers.items():
        known = spec.known_keys.get(parent, frozenset())
        unknown = [k for k in container if k not in known]
        if unknown:
            logger.debug("letsdata request - %s: ignoring unknown keys %s in %s", spec.label, unknown,
                         where if parent == DATA else f"{where}.data")
