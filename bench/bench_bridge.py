"""LetsData bridge: per-request handler overhead and per-record cost of ``batchedData``.

* **handler overhead** — µs per ``lambda_handler`` call for the captured Kinesis ``parseMessage``
  request (a 930-byte record) with a trivial implementation (:class:`TrivialKinesisReader`), so the
  figure is the bridge's own cost: validation, dispatch, serialisation and logging. The baseline
  :func:`original_handler` reproduces the original bridge's path from the wire contract (docs/letsdata-wire-contract.md):
  root logger at DEBUG and five DEBUG records per request (the whole event stringified, the request
  id, ``LetsDataAuthParams`` with ``str(self)``, the dispatch, the response), ``LETS_DATA_STAGE``
  parsed per request, exact-length validation with two asserts per key, a new user instance per
  call, the response object both printed and logged, and ``getJsonObject`` (a ``json.dumps``
  attempt at every level, then a ``__dict__`` walk). Both handlers' log records go to the same
  handler writing to ``os.devnull`` (formatted, as Lambda's root handler would), and stdout goes to
  ``os.devnull`` too. The two produce the same JSON text (checked
  before timing). Target: >= 3x less overhead.
* **batchedData** — per-record cost of 100 records sent as one request with ``batchedData`` versus
  100 requests. Measured in-process (handler only) and through the real ``awslambdaric`` client
  against the Runtime API test server, where each request also pays an invocation round trip as
  one platform invocation per record does (on Lambda that round trip is milliseconds, here about
  0.3 ms on loopback). Target: >= 10x lower per record, through the runtime client. The runtime
  client passes a real context, so these requests take the deadline path (worker thread).
* **deadline hand-off** — the same single request with a context reporting the remaining time
  (user code on the worker thread, as on Lambda) versus no context (calling thread).

Figures are medians of interleaved repeats; ratios compare against the baseline of the same run.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import Any

from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.documents.DocumentType import DocumentType
from letsdata_interfaces.readers.kinesis.KinesisRecordReader import KinesisRecordReader
from letsdata_interfaces.readers.model.ParseDocumentResult import ParseDocumentResult
from letsdata_interfaces.readers.model.ParseDocumentResultStatus import ParseDocumentResultStatus

ROOT = Path(__file__).resolve().parent.parent
EVENT_FILE = ROOT / "tests" / "events" / "KinesisRecordReader.parseMessage.json"
TRIVIAL_SPEC = "bench.bench_bridge:TrivialKinesisReader"
BATCH = 100

Row = tuple[str, str, str, str]


class TrivialKinesisReader(KinesisRecordReader):
    """A reader doing almost nothing, so timings show the bridge's cost rather than the user's."""

    def parseMessage(
        self,
        streamArn: str,
        shardId: str,
        partitionKey: str,
        sequenceNumber: str,
        approximateArrivalTimestamp: int,
        data: bytearray,
    ) -> ParseDocumentResult:
        doc = Document(
            DocumentType.Document, sequenceNumber, "Trivial", partitionKey, {}, {"bytes": len(data)}
        )
        return ParseDocumentResult(None, doc, ParseDocumentResultStatus.SUCCESS)


# -- the original bridge's request path (measurement baseline only) --------------------------------
_root_logger = logging.getLogger()


class _OriginalStage(Enum):
    Test = "Test"
    Prod = "Prod"


class _OriginalInterfaceNames(Enum):
    SingleFileParser = "singlefileparser"
    QueueMessageReader = "queuemessagereader"
    SagemakerVectorsInterface = "sagemakervectorsinterface"
    KinesisRecordReader = "kinesisrecordreader"
    DynamoDBStreamsRecordReader = "dynamodbstreamsrecordreader"
    DynamoDBTableItemReader = "dynamodbtableitemreader"
    SparkMapperInterface = "sparkmapperinterface"
    SparkReducerInterface = "sparkreducerinterface"


def _original_assert(result: bool, message: str) -> None:
    if not result:
        raise Exception("letsdata assert - " + message)


class _OriginalAuth:
    def __init__(self, letsDataAuthDict: Any) -> None:
        if letsDataAuthDict is None:
            raise Exception("letsDataAuthDict is null")
        if not isinstance(letsDataAuthDict, dict):
            raise Exception("lambda letsDataAuthDict is not a dictionary " + str(type(letsDataAuthDict)))
        self.tenantId = letsDataAuthDict["tenantId"]
        self.userId = letsDataAuthDict["userId"]
        self.datasetName = letsDataAuthDict["datasetName"]
        self.datasetId = letsDataAuthDict["datasetId"]
        _root_logger.debug("LetsDataAuthParams initialized - LetsDataAuthParams: " + str(self))


class _OriginalKinesisRequest:
    """The original's per-function request class: converts the payload at construction time."""

    def __init__(
        self, requestId: str, auth: _OriginalAuth, interface: Any, function: str, *args: Any
    ) -> None:
        self.requestId, self.letsDataAuth, self.interfaceName, self.functionName = (
            requestId,
            auth,
            interface,
            function,
        )
        self.streamArn, self.shardId, self.partitionKey, self.sequenceNumber, self.timestamp, data = args
        self.byteArr = bytearray(data, encoding="utf-8")

    def execute(self) -> object:
        reader = TrivialKinesisReader()  # the original builds the user class on every call
        return reader.parseMessage(
            self.streamArn, self.shardId, self.partitionKey, self.sequenceNumber, self.timestamp, self.byteArr
        )


