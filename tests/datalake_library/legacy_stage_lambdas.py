"""Stage Lambdas written against the APIs of earlier SDLF generations, the way their users wrote
them (docs/sdlf-compatibility.md): the shapes of sdlf-stageA/B up to 2.6 (octagon +
``configuration.resource_configs``) and of the sdlf-stage-lambda/-glue/-emrserverless/-ecsfargate
constructs of 2.7 - 2.11.0 (``datalake_library.sdlf``, deployment instances). User code, not
library code: each handler uses only the public legacy API and reads the environment variables
the corresponding templates set. Exercised by ``test_generation_stage_lambdas.py``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from datalake_library import octagon
from datalake_library.configuration.resource_configs import (
    DynamoConfiguration,
    KMSConfiguration,
    S3Configuration,
    SQSConfiguration,
    StateMachineConfiguration,
)
from datalake_library.interfaces.dynamo_interface import DynamoInterface
from datalake_library.interfaces.s3_interface import S3Interface
from datalake_library.interfaces.sqs_interface import SQSInterface
from datalake_library.interfaces.states_interface import StatesInterface
from datalake_library.octagon import peh


@dataclass
class LambdaContext:
    """The part of the Lambda context stage code reads: ``sdlf-{team}-{pipeline}-{step}-{stage}``."""

    function_name: str


def component_of(context: LambdaContext) -> str:
    return context.function_name.split("-")[-2].title()


# ------------------------------------------------------------------------- <= 2.6: stage A


def v26_stage_a_routing(event: dict[str, Any], context: Any = None) -> None:
    """SQS records (S3 details) -> one state machine A execution each (input: a JSON *string*)."""
    for record in event["Records"]:
        body = json.loads(record["body"])
        team, dataset = body["object"]["key"].split("/")[0:2]
        pipeline, stage = os.environ["PIPELINE"], os.environ["PIPELINE_STAGE"]
        details = {
            **body["object"],
            "bucket": body["bucket"]["name"],
            "team": team,
            "dataset": dataset,
            "pipeline": pipeline,
            "pipeline_stage": stage,
            "org": os.environ["ORG"],
            "domain": os.environ["DOMAIN"],
            "env": os.environ["ENV"],
        }
        machine = StateMachineConfiguration(team, pipeline, stage).get_stage_state_machine_arn
        StatesInterface().run_state_machine(machine, json.dumps(details))


def v26_stage_a_preupdate(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Start the octagon execution, catalog the raw object, pick the transform from the dataset."""
    component = component_of(context)
    client = octagon.OctagonClient().with_run_lambda(True).with_configuration_instance(event["env"]).build()
    try:
        event["peh_id"] = client.start_pipeline_execution(
            pipeline_name=f"{event['team']}-{event['pipeline']}-{event['pipeline_stage']}",
            dataset_name=f"{event['team']}-{event['dataset']}",
            comment=event,
        )
        dynamo = DynamoInterface(DynamoConfiguration())
        dynamo.update_object_metadata_catalog(event)
        client.update_pipeline_execution(status=f"{event['pipeline_stage']} {component} Processing", component=component)
        try:
            transform = dynamo.get_transform_table_item(f"{event['team']}-{event['dataset']}")
        except KeyError:
            transform = {}
        stage_transform = transform.get("pipeline", {}).get(event["pipeline"], {}).get(event["pipeline_stage"], {})
        event["lambda"] = {"lambda_arn": stage_transform.get("lambda_arn", os.environ.get("STAGE_TRANSFORM_LAMBDA"))}
    except Exception as exc:
        client.end_pipeline_execution_failed(component=component, issue_comment=f"{component} Error: {exc!r}")
        raise
    return {"statusCode": 200, "body": event}


