"""Exceptions at the module path stage code imported before 2.11.1 (restored; docs/sdlf-compatibility.md)."""

from __future__ import annotations

from datalake_library.errors import BatchOperationError


class ObjectDeleteFailedException(BatchOperationError):
    """``S3Interface.delete_objects`` could not delete some objects; ``failed`` holds S3's ``Errors``."""


__all__ = ["ObjectDeleteFailedException"]
