"""``datalake_library.octagon``: the API of SDLF <= 2.6 (``OctagonClient`` and its builder,
``peh.PipelineExecutionHistoryAPI``, events, artifacts, metrics) over the octagon tables of a
configuration instance, on this library's shared session (docs/sdlf-compatibility.md)."""

from __future__ import annotations

from datalake_library._version import __version__ as __version__
from datalake_library.octagon import peh as peh
from datalake_library.octagon.artifact import Artifact
from datalake_library.octagon.client import OctagonClient
from datalake_library.octagon.event import EventReasonEnum

__title__ = "octagon"
name = "octagon"

__all__ = ["Artifact", "EventReasonEnum", "OctagonClient", "peh"]
