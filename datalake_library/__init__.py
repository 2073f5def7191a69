"""SDLF-compatible datalake library: ``DataLakeClient`` and the five interfaces.

The public names are imported lazily (module ``__getattr__``), so ``import datalake_library`` costs
almost nothing on a Lambda cold start and never imports boto3.
"""

from __future__ import annotations

import importlib

from datalake_library._version import __version__ as __version__

# Not ``typing.TYPE_CHECKING``: importing ``typing`` would be most of this module's import cost.
TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover - typing only
    from typing import Any

    from datalake_library.client import DataLakeClient
    from datalake_library.interfaces.dynamo_interface import DynamoInterface
    from datalake_library.interfaces.kms_interface import KMSInterface
    from datalake_library.interfaces.s3_interface import S3Interface
    from datalake_library.interfaces.sqs_interface import SQSInterface
    from datalake_library.interfaces.states_interface import StatesInterface

__all__ = [
    "DataLakeClient",
    "DynamoInterface",
    "KMSInterface",
    "S3Interface",
    "SQSInterface",
    "StatesInterface",
]

_LAZY = {
    "DataLakeClient": "datalake_library.client",
    "DynamoInterface": "datalake_library.interfaces.dynamo_interface",
    "KMSInterface": "datalake_library.interfaces.kms_interface",
    "S3Interface": "datalake_library.interfaces.s3_interface",
    "SQSInterface": "datalake_library.interfaces.sqs_interface",
    "StatesInterface": "datalake_library.interfaces.states_interface",
    "BaseInterface": "datalake_library.interfaces.base_interface",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*__all__, "BaseInterface", "__version__"])
