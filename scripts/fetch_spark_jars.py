"""Fetch the hadoop-aws and aws-java-sdk-bundle jars that Spark's s3a:// connector needs.

One set of jars for the tests and the image: ``make jars`` runs this into ``.cache/spark-jars`` and the
dockerfile runs the same script into pyspark's ``jars/`` directory, so both use the same files,
verified against the same SHA-256 checksums below.

Why these versions and this source: Maven Central is not reachable from every build machine, but
PyPI is. The Apache-2.0 sdist ``sagemaker-pyspark==1.4.5`` (its latest release) carries hadoop-aws
3.3.1 and aws-java-sdk-bundle 1.11.901; no package on PyPI carries the 3.3.4 / 1.12.262 pair that
matches pyspark 3.5's bundled Hadoop 3.3.4 client exactly (checked: every sagemaker-pyspark release,
sagemaker-feature-store-pyspark, localstack-s3-pyspark). hadoop-aws 3.3.1 on the 3.3.4 client is the
combination ``tests/letsdata_spark`` exercises against moto (reads, writes, per-bucket credentials),
so it is the one the image ships. We download the sdist with pip (never install it: it pins its own
pyspark), extract the two members, verify their SHA-256 and place them in the target directory
(``SPARK_JARS_DIR``, default ``.cache/spark-jars``). A second run is a no-op.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEST = Path(os.environ.get("SPARK_JARS_DIR", ROOT / ".cache" / "spark-jars"))
SDIST = "sagemaker-pyspark==1.4.5"
HADOOP_AWS_VERSION = "3.3.1"
AWS_SDK_BUNDLE_VERSION = "1.11.901"
#: jar -> SHA-256 (the dockerfile's ARGs must name the same versions; tests/build/test_dockerfile.py)
MEMBERS = {
    f"hadoop-aws-{HADOOP_AWS_VERSION}.jar": "6be50ad8a8b445d2802381b085b2a3ede5c29d353450a6a21f16b2fefa962b6e",
    f"aws-java-sdk-bundle-{AWS_SDK_BUNDLE_VERSION}.jar":
        "b87175b32a16544cc1b37cf40390eb375833e62bed67f8ce6cde4b7ad6429ead",
}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main() -> int:
    DEST.mkdir(parents=True, exist_ok=True)
    stamp = DEST / ".complete"
    if stamp.exists() and all((DEST / name).exists() for name in MEMBERS):
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
             SDIST, "-d", tmp],
            check=True,
        )
        archives = list(Path(tmp).glob("sagemaker_pyspark-*.tar.gz")) + list(Path(tmp).glob("sagemaker-pyspark-*.tar.gz"))
        if not archives:
            sys.stderr.write(f"fetch_spark_jars: pip did not produce the {SDIST} sdist in {tmp}\n")
            return 1
        with tarfile.open(archives[0], "r:gz") as tar:
            for member in tar.getmembers():
                name = Path(member.name).name
                if name in MEMBERS and member.isfile() and "/deps/jars/" in member.name:
                    src = tar.extractfile(member)
                    assert src is not None
                    target = DEST / name
                    with target.open("wb") as out:
                        shutil.copyfileobj(src, out, 1 << 20)
    for name, expected in MEMBERS.items():
        path = DEST / name
        if not path.exists():
            sys.stderr.write(f"fetch_spark_jars: {name} is not in {SDIST}\n")
            return 1
        actual = sha256(path)
        if expected and actual != expected:
            path.unlink()
            sys.stderr.write(f"fetch_spark_jars: checksum mismatch for {name}: {actual} != {expected}\n")
            return 1
    stamp.write_text("ok\n")
    sys.stdout.write(f"spark jars ready in {DEST}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
