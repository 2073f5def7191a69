"""The datalake benchmark's baseline really reproduces SDLF 2.11.x's access pattern, and both
patterns read the same values (so the bench compares like with like)."""

from __future__ import annotations

import boto3

from bench import bench_datalake
from datalake_library.testing import SdlfEnvironment


def test_baseline_and_library_read_the_same_values_with_the_documented_request_counts(
    sdlf_environment: SdlfEnvironment,
) -> None:
    expected = bench_datalake.expected_values(sdlf_environment)
    base = bench_datalake.measure(bench_datalake.original_access_pattern, expected)
    ours = bench_datalake.measure(bench_datalake.library_access_pattern, expected)
    # Original: 12 GetParameter (5 SSM clients + 5 service clients) and 2 GetQueueUrl, every time.
    assert (base.first.ssm_requests, base.first.requests, base.first.clients) == (12, 14, 10)
    assert (base.second.ssm_requests, base.second.requests, base.second.clients) == (12, 14, 10)
    # Library: two GetParameters (12 names, <= 10 per call) + 2 GetQueueUrl, then nothing.
    assert (ours.first.ssm_requests, ours.first.requests, ours.first.clients) == (2, 4, 2)
    assert (ours.second.ssm_requests, ours.second.requests, ours.second.clients) == (0, 0, 0)


def test_counter_sees_every_http_attempt(sdlf_environment: SdlfEnvironment) -> None:
    session = boto3.Session()
    counter = bench_datalake.Counter()
    counter.attach(session)
    ssm = session.client("ssm")
    ssm.get_parameters(Names=["/SDLF2/S3/RawBucket"])
    session.client("sqs").list_queues()
    assert (counter.requests, counter.ssm_requests, counter.clients) == (2, 1, 2)
