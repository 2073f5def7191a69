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
    maximum: int | None = None


def _read_is(*values: str) -> Callable[[Config], bool]:
    return lambda cfg: cfg.get("readConnector.connectorDestination") in values


def _write_is(*values: str) -> Callable[[Config], bool]:
    return lambda cfg: cfg.get("writeConnector.connectorDestination") in values


def _engine_is(*values: str) -> Callable[[Config], bool]:
    return lambda cfg: cfg.get("computeEngine.computeEngineType") in values


READER_TYPES = (
    "SINGLEFILEREADER",
    "SINGLEFILESTATEMACHINEREADER",
    "MULTIPLEFILESTATEMACHINEREADER",
    "KINESISSTREAMREADER",
    "SQSQUEUEREADER",
    "DYNAMODBSTREAMREADER",
    "DYNAMODBTABLEREADER",
    "SPARKREADER",
)
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
    Field("readConnector.readerType", "enum", choices=READER_TYPES),
    # state-machine readers: Python 'module:Class' names in the fields the platform's configs use
    Field("readConnector.singleFileStateMachineParserImplementationClassName", "str"),
    Field("readConnector.singleFileStateMachineReaderImplementationClassName", "str"),
    Field("readConnector.singleFileStateMachineParserImplementationClassNameMap", "dict"),
    Field("readConnector.multipleFileStateMachineReaderClassName", "str"),  # required: state_machine.check_config
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
    Field("writeConnector.compression", "enum", choices=("NONE", "GZIP"), default="GZIP"),
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
    Field("computeEngine.timeoutInSeconds", "int", default=900, minimum=1, maximum=900),
    Field("computeEngine.endpoint", "dict", default={}),
    Field("computeEngine.endpoint.sagemakerEndpointName", "str"),
    Field("computeEngine.endpoint.contentType", "str", default="application/json"),
    Field("manifestFile", "dict", default={}),
    Field("manifestFile.manifestType", "str"),
    Field("manifestFile.readerType", "enum", choices=READER_TYPES),
    Field("manifestFile.manifestFileS3Uri", "str"),
    Field("manifestFile.s3Link", "str"),  # this project's earlier spelling of manifestFileS3Uri
    Field("manifestFile.fileContents", "str", required=lambda c: c.get("readConnector.connectorDestination") == "S3"
          and not c.get("manifestFile.manifestFileS3Uri") and not c.get("manifestFile.s3Link")),
    Field("manifestFile.sqsReaderTaskStopCondition", "enum", choices=("DRAINQUEUES", "CONTINUOUS"),
          default="DRAINQUEUES"),
    Field("manifestFile.sqsReaderTaskStopAfterConsecutiveEmptyReceives", "int", default=3, minimum=1),
    Field("manifestFile.kinesisReaderTaskStartFromCondition", "enum", choices=("EARLIEST", "LATEST", "AT_TIMESTAMP"),
          aliases={"TRIMHORIZON": "EARLIEST"}, default="EARLIEST"),
    Field("manifestFile.kinesisReaderTaskStartFromTimestamp", "int", minimum=0,
          required=lambda c: c.get("manifestFile.kinesisReaderTaskStartFromCondition") == "AT_TIMESTAMP"),
    Field("manifestFile.kinesisReaderTaskStopCondition", "enum", choices=("CAUGHT_UP", "CONTINUOUS"),
          default="CAUGHT_UP"),
    Field("manifestFile.dynamoDBReaderTaskStartFromCondition", "enum",
          choices=("EARLIEST", "LATEST", "AT_TIMESTAMP"), aliases={"TRIMHORIZON": "EARLIEST"}, default="EARLIEST"),
    Field("manifestFile.dynamoDBReaderTaskStopCondition", "enum", choices=("CAUGHT_UP", "CONTINUOUS"),
          default="CAUGHT_UP"),
    Field("manifestFile.dynamoDBReaderTaskStopAfterConsecutiveEmptyReads", "int", default=3, minimum=1),
    Field("manifestFile.totalSegments", "int", default=4, minimum=1),
    Field("letsdataLocal", "dict", default={}),
    Field("letsdataLocal.implementations", "dict", default={}),
    Field("letsdataLocal.exceptionsAsErrors", "bool", default=False),
    Field("letsdataLocal.seed", "dict", default={}),
    Field("letsdataLocal.seed.s3Files", "dict"),
    Field("letsdataLocal.seed.file", "str"),
    Field("letsdataLocal.seed.limit", "int", minimum=0),
    Field("letsdataLocal.seed.hashKey", "str"),
    Field("letsdataLocal.seed.rangeKey", "str"),
    Field("letsdataLocal.seed.shardCount", "int", minimum=1),
    Field("letsdataLocal.seed.updates", "list"),
    Field("letsdataLocal.seed.vectorDimensions", "int", minimum=1),
    Field("letsdataLocal.seed.vectorsPerRecord", "int", minimum=1),
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
        self._check_manifest()

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
        if spec.kind == "str" and not checked.strip() and value != spec.default:  # "" keyPrefix = bucket root
            raise ConfigError(f"{where} must not be empty")
        if spec.minimum is not None and checked < spec.minimum:
            raise ConfigError(f"{where} must be >= {spec.minimum}, got {value}")
        if spec.maximum is not None and checked > spec.maximum:
            raise ConfigError(f"{where} must be <= {spec.maximum}, got {value}")
        return value

    @staticmethod
    def _allowed(spec: Field) -> str:
        return f" (allowed values: {', '.join(spec.choices)})" if spec.choices else ""

    @property
    def reader_type(self) -> str:
        """The S3 reader type (``manifestFile.readerType``, else ``readConnector.readerType``)."""
        return str(self.get("manifestFile.readerType") or self.get("readConnector.readerType") or "SINGLEFILEREADER")

    @property
    def manifest_type(self) -> str:
        return str(self.get("manifestFile.manifestType"))

    def _check_manifest(self) -> None:
        """S3 manifests: one source of lines, a type that agrees with it, lines that parse.

        Inline lines are parsed here, when the configuration is loaded; the lines of an
        ``S3ReaderS3LinkManifestFile`` are parsed by the reader once it has fetched them, still
        before the first record.
        """
        from letsdata_local.manifest import (
            S3_LINK_MANIFEST,
            S3_MANIFEST_TYPES,
            TEXT_MANIFEST,
            parse_manifest,
            parse_s3_uri,
        )

        if self.read_destination != "S3":
            return
        link = self.get("manifestFile.manifestFileS3Uri") or self.get("manifestFile.s3Link")
        text = self.get("manifestFile.fileContents")
        connector_type, manifest_reader = self.get("readConnector.readerType"), self.get("manifestFile.readerType")
        if connector_type and manifest_reader and connector_type != manifest_reader:
            raise ConfigError(f"{self.source}: field manifestFile.readerType {manifest_reader} disagrees with "
                              f"readConnector.readerType {connector_type}")
        if link and text:
            raise ConfigError(f"{self.source}: field manifestFile has both fileContents and manifestFileS3Uri; "
                              "give one (S3ReaderTextManifestFile or S3ReaderS3LinkManifestFile)")
        declared = self.get("manifestFile.manifestType")
        implied = S3_LINK_MANIFEST if link else TEXT_MANIFEST
        if declared is None:
            self.set("manifestFile.manifestType", implied)
        elif _norm(declared) not in {_norm(t) for t in S3_MANIFEST_TYPES}:
            raise ConfigError(f"{self.source}: field manifestFile.manifestType has invalid value {declared!r} for an "
                              f"S3 read connector (allowed values: {', '.join(S3_MANIFEST_TYPES)})")
        elif _norm(declared) != _norm(implied):
            needs = "manifestFileS3Uri" if implied == TEXT_MANIFEST else "fileContents"
            raise ConfigError(f"{self.source}: field manifestFile.manifestType {declared} needs manifestFile.{needs}")
        else:
            self.set("manifestFile.manifestType", implied)
        if link:
            self.set("manifestFile.manifestFileS3Uri", link)
            parse_s3_uri(link, f"{self.source}: field manifestFile.manifestFileS3Uri")
        else:
            parse_manifest(str(text), self.reader_type, f"{self.source}: field manifestFile.fileContents")

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


