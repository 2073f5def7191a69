"""Dataset configuration in the LetsData format, validated by one table-driven schema.

Why a table: every rule (type, allowed enum values, when a field is required, its default) sits in
:data:`FIELDS`, so an invalid configuration always gets the same kind of message — the dotted
field path, what was wrong and, for enums, the allowed values — and adding a connector means adding
rows, not another branch of ``if``s.

Enum values are matched the way the platform accepts them: case-insensitively and ignoring ``_`` /
``-`` / spaces (``Lambda``, ``LAMBDA``, ``DynamoDBStreams`` and ``DYNAMODB_STREAMS`` all match).
The canonical value is stored back into the normalised configuration.

``letsdataLocal`` is a local-only section the platform never sees: which example implementation
each interface uses and which bundled sample input seeds the embedded moto account.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from letsdata_service.interface_table import INTERFACE_NAMES  # the one interface table


class ConfigError(ValueError):
    """An invalid dataset configuration; the message names the field and what is allowed."""


def _norm(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", value.upper())


@dataclass(frozen=True)
class Field:
    """One row of the schema.

    ``kind``: str, int, bool, dict, list or enum. ``required``: always (True), never (False), or a
    predicate over the partially normalised config. ``aliases`` map extra spellings to canonical
    enum values.
    """

    path: str
    kind: str
    required: bool | Callable[[Config], bool] = False
    choices: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)
    default: Any = None
    minimum: int | None = None


def _read_is(*values: str) -> Callable[[Config], bool]:
    return lambda cfg: cfg.get("readConnector.connectorDestination") in values


def _write_is(*values: str) -> Callable[[Config], bool]:
    return lambda cfg: cfg.get("writeConnector.connectorDestination") in values


def _engine_is(*values: str) -> Callable[[Config], bool]:
    return lambda cfg: cfg.get("computeEngine.computeEngineType") in values


READ_DESTINATIONS = ("S3", "SQS", "KINESIS", "DYNAMODB_STREAMS", "DYNAMODB_TABLE")
WRITE_DESTINATIONS = ("KINESIS", "SQS", "S3", "DYNAMODB", "LOCAL")
ERROR_DESTINATIONS = ("S3", "LOCAL")
ENGINES = ("LAMBDA", "LAMBDA_AND_SAGEMAKER", "SPARK")

#: The schema. Order matters only in that a predicate may read fields listed above it.
FIELDS: tuple[Field, ...] = (
    Field("datasetName", "str", required=True),
    Field("region", "str"),
    Field("readConnector", "dict", required=True),
    Field(
        "readConnector.connectorDestination",
        "enum",
        required=True,
        choices=READ_DESTINATIONS,
        aliases={"DYNAMODB": "DYNAMODB_TABLE", "DDB": "DYNAMODB_TABLE", "DDBSTREAMS": "DYNAMODB_STREAMS"},
    ),
    Field(
        "readConnector.artifactImplementationLanguage",
        "enum",
        choices=("PYTHON",),
        default="PYTHON",
    ),
    Field(
        "readConnector.readerType",
        "enum",
        choices=(
            "SINGLEFILEREADER",
            "KINESISSTREAMREADER",
            "SQSQUEUEREADER",
            "DYNAMODBSTREAMREADER",
            "DYNAMODBTABLEREADER",
            "SPARKREADER",
        ),
    ),
    Field("readConnector.bucketName", "str", required=_read_is("S3")),
    Field("readConnector.queueName", "str"),
    Field("readConnector.queueUrl", "str"),
    Field("readConnector.queueArn", "str"),
    Field("readConnector.streamArn", "str"),
    Field("readConnector.streamName", "str"),
    Field("readConnector.tableName", "str", required=_read_is("DYNAMODB_TABLE")),
    Field("readConnector.sparkFileFormat", "enum", choices=("JSON", "PARQUET", "TEXT", "CSV"), default="TEXT"),
    Field("readConnector.sparkReadOptions", "dict", default={}),
    Field("writeConnector", "dict", required=True),
    Field(
        "writeConnector.connectorDestination",
        "enum",
        required=True,
        choices=WRITE_DESTINATIONS,
        aliases={"FILE": "LOCAL", "DDB": "DYNAMODB", "DYNAMODBTABLE": "DYNAMODB"},
    ),
    Field("writeConnector.streamName", "str"),
    Field("writeConnector.streamArn", "str"),
    Field("writeConnector.kinesisShardCount", "int", default=1, minimum=1),
    Field("writeConnector.compression", "enum", choices=("NONE", "GZIP"), default="NONE"),
    Field("writeConnector.queueName", "str"),
    Field("writeConnector.queueUrl", "str"),
    Field("writeConnector.messageIdAttributeName", "str"),
    Field("writeConnector.bucketName", "str"),
    Field("writeConnector.keyPrefix", "str", default=""),
    Field("writeConnector.tableName", "str"),
    Field("writeConnector.path", "str"),
    Field("writeConnector.sparkFileFormat", "enum", choices=("JSON", "PARQUET", "CSV", "TEXT"), default="JSON"),
    Field("writeConnector.sparkWriteOptions", "dict", default={}),
    Field("writeConnector.writeMode", "str", default="overwrite"),
    Field("errorConnector", "dict", default={"connectorDestination": "LOCAL"}),
    Field("errorConnector.connectorDestination", "enum", choices=ERROR_DESTINATIONS, default="LOCAL",
          aliases={"FILE": "LOCAL"}),
    Field("errorConnector.bucketName", "str"),
    Field("errorConnector.keyPrefix", "str", default=""),
    Field("errorConnector.path", "str"),
    Field("computeEngine", "dict", required=True),
    Field(
        "computeEngine.computeEngineType",
        "enum",
        required=True,
        choices=ENGINES,
        aliases={"SPARKONLAMBDA": "SPARK", "LAMBDASAGEMAKER": "LAMBDA_AND_SAGEMAKER"},
    ),
    Field(
        "computeEngine.runSparkInterfaces",
        "enum",
        choices=("MAPPER_AND_REDUCER", "MAPPER_ONLY", "REDUCER_ONLY"),
        default="MAPPER_AND_REDUCER",
    ),
    Field("computeEngine.endpoint", "dict", default={}),
    Field("computeEngine.endpoint.sagemakerEndpointName", "str"),
    Field("computeEngine.endpoint.contentType", "str", default="application/json"),
    Field("manifestFile", "dict", default={}),
    Field("manifestFile.manifestType", "str"),
    Field("manifestFile.fileContents", "str", required=lambda c: c.get("readConnector.connectorDestination") == "S3"
          and not c.get("manifestFile.s3Link")),
    Field("manifestFile.s3Link", "str"),
    Field("manifestFile.sqsReaderTaskStopCondition", "enum", choices=("DRAINQUEUES", "CONTINUOUS"),
          default="DRAINQUEUES"),
    Field("manifestFile.sqsReaderTaskStopAfterConsecutiveEmptyReceives", "int", default=3, minimum=1),
    Field("manifestFile.totalSegments", "int", default=4, minimum=1),
    Field("letsdataLocal", "dict", default={}),
    Field("letsdataLocal.implementations", "dict", default={}),
    Field("letsdataLocal.seed", "dict", default={}),
)

#: "exactly one of" groups: (destination predicate, fields, human name).
ONE_OF: tuple[tuple[Callable[[Config], bool], tuple[str, ...]], ...] = (
    (_read_is("SQS"), ("readConnector.queueName", "readConnector.queueUrl", "readConnector.queueArn")),
    (_read_is("KINESIS"), ("readConnector.streamArn", "readConnector.streamName")),
    (_read_is("DYNAMODB_STREAMS"), ("readConnector.streamArn", "readConnector.tableName")),
)

_MISSING = object()


class Config:
    """A validated, normalised dataset configuration with dotted-path access."""

    def __init__(self, raw: Mapping[str, Any], source: str = "<config>") -> None:
        if not isinstance(raw, Mapping):
            raise ConfigError(f"{source}: the dataset configuration must be a JSON object")
        self.source = source
        self.data: dict[str, Any] = json.loads(json.dumps(raw))
        for spec in FIELDS:
            self._apply(spec)
        for predicate, names in ONE_OF:
            if predicate(self) and not any(self.get(n) for n in names):
                raise ConfigError(f"{source}: one of {', '.join(names)} is required for this read connector")
        self._check_implementations()

    # -- access --------------------------------------------------------------------------------
    def get(self, path: str, default: Any = None) -> Any:
        node: Any = self.data
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def set(self, path: str, value: Any) -> None:
        parts = path.split(".")
        node = self.data
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    @property
    def dataset_name(self) -> str:
        return str(self.data["datasetName"])

    @property
    def read_destination(self) -> str:
        return str(self.get("readConnector.connectorDestination"))

    @property
    def write_destination(self) -> str:
        return str(self.get("writeConnector.connectorDestination"))

    @property
    def error_destination(self) -> str:
        return str(self.get("errorConnector.connectorDestination"))

    @property
    def engine(self) -> str:
        return str(self.get("computeEngine.computeEngineType"))

    @property
    def implementations(self) -> dict[str, str]:
        return dict(self.get("letsdataLocal.implementations") or {})

    # -- validation ----------------------------------------------------------------------------
    def _apply(self, spec: Field) -> None:
        parent_path, _, name = spec.path.rpartition(".")
        parent = self.get(parent_path) if parent_path else self.data
        value = parent.get(name, _MISSING) if isinstance(parent, dict) else _MISSING
        if value is _MISSING or value is None:
            required = spec.required(self) if callable(spec.required) else spec.required
            if required:
                raise ConfigError(f"{self.source}: missing required field {spec.path}" + self._allowed(spec))
            if spec.default is not None and isinstance(parent, dict):
                parent[name] = json.loads(json.dumps(spec.default))
            return
        parent[name] = self._coerce(spec, value)

    def _coerce(self, spec: Field, value: Any) -> Any:
        where = f"{self.source}: field {spec.path}"
        if spec.kind == "enum":
            if not isinstance(value, str):
                raise ConfigError(f"{where} must be a string{self._allowed(spec)}, got {value!r}")
            wanted = _norm(value)
            for choice in spec.choices:
                if _norm(choice) == wanted:
                    return choice
            for alias, target in spec.aliases.items():
                if _norm(alias) == wanted:
                    return target
            raise ConfigError(f"{where} has invalid value {value!r}{self._allowed(spec)}")
        types: dict[str, tuple[type, ...]] = {
            "str": (str,),
            "int": (int,),
            "bool": (bool,),
            "dict": (dict,),
            "list": (list,),
        }
        if not isinstance(value, types[spec.kind]) or (spec.kind == "int" and isinstance(value, bool)):
            raise ConfigError(f"{where} must be of type {spec.kind}, got {type(value).__name__} {value!r}")
        checked: Any = value
        if spec.kind == "str" and not checked.strip():
            raise ConfigError(f"{where} must not be empty")
        if spec.minimum is not None and checked < spec.minimum:
            raise ConfigError(f"{where} must be >= {spec.minimum}, got {value}")
        return value

    @staticmethod
    def _allowed(spec: Field) -> str:
        return f" (allowed values: {', '.join(spec.choices)})" if spec.choices else ""

    def _check_implementations(self) -> None:
        for name, target in self.implementations.items():
            if name not in INTERFACE_NAMES:
                raise ConfigError(
                    f"{self.source}: field letsdataLocal.implementations has unknown interface {name!r}"
                    f" (allowed values: {', '.join(INTERFACE_NAMES)})"
                )
            if not isinstance(target, str) or ":" not in target:
                raise ConfigError(
                    f"{self.source}: field letsdataLocal.implementations.{name} must be 'module:Class',"
                    f" got {target!r}"
                )


def load_config(path: str | Path) -> Config:
    """Read and validate a dataset configuration file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read dataset configuration {path}: {exc.strerror or exc}") from exc
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from exc
    return Config(raw, source=str(path))
