"""The bridge's package logger.

The original configured the *root* logger at DEBUG and logged whole payloads. Here everything logs
through the ``letsdata`` logger, whose level comes from ``LOG_LEVEL`` (default ``INFO``); payloads are
only logged at DEBUG. No handler is attached: on Lambda the runtime's root handler receives the
records, locally the application decides.
"""

from __future__ import annotations

import logging
import os

LOGGER_NAME = "letsdata"
DEFAULT_LEVEL = "INFO"


def _parse_level(text: str) -> int | None:
    text = text.strip().upper()
    if text.isdigit():
        return int(text)
    level = logging.getLevelName(text)
    return level if isinstance(level, int) else None


def level_from_environment(value: str | None = None) -> int:
    """Translate ``LOG_LEVEL`` (any case, a name or a number) into a logging level; unknown -> INFO."""
    raw = os.environ.get("LOG_LEVEL", DEFAULT_LEVEL) if value is None else value
    level = _parse_level(raw)
    return logging.INFO if level is None else level


def _configure() -> logging.Logger:
    log = logging.getLogger(LOGGER_NAME)
    log.setLevel(level_from_environment())
    raw = os.environ.get("LOG_LEVEL")
    if raw is not None and _parse_level(raw) is None:
        log.warning("letsdata logging - unknown LOG_LEVEL %r, using INFO", raw)
    return log


#: The package logger (``letsdata``). Import it as ``from letsdata_utils.logging_utils import logger``.
logger: logging.Logger = _configure()
