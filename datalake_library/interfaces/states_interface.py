"""``StatesInterface``: start and inspect Step Functions executions.

``run_state_machine`` serialises the payload itself so that it can refuse inputs over the
Step Functions limit (262,144 bytes of UTF-8) before calling AWS.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from datalake_library import json_codec
from datalake_library.errors import InvalidArgumentTypeError, PayloadTooLargeError
from datalake_library.interfaces._legacy import log_level_first
from datalake_library.interfaces._validation import (
    require_execution_name,
    require_states_arn,
    translate_client_error,
)
from datalake_library.interfaces.base_interface import BaseInterface, ClientAttribute, SsmAttribute
from datalake_library.json_codec import PAYLOAD

__all__ = ["MAX_INPUT_BYTES", "StatesInterface"]

#: Step Functions' maximum execution input, in bytes of UTF-8.
MAX_INPUT_BYTES = 262_144


def _client_error() -> type[Exception]:
    from botocore.exceptions import ClientError

    return ClientError


class StatesInterface(BaseInterface):
    """Step Functions access. ``state_machine_arn`` needs team, pipeline and stage."""

    state_machine_arn = SsmAttribute()

    #: The Step Functions client (one per session). Assignable by subclass hooks.
    stepfunctions = ClientAttribute("stepfunctions")

    def __init__(
        self,
        team: str | None = None,
        dataset: str | None = None,
        pipeline: str | None = None,
        stage: str | None = None,
        log_level: str | None = None,
        session: Any = None,
        *,
        config: Any = None,
        clients: Mapping[str, Any] | None = None,
        states_client: Any = None,
    ) -> None:
        """2.11's signature, or SDLF <= 2.11.0's ``StatesInterface(log_level=None, states_client=None)``: a call
        with an upper-case level name where ``team`` goes is the legacy one (see ``interfaces/_legacy.py``)."""
        self._init_interface(
            [team, dataset, pipeline, stage], log_level, session, config=config, clients=clients,
            service="stepfunctions", client=states_client, legacy_at=log_level_first(team, log_level),
        )

    @property
    def _states_client(self) -> Any:
        """The legacy name of :attr:`stepfunctions`."""
        return self.stepfunctions

    @staticmethod
    def json_serial(obj: Any) -> Any:
        """``json.dumps`` default for payload values JSON cannot encode natively (SDLF's public helper).

        datetime/date -> ``isoformat()`` (as upstream); Decimal -> int when integral, else float;
        set/frozenset -> list (sorted when the elements are comparable, so the output is
        deterministic); bytes -> **base64** text (lossless; decode with ``base64.b64decode``). Anything
        else raises ``TypeError("Type <type> not serializable")``. The table is
        :data:`datalake_library.json_codec.PAYLOAD`, the one every AWS payload of the package uses.
        A non-finite Decimal (``Decimal("Infinity")``) raises ``ValueError``: JSON has no Infinity.
        """
        return PAYLOAD.default(obj)

    def encode_input(self, message: Any) -> str:
        """The JSON ``input`` for ``message``; raises before any AWS call when it is too large."""
        if isinstance(message, str):
            self.logger.warning(
                "run_state_machine got a str message; it is JSON-encoded again (original behaviour). "
                "Pass a dict to start the execution with a JSON object input."
            )
        try:
            payload = json_codec.dumps(message)
        except json_codec.JsonCodecError as exc:
            raise InvalidArgumentTypeError(
                f"message cannot be JSON-encoded: {exc}", argument="message"
            ) from exc
        size = len(payload.encode("utf-8"))
        if size > MAX_INPUT_BYTES:
            raise PayloadTooLargeError(
                f"state machine input is {size} bytes of JSON, over the Step Functions limit of "
                f"{MAX_INPUT_BYTES} bytes; store the payload in S3 and pass its location instead",
                argument="message",
                size=size,
                limit=MAX_INPUT_BYTES,
            )
        return payload

    def run_state_machine(self, machine_arn: str, message: Any, name: str | None = None) -> dict[str, Any]:
        """Start an execution of ``machine_arn`` with ``message`` as JSON input; return the response
        (``executionArn``, ``startDate``). ``name`` sets the execution name (idempotency)."""
        require_states_arn(machine_arn, "machine_arn", "stateMachine")
        kwargs: dict[str, Any] = {"stateMachineArn": machine_arn, "input": self.encode_input(message)}
        if name is not None:
            kwargs["name"] = require_execution_name(name)
        try:
            return dict(self.stepfunctions.start_execution(**kwargs))
        except _client_error() as exc:
            raise translate_client_error(exc, f"state machine {machine_arn}") from exc

    def describe_state_execution(self, execution_arn: str) -> str:
        """The execution's status (``RUNNING``, ``SUCCEEDED``, ``FAILED``, ...), as restored."""
        require_states_arn(execution_arn, "execution_arn", "execution")
        try:
            return str(self.stepfunctions.describe_execution(executionArn=execution_arn)["status"])
        except _client_error() as exc:
            raise translate_client_error(exc, f"execution {execution_arn}") from exc

    def get_all_step_functions(self) -> list[dict[str, Any]]:
        """Every state machine of the account/region (paginated ``list_state_machines``)."""
        machines: list[dict[str, Any]] = []
        for page in self.stepfunctions.get_paginator("list_state_machines").paginate():
            machines.extend(page.get("stateMachines", []))
        return machines