#: Deeper nesting than this is not a dataset configuration (and would exhaust the JSON parser's stack).
MAX_NESTING = 64
#: Integers longer than this are refused by name instead of hitting Python's int-parsing limit.
MAX_INT_DIGITS = 100


class _BadNumber(str):
    """A number JSON allows but a configuration cannot use (NaN, Infinity, a 5,000-digit integer)."""


def _bad_int(text: str) -> int | _BadNumber:
    return _BadNumber(f"an integer of {len(text.lstrip('-'))} digits") if len(text) > MAX_INT_DIGITS else int(text)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ConfigError(f"field {key!r} appears twice in the same object")
        result[key] = value
    return result


def _format_path(parts: list[str | int], limit: int = 6) -> str:
    out = ""
    for part in parts[:limit]:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return (out + ("..." if len(parts) > limit else "")) or "(top level)"


#: What the path scan looks at: a whole string (skipped in C, escapes included) or a structural character.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[{}\[\],]', re.DOTALL)


def _path_at(text: str, stop: int, max_depth: int | None = None) -> tuple[list[str | int], int]:
    """The key path of the JSON value at character ``stop`` (or where nesting first exceeds
    ``max_depth``, returning that position), found by a token scan that needs no parse and no
    recursion — so it works on exactly the files the parser cannot take."""
    stack: list[list[Any]] = []  # [bracket, key or index]
    expecting_key = False
    for match in _JSON_TOKEN.finditer(text, 0, min(stop, len(text))):
        token = match.group()
        c = token[0]
        if c == '"':
            if stack and stack[-1][0] == "{" and expecting_key:
                stack[-1][1] = token[1:-1]
                expecting_key = False
        elif c in "{[":
            stack.append([c, None if c == "{" else 0])
            expecting_key = c == "{"
            if max_depth is not None and len(stack) > max_depth:
                return [entry[1] for entry in stack if entry[1] is not None], match.start()
        elif c in "}]":
            if stack:
                stack.pop()
        elif stack:  # ","
            if stack[-1][0] == "[":
                stack[-1][1] += 1
            else:
                expecting_key = True
    return [entry[1] for entry in stack if entry[1] is not None], len(text) if stop >= len(text) else stop


