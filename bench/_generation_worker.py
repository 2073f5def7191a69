"""Subprocess of ``bench_generations``: run a warm stage Lambda of one SDLF generation against one
``datalake_library`` layer and print its cost per invocation.

usage: python -S -m bench._generation_worker LAYER_DIR SITE_PACKAGES GENERATION INVOCATIONS

Runs with ``-S`` so that only ``LAYER_DIR``'s ``datalake_library`` is importable (this checkout's
editable install is not). Every request is counted at ``botocore.endpoint.Endpoint.make_request``,
whichever session or client made it. SDLF's layers up to 2.11.0 build clients with hard-coded
``https://{service}.{region}.amazonaws.com`` endpoints; those are dropped here (``AWS_ENDPOINT_URL``
points at the local moto server), which is the only change made to a baseline layer.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from typing import Any


def _load(layer: str, site: str) -> None:
    sys.path[:0] = [layer, site]
    import boto3.session
    import botocore.endpoint

    original_client = boto3.session.Session.client

    def client(self: Any, *args: Any, **kwargs: Any) -> Any:
        url = kwargs.get("endpoint_url")
        if url and "amazonaws.com" in url:
            kwargs.pop("endpoint_url")
        return original_client(self, *args, **kwargs)

    boto3.session.Session.client = client  # type: ignore[method-assign]
    if sys.version_info < (3, 12):
        # SDLF 2.6's OctagonClient calls importlib.resources.files() on a module, which Python 3.12
        # (the templates' runtime) accepts and resolves to the module's directory; 3.11 refuses.
        import importlib.resources

        original_files = importlib.resources.files

        def files(anchor: Any) -> Any:
            try:
                return original_files(anchor)
            except TypeError:
                return original_files(str(anchor).rpartition(".")[0])

        importlib.resources.files = files  # type: ignore[assignment]
    original_request = botocore.endpoint.Endpoint.make_request

    def make_request(self: Any, operation_model: Any, request_dict: Any) -> Any:
        COUNTS[operation_model.service_model.service_name] = COUNTS.get(operation_model.service_model.service_name, 0) + 1
        return original_request(self, operation_model, request_dict)

    botocore.endpoint.Endpoint.make_request = make_request  # type: ignore[method-assign]


COUNTS: dict[str, int] = {}
DETAILS = {
    "key": "engineering/legislators/persons.json",
    "bucket": "raw",
    "team": "engineering",
    "dataset": "legislators",
    "pipeline": "main",
    "pipeline_stage": "A",
    "env": "dev",
}


def lambda_2_6() -> None:
    """A stage A pre-update step of SDLF <= 2.6: open an octagon execution, catalog the object,
    start the next state machine, record progress."""
    from datalake_library import octagon
    from datalake_library.configuration.resource_configs import DynamoConfiguration, StateMachineConfiguration
    from datalake_library.interfaces.dynamo_interface import DynamoInterface
    from datalake_library.interfaces.states_interface import StatesInterface

    client = octagon.OctagonClient().with_run_lambda(True).with_configuration_instance("dev").build()
    client.start_pipeline_execution(pipeline_name="engineering-main-A", dataset_name="engineering-legislators")
    DynamoInterface(DynamoConfiguration()).update_object_metadata_catalog(dict(DETAILS))
    arn = StateMachineConfiguration("engineering", "main", "A").get_stage_state_machine_arn
    StatesInterface().run_state_machine(arn, json.dumps(DETAILS))
    client.update_pipeline_execution(status="A Preupdate Processing", component="Preupdate")


def lambda_2_10() -> None:
    """A sdlf-stage-glue routing step of 2.7 - 2.11.0: open an execution history record, start
    the pipeline instance's state machine, record progress."""
    from datalake_library.interfaces.states_interface import StatesInterface
    from datalake_library.sdlf import PipelineExecutionHistoryAPI, StateMachineConfiguration

    history = PipelineExecutionHistoryAPI(
        run_in_context="LAMBDA", region="us-east-1", peh_table_instance="legislators", manifests_table_instance="legislators"
    )
    history.start_pipeline_execution(pipeline_name="maina", dataset_name="legislators")
    arn = StateMachineConfiguration(instance="maina").stage_state_machine
    StatesInterface().run_state_machine(arn, json.dumps([DETAILS]))
    history.update_pipeline_execution(status="maina Transform Processing", component="Transform")


def lambda_2_11() -> None:
    """A sdlf-stageA routing step of 2.11.x: one record, one execution of state machine A."""
    from datalake_library import DataLakeClient

    client = DataLakeClient(team="engineering", pipeline="main", stage="A")
    client.states.run_state_machine(client.states.state_machine_arn, dict(DETAILS))


HANDLERS = {"2.6": lambda_2_6, "2.10": lambda_2_10, "2.11": lambda_2_11}


def main() -> None:
    layer, site, generation, invocations = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    _load(layer, site)
    handler = HANDLERS[generation]
    try:
        handler()  # cold invocation (imports, clients, first SSM reads): not measured
    except Exception as exc:  # a baseline that cannot run says why
        print("RESULT " + json.dumps({"error": f"{type(exc).__name__}: {exc}"[:200]}))
        return
    COUNTS.clear()
    times = []
    for _ in range(invocations):
        started = time.perf_counter()
        handler()
        times.append((time.perf_counter() - started) * 1000)
    result = {
        "ms": statistics.median(times),
        "requests": sum(COUNTS.values()) / invocations,
        "ssm": COUNTS.get("ssm", 0) / invocations,
        "by_service": {k: v / invocations for k, v in sorted(COUNTS.items())},
        "python": ".".join(map(str, sys.version_info[:2])),
        "environ_endpoint": bool(os.environ.get("AWS_ENDPOINT_URL")),
    }
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    main()
