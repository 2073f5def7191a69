"""Stage Lambdas written the way SDLF 2.11.x users write them (docs/sdlf-compatibility.md), exercised by the scenarios.

These are user-code examples, not library code: each handler uses only the public API
(``DataLakeClient`` and its interfaces) in the shape of the sdlf-stage-lambda / sdlf-stage-glue
handlers — stage A routing, process, error and redrive; stage B routing (scheduled and
SQS-triggered), error and redrive. Environment variables are the ones the templates set on each
Lambda (``PIPELINE``, ``PIPELINE_STAGE``, ``ORG``, ``DOMAIN``, ``ENV``; ``TEAM``/``PIPELINE``/
``STAGE`` for redrive).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from datalake_library import DataLakeClient

# ---------------------------------------------------------------------------------------- stage A


def stage_a_routing(event: dict[str, Any], context: Any = None) -> None:
    """SQS event (bodies are S3 "Object Created" details) -> one execution of state machine A per
    record, with the merged dict as a JSON object input. Any exception fails the whole batch."""
    for record in event["Records"]:
        body = json.loads(record["body"])
        team, dataset = body["object"]["key"].split("/")[0:2]
        pipeline = os.environ["PIPELINE"]
        pipeline_stage = os.environ["PIPELINE_STAGE"]
        event_input = {
            **body["object"],
            "bucket": body["bucket"]["name"],
            "team": team,
            "dataset": dataset,
            "pipeline": pipeline,
            "pipeline_stage": pipeline_stage,
            "org": os.environ["ORG"],
            "domain": os.environ["DOMAIN"],
            "env": os.environ["ENV"],
        }
        client = DataLakeClient(team=team, pipeline=pipeline, stage=pipeline_stage)
        client.states.run_state_machine(client.states.state_machine_arn, event_input)


def routing_detail_from_dlq_body(body: dict[str, Any]) -> dict[str, Any]:
    """Normalise the two shapes the stage A DLQ holds (docs/sdlf-compatibility.md): the raw S3 ``detail``
    (from the queue's redrive policy) and the flattened execution input (from the error Lambda).
    A routing Lambda that calls this before reading ``body["object"]`` survives a redrive of both."""
    if isinstance(body.get("object"), dict) and isinstance(body.get("bucket"), dict):
        return body
    object_fields = {k: v for k, v in body.items() if k in ("key", "size", "etag", "sequencer", "version-id")}
    return {"bucket": {"name": body["bucket"]}, "object": object_fields}


def transform(local_path: str) -> str:
    """The user's transformation: JSON lines in, ``{local without suffix}_parsed.json`` out (one
    JSON array of the records, each tagged with its line number)."""
    source = Path(local_path)
    records = []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            records.append({**json.loads(line), "_line": number})
    output = source.with_name(f"{source.stem}_parsed.json")
    output.write_text(json.dumps(records), encoding="utf-8")
    return str(output)


def stage_a_process(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Download the raw object, transform it, upload the result to the stage bucket under
    ``pre-stage/{team}/{dataset}/`` with the team's data key; return the input plus processedKeys."""
    team, dataset = event["team"], event["dataset"]
    client = DataLakeClient(team, dataset, stage="a")
    local_path = client.s3.download_object(event["bucket"], event["key"])
    output_path = transform(local_path)
    s3_key = f"pre-stage/{team}/{dataset}/{Path(output_path).name}"
    client.s3.upload_object(output_path, client.s3.stage_bucket, s3_key, kms_key=client.kms.team_data_kms_key)
    client.s3.cleanup_downloads()
    Path(output_path).unlink()
    return {**event, "processedKeys": [s3_key]}


