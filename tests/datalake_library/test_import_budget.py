"""Import-time budget of ``datalake_library`` in a fresh interpreter (marker ``perf``).

The target is <= 30 ms over a bare interpreter (docs/performance.md, Cold start); the test allows 2x headroom
because the development machine is small and shared. ``bench/bench_datalake.py`` reports the
actual figures.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench.bench_datalake import IMPORT_TARGET_MS, import_times_ms

pytestmark = pytest.mark.perf


def test_import_datalake_library_within_budget() -> None:
    times = import_times_ms({"bare": "pass", "package": "import datalake_library"}, runs=5)
    overhead = times["package"] - times["bare"]
    assert overhead <= 2 * IMPORT_TARGET_MS, f"import datalake_library took {overhead:.1f} ms over bare"


@pytest.mark.parametrize(
    "code",
    [
        "import datalake_library",
        "from datalake_library import DataLakeClient, S3Interface, SQSInterface, StatesInterface, "
        "DynamoInterface, KMSInterface; import datalake_library.commons",
        # Construction is lazy too: no boto3 until the first attribute that needs AWS.
        "from datalake_library import DataLakeClient; DataLakeClient('engineering', pipeline='main', stage='A')",
    ],
    ids=["package", "public-api", "construct-client"],
)
def test_boto3_is_imported_lazily(code: str) -> None:
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 's3transfer', 'moto'))))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
