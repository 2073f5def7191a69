"""Shared fixtures. The moto environment is set here, once, before anything imports boto3.

The ``moto_server`` and ``aws_endpoint`` fixtures come from the ``datalake_library.testing``
pytest plugin (registered by the package's ``pytest11`` entry point).
"""

from __future__ import annotations

from pathlib import Path

from datalake_library.testing.environment import apply_moto_environment

apply_moto_environment()

ROOT = Path(__file__).resolve().parent.parent
#: The captured LetsData platform requests (copied from shared/events/letsdata); build.sh posts the same files.
EVENTS_DIR = ROOT / "tests" / "events"
