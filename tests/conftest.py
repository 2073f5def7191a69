"""Shared fixtures. The moto environment is set here, once, before anything imports boto3.

The ``moto_server`` and ``aws_endpoint`` fixtures come from the ``datalake_library.testing``
pytest plugin (registered by the package's ``pytest11`` entry point).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from datalake_library.testing.environment import apply_moto_environment

apply_moto_environment()

ROOT = Path(__file__).resolve().parent.parent
#: The captured LetsData platform requests (captured from the LetsData platform); build.sh posts the same files.
EVENTS_DIR = ROOT / "tests" / "events"


def record_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Make ``time.sleep`` on the calling (test) thread record its argument instead of sleeping.

    ``time`` is one global module, so patching it for botocore's or the library's backoff also
    reaches every other thread alive in the process (moto server, Spark/py4j threads from the
    session fixtures); those keep the real sleep and are not recorded.
    """
    import threading
    import time

    sleeps: list[float] = []
    real_sleep = time.sleep
    test_thread = threading.get_ident()

    def fake_sleep(seconds: float) -> None:
        if threading.get_ident() == test_thread:
            sleeps.append(seconds)
        else:
            real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", fake_sleep)
    return sleeps