_KINESIS_KEYS = (
    ("streamArn", str),
    ("shardId", str),
    ("partitionKey", str),
    ("sequenceNumber", str),
    ("approximateArrivalTimestamp", int),
    ("data", str),
)
_KINESIS_KEY_LIST = "[" + ", ".join(k for k, _ in _KINESIS_KEYS) + "]"


def _original_kinesis_factory(
    requestId: str, auth: _OriginalAuth, interface: Any, function: str, data: Any, batchedData: Any
) -> _OriginalKinesisRequest:
    _original_assert(
        interface == _OriginalInterfaceNames.KinesisRecordReader,
        "invalid interfaceName - expected KinesisRecordReader, got " + str(interface),
    )
    _original_assert(auth is not None, "invalid letsDataAuth - None")
    if function not in {"parseMessage"}:
        raise Exception(
            "lambda event - invalid functionName " + function + " for interface KinesisRecordReader"
        )
    _original_assert(
        batchedData is None or len(batchedData) == 0,
        "invalid data - KinesisRecordReader.parseMessage requires empty batchedData dictionary",
    )
    _original_assert(
        isinstance(data, dict) and len(data) == 6,
        "invalid data - KinesisRecordReader.parseMessage requires data keys " + _KINESIS_KEY_LIST,
    )
    for key, kind in _KINESIS_KEYS:  # two asserts per key, as the original spells out one by one
        _original_assert(data[key] is not None, "invalid " + key + " - None")
        _original_assert(isinstance(data[key], kind), "invalid " + key + " - wrong type")
    return _OriginalKinesisRequest(requestId, auth, interface, function, *(data[k] for k, _ in _KINESIS_KEYS))


def _original_get_service_request(event: Any) -> _OriginalKinesisRequest:
    if event is None:
        raise Exception("lambda event is null")
    if not isinstance(event, dict):
        raise Exception("lambda event is not a dictionary")
    _original_assert(event["requestId"] is not None, "invalid requestId - None")
    _original_assert(isinstance(event["requestId"], str), "invalid requestId - value to be string")
    requestId = event["requestId"]
    auth = _OriginalAuth(event["letsdataAuth"])
    interface = _OriginalInterfaceNames(event["interface"].lower().lower())  # fromValue lowers again
    function = event["function"]
    data = event["data"] if "data" in event.keys() else None
    batchedData = event["batchedData"] if "batchedData" in event.keys() else None
    # the original walks an if/elif chain over the interfaces; Kinesis is the fourth branch
    for candidate in (
        _OriginalInterfaceNames.SingleFileParser,
        _OriginalInterfaceNames.QueueMessageReader,
        _OriginalInterfaceNames.SagemakerVectorsInterface,
    ):
        if interface == candidate:
            raise Exception("this baseline reproduces the Kinesis path only")
    request = _original_kinesis_factory(requestId, auth, interface, function, data, batchedData)
    _root_logger.debug(
        "serviceRequest initialized - interfaceName: " + str(interface) + ", functionName: " + str(function)
    )
    return request


