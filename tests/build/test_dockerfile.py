"""dockerfile + .dockerignore: hadolint-clean, pinned, Lambda-ready, runtime code only.

Without a Docker engine the image cannot be built here, so these tests check the file's decisions
against the project's own pins and layout (and hadolint checks the syntax and best practices).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.build.conftest import ROOT, tool

DOCKERFILE = ROOT / "dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
RUNTIME_PATHS = ["letsdata_lambda_function.py", "letsdata_interfaces", "letsdata_service", "letsdata_utils", "datalake_library"]


def instructions() -> list[tuple[str, str]]:
    """(KEYWORD, arguments) per instruction, with continuation lines joined and comments dropped."""
    joined: list[str] = []
    current = ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        joined.append(current + line)
        current = ""
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1] if " " in text else "") for text in joined]


def args_of(keyword: str) -> list[str]:
    return [arguments for key, arguments in instructions() if key == keyword]


def build_args() -> dict[str, str]:
    return dict(arg.split("=", 1) for arg in args_of("ARG") if "=" in arg)


def test_hadolint_is_clean() -> None:
    result = subprocess.run(
        [tool("hadolint"), str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_base_image_is_the_lambda_python_312_image_pinned_by_tag() -> None:
    (base,) = args_of("FROM")
    assert re.fullmatch(r"public\.ecr\.aws/lambda/python:3\.12(@sha256:[0-9a-f]{64})?", base), base


def test_pyspark_arg_matches_the_requirements_dev_pin_and_is_checked_at_build_time() -> None:
    pins = dict(
        line.split("==", 1)
        for line in (ROOT / "requirements-dev.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    args = build_args()
    assert args["PYSPARK_VERSION"] == pins["pyspark"]
    assert args["PYSPARK_VERSION"].startswith("3.5.")
    install = next(run for run in args_of("RUN") if "pip install" in run)
    assert "requirements-dev.txt" in install and '"pyspark==${PYSPARK_VERSION}"' in install


def test_only_runtime_requirements_are_installed() -> None:
    install = next(run for run in args_of("RUN") if "pip install" in run)
    assert "-r /tmp/build/requirements.txt" in install
    assert "-r /tmp/build/requirements-dev.txt" not in install
    assert "--no-cache-dir" in install and '--target "${LAMBDA_TASK_ROOT}"' in install
    text = DOCKERFILE.read_text().lower()
    for dev_tool in ("ipykernel", "jupyter", "pytest", "moto", "ruff", "mypy"):
        assert dev_tool not in text, dev_tool
    # requirements.txt itself is runtime-only and fully pinned.
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][^\s]*", line.strip()), line


def test_the_image_ships_the_s3a_jars_the_tests_use_checksum_verified() -> None:
    """One set of Spark jars: the image runs the tests' fetch script, whose versions and checksums it names."""
    import importlib.util

    args = build_args()
    spec = importlib.util.find_spec("pyspark")
    assert spec is not None and spec.origin, "pyspark is not installed in the test environment"
    client_api = sorted((Path(spec.origin).parent / "jars").glob("hadoop-client-api-*.jar"))
    assert client_api, "pyspark's jars/ holds no hadoop-client-api jar"
    assert client_api[0].name == f"hadoop-client-api-{args['HADOOP_CLIENT_VERSION']}.jar"
    # the pair the Spark tests run with (tests/letsdata_spark), written out by hand
    assert (args["HADOOP_AWS_VERSION"], args["AWS_SDK_BUNDLE_VERSION"]) == ("3.3.1", "1.11.901")
    fetcher = (ROOT / "scripts" / "fetch_spark_jars.py").read_text()
    assert f'HADOOP_AWS_VERSION = "{args["HADOOP_AWS_VERSION"]}"' in fetcher
    assert f'AWS_SDK_BUNDLE_VERSION = "{args["AWS_SDK_BUNDLE_VERSION"]}"' in fetcher
    assert len(re.findall(r'": "([0-9a-f]{64})"|^\s+"([0-9a-f]{64})",$', fetcher, re.MULTILINE)) == 2
    assert "scripts/fetch_spark_jars.py /tmp/build/fetch_spark_jars.py" in args_of("COPY")
    fetch = next(run for run in args_of("RUN") if "fetch_spark_jars.py" in run)
    assert 'SPARK_JARS_DIR="${jars}" python3 /tmp/build/fetch_spark_jars.py' in fetch
    assert 'test -f "${jars}/hadoop-client-api-${HADOOP_CLIENT_VERSION}.jar"' in fetch
    assert 'test -f "${jars}/hadoop-aws-${HADOOP_AWS_VERSION}.jar"' in fetch
    assert "curl" not in fetch and "MAVEN" not in DOCKERFILE.read_text()
    assert dockerignore_allows("scripts/fetch_spark_jars.py")


