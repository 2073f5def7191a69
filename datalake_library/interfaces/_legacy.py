"""Recognising the constructor calls of SDLF layers before 2.11.1 by their argument types.

Why: up to 2.11.0 the interfaces took a configuration object or a queue name first
(``DynamoInterface(DynamoConfiguration())``, ``SQSInterface(queue_name)``, ``S3Interface()``,
``StatesInterface()``) plus a ``log_level`` and an injected boto3 client
(``dynamodb_client``/``s3_client``/``sqs_client``/``states_client``); 2.11.1 replaced that with
``(team, dataset, pipeline, stage, log_level, session)``. Stage code of every generation calls the
same class names, so each constructor looks at what it was given:

* a configuration object (anything that is not ``None`` or a ``str``) where ``team`` goes, or a
  ``configuration=`` keyword -> the ``DynamoInterface`` of 2.6;
* a queue name where ``team`` goes -> the ``SQSInterface`` of 2.6 bound to that queue. A queue
  name is told from a team name because SDLF team names match ``[a-z0-9]{2,12}`` (sdlf-team's
  ``pTeamName`` pattern), while SDLF's queue names (``sdlf-{team}-{pipeline}-queue-{stage}.fifo``)
  always contain ``-``/``.``; values returned by the legacy configuration classes are also marked
  as :class:`QueueName`;
* an upper-case log level name where ``team`` goes (``S3Interface("INFO")``) -> the legacy
  ``log_level`` argument, which a (lower-case) SDLF team name can never be;
* a ``*_client`` keyword -> the injected client of the legacy signature.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["LOG_LEVEL_NAMES", "QueueName", "is_legacy_log_level", "is_queue_name", "log_level_first", "take_legacy_positionals"]

#: What the legacy ``log_level`` argument held (``getattr(logging, log_level)`` in the original).
LOG_LEVEL_NAMES = frozenset({"CRITICAL", "FATAL", "ERROR", "WARNING", "WARN", "INFO", "DEBUG", "NOTSET"})
_TEAM_NAME = re.compile(r"[a-z0-9]+")


class QueueName(str):
    """A queue name read by a legacy configuration class (``get_stage_queue_name``, ``stage_dlq``, ...).

    A plain ``str`` in every respect; the type tells ``SQSInterface(name)`` that it was given a
    queue, not a team.
    """

    __slots__ = ()


def is_legacy_log_level(value: Any) -> bool:
    """True for the upper-case level names the legacy ``log_level`` positional argument held."""
    return isinstance(value, str) and value in LOG_LEVEL_NAMES


def is_queue_name(value: Any) -> bool:
    """True when ``value`` (the first positional argument of ``SQSInterface``) names a queue."""
    if isinstance(value, QueueName):
        return True
    return isinstance(value, str) and bool(value) and not _TEAM_NAME.fullmatch(value)


def take_legacy_positionals(
    context: list[Any], at: int, log_level: str | None, client: Any
) -> tuple[str | None, Any]:
    """Move SDLF <= 2.11.0's positional ``(log_level, <service>_client)`` out of ``context``.

    ``context`` is ``[team, dataset, pipeline, stage]`` as given (changed in place); the legacy
    ``log_level`` stood at ``context[at]`` and the injected client right after it. Either moves only
    where its keyword was not given too; returns the resulting ``(log_level, client)``.
    """
    if log_level is None and is_legacy_log_level(context[at]):
        log_level, context[at] = context[at], None
    following = context[at + 1]
    if following is not None and not isinstance(following, str) and client is None:
        client, context[at + 1] = following, None
    return log_level, client


def log_level_first(team: Any, log_level: str | None) -> int | None:
    """Where the legacy ``log_level`` stands in a call of ``S3Interface``/``StatesInterface``: 0 (the
    ``team`` position) when the call is SDLF <= 2.11.0's ``(log_level=None, <service>_client=None)``,
    else ``None`` (a 2.11 call)."""
    return 0 if is_legacy_log_level(team) and log_level is None else None
