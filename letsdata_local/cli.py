"""Command line: ``letsdata-local run CONFIG.json [options]`` (also ``python -m letsdata_local``)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

from datalake_library import settings
from letsdata_local.config import INTERFACE_NAMES, Config, ConfigError, load_config

log = logging.getLogger("letsdata_local")

EXIT_CONFIG = 2
EXIT_MISSING = 3
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="letsdata-local", description="Run a LetsData dataset on this machine.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a dataset configuration end to end")
    run.add_argument("config", help="dataset configuration (LetsData JSON format)")
    run.add_argument(
        "--impl",
        action="append",
        default=[],
        metavar="INTERFACE=module:Class",
        help="implementation of an interface, e.g. SingleFileParser=examples.letsdata.jsonl_log_parser:JsonLinesLogParser"
        " (default: the config's letsdataLocal.implementations, else the fork classes in letsdata_interfaces)",
    )
    run.add_argument("--batch-size", type=int, default=100, help="records per bridge invocation (batchedData); 1 = "
                     "one plain request per record as the platform sends them (default 100)")
    run.add_argument("--endpoint-url", help="AWS-compatible endpoint for every service (e.g. a moto or LocalStack URL)")
    run.add_argument("--region", help="AWS region (default: the environment's, else the config's region)")
    run.add_argument("--sample", type=int, default=0, metavar="N", help="print N output documents")
    target = run.add_mutually_exclusive_group()
    target.add_argument("--function-name", help="invoke a deployed Lambda function (lambda.invoke) instead of in-process")
    target.add_argument("--invoke-url", help="POST to a running image's Runtime Interface Emulator, e.g. "
                        "http://127.0.0.1:9000/2015-03-31/functions/function/invocations")
    emb = run.add_mutually_exclusive_group()
    emb.add_argument("--embedded", dest="embedded", action="store_true", default=None,
                     help="use the embedded moto account with seeded sample input (with --endpoint-url: create and seed the example resources there)")
    emb.add_argument("--no-embedded", dest="embedded", action="store_false",
                     help="never start the embedded account; use the default credential chain")
    run.add_argument("--allow-remote-endpoint", action="store_true",
                     help="with --embedded and --endpoint-url: allow seeding a non-loopback endpoint "
                     "(refused by default; see docs/safety.md)")
    run.add_argument("--create-resources", action="store_true",
                     help="create missing write/error destinations (always done on the embedded account)")
    run.add_argument("--chunk-size-mib", type=int, default=8, help="S3 streaming chunk size (default 8 MiB)")
    run.add_argument("--exceptions-as-errors", action="store_true",
                     help="an exception raised by your code becomes an error document and the run goes on "
                     "(default: as on the platform, it is a task error: the task stops at that record)")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for DEBUG)")
    from letsdata_local.task_cli import add_run_arguments, add_tasks_command

    add_run_arguments(run)
    add_tasks_command(sub)
    return parser


def needed_interfaces(cfg: Config) -> list[str]:
    """The interfaces a run of ``cfg`` will call."""
    if cfg.engine == "SPARK":
        which = str(cfg.get("computeEngine.runSparkInterfaces"))
        return [name for name, wanted in (("SparkMapperInterface", which != "REDUCER_ONLY"),
                                          ("SparkReducerInterface", which != "MAPPER_ONLY")) if wanted]
    if cfg.engine == "LAMBDA_AND_SAGEMAKER":  # the records are already documents: only the vector calls
        return ["SagemakerVectorsInterface"]
    from letsdata_local import readers

    by_destination: dict[str, type[readers.Reader]] = {
        "S3": readers.S3SingleFileReader, "SQS": readers.SqsReader, "KINESIS": readers.KinesisReader,
        "DYNAMODB_STREAMS": readers.DynamoDBStreamsReader, "DYNAMODB_TABLE": readers.DynamoDBTableReader,
    }
    return [by_destination[cfg.read_destination].interface]


def check_implementations(cfg: Config, overrides: Sequence[str]) -> None:
    """Import and build every implementation the run calls, before the first record.

    A module that cannot be imported, a missing class or a failing constructor is a
    :class:`ConfigError` naming where the ``module:Class`` came from (``--impl``, the config file's
    ``letsdataLocal.implementations`` field, or a ``LETSDATA_IMPL_*`` variable).
    """
    from letsdata_service.registry import env_var_name, get_implementation
    from letsdata_utils.errors import LetsDataImplementationError

    from_cli = {item.partition("=")[0] for item in overrides}
    for name in needed_interfaces(cfg):
        try:
            get_implementation(name)
        except LetsDataImplementationError as exc:
            if name in from_cli:
                where = f"--impl {name}"
            elif name in cfg.implementations:
                where = f"{cfg.source}: field letsdataLocal.implementations.{name}"
            else:
                where = f"environment variable {env_var_name(name)}"
            message = str(exc).removeprefix("letsdata implementation - ")
            raise ConfigError(f"{where}: {message}") from None


def _implementations(cfg: Config, overrides: Sequence[str]) -> dict[str, str]:
    impls = cfg.implementations
    for item in overrides:
        name, sep, target = item.partition("=")
        if not sep or ":" not in target:
            raise ConfigError(f"--impl {item!r}: expected INTERFACE=module:Class")
        if name not in INTERFACE_NAMES:
            raise ConfigError(f"--impl {item!r}: unknown interface {name!r} (allowed values: {', '.join(INTERFACE_NAMES)})")
        impls[name] = target
    return impls


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(f"letsdata-local: {text}\n")


def run(args: argparse.Namespace) -> int:
    from letsdata_local.embedded import start_embedded, wants_embedded

    cfg = load_config(args.config)
    if args.command == "tasks":
        from letsdata_local.task_cli import tasks_command

        return tasks_command(args, cfg)
    impls = _implementations(cfg, args.impl)
    if args.batch_size < 1:
        raise ConfigError("--batch-size must be >= 1")
    if not (args.function_name or args.invoke_url):  # in-process: the code must import before anything starts
        from letsdata_service.registry import register_implementation

        for name, target in impls.items():
            register_implementation(name, target)
        check_implementations(cfg, args.impl)
    from letsdata_local.runner import check_runnable

    check_runnable(cfg)
    if args.region:
        os.environ["AWS_DEFAULT_REGION"] = args.region
    elif cfg.get("region") and not (settings.is_set("AWS_REGION") or settings.is_set("AWS_DEFAULT_REGION")):
        os.environ["AWS_DEFAULT_REGION"] = cfg.get("region")
    os.environ.setdefault("LETS_DATA_STAGE", "Test")

    embedded = args.embedded if args.embedded is not None else wants_embedded(args.endpoint_url)
    if embedded:
        from letsdata_local.resources import check_seed_files

        check_seed_files(cfg)
    server = None
    endpoint_url = args.endpoint_url
    try:
        if embedded and endpoint_url:
            _err(f"--embedded with --endpoint-url: creating and seeding the example resources at {endpoint_url}")
        elif embedded:
            server = start_embedded()
            endpoint_url = server.endpoint_url
            reason = "--embedded" if args.embedded else "no AWS account configured"
            _err(f"{reason}: using an embedded moto account at {endpoint_url}")
        return _run_dataset(cfg, args, impls, endpoint_url, embedded)
    finally:
        if server is not None:
            server.stop()


def _run_dataset(cfg: Config, args: argparse.Namespace, impls: dict[str, str], endpoint_url: str | None,
                 embedded: bool) -> int:
    from datalake_library.aws import clear_shared_sessions, shared_session
    from letsdata_local.engine import BridgeClient, HttpInvoker, InProcessInvoker, LambdaInvoker
    from letsdata_local.readers import ResourceMissingError
    from letsdata_local.resources import Provisioner
    from letsdata_local.runner import RunOptions

    clear_shared_sessions()
    session = shared_session(endpoint_url=endpoint_url)
    if embedded or args.create_resources:
        provisioner = Provisioner(cfg, session)
        if embedded:
            from letsdata_local.embedded import require_local_session

            require_local_session(session, allow_remote_endpoint=args.allow_remote_endpoint)
            seeded = provisioner.create_and_seed_inputs()
            _err(f"seeded the {cfg.read_destination} read connector with {seeded} sample item(s)")
            if cfg.engine == "LAMBDA_AND_SAGEMAKER":
                seed = cfg.get("letsdataLocal.seed") or {}
                provisioner.queue_sagemaker_results(
                    str(endpoint_url), max(seeded, 1) * int(seed.get("vectorsPerRecord", 1)),
                    int(seed.get("vectorDimensions", 8)),
                )
        provisioner.create_outputs()

    timeout = int(cfg.get("computeEngine.timeoutInSeconds"))
    exceptions_as_errors = bool(args.exceptions_as_errors or cfg.get("letsdataLocal.exceptionsAsErrors"))
    if args.function_name:
        invoker: Any = LambdaInvoker(args.function_name, session)
        if impls:
            _err("implementations come from the deployed function; --impl/letsdataLocal.implementations ignored")
    elif args.invoke_url:
        invoker = HttpInvoker(args.invoke_url, timeout=timeout + 5.0)
        if impls:
            _err("implementations come from the running image; --impl/letsdataLocal.implementations ignored")
    else:  # the implementations were registered and built by run(), before anything started
        invoker = InProcessInvoker(timeout_seconds=timeout)
    bridge = BridgeClient(invoker, cfg.dataset_name, batch_size=args.batch_size,
                          split_timed_out_batches=exceptions_as_errors)

    options = RunOptions(
        batch_size=args.batch_size,
        sample=args.sample,
        progress=not args.no_progress,
        chunk_size=args.chunk_size_mib * 1024 * 1024,
        endpoint_url=endpoint_url,
        exceptions_as_errors=exceptions_as_errors,
    )
    if cfg.engine == "SPARK":
        from letsdata_local.spark import run_spark
        from letsdata_local.task_cli import failed_tasks, spark_engine_options

        spark_options = spark_engine_options(cfg, args, session, embedded)
        summary = run_spark(cfg, session, bridge, options, embedded=embedded, **spark_options)
        failed = failed_tasks(spark_options["store"])
    else:
        from letsdata_local.task_cli import run_tasks_for

        try:
            summary, failed = run_tasks_for(cfg, args, impls, endpoint_url, session, embedded)
        except ResourceMissingError as exc:
            _err(f"cannot start: {exc}")
            return EXIT_MISSING
    for line in summary.lines():
        _out(line)
    if summary.sample:
        _out(f"first {len(summary.sample)} documents:")
        for doc in summary.sample:
            _out(json.dumps(doc, ensure_ascii=False)[:2000])
    if summary.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if summary.task_errors or failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING if args.verbose == 0 else logging.INFO if args.verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    # the bridge logs every request at INFO (as it should in Lambda); locally that drowns the output
    os.environ.setdefault("LOG_LEVEL", logging.getLevelName(level))
    logging.getLogger("letsdata").setLevel(level)
    try:
        return run(args)
    except ConfigError as exc:
        _err(f"invalid configuration: {exc}")
        return EXIT_CONFIG
    except KeyboardInterrupt:
        _err("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:  # a clear one-line message instead of a traceback; -vv shows it
        log.debug("failure", exc_info=True)
        _err(f"failed: {type(exc).__name__}: {exc}")
        return EXIT_FAILED
