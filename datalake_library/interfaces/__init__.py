"""The five SDLF interfaces and their base class (imported lazily to keep imports cheap)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    from datalake_library.interfaces.base_interface import BaseInterface
    from datalake_library.interfaces.dynamo_interface import DynamoInterface
    from datalake_library.interfaces.kms_interface import KMSInterface
    from datalake_library.interfaces.s3_interface import S3Interface
    from datalake_library.interfaces.sqs_interface import SQSInterface
    from datalake_library.interfaces.states_interface import StatesInterface

__all__ = [
    "BaseInterface",
    "DynamoInterface",
    "KMSInterface",
    "S3Interface",
    "SQSInterface",
    "StatesInterface",
]

_MODULES = {
    "BaseInterface": "base_interface",
    "DynamoInterface": "dynamo_interface",
    "KMSInterface": "kms_interface",
    "S3Interface": "s3_interface",
    "SQSInterface": "sqs_interface",
    "StatesInterface": "states_interface",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