def test_java_comes_from_dnf_and_java_home_is_one_stable_path() -> None:
    java = next(run for run in args_of("RUN") if "java-17-amazon-corretto-headless" in run)
    assert java.startswith("dnf install -y") and "dnf clean all" in java
    assert "yum install" not in " ".join(args_of("RUN"))
    java_homes = [env for env in args_of("ENV") if env.startswith("JAVA_HOME=")]
    assert java_homes == ["JAVA_HOME=/usr/local/java"]
    assert '"${JAVA_HOME}/bin/java" -version' in java


def test_spark_is_prepared_at_container_start_not_at_build_time() -> None:
    runs = " ".join(args_of("RUN"))
    assert "/tmp/spark" not in runs and "-Xmx" not in DOCKERFILE.read_text()
    (entrypoint,) = args_of("ENTRYPOINT")
    assert entrypoint == '["/usr/local/bin/spark-lambda-entrypoint.sh"]'
    assert "container/spark-lambda-entrypoint.sh /usr/local/bin/spark-lambda-entrypoint.sh" in args_of("COPY")


def test_handler_cmd_runtime_code_and_non_root_user() -> None:
    assert args_of("CMD") == ['["letsdata_lambda_function.lambda_handler"]']
    copied = " ".join(args_of("COPY"))
    # build-time inputs go to /tmp/build (removed in the same RUN); only what reaches the image counts
    shipped = " ".join(c for c in args_of("COPY") if not c.split()[-1].startswith("/tmp/build/"))
    assert " ".join(args_of("RUN")).count("rm -rf") >= 1 and "/tmp/build" in " ".join(args_of("RUN"))
    for path in RUNTIME_PATHS:
        assert re.search(rf"\b{re.escape(path)}/? \$\{{LAMBDA_TASK_ROOT\}}/", copied), path
    for not_shipped in ("tests", "examples", "bench", "letsdata_local", "scripts", "notebooks"):
        assert not re.search(rf"(^|\s){not_shipped}/", shipped), not_shipped
    users = args_of("USER")
    assert users and users[-1] not in ("root", "0", "0:0")


def dockerignore_allows(path: str) -> bool:
    """Docker's rule: the last matching pattern wins; '!' re-includes. Enough of it for our file."""
    allowed = True
    for raw in DOCKERIGNORE.read_text().splitlines():
        pattern = raw.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        regex = re.escape(pattern).replace(r"\*\*/", "(.*/)?").replace(r"\*", "[^/]*")
        if re.fullmatch(rf"{regex}(/.*)?", path):
            allowed = negate
    return allowed


def test_dockerignore_sends_only_what_the_dockerfile_copies() -> None:
    for path in [*RUNTIME_PATHS, "requirements.txt", "requirements-dev.txt", "container/spark-lambda-entrypoint.sh"]:
        assert dockerignore_allows(path), path
    assert dockerignore_allows("letsdata_service/Service.py")
    for path in [".venv/bin/python", "tests/events/x.json", "bench/__main__.py", ".git/HEAD", "build.env",
                 "datalake_library/testing/plugin.py", "letsdata_service/__pycache__/x.pyc", "letsdata_local/cli.py"]:
        assert not dockerignore_allows(path), path
    # Every COPY source exists in the repository.
    for arguments in args_of("COPY"):
        for source in arguments.split()[:-1]:
            assert (ROOT / source.rstrip("/")).exists(), source


def test_copy_sources_exist() -> None:
    missing = [path for path in RUNTIME_PATHS if not (ROOT / path).exists()]
    assert not missing, f"the dockerfile copies {missing}, which the repository does not have"
    assert Path(ROOT / "container" / "spark-lambda-entrypoint.sh").exists()