def stage_a_error(event: dict[str, Any] | str, context: Any = None) -> None:
    """State machine A's Catch: send the execution input to the stage DLQ with group ``failed``."""
    if isinstance(event, str):
        event = json.loads(event)
    assert isinstance(event, dict)
    client = DataLakeClient(team=event["team"], pipeline=event["pipeline"], stage=event["pipeline_stage"])
    client.sqs.send_message_to_fifo_queue(json.dumps(event), "failed", client.sqs.stage_dlq_url)


def stage_a_redrive(event: Any = None, context: Any = None) -> int:
    """Move one message from the stage DLQ back to the stage queue (group ``redrive``)."""
    client = DataLakeClient(team=os.environ["TEAM"], pipeline=os.environ["PIPELINE"], stage=os.environ["STAGE"])
    messages = client.sqs.receive_messages(1, client.sqs.stage_dlq_url)
    for message in messages:
        client.sqs.send_message_to_fifo_queue(message["Body"], "redrive", client.sqs.stage_queue_url)
    return len(messages)


# ---------------------------------------------------------------------------------------- stage B


def stage_b_routing(event: dict[str, Any], context: Any = None) -> dict[str, Any] | None:
    """Scheduled (``trigger_type``: drain 1-100 messages from the stage queue) or SQS-triggered
    (``Records``). Every body is a state-machine-A status-change detail whose ``output`` is a
    one-element array; the union of their ``processedKeys`` goes to ONE execution of state
    machine B. On failure with keys collected, the response goes to the DLQ and the error is
    re-raised. Returns the response sent (``None`` when there was nothing to do)."""
    pipeline = os.environ["PIPELINE"]
    pipeline_stage = os.environ["PIPELINE_STAGE"]
    if "Records" in event:
        bodies = [record["body"] for record in event["Records"]]
    else:
        scheduler = DataLakeClient(team=event["team"], pipeline=event["pipeline"], stage=event["pipeline_stage"])
        bodies = list(set(scheduler.sqs.receive_min_max_messages(1, 100, scheduler.sqs.stage_queue_url)))
    keys: set[str] = set()
    response: dict[str, Any] = {}
    client: DataLakeClient | None = None
    try:
        for body in bodies:
            event_body = json.loads(json.loads(body)["output"])[0]
            team = event_body["team"]
            client = DataLakeClient(team=team, pipeline=pipeline, stage=pipeline_stage)
            keys.update(event_body["processedKeys"])
            response = {
                "statusCode": 200,
                "body": {
                    "bucket": client.s3.stage_bucket,
                    "keysToProcess": sorted(keys),
                    "team": team,
                    "pipeline": pipeline,
                    "pipeline_stage": pipeline_stage,
                    "dataset": event_body["dataset"],
                    "org": os.environ["ORG"],
                    "domain": os.environ["DOMAIN"],
                    "env": os.environ["ENV"],
                },
            }
        if client is None or not keys:
            return None
        client.states.run_state_machine(client.states.state_machine_arn, response)
        return response
    except Exception:
        if keys and client is not None:
            client.sqs.send_message_to_fifo_queue(json.dumps(response), "failed", client.sqs.stage_dlq_url)
        raise


def stage_b_error(event: dict[str, Any], context: Any = None) -> None:
    """State machine B's Catch: the client comes from ``event["body"]``; the event goes to the DLQ."""
    body = event["body"]
    client = DataLakeClient(team=body["team"], pipeline=body["pipeline"], stage=body["pipeline_stage"])
    client.sqs.send_message_to_fifo_queue(json.dumps(event), "failed", client.sqs.stage_dlq_url)


def stage_b_redrive(event: Any = None, context: Any = None) -> int:
    """Start state machine B directly with one DLQ message's body."""
    client = DataLakeClient(team=os.environ["TEAM"], pipeline=os.environ["PIPELINE"], stage=os.environ["STAGE"])
    messages = client.sqs.receive_messages(1, client.sqs.stage_dlq_url)
    for message in messages:
        client.states.run_state_machine(client.states.state_machine_arn, json.loads(message["Body"]))
    return len(messages)
