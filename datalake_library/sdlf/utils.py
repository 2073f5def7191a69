"""Helpers stage code imported from ``datalake_library.sdlf.utils`` (implemented once in
:mod:`datalake_library._utils`, shared by both generations; this module re-exports its public names)."""

from __future__ import annotations

from datalake_library._utils import *  # noqa: F403  (the public names listed in _utils.__all__)
from datalake_library._utils import __all__ as __all__
