"""Test support for code built on datalake_library: a moto server on 127.0.0.1 and fixtures.

Importing this package does not import moto; the server is started only when a fixture or
:class:`MotoServer` asks for it. The pytest plugin (``datalake_library.testing.plugin``) is
registered through the ``pytest11`` entry point, so installing the package is enough; its
``sdlf_environment`` fixture deploys a complete SDLF team/pipeline on that server
(:mod:`datalake_library.testing.sdlf_environment`).
"""

from datalake_library.testing.environment import MOTO_ENV, apply_moto_environment
from datalake_library.testing.moto_server import MotoServer, free_port
from datalake_library.testing.safety import UnsafeEndpointError, is_loopback_url
from datalake_library.testing.sdlf_environment import (
    SdlfEnvironment,
    StageResources,
    create_sdlf_environment,
    sdlf_parameter_names,
)

__all__ = [
    "MOTO_ENV",
    "MotoServer",
    "SdlfEnvironment",
    "StageResources",
    "UnsafeEndpointError",
    "apply_moto_environment",
    "create_sdlf_environment",
    "free_port",
    "is_loopback_url",
    "sdlf_parameter_names",
]