def _line_col(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    return f"line {line} column {pos - (text.rfind(chr(10), 0, pos) + 1) + 1}"


def _find_bad_numbers(value: Any, path: list[str | int]) -> tuple[list[str | int], _BadNumber] | None:
    if isinstance(value, _BadNumber):
        return path, value
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _find_bad_numbers(item, [*path, key])
        if found:
            return found
    return None


def parse_config_bytes(data: bytes, source: str) -> Any:
    """Decode and parse a configuration file's bytes; every failure is a one-line
    :class:`ConfigError` naming ``source``, the position and the field it happened in."""
    if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark, as some editors write
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = data[: exc.start].decode("utf-8")
        path, _ = _path_at(prefix, len(prefix))
        raise ConfigError(f"{source}: not UTF-8 text: byte 0x{data[exc.start]:02x} at {_line_col(prefix, len(prefix))}"
                          f" in field {_format_path(path)}") from None
    path, stopped = _path_at(text, len(text), MAX_NESTING)
    if stopped < len(text):  # the scan stops early only where the nesting gets too deep
        raise ConfigError(f"{source}: field {_format_path(path)} is nested more than {MAX_NESTING} levels deep "
                          f"({_line_col(text, stopped)})")
    try:
        raw = json.loads(text, parse_int=_bad_int, parse_constant=_BadNumber, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        path, _ = _path_at(text, exc.pos)
        raise ConfigError(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}"
                          f", in field {_format_path(path)})") from None
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None
    except (ValueError, RecursionError) as exc:  # belt and braces: the checks above should catch these
        raise ConfigError(f"{source}: cannot parse the configuration ({type(exc).__name__}: {exc})") from None
    found = _find_bad_numbers(raw, [])
    if found:
        path, what = found
        raise ConfigError(f"{source}: field {_format_path(path)} is {what}, which a configuration cannot use")
    return raw


def load_config(path: str | Path) -> Config:
    """Read and validate a dataset configuration file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read dataset configuration {path}: {exc.strerror or exc}") from exc
    return Config(parse_config_bytes(data, str(path)), source=str(path))
