"""SDLF-compatible datalake library (placeholder; filled in by the datalake_library issue)."""

from datalake_library._version import __version__

__all__ = ["__version__"]
