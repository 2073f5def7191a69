"""Single source of the package version (pyproject reads it; the user agent carries it)."""

__version__ = "2.12.0"
