"""datalake_library: AWS requests and time to configure a client, and the import cost.

Against a local moto server holding a full SDLF deployment (``create_sdlf_environment``):

* **configuration** — build ``DataLakeClient(team, pipeline=..., stage=...)`` and read every
  configuration attribute (4 buckets, 2 tables, state machine ARN, 2 queue names, 3 KMS keys, and
  the two queue URLs), first on a fresh boto3 Session ("first client") and then again on the same
  session ("second client"). Requests are counted with a botocore ``before-send`` hook on the
  session (every HTTP attempt), clients with ``creating-client-class``. The baseline
  :func:`original_access_pattern` reproduces SDLF 2.11.x: five interfaces each building their own
  SSM client and service client, 12 ``GetParameter`` calls in the constructor, and a
  ``GetQueueUrl`` on every queue-URL access. Targets: first client <= 2 requests for the SSM
  configuration, second client 0.
* **import** — wall time of a fresh interpreter running ``import datalake_library`` (and
  ``from datalake_library import DataLakeClient``) minus ``python -c pass``, median of 7 runs, with
  ``import boto3`` as the reference. Target: <= 30 ms over a bare interpreter.

Figures are medians of interleaved trials; ratios compare against the baseline of the same run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from datalake_library.testing import MotoServer, apply_moto_environment, create_sdlf_environment

TEAM, PIPELINE, STAGE = "engineering", "main", "A"
TRIALS = 5
IMPORT_RUNS = 7
IMPORT_TARGET_MS = 30.0
#: Attributes a stage Lambda can read, per interface (docs/sdlf-compatibility.md), plus the two queue URLs.
ATTRIBUTES = {
    "s3": ("raw_bucket", "stage_bucket", "analytics_bucket", "artifacts_bucket"),
    "dynamo": ("object_metadata_table", "manifests_table"),
    "states": ("state_machine_arn",),
    "sqs": ("stage_queue", "stage_dlq", "stage_queue_url", "stage_dlq_url"),
    "kms": ("data_kms_key", "team_data_kms_key", "team_infra_kms_key"),
}
Row = tuple[str, str, str, str]


# --------------------------------------------------------------------------- the baseline
def original_access_pattern(session: Any, team: str, pipeline: str, stage: str) -> dict[str, str]:
    """SDLF 2.11.x's ``DataLakeClient(team, pipeline=..., stage=...)`` followed by reading every
    attribute, reduced to its AWS calls (measurement baseline only, not library code).

    Each of the five interfaces builds an SSM client and its service client with
    ``Config(user_agent="awssdlf/2.11.0")`` and reads its parameters one ``GetParameter`` at a
    time in the constructor (12 in all); ``stage_queue_url``/``stage_dlq_url`` are properties
    that call ``GetQueueUrl`` on every access.
    """
    from botocore.config import Config

    config = Config(user_agent="awssdlf/2.11.0")
    per_interface = {
        "s3": ("s3", {"raw_bucket": "/SDLF2/S3/RawBucket", "stage_bucket": "/SDLF2/S3/StageBucket",
                      "analytics_bucket": "/SDLF2/S3/AnalyticsBucket",
                      "artifacts_bucket": "/SDLF2/S3/ArtifactsBucket"}),
        "dynamo": ("dynamodb", {"object_metadata_table": "/SDLF2/Dynamo/ObjectCatalog",
                                "manifests_table": "/SDLF2/Dynamo/Manifests"}),
        "states": ("stepfunctions", {"state_machine_arn": f"/SDLF/SM/{team}/{pipeline}{stage}SM"}),
        "sqs": ("sqs", {"stage_queue": f"/SDLF/SQS/{team}/{pipeline}{stage}Queue",
                        "stage_dlq": f"/SDLF/SQS/{team}/{pipeline}{stage}DLQ"}),
        "kms": ("kms", {"data_kms_key": "/SDLF2/KMS/KeyArn",
                        "team_data_kms_key": f"/SDLF/KMS/{team}/DataKeyId",
                        "team_infra_kms_key": f"/SDLF/KMS/{team}/InfraKeyId"}),
    }
    values: dict[str, str] = {}
    service_clients: dict[str, Any] = {}
    for interface, (service, names) in per_interface.items():
        ssm = session.client("ssm", config=config)
        service_clients[interface] = session.client(service, config=config)
        for attribute, name in names.items():
            values[attribute] = ssm.get_parameter(Name=name)["Parameter"]["Value"]
    values["analytics_bucket"] = values["analytics_bucket"].split(":")[-1]
    sqs = service_clients["sqs"]
    values["stage_queue_url"] = sqs.get_queue_url(QueueName=values["stage_queue"])["QueueUrl"]
    values["stage_dlq_url"] = sqs.get_queue_url(QueueName=values["stage_dlq"])["QueueUrl"]
    return values


def library_access_pattern(session: Any, team: str, pipeline: str, stage: str) -> dict[str, str]:
    """The same workload through this library."""
    from datalake_library import DataLakeClient

    client = DataLakeClient(team, pipeline=pipeline, stage=stage, session=session)
    return {
        attribute: getattr(getattr(client, interface), attribute)
        for interface, attributes in ATTRIBUTES.items()
        for attribute in attributes
    }


# --------------------------------------------------------------------------- measurement
@dataclass
class Counter:
    requests: int = 0
    ssm_requests: int = 0
    clients: int = 0

    def attach(self, session: Any) -> None:
        session.events.register("before-send", self._on_send)
        session.events.register("creating-client-class", self._on_client)

    def _on_send(self, request: Any, **_: Any) -> None:
        self.requests += 1
        target = request.headers.get("X-Amz-Target", b"")
        if (target.decode() if isinstance(target, bytes) else target).startswith("AmazonSSM."):
            self.ssm_requests += 1

    def _on_client(self, **_: Any) -> None:
        self.clients += 1


@dataclass
class Trial:
    first_ms: float
    second_ms: float
    first: Counter
    second: Counter


def _reset_library_caches() -> None:
    from datalake_library.aws.session import clear_shared_sessions
    from datalake_library.parameters import clear_parameter_cache

    clear_shared_sessions()
    clear_parameter_cache()


def measure(pattern: Callable[[Any, str, str, str], dict[str, str]], expected: dict[str, str]) -> Trial:
    """Run ``pattern`` twice on one fresh boto3 Session (empty library caches): first and second
    client, counting requests and client builds; fail if it read anything but ``expected``."""
    import boto3

    _reset_library_caches()
    session = boto3.Session()
    counters = [Counter(), Counter()]
    times = []
    for counter in counters:
        counter.attach(session)
        started = time.perf_counter()
        values = pattern(session, TEAM, PIPELINE, STAGE)
        times.append((time.perf_counter() - started) * 1000)
        session.events.unregister("before-send", counter._on_send)
        session.events.unregister("creating-client-class", counter._on_client)
        if values != expected:
            raise AssertionError(f"{pattern.__name__} read {values}, expected {expected}")
    return Trial(times[0], times[1], counters[0], counters[1])


def expected_values(env: Any) -> dict[str, str]:
    stage = env.stage(STAGE)
    return {
        "raw_bucket": env.raw_bucket,
        "stage_bucket": env.stage_bucket,
        "analytics_bucket": env.analytics_bucket,
        "artifacts_bucket": env.artifacts_bucket,
        "object_metadata_table": env.object_metadata_table,
        "manifests_table": env.manifests_table,
        "state_machine_arn": stage.state_machine_arn,
        "stage_queue": stage.queue_name,
        "stage_dlq": stage.dlq_name,
        "stage_queue_url": stage.queue_url,
        "stage_dlq_url": stage.dlq_url,
        "data_kms_key": env.domain_key_arn,
        "team_data_kms_key": env.team_data_key_arn,
        "team_infra_kms_key": env.team_infra_key_arn,
    }


def _ratio(value: float, baseline: float) -> str:
    if not baseline:
        return "-"
    if value and value / baseline < 0.01:
        return f"{value / baseline:.4f}x baseline ({baseline / value:.0f}x less)"
    return f"{value / baseline:.2f}x baseline"


def configuration_rows() -> list[Row]:
    apply_moto_environment()
    previous = os.environ.get("AWS_ENDPOINT_URL")
    with MotoServer() as server:
        os.environ["AWS_ENDPOINT_URL"] = server.endpoint_url
        try:
            env = create_sdlf_environment(TEAM, PIPELINE, (STAGE, "B"), endpoint_url=server.endpoint_url)
            expected = expected_values(env)
            ours: list[Trial] = []
            base: list[Trial] = []
            for _ in range(TRIALS):  # interleaved, so drift hits both equally
                base.append(measure(original_access_pattern, expected))
                ours.append(measure(library_access_pattern, expected))
        finally:
            if previous is None:
                os.environ.pop("AWS_ENDPOINT_URL", None)
            else:
                os.environ["AWS_ENDPOINT_URL"] = previous
            _reset_library_caches()

    def med(trials: list[Trial], which: str, metric: str) -> float:
        """Median over trials of ``trial.<which>.<metric>`` (or ``trial.<which>_ms``)."""
        if metric == "ms":
            return float(statistics.median(getattr(t, f"{which}_ms") for t in trials))
        return float(statistics.median(getattr(getattr(t, which), metric) for t in trials))

    rows: list[Row] = []
    for which, target in (("first", 2), ("second", 0)):
        label = f"{which} client"
        o_ssm, b_ssm = med(ours, which, "ssm_requests"), med(base, which, "ssm_requests")
        o_req, b_req = med(ours, which, "requests"), med(base, which, "requests")
        o_cli, b_cli = med(ours, which, "clients"), med(base, which, "clients")
        o_ms, b_ms = med(ours, which, "ms"), med(base, which, "ms")
        verdict = "meets" if o_ssm <= target else "MISSES"
        rows += [
            (f"{label}: SSM requests (all 12 parameters)", f"{o_ssm:.0f}", f"{b_ssm:.0f}",
             f"{verdict} target <= {target}"),
            (f"{label}: AWS requests incl. 2 queue URLs", f"{o_req:.0f}", f"{b_req:.0f}", _ratio(o_req, b_req)),
            (f"{label}: boto3 clients built", f"{o_cli:.0f}", f"{b_cli:.0f}", _ratio(o_cli, b_cli)),
            (f"{label}: ms to build + read all", f"{o_ms:.2f}", f"{b_ms:.2f}", _ratio(o_ms, b_ms)),
        ]
    return rows


# --------------------------------------------------------------------------- import cost
def import_times_ms(statements: dict[str, str], runs: int = IMPORT_RUNS) -> dict[str, float]:
    """Median wall time (ms) of a fresh interpreter running each statement; runs are interleaved."""
    samples: dict[str, list[float]] = {label: [] for label in statements}
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for code in statements.values():  # warm the page cache and write the .pyc files once
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
    for _ in range(runs):
        for label, code in statements.items():
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env=env)
            samples[label].append((time.perf_counter() - started) * 1000)
    return {label: float(statistics.median(values)) for label, values in samples.items()}


def importtime_ms(code: str, prefix: str, runs: int = IMPORT_RUNS) -> float:
    """Median over ``runs`` of the cumulative ``-X importtime`` (ms) of the top-level imports whose
    name starts with ``prefix``: CPU-side import cost, far less sensitive to machine load than
    wall time (the two are reported side by side)."""
    totals = []
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
        )
        total_us = 0
        for line in result.stderr.splitlines():
            if not line.startswith("import time:") or "|" not in line:
                continue
            _, cumulative, name = line.split("|")
            if name.startswith(" " + prefix) and not name.startswith("  "):
                total_us += int(cumulative)
        totals.append(total_us / 1000)
    return float(statistics.median(totals))


def import_rows() -> list[Row]:
    times = import_times_ms(
        {
            "bare": "pass",
            "package": "import datalake_library",
            "client": "from datalake_library import DataLakeClient",
            "boto3": "import boto3",
        }
    )
    bare = times["bare"]
    package, client, boto3 = (times[k] - bare for k in ("package", "client", "boto3"))
    verdict = "meets" if package <= IMPORT_TARGET_MS else "MISSES"
    cpu_package = importtime_ms("import datalake_library", "datalake_library")
    cpu_client = importtime_ms("from datalake_library import DataLakeClient", "datalake_library")
    cpu_boto3 = importtime_ms("import boto3", "boto3")
    return [
        ("python -c pass (ms)", f"{bare:.1f}", "-", "bare interpreter"),
        ("-X importtime: import datalake_library (ms)", f"{cpu_package:.1f}", f"{cpu_boto3:.1f}",
         _ratio(cpu_package, cpu_boto3).replace("baseline", "import boto3")),
        ("-X importtime: DataLakeClient (ms)", f"{cpu_client:.1f}", f"{cpu_boto3:.1f}",
         _ratio(cpu_client, cpu_boto3).replace("baseline", "import boto3")),
        ("import datalake_library (ms over bare)", f"{package:.1f}", f"{boto3:.1f}",
         f"{verdict} target <= {IMPORT_TARGET_MS:.0f}; baseline = import boto3"),
        ("from datalake_library import DataLakeClient (ms over bare)", f"{client:.1f}", f"{boto3:.1f}",
         _ratio(client, boto3).replace("baseline", "import boto3")),
    ]


def run() -> list[Row]:
    return configuration_rows() + import_rows()


if __name__ == "__main__":
    for row in run():
        sys.stdout.write(" | ".join(row) + "\n")