def v26_stage_a_process(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Flatten a JSON array object into ``pre-stage/{team}/{dataset}/{name}_parsed.json``."""
    body = event["body"]
    component = component_of(context)
    client = octagon.OctagonClient().with_run_lambda(True).with_configuration_instance(body["env"]).build()
    peh.PipelineExecutionHistoryAPI(client).retrieve_pipeline_execution(body["peh_id"])
    try:
        s3 = S3Interface()
        local_path = s3.download_object(body["bucket"], body["key"])
        with open(local_path, encoding="utf-8") as raw:
            records = json.load(raw)
        flat = [{k: v for k, v in r.items() if not isinstance(v, dict | list)} for r in records]
        output = f"{PurePath(local_path).with_suffix('')}_parsed.json"
        with open(output, "w", encoding="utf-8") as parsed:
            json.dump(flat, parsed)
        key = f"pre-stage/{body['team']}/{body['dataset']}/{PurePath(output).name}"
        s3.upload_object(output, S3Configuration().stage_bucket, key, kms_key=KMSConfiguration(body["team"]).get_kms_arn)
        body["processedKeys"] = [key]
        client.update_pipeline_execution(status=f"{body['pipeline_stage']} {component} Processing", component=component)
    except Exception as exc:
        client.end_pipeline_execution_failed(component=component, issue_comment=f"{component} Error: {exc!r}")
        raise
    return event


def v26_stage_a_postupdate(event: dict[str, Any], context: LambdaContext) -> int:
    """Catalog the processed objects in the stage bucket and close the execution successfully."""
    body = event["body"]
    component = component_of(context)
    client = octagon.OctagonClient().with_run_lambda(True).with_configuration_instance(body["env"]).build()
    peh.PipelineExecutionHistoryAPI(client).retrieve_pipeline_execution(body["peh_id"])
    dynamo = DynamoInterface(DynamoConfiguration())
    bucket = S3Configuration().stage_bucket
    for key in body["processedKeys"]:
        size, last_modified = S3Interface().get_size_and_last_modified(bucket, key)
        dynamo.update_object_metadata_catalog(
            {
                "bucket": bucket,
                "key": key,
                "size": size,
                "last_modified_date": last_modified,
                "team": body["team"],
                "dataset": body["dataset"],
                "pipeline": body["pipeline"],
                "stage": "stage",
                "pipeline_stage": body["pipeline_stage"],
                "peh_id": body["peh_id"],
            }
        )
    client.update_pipeline_execution(status=f"{body['pipeline_stage']} {component} Processing", component=component)
    client.end_pipeline_execution_success()
    return 200


def v26_error(event: dict[str, Any] | str, context: Any = None) -> None:
    """State machine Catch: the failed input goes to the stage DLQ (group ``failed``)."""
    if isinstance(event, str):
        event = json.loads(event)
    assert isinstance(event, dict)
    source = event.get("body", event)
    config = SQSConfiguration(source["team"], source["pipeline"], source["pipeline_stage"])
    SQSInterface(config.get_stage_dlq_name).send_message_to_fifo_queue(json.dumps(event), "failed")


def v26_redrive(event: Any = None, context: Any = None) -> int:
    """One DLQ message back to the stage queue (group ``redrive``); reads TEAM/PIPELINE/STAGE."""
    config = SQSConfiguration(os.environ["TEAM"], os.environ["PIPELINE"], os.environ["STAGE"])
    messages = SQSInterface(config.get_stage_dlq_name).receive_messages(1)
    queue = SQSInterface(config.get_stage_queue_name)
    for message in messages:
        queue.send_message_to_fifo_queue(message["Body"], "redrive")
    return len(messages)


# ------------------------------------------------------------------------- <= 2.6: stage B


def v26_stage_b_routing(event: dict[str, Any], context: Any = None) -> dict[str, Any] | None:
    """Scheduled: drain 1-100 status-change details from the stage queue and start ONE execution
    of state machine B with the union of their processed keys."""
    team, pipeline, stage = event["team"], event["pipeline"], event["pipeline_stage"]
    queue = SQSInterface(SQSConfiguration(team, pipeline, stage).get_stage_queue_name)
    bodies = list(set(queue.receive_min_max_messages(1, 100)))
    if not bodies:
        return None
    keys: set[str] = set()
    dataset = ""
    for body in bodies:
        output = json.loads(json.loads(body)["output"])[0]
        keys.update(output["body"]["processedKeys"])
        dataset = output["body"]["dataset"]
    response = {
        "statusCode": 200,
        "body": {
            "bucket": S3Configuration().stage_bucket,
            "keysToProcess": sorted(keys),
            "team": team,
            "pipeline": pipeline,
            "pipeline_stage": stage,
            "dataset": dataset,
            "env": event["env"],
        },
    }
    StatesInterface().run_state_machine(StateMachineConfiguration(team, pipeline, stage).get_stage_state_machine_arn, response)
    return response


def fetch_metadata(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Stage B fetch-metadata (no library call): the Glue job and crawler of the dataset."""
    body = event["body"]
    team, dataset, bucket = body["team"], body["dataset"], body["bucket"]
    body["glue"] = {
        "job_name": f"sdlf-{team}-{dataset}-glue-job",
        "wait_time": 60,
        "arguments": {
            "--SOURCE_LOCATION": f"s3://{bucket}/pre-stage/{team}/{dataset}",
            "--OUTPUT_LOCATION": f"s3://{bucket}/post-stage/{team}/{dataset}",
            "--job-bookmark-option": "job-bookmark-enable",
        },
        "crawler_name": f"sdlf-{team}-{dataset}-post-stage-crawler",
    }
    return event


# ------------------------------------------------------------------------- 2.7 - 2.11.0 constructs


def _decimal(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


def construct_routing(event: dict[str, Any], context: LambdaContext) -> list[dict[str, Any]]:
    """sdlf-stage-lambda/-glue/-emrserverless/-ecsfargate routing: open an execution history record,
    collect the records of the trigger (schedule, event-schedule from the stage queue, or SQS
    ``Records``), tag them with the transform and ``peh_id`` and start the stage state machine once."""
    from datalake_library.sdlf import PipelineExecutionHistoryAPI
    from datalake_library.sdlf import SQSConfiguration as InstanceSQSConfiguration
    from datalake_library.sdlf import StateMachineConfiguration as InstanceStateMachineConfiguration

    instance = os.environ["DEPLOYMENT_INSTANCE"]
    dataset_instance = os.environ["DATASET_DEPLOYMENT_INSTANCE"]
    history = PipelineExecutionHistoryAPI(
        run_in_context="LAMBDA",
        region=os.getenv("AWS_REGION"),
        peh_table_instance=dataset_instance,
        manifests_table_instance=dataset_instance,
    )
    peh_id = history.start_pipeline_execution(pipeline_name=instance, dataset_name=dataset_instance, comment=event)
    try:
        if event.get("trigger_type") == "schedule" and "event_pattern" not in event:
            records = [event]
        elif event.get("trigger_type") == "schedule":
            queue = SQSInterface(InstanceSQSConfiguration(instance=instance).stage_queue)
            records = [json.loads(body) for body in queue.receive_min_max_messages(1, 100)]
        elif "Records" in event:
            records = [json.loads(record["body"]) for record in event["Records"]]
        else:
            raise ValueError("Unable to ascertain trigger type (schedule, event-schedule or event)")
        transform = {"peh_id": peh_id, "transform": os.environ.get("STAGE_TRANSFORM", "")}
        records = [{**record, "transform": transform} for record in records]
        if records:
            machine = InstanceStateMachineConfiguration(instance=instance).stage_state_machine
            StatesInterface().run_state_machine(machine, json.dumps(records, default=_decimal))
            history.update_pipeline_execution(status=f"{instance} Transform Processing", component="Transform")
        else:
            history.end_pipeline_execution_success()
    except Exception as exc:
        component = component_of(context)
        history.end_pipeline_execution_failed(component=component, issue_comment=f"{instance} {component} Error: {exc!r}")
        raise
    return records


def construct_postupdate(event: list[dict[str, Any]], context: LambdaContext) -> None:
    """The state machine's last step: close the execution history record as COMPLETED."""
    from datalake_library.sdlf import PipelineExecutionHistoryAPI

    instance = os.environ["DEPLOYMENT_INSTANCE"]
    dataset_instance = os.environ["DATASET_DEPLOYMENT_INSTANCE"]
    component = component_of(context)
    history = PipelineExecutionHistoryAPI(
        run_in_context="LAMBDA", peh_table_instance=dataset_instance, manifests_table_instance=dataset_instance
    )
    history.retrieve_pipeline_execution(event[0]["Items"][0]["transform"]["peh_id"])
    history.update_pipeline_execution(status=f"{instance} {component} Processing", component=component)
    history.end_pipeline_execution_success()


def construct_error(event: Any, context: Any = None) -> None:
    """The state machine's Catch: the payload goes to the pipeline instance's DLQ."""
    from datalake_library.sdlf import SQSConfiguration as InstanceSQSConfiguration

    if isinstance(event, str):
        event = json.loads(event)
    queue = InstanceSQSConfiguration(instance=os.environ["DEPLOYMENT_INSTANCE"]).stage_dlq
    SQSInterface(queue).send_message_to_fifo_queue(json.dumps(event), "failed")


def construct_redrive(event: Any = None, context: Any = None) -> int:
    """One DLQ message back to the pipeline instance's queue."""
    from datalake_library.sdlf import SQSConfiguration as InstanceSQSConfiguration

    config = InstanceSQSConfiguration(instance=os.environ["DEPLOYMENT_INSTANCE"])
    messages = SQSInterface(config.stage_dlq).receive_messages(1)
    for message in messages:
        SQSInterface(config.stage_queue).send_message_to_fifo_queue(message["Body"], "redrive")
    return len(messages)
