"""The bridge's package logger.

The original configured the *root* logger at DEBUG and logged whole payloads. Here everything logs
through the ``letsdata`` logger, whose level is the one the library half uses too
(:func:`datalake_library.settings.effective_log_level`: ``AWS_LAMBDA_LOG_LEVEL`` when Lambda's
advanced logging controls set it, else ``LOG_LEVEL``, else ``INFO``; a bad value warns once, naming
the variable, and falls back). Payloads are only logged at DEBUG. No handler is attached: on Lambda
the runtime's root handler receives the records, locally the application decides.
"""

from __future__ import annotations

import logging

from datalake_library import settings

LOGGER_NAME = "letsdata"
DEFAULT_LEVEL = "INFO"


def level_from_environment(value: str | None = None) -> int:
    """The package logger's level: ``value`` when given (any case, a name or a number; unknown -> INFO),
    else the environment's (see the module docstring). Never raises."""
    if value is None:
        return settings.effective_log_level()
    try:
        return settings.parse_log_level(value)
    except ValueError:
        return logging.INFO


def _configure() -> logging.Logger:
    log = logging.getLogger(LOGGER_NAME)
    log.setLevel(level_from_environment())
    return log


#: The package logger (``letsdata``). Import it as ``from letsdata_utils.logging_utils import logger``.
logger: logging.Logger = _configure()