def _original_get_json_object(input: Any) -> Any:  # noqa: A002 - the original's parameter name
    if (
        isinstance(input, str)
        or isinstance(input, int)
        or isinstance(input, float)
        or isinstance(input, bool)
    ):
        return input
    if input is None:
        return input
    try:
        json.dumps(input)  # the text is thrown away; only "does it serialise" is used
        return input
    except Exception:
        try:
            return {name: _original_get_json_object(value) for name, value in input.__dict__.items()}
        except AttributeError:
            _root_logger.error("input has no  __dict__ - type: " + str(type(input)))
            raise


def _original_500(err: Exception) -> dict[str, Any]:
    import traceback

    return {
        "StatusCode": 500,
        "headers": {"Content-Type": "application/json"},
        "body": {
            "statusCode": "EXCEPTION",
            "errorMessage": str(err),
            "exception": {
                "errorMessage": str(err),
                "errorType": type(err).__name__,
                "stackTrace": "".join(traceback.format_exception(*sys.exc_info())),
            },
        },
    }


def original_handler(event: Any, context: Any) -> dict[str, Any]:
    """The original bridge's path for a Kinesis ``parseMessage`` request (measurement baseline only)."""
    _root_logger.debug("letsdata_lambda_function start - event: " + str(event))
    try:
        _OriginalStage(os.getenv("LETS_DATA_STAGE"))
        requestId = event["requestId"]
        _root_logger.debug("letsdata_lambda_function start - requestId: " + requestId)
        request = _original_get_service_request(event)
        responseObj = request.execute()
        print("letsdata_lambda_function end - requestId: " + requestId + ", response: " + str(responseObj))
        _root_logger.debug(
            "letsdata_lambda_function end - requestId: " + requestId + ", response: " + str(responseObj)
        )
        return {
            "StatusCode": 200,
            "headers": {"Content-Type": "application/json"},
            "body": {"statusCode": "SUCCESS", "data": _original_get_json_object(responseObj)},
        }
    except Exception as err:
        return _original_500(err)


# -- measurement ----------------------------------------------------------------------------------
class _LambdaLikeContext:
    """Reports plenty of time left, as Lambda's context does early in an invocation."""

    def get_remaining_time_in_millis(self) -> int:
        return 900_000


@contextlib.contextmanager
def _null_sink(root_level: int) -> Iterator[None]:
    """Route every log record and stdout to os.devnull (formatted, as Lambda's root handler would)."""
    devnull = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    handler = logging.StreamHandler(devnull)
    handler.setFormatter(logging.Formatter("[%(levelname)s]\t%(asctime)s\t%(name)s\t%(message)s"))
    saved_handlers, saved_level = _root_logger.handlers[:], _root_logger.level
    _root_logger.handlers[:] = [handler]
    _root_logger.setLevel(root_level)
    try:
        with contextlib.redirect_stdout(devnull):
            yield
    finally:
        _root_logger.handlers[:] = saved_handlers
        _root_logger.setLevel(saved_level)
        devnull.close()


def _per_call_us(fn: Callable[[], Any], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - started) / calls * 1e6


def _interleaved(
    measure_a: Callable[[], float], measure_b: Callable[[], float], repeats: int
) -> tuple[float, float]:
    a, b = [], []
    for _ in range(repeats):
        a.append(measure_a())
        b.append(measure_b())
    return statistics.median(a), statistics.median(b)


def _load_event() -> dict[str, Any]:
    with open(EVENT_FILE, encoding="utf-8") as fh:
        event: dict[str, Any] = json.load(fh)
    return event


def _batched(event: dict[str, Any], items: int) -> dict[str, Any]:
    batched = copy.deepcopy(event)
    record = batched.pop("data")
    batched["batchedData"] = [record] * items
    return batched


def _check_same_output(ours: dict[str, Any], baseline: dict[str, Any]) -> None:
    if json.dumps(ours) != json.dumps(baseline):
        raise AssertionError(f"baseline and bridge disagree:\n{json.dumps(baseline)}\n{json.dumps(ours)}")


