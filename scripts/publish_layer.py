"""Publish the built DatalakeLibrary layer and point ``/SDLF/Lambda/LatestDatalakeLibraryLayer`` at it.

Run by ``buildspec.yml`` after ``make layer`` (which builds and size-checks the zip). Steps:

1. Work out the environment from the branch CodeBuild built: ``dev -> dev``, ``test -> test``,
   ``main -> prod`` (docs/sdlf-compatibility.md). The branch comes from ``CODEBUILD_WEBHOOK_HEAD_REF`` (webhook builds,
   ``refs/heads/<branch>``) or else ``CODEBUILD_SOURCE_VERSION`` (a branch name for manual or pipeline
   builds). Any other branch, a commit id or a pull-request ref is refused: publishing from it would
   silently move the layer that every stage of that environment resolves at its next deploy.
2. ``lambda:PublishLayerVersion`` with ``CompatibleRuntimes=[python3.12]``: the zip bytes directly, or,
   when ``ARTIFACTS_BUCKET`` is set, from ``s3://$ARTIFACTS_BUCKET/layers/<layer>/<env>/<layer>-<sha12>.zip``
   (the upstream SDLF key layout; the object is uploaded first).
3. ``ssm:PutParameter --overwrite`` of the parameter with the new ``LayerVersionArn``.

As in SDLF, each environment is its own AWS account, so the CodeBuild project of an environment
publishes into that account with its own role. The AWS calls go through the project's shared
session layer (``datalake_library.aws``), so ``AWS_ENDPOINT_URL`` points them at moto in tests.

Usage: ``python scripts/publish_layer.py [--zip PATH] [--environment dev|test|prod] [--dry-run]
[--print-environment]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import zipfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a checkout: import the library beside it
    sys.path.insert(0, str(ROOT))

DEFAULT_ZIP = ROOT / "dist" / "datalake_library-layer.zip"
DEFAULT_LAYER_NAME = "DatalakeLibrary"
DEFAULT_PARAMETER = "/SDLF/Lambda/LatestDatalakeLibraryLayer"
COMPATIBLE_RUNTIMES = ["python3.12"]
#: Branch -> environment; the only branches that publish.
BRANCH_ENVIRONMENTS = {"dev": "dev", "test": "test", "main": "prod"}
ENVIRONMENTS = tuple(BRANCH_ENVIRONMENTS.values())


class PublishError(Exception):
    """The layer cannot be published (unknown branch, missing or malformed zip)."""


@dataclass(frozen=True)
class PublishResult:
    environment: str
    layer_version_arn: str
    version: int
    parameter: str
    content: str


def branch_from_codebuild(environ: Mapping[str, str]) -> str:
    """The branch CodeBuild built, from the webhook ref or the source version."""
    for name in ("CODEBUILD_WEBHOOK_HEAD_REF", "CODEBUILD_SOURCE_VERSION"):
        value = environ.get(name, "").strip()
        if value:
            return value.removeprefix("refs/heads/")
    raise PublishError(
        "cannot tell which branch was built: neither CODEBUILD_WEBHOOK_HEAD_REF nor "
        "CODEBUILD_SOURCE_VERSION is set (pass --environment outside CodeBuild)"
    )


def resolve_environment(environ: Mapping[str, str], explicit: str | None = None) -> str:
    """``dev``/``test``/``prod`` for this build; a clear error for anything else."""
    if explicit is not None:
        if explicit not in ENVIRONMENTS:
            raise PublishError(f"unknown environment {explicit!r}: expected one of {', '.join(ENVIRONMENTS)}")
        return explicit
    branch = branch_from_codebuild(environ)
    try:
        return BRANCH_ENVIRONMENTS[branch]
    except KeyError:
        mapping = ", ".join(f"{b} -> {e}" for b, e in BRANCH_ENVIRONMENTS.items())
        raise PublishError(
            f"branch {branch!r} is not published: only {mapping} (a commit id or pull-request ref "
            "means CodeBuild was not started from a branch)"
        ) from None


def check_layer_zip(path: Path) -> bytes:
    """The zip's bytes, after checking it is a layer (``python/datalake_library/__init__.py`` inside)."""
    if not path.is_file():
        raise PublishError(f"layer zip {path} does not exist: run `make layer` first")
    data = path.read_bytes()
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise PublishError(f"{path} is not a zip file: {exc}") from None
    if "python/datalake_library/__init__.py" not in names:
        raise PublishError(f"{path} is not a datalake_library layer: python/datalake_library/__init__.py is missing")
    return data


