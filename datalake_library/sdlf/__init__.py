"""``datalake_library.sdlf``: the API of SDLF 2.7 - 2.11.0, on this library's shared session and
batched, cached SSM reads (docs/sdlf-compatibility.md).

``PipelineExecutionHistoryAPI`` over a dataset's pipeline-execution-history table, and the
``*Configuration`` classes taking ``instance=`` (the deployment-instance parameter scheme).
"""

from __future__ import annotations

from datalake_library._version import __version__ as __version__
from datalake_library.sdlf.config import (
    DynamoConfiguration,
    KMSConfiguration,
    S3Configuration,
    SQSConfiguration,
    StateMachineConfiguration,
)
from datalake_library.sdlf.peh import PipelineExecutionHistoryAPI

__title__ = "SDLF"
name = "sdlf"

__all__ = [
    "DynamoConfiguration",
    "KMSConfiguration",
    "PipelineExecutionHistoryAPI",
    "S3Configuration",
    "SQSConfiguration",
    "StateMachineConfiguration",
]
