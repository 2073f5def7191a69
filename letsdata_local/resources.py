"""Names of the resources a dataset uses, and creating/seeding them (embedded default, --create-resources).

On the platform, ``resourceLocation: "LetsData"`` destinations are created by LetsData and have no
name in the configuration; locally they get a deterministic name derived from the dataset name.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import time
from pathlib import Path
from typing import Any

from letsdata_local.config import Config, ConfigError
from letsdata_local.readers import stream_name_from
from letsdata_local.splitter import is_gzip

log = logging.getLogger("letsdata_local")

REPO_ROOT = Path(__file__).resolve().parent.parent


def _slug(name: str, limit: int = 63) -> str:
    slug = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    return slug[:limit].rstrip("-") or "letsdata"


def default_bucket(cfg: Config) -> str:
    return _slug(f"letsdata-local-{cfg.dataset_name}")


def write_stream(cfg: Config) -> str:
    value = cfg.get("writeConnector.streamName") or cfg.get("writeConnector.streamArn")
    return stream_name_from(value) if value else _slug(f"{cfg.dataset_name}-write", 128)


def write_queue(cfg: Config) -> str:
    return cfg.get("writeConnector.queueName") or _slug(f"{cfg.dataset_name}-write", 80)


def write_table(cfg: Config) -> str:
    return cfg.get("writeConnector.tableName") or _slug(f"{cfg.dataset_name}-write", 255)


def write_bucket(cfg: Config) -> str:
    return cfg.get("writeConnector.bucketName") or default_bucket(cfg)


def write_prefix(cfg: Config) -> str:
    return cfg.get("writeConnector.keyPrefix") or f"{cfg.dataset_name}/documents/"


def error_bucket(cfg: Config) -> str:
    return cfg.get("errorConnector.bucketName") or default_bucket(cfg)


def error_prefix(cfg: Config) -> str:
    return cfg.get("errorConnector.keyPrefix") or f"{cfg.dataset_name}/errors/"


def local_path(cfg: Config, section: str, name: str) -> Path:
    value = cfg.get(f"{section}.path")
    return Path(value) if value else Path("letsdata_local_output") / _slug(cfg.dataset_name) / name


def read_stream(cfg: Config) -> str:
    return stream_name_from(cfg.get("readConnector.streamName") or cfg.get("readConnector.streamArn"))


def seed_path(value: str, cfg: Config) -> Path:
    """Seed files are looked up relative to the working directory, the config, then the repository."""
    candidates = [Path(value), Path(cfg.source).resolve().parent / value, REPO_ROOT / value]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise ConfigError(f"{cfg.source}: field letsdataLocal.seed: file {value!r} not found (looked in {', '.join(map(str, candidates))})")


def check_seed_files(cfg: Config) -> None:
    """Every seed file exists (a :class:`ConfigError` naming it otherwise) — checked before the
    embedded account starts, so a typo stops the run before anything is created."""
    seed: dict[str, Any] = cfg.get("letsdataLocal.seed") or {}
    for path in [*(seed.get("s3Files") or {}).values(), *([seed["file"]] if seed.get("file") else [])]:
        if not isinstance(path, str):
            raise ConfigError(f"{cfg.source}: field letsdataLocal.seed.s3Files must map keys to file paths, got {path!r}")
        seed_path(path, cfg)


def _ignore_exists(call: Any, *codes: str, **kwargs: Any) -> Any:
    try:
        return call(**kwargs)
    except Exception as exc:
        code = (getattr(exc, "response", None) or {}).get("Error", {}).get("Code", "")
        if code in codes:
            return None
        raise


class Provisioner:
    """Creates the buckets, queues, streams and tables a configuration names."""

    def __init__(self, cfg: Config, session: Any) -> None:
        self.cfg = cfg
        self.session = session

    # -- primitives -----------------------------------------------------------------------------
    def bucket(self, name: str) -> None:
        s3 = self.session.client("s3")
        region = self.session.region_name or "us-east-1"
        kwargs: dict[str, Any] = {"Bucket": name}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        _ignore_exists(s3.create_bucket, "BucketAlreadyOwnedByYou", "BucketAlreadyExists", **kwargs)

    def queue(self, name: str) -> str:
        sqs = self.session.client("sqs")
        attributes = {"FifoQueue": "true", "ContentBasedDeduplication": "true"} if name.endswith(".fifo") else {}
        return str(sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"])

    def stream(self, name: str, shards: int = 1) -> None:
        kinesis = self.session.client("kinesis")
        _ignore_exists(kinesis.create_stream, "ResourceInUseException", StreamName=name, ShardCount=shards)
        kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 0.1, "MaxAttempts": 100})

    def table(self, name: str, hash_key: str, range_key: str | None = None, stream: bool = False) -> None:
        ddb = self.session.client("dynamodb")
        keys = [{"AttributeName": hash_key, "KeyType": "HASH"}]
        attrs = [{"AttributeName": hash_key, "AttributeType": "S"}]
        if range_key:
            keys.append({"AttributeName": range_key, "KeyType": "RANGE"})
            attrs.append({"AttributeName": range_key, "AttributeType": "S"})
        kwargs: dict[str, Any] = {
            "TableName": name,
            "KeySchema": keys,
            "AttributeDefinitions": attrs,
            "BillingMode": "PAY_PER_REQUEST",
        }
        if stream:
            kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        _ignore_exists(ddb.create_table, "ResourceInUseException", **kwargs)
        ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.1, "MaxAttempts": 100})

    # -- dataset level ---------------------------------------------------------------------------
    def create_outputs(self) -> None:
        cfg = self.cfg
        dest = cfg.write_destination
        if dest == "KINESIS":
            self.stream(write_stream(cfg), int(cfg.get("writeConnector.kinesisShardCount", 1)))
        elif dest == "SQS" and not cfg.get("writeConnector.queueUrl"):
            self.queue(write_queue(cfg))
        elif dest == "S3":
            self.bucket(write_bucket(cfg))
        elif dest == "DYNAMODB":
            self.table(write_table(cfg), "documentId")
        if cfg.error_destination == "S3":
            self.bucket(error_bucket(cfg))

    def create_and_seed_inputs(self) -> int:
        """Create the read resources and load the ``letsdataLocal.seed`` sample input; returns the
        number of seeded records (S3: files)."""
        cfg = self.cfg
        seed: dict[str, Any] = cfg.get("letsdataLocal.seed") or {}
        dest = cfg.read_destination
        if dest == "S3":
            bucket = cfg.get("readConnector.bucketName")
            self.bucket(bucket)
            files: dict[str, str] = seed.get("s3Files") or {}
            for key, path in files.items():
                body = seed_path(path, cfg).read_bytes()
                if key.endswith(".gz") and not is_gzip(body):  # an already compressed seed goes up as it is
                    body = gzip.compress(body, mtime=0)
                self.session.client("s3").put_object(Bucket=bucket, Key=key, Body=body)
            return len(files)
        lines = self._seed_lines(seed)
        if dest == "SQS":
            name = cfg.get("readConnector.queueName") or str(cfg.get("readConnector.queueArn", "")).split(":")[-1]
            url = self.queue(name)
            sqs = self.session.client("sqs")
            for start in range(0, len(lines), 10):
                entries = [{"Id": str(i), "MessageBody": line} for i, line in enumerate(lines[start : start + 10])]
                if name.endswith(".fifo"):
                    for entry in entries:
                        entry["MessageGroupId"] = "seed"
                sqs.send_message_batch(QueueUrl=url, Entries=entries)
            return len(lines)
        if dest == "KINESIS":
            name = read_stream(cfg)
            self.stream(name, int(seed.get("shardCount", 1)))
            kinesis = self.session.client("kinesis")
            for start in range(0, len(lines), 500):
                records = [
                    {"Data": line.encode("utf-8"), "PartitionKey": str(start + i)}
                    for i, line in enumerate(lines[start : start + 500])
                ]
                kinesis.put_records(StreamName=name, Records=records)
            return len(lines)
        if dest in ("DYNAMODB_TABLE", "DYNAMODB_STREAMS"):
            table = cfg.get("readConnector.tableName") or _table_from_stream_arn(cfg.get("readConnector.streamArn"))
            hash_key = seed.get("hashKey", "id")
            self.table(table, hash_key, seed.get("rangeKey"), stream=dest == "DYNAMODB_STREAMS")
            from letsdata_local.writers import _dynamodb_item

            ddb = self.session.client("dynamodb")
            for line in lines:
                ddb.put_item(TableName=table, Item=_dynamodb_item(json.loads(line)))
            for update in seed.get("updates") or []:  # MODIFY / REMOVE events for the stream example
                if update.get("delete"):
                    ddb.delete_item(TableName=table, Key=_dynamodb_item(update["key"]))
                else:
                    ddb.put_item(TableName=table, Item=_dynamodb_item(update["item"]))
            if dest == "DYNAMODB_STREAMS":
                arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
                cfg.set("readConnector.streamArn", arn)
            return len(lines)
        return 0

    def _seed_lines(self, seed: dict[str, Any]) -> list[str]:
        path = seed.get("file")
        if not path:
            return []
        text = seed_path(path, self.cfg).read_text(encoding="utf-8")
        lines = [line for line in text.splitlines() if line.strip()]
        limit = seed.get("limit")
        return lines[: int(limit)] if limit else lines

    def queue_sagemaker_results(self, endpoint_url: str, count: int, dimensions: int) -> None:
        """moto's sagemaker-runtime answers with a static ``b'body'`` unless results are queued
        (moto's SageMaker results queue; docs/letsdata-local.md): queue ``count`` deterministic embedding vectors."""
        import urllib.request

        results = []
        for i in range(count):
            vector = [round(((i * 31 + d * 7) % 97) / 97.0, 6) for d in range(dimensions)]
            results.append(
                {
                    "Body": json.dumps([vector]),
                    "ContentType": "application/json",
                    "InvokedProductionVariant": "AllTraffic",
                    "CustomAttributes": "",
                }
            )
        payload = json.dumps(
            {"account_id": "123456789012", "region": self.session.region_name or "us-east-1", "results": results}
        ).encode()
        request = urllib.request.Request(
            f"{endpoint_url}/moto-api/static/sagemaker/endpoint-results", data=payload, method="POST"
        )
        with urllib.request.urlopen(request, timeout=30):
            pass
        time.sleep(0)


def _table_from_stream_arn(arn: Any) -> str:
    if not isinstance(arn, str) or ":table/" not in arn:
        raise ConfigError(f"cannot derive a table name from readConnector.streamArn {arn!r}")
    return arn.split(":table/", 1)[1].split("/", 1)[0]