def publish_layer(
    zip_path: Path,
    environment: str,
    *,
    layer_name: str = DEFAULT_LAYER_NAME,
    parameter: str = DEFAULT_PARAMETER,
    artifacts_bucket: str | None = None,
    source_version: str = "",
    endpoint_url: str | None = None,
) -> PublishResult:
    """Publish ``zip_path`` as a new version of ``layer_name`` and store its ARN in ``parameter``."""
    from datalake_library import __version__
    from datalake_library.aws import shared_session

    data = check_layer_zip(zip_path)
    digest = hashlib.sha256(data).hexdigest()[:12]
    session = shared_session(endpoint_url=endpoint_url)
    content: dict[str, Any]
    if artifacts_bucket:
        key = f"layers/{layer_name}/{environment}/{layer_name}-{digest}.zip"
        session.client("s3").put_object(Bucket=artifacts_bucket, Key=key, Body=data)
        content = {"S3Bucket": artifacts_bucket, "S3Key": key}
        where = f"s3://{artifacts_bucket}/{key}"
    else:
        content = {"ZipFile": data}
        where = str(zip_path)
    description = f"datalake_library {__version__} ({environment}, zip sha256 {digest}"
    description += f", source {source_version[:40]})" if source_version else ")"
    response = session.client("lambda").publish_layer_version(
        LayerName=layer_name,
        Description=description[:256],
        Content=content,
        CompatibleRuntimes=COMPATIBLE_RUNTIMES,
        LicenseInfo="Apache-2.0",
    )
    arn = response["LayerVersionArn"]
    session.client("ssm").put_parameter(
        Name=parameter,
        Description="Latest DatalakeLibrary Lambda layer version",
        Value=arn,
        Type="String",
        Overwrite=True,
    )
    return PublishResult(environment, arn, int(response["Version"]), parameter, where)


def main(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    env = os.environ if environ is None else environ
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--zip", type=Path, default=DEFAULT_ZIP, help="layer zip built by `make layer`")
    parser.add_argument("--environment", choices=ENVIRONMENTS, help="skip the branch mapping (outside CodeBuild)")
    parser.add_argument("--layer-name", default=env.get("LAYER_NAME") or DEFAULT_LAYER_NAME)
    parser.add_argument("--parameter", default=env.get("LAYER_SSM_PARAMETER") or DEFAULT_PARAMETER)
    parser.add_argument("--dry-run", action="store_true", help="check everything, print the plan, publish nothing")
    parser.add_argument("--print-environment", action="store_true",
                        help="only map the branch to its environment and print it (fails for other branches)")
    args = parser.parse_args(argv)
    try:
        environment = resolve_environment(env, args.environment)
        if args.print_environment:
            sys.stdout.write(environment + "\n")
            return 0
        if args.dry_run:
            check_layer_zip(args.zip)
            plan = {"environment": environment, "layer_name": args.layer_name, "parameter": args.parameter,
                    "zip": str(args.zip), "artifacts_bucket": env.get("ARTIFACTS_BUCKET") or None}
            sys.stdout.write("dry run, would publish: " + json.dumps(plan, sort_keys=True) + "\n")
            return 0
        result = publish_layer(
            args.zip,
            environment,
            layer_name=args.layer_name,
            parameter=args.parameter,
            artifacts_bucket=env.get("ARTIFACTS_BUCKET") or None,
            source_version=env.get("CODEBUILD_RESOLVED_SOURCE_VERSION", ""),
        )
    except PublishError as exc:
        sys.stderr.write(f"publish_layer: {exc}\n")
        return 2
    except (BotoCoreError, ClientError) as exc:
        sys.stderr.write(f"publish_layer: AWS call failed: {exc}\n")
        return 1
    sys.stdout.write(json.dumps(asdict(result), sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
