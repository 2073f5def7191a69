"""Test support for code built on datalake_library: a moto server on 127.0.0.1 and fixtures.

Importing this package does not import moto; the server is started only when a fixture or
:class:`MotoServer` asks for it. The pytest plugin (``datalake_library.testing.plugin``) is
registered through the ``pytest11`` entry point, so installing the package is enough.
"""

from datalake_library.testing.environment import MOTO_ENV, apply_moto_environment
from datalake_library.testing.moto_server import MotoServer, free_port

__all__ = ["MOTO_ENV", "MotoServer", "apply_moto_environment", "free_port"]