def measure_in_process(calls: int = 2000, repeats: int = 7) -> list[Row]:
    from letsdata_lambda_function import lambda_handler
    from letsdata_service import registry

    event = _load_event()
    batched = _batched(event, BATCH)
    os.environ.setdefault("LETS_DATA_STAGE", "Test")
    registry.reset_implementations()
    registry.register_implementation("KinesisRecordReader", TrivialKinesisReader)
    try:
        with _null_sink(logging.WARNING):
            ours_response = lambda_handler(event, None)
            batch_response = lambda_handler(batched, None)
        with _null_sink(logging.DEBUG):
            baseline_response = original_handler(event, None)
        _check_same_output(ours_response, baseline_response)
        items = batch_response["body"]["data"]
        if len(items) != BATCH or any(i["data"] != ours_response["body"]["data"] for i in items):
            raise AssertionError("batched items differ from the single-request result")

        def ours() -> float:
            with _null_sink(logging.WARNING):
                return _per_call_us(lambda: lambda_handler(event, None), calls)

        def baseline() -> float:
            with _null_sink(logging.DEBUG):
                return _per_call_us(lambda: original_handler(event, None), calls)

        clock = _LambdaLikeContext()

        def ours_with_deadline() -> float:
            with _null_sink(logging.WARNING):
                return _per_call_us(lambda: lambda_handler(event, clock), calls)

        def batch_per_record() -> float:
            with _null_sink(logging.WARNING):
                return _per_call_us(lambda: lambda_handler(batched, None), max(1, calls // BATCH)) / BATCH

        ours_us, baseline_us = _interleaved(ours, baseline, repeats)
        deadline_us, plain_us = _interleaved(ours_with_deadline, ours, repeats)
        batch_us, single_us = _interleaved(batch_per_record, ours, repeats)
    finally:
        registry.reset_implementations()
    return [
        (
            "handler overhead, trivial Kinesis parseMessage (us/request)",
            f"{ours_us:.1f}",
            f"{baseline_us:.1f} (original path)",
            f"{baseline_us / ours_us:.1f}x less (target >= 3x)",
        ),
        (
            "handler overhead with a deadline context (worker thread), same request (us/request)",
            f"{deadline_us:.1f}",
            f"{plain_us:.1f} (no context: calling thread)",
            f"+{deadline_us - plain_us:.1f} us for the deadline hand-off",
        ),
        (
            f"per record, batchedData x{BATCH}, in-process handler only (us/record)",
            f"{batch_us:.1f}",
            f"{single_us:.1f} (1 request/record)",
            f"{single_us / batch_us:.1f}x lower (no invocation cost in-process)",
        ),
    ]


def measure_through_runtime_client(rounds: int = 5) -> list[Row]:
    sys.path.insert(0, str(ROOT))
    from tests.support.runtime_api_server import awslambdaric_process

    event = _load_event()
    batched = _batched(event, BATCH)
    env = {"LETSDATA_IMPL_KINESISRECORDREADER": TRIVIAL_SPEC, "LETS_DATA_STAGE": "Test"}
    with awslambdaric_process("letsdata_lambda_function.lambda_handler", ROOT, env) as running:
        for warm in (event, batched):  # cold start and first-use imports are not part of the figure
            if b'"SUCCESS"' not in running.invoke(warm).body:
                raise AssertionError(f"warm-up request failed: {running.log()}")

        def single() -> float:
            started = time.perf_counter()
            for _ in range(BATCH):
                result = running.invoke(event)
            if result.kind != "response" or b'"statusCode": "SUCCESS"' not in result.body:
                raise AssertionError(result.body[:300])
            return (time.perf_counter() - started) / BATCH * 1e6

        def batch() -> float:
            started = time.perf_counter()
            result = running.invoke(batched)
            elapsed = (time.perf_counter() - started) / BATCH * 1e6
            if json.loads(result.body)["body"]["data"][BATCH - 1]["statusCode"] != "SUCCESS":
                raise AssertionError(result.body[:300])
            return elapsed

        batch_us, single_us = _interleaved(batch, single, rounds)
    return [
        (
            f"per record, batchedData x{BATCH}, through awslambdaric + Runtime API (us/record)",
            f"{batch_us:.1f}",
            f"{single_us:.1f} (1 invocation/record)",
            f"{single_us / batch_us:.1f}x lower (target >= 10x)",
        )
    ]


def run() -> list[Row]:
    return [*measure_in_process(), *measure_through_runtime_client()]


if __name__ == "__main__":
    for row in run():
        sys.stdout.write(" | ".join(row) + "\n")
