"""``SQSInterface``: stage queue/DLQ names from SSM, URLs resolved once, FIFO send and receive.

Delivery modes of :meth:`SQSInterface.receive_messages`:

* ``delete=True`` (default, the original's *at-most-once*): messages are deleted (one
  ``DeleteMessageBatch`` per 10) before they are returned; a crash while processing loses them.
* ``delete=False`` (*at-least-once*): messages are returned undeleted; call
  :meth:`SQSInterface.delete_messages` (alias :meth:`SQSInterface.ack`) with the ones you processed.
  The others become visible again after the visibility timeout and are redelivered (or go to the
  DLQ), so a failure in the caller's processing loses nothing.

:meth:`SQSInterface.receive_min_max_messages` has the same two modes and returns
:class:`ReceivedBodies` (a ``list`` of bodies that also carries the messages, so ``ack(bodies)``
works). In neither mode does a failure drop a message: a message is either handed to the caller or
left on the queue (made visible again at once when the library knows it is still there). The
rules, per failure, are in docs/sdlf-downloads.md (section "Receiving messages").
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from datalake_library import json_codec
from datalake_library.errors import (
    BatchOperationError,
    DatalakeLibraryError,
    InvalidArgumentError,
    InvalidArgumentTypeError,
)
from datalake_library.interfaces._legacy import is_queue_name
from datalake_library.interfaces._validation import require_int, require_str, translate_client_error
from datalake_library.interfaces.base_interface import BaseInterface, ClientAttribute, SsmAttribute

__all__ = ["ReceivedBodies", "SQSInterface"]

#: SendMessageBatch / DeleteMessageBatch / ReceiveMessage accept at most 10 entries.
SQS_BATCH = 10

_url_cache_lock = threading.Lock()
#: sqs client -> {queue name: url}: queue URLs never change, so they are resolved once per process.
_url_cache: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()


def _client_error() -> type[Exception]:
    from botocore.exceptions import ClientError

    return ClientError


def _encode_body(message: Any, argument: str = "message", strict: bool = True) -> str:
    """str as is; dict/list as JSON; anything else is an error (``strict``) or ``str(x)``."""
    if isinstance(message, str):
        return message
    if isinstance(message, Mapping | list | tuple):
        try:
            return json_codec.dumps(message)
        except json_codec.JsonCodecError as exc:
            raise InvalidArgumentTypeError(
                f"{argument} cannot be JSON-encoded: {exc}", argument=argument
            ) from exc
    if strict or message is None:
        raise InvalidArgumentTypeError(
            f"{argument} must be a str or a JSON-serialisable dict/list, got {type(message).__name__}",
            argument=argument,
        )
    return str(message)


def _chunks(items: Sequence[Any], size: int) -> Iterable[tuple[int, Sequence[Any]]]:
    for start in range(0, len(items), size):
        yield start, items[start : start + size]


class ReceivedBodies(list[str]):
    """The bodies :meth:`SQSInterface.receive_min_max_messages` returns (a plain ``list`` of ``str``
    for code written against the original), plus ``messages``: the received message dicts in the
    same order, with their receipt handles. Pass either to :meth:`SQSInterface.ack`."""

    def __init__(self, messages: Iterable[Mapping[str, Any]] = ()) -> None:
        self.messages: list[dict[str, Any]] = [dict(m) for m in messages]
        super().__init__(str(m.get("Body", "")) for m in self.messages)


def _refused(exc: BaseException) -> bool:
    """True when SQS answered the request with an error (so it did nothing), False when the outcome
    is unknown (no answer: connection lost, timeout, an error in a hook)."""
    return isinstance(exc, _client_error() | DatalakeLibraryError)


def _new_dedup_id() -> str:
    import uuid  # lazily: only senders pay for it

    return str(uuid.uuid4())


class SQSInterface(BaseInterface):
    """SQS access. ``stage_queue``/``stage_dlq`` (queue *names*) need team, pipeline and stage."""

    stage_queue = SsmAttribute()
    stage_dlq = SsmAttribute()

    #: The SQS client (one per session). Assignable by subclass hooks.
    sqs = ClientAttribute("sqs")

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
        queue_name: str | None = None,
        sqs_client: Any = None,
    ) -> None:
        """``SQSInterface(team, dataset, pipeline, stage, log_level, session)`` (2.11), or the
        interface of SDLF <= 2.11.0 bound to one queue: ``SQSInterface(queue_name, log_level=None,
        sqs_client=None)``, recognised by its arguments (``datalake_library.interfaces._legacy``);
        then methods without a ``queue_url`` use that queue."""
        legacy = queue_name is not None or sqs_client is not None
        if queue_name is None and not isinstance(pipeline, str) and stage is None and is_queue_name(team):
            legacy = True
            queue_name, team = team, None
        self._init_interface(
            [team, dataset, pipeline, stage], log_level, session, config=config, clients=clients,
            service="sqs", client=sqs_client, legacy_at=1 if legacy else None,
        )
        self.queue_name = require_str(queue_name, "queue_name") if queue_name is not None else None

    @property
    def _sqs_client(self) -> Any:
        """The legacy name of :attr:`sqs`."""
        return self.sqs

    @property
    def _message_queue(self) -> str:
        """The legacy name of the bound queue's URL (resolved once, then cached)."""
        if self.queue_name is None:
            return self.stage_queue_url
        return self.get_queue_url(self.queue_name)

    # ------------------------------------------------------------------ queue URLs
    def get_queue_url(self, queue_name: str) -> str:
        """URL of ``queue_name``, resolved with GetQueueUrl once per process and cached."""
        require_str(queue_name, "queue_name")
        sqs = self.sqs
        cached = _url_cache.get(sqs, {}).get(queue_name)
        if cached is not None:
            return cached
        try:
            url = str(sqs.get_queue_url(QueueName=queue_name)["QueueUrl"])
        except _client_error() as exc:
            raise translate_client_error(exc, f"queue {queue_name!r}") from exc
        with _url_cache_lock:
            _url_cache.setdefault(sqs, {})[queue_name] = url
        return url

    @property
    def stage_queue_url(self) -> str:
        """URL of the stage queue (resolved once, then cached)."""
        return self.get_queue_url(self.stage_queue)

    @property
    def stage_dlq_url(self) -> str:
        """URL of the stage dead-letter queue (resolved once, then cached)."""
        return self.get_queue_url(self.stage_dlq)

    def _queue_url(self, queue_url: str | None) -> str:
        if queue_url is None:
            return self._message_queue
        url = require_str(queue_url, "queue_url")
        if "://" not in url:
            raise InvalidArgumentError(
                f"queue_url must be a queue URL, got {url!r}; resolve a queue name with get_queue_url()",
                argument="queue_url",
            )
        return url

    # ------------------------------------------------------------------ receive and delete
    def receive_messages(
        self,
        max_num_messages: int = 1,
        queue_url: str | None = None,
        *,
        delete: bool = True,
        wait_time_seconds: int = 1,
        visibility_timeout: int | None = None,
    ) -> list[dict[str, Any]]:
        """Receive up to ``max_num_messages`` (1-10) raw messages from ``queue_url`` (default: the
        stage queue). ``delete=True`` deletes them first (at-most-once, the original's behaviour)
        and returns only the ones it deleted or cannot tell (see :meth:`_hand_over`): a message SQS
        would not delete stays on the queue instead; ``delete=False`` leaves deleting to
        :meth:`delete_messages` (at-least-once)."""
        max_num_messages = require_int(max_num_messages, "max_num_messages", 1, SQS_BATCH)
        wait_time_seconds = require_int(wait_time_seconds, "wait_time_seconds", 0, 20)
        url = self._queue_url(queue_url)
        kwargs: dict[str, Any] = {
            "QueueUrl": url,
            "MaxNumberOfMessages": max_num_messages,
            "WaitTimeSeconds": wait_time_seconds,
        }
        if visibility_timeout is not None:
            kwargs["VisibilityTimeout"] = require_int(visibility_timeout, "visibility_timeout", 0, 43_200)
        try:
            messages = list(self.sqs.receive_message(**kwargs).get("Messages", []))
        except _client_error() as exc:
            raise translate_client_error(exc, f"queue {url}") from exc
        if delete and messages:
            return self._hand_over(messages, url)
        return messages

    def _hand_over(self, messages: list[dict[str, Any]], url: str) -> list[dict[str, Any]]:
        """At-most-once hand-over of received ``messages`` (at most 10): delete them and return the
        ones the caller now owns, so that no message is both deleted and not returned.

        * deleted: returned;
        * reported as not deleted (``Failed``): left on the queue, made visible again, not returned;
        * the delete call refused as a whole: all left on the queue (made visible again), and the
          error is raised;
        * no answer to the delete call (maybe deleted, maybe not): all returned; any that were not
          deleted are delivered again later, which is a duplicate rather than a loss.
        """
        try:
            result = self.delete_messages(messages, url, raise_on_failure=False)
        except Exception as exc:
            if _refused(exc):
                self._release(messages, url)
                raise
            self.logger.warning(
                "No answer deleting %d received message(s) from %s (%s); returning them: any not "
                "deleted will be delivered again",
                len(messages), url, type(exc).__name__,
            )
            return messages
        failed = {int(entry["Id"]) for entry in result.get("Failed", [])}
        if not failed:
            return messages
        kept = [m for i, m in enumerate(messages) if i in failed]
        self.logger.warning(
            "%d of %d received message(s) could not be deleted from %s (%s); they stay on the queue",
            len(kept), len(messages), url, sorted({str(f.get("Code")) for f in result["Failed"]}),
        )
        self._release(kept, url)
        return [m for i, m in enumerate(messages) if i not in failed]

    def _release(self, messages: Sequence[Mapping[str, Any]], url: str) -> None:
        """Best effort: make received ``messages`` visible again now (visibility timeout 0) instead of
        after the queue's visibility timeout. A failure here changes only when they come back."""
        entries = [
            {"ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0} for m in messages if m.get("ReceiptHandle")
        ]
        if not entries:
            return
        try:
            self._in_batches(
                self.sqs.change_message_visibility_batch, url, entries, SQS_BATCH, False, lambda failed: ""
            )
        except Exception as exc:  # noqa: BLE001 - they come back after the visibility timeout anyway
            self.logger.warning(
                "Could not make %d message(s) visible again on %s (%s); they return after the "
                "visibility timeout", len(entries), url, type(exc).__name__,
            )

    def delete_messages(
        self,
        messages: Iterable[Mapping[str, Any] | str],
        queue_url: str | None = None,
        *,
        raise_on_failure: bool = True,
    ) -> dict[str, list[Any]]:
        """Delete (acknowledge) ``messages`` — message dicts or receipt handles — with
        DeleteMessageBatch, 10 per call. Returns ``{"Successful": [...], "Failed": [...]}`` whose
        entry ``Id`` is the message's index in ``messages``; failures raise
        :class:`BatchOperationError` unless ``raise_on_failure=False``."""
        url = self._queue_url(queue_url)
        if isinstance(messages, ReceivedBodies):  # bodies are not receipt handles: use the messages
            messages = messages.messages
        handles: list[str] = []
        for index, message in enumerate(messages if not isinstance(messages, Mapping | str) else [messages]):
            handle = message.get("ReceiptHandle") if isinstance(message, Mapping) else message
            if not isinstance(handle, str) or not handle:
                raise InvalidArgumentError(
                    f"messages[{index}] is neither a received message nor a receipt handle",
                    argument="messages",
                )
            handles.append(handle)
        entries = [{"ReceiptHandle": h} for h in handles]
        return self._in_batches(
            self.sqs.delete_message_batch, url, entries, SQS_BATCH, raise_on_failure,
            lambda failed: f"{len(failed)} of {len(handles)} message(s) could not be deleted from {url}: "
            f"{[f.get('Code') for f in failed]}",
        )

    #: At-least-once acknowledgement: delete only the messages the caller processed.
    ack = delete_messages

    def receive_min_max_messages(
        self,
        min_items_process: int = 1,
        max_items_process: int = 100,
        queue_url: str | None = None,
        *,
        wait_time_seconds: int = 5,
        delete: bool = True,
        visibility_timeout: int | None = None,
    ) -> ReceivedBodies:
        """Bodies of up to ``max_items_process`` messages, or ``[]`` when the queue holds fewer than
        ``min_items_process``. Reads the queue it counted (``queue_url``, default the stage queue),
        long-polls, and stops early when a receive brings nothing new.

        ``delete=True`` (the original's at-most-once): each batch of 10 is deleted as it arrives
        (a FIFO queue hides a group's next messages until the earlier ones are deleted).
        ``delete=False`` (at-least-once): nothing is deleted; ``ack(result)`` after processing. On
        a FIFO queue this returns at most 10 messages of each message group per call.

        Nothing is lost on a failure: when a receive (or a delete) fails after messages were
        received, the collection stops and what was received is returned (at-most-once: those
        messages are already deleted, so returning them is the only way not to lose them); when
        nothing was received yet, the error is raised and every message is still on the queue.
        """
        min_items_process = require_int(min_items_process, "min_items_process", 0, 2**31)
        max_items_process = require_int(max_items_process, "max_items_process", 1, 2**31)
        url = self._queue_url(queue_url)
        try:
            attributes = self.sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
            )
        except _client_error() as exc:
            raise translate_client_error(exc, f"queue {url}") from exc
        available = int(attributes.get("Attributes", {}).get("ApproximateNumberOfMessages", 0))
        if available == 0 or min_items_process > available:
            self.logger.info("Not enough messages - exiting")
            return ReceivedBodies()
        wanted = min(available, max_items_process)
        received: dict[str, dict[str, Any]] = {}  # MessageId -> latest receipt, in arrival order
        while len(received) < wanted:
            try:
                batch = self.receive_messages(
                    min(SQS_BATCH, wanted - len(received)),
                    url,
                    delete=delete,
                    wait_time_seconds=wait_time_seconds,
                    visibility_timeout=visibility_timeout,
                )
            except Exception as exc:
                if not received:
                    raise
                self.logger.warning(
                    "Receiving from %s failed after %d message(s) (%s: %s); returning those",
                    url, len(received), type(exc).__name__, exc,
                )
                break
            before = len(received)
            for message in batch:
                # received again (its visibility ran out): keep the newest receipt handle
                received[str(message.get("MessageId") or message["ReceiptHandle"])] = message
            if len(received) == before:
                break
        return ReceivedBodies(received.values())

    # ------------------------------------------------------------------ send
    def send_message_to_fifo_queue(
        self,
        message: Any,
        group_id: str,
        queue_url: str | None = None,
        deduplication_id: str | None = None,
    ) -> dict[str, Any]:
        """Send ``message`` (str, or dict/list as JSON) to a FIFO queue (default: the stage queue)
        and return the response (``MessageId``, ``SequenceNumber``). ``deduplication_id`` defaults
        to a random uuid4, which works on queues without content-based de-duplication."""
        body = _encode_body(message)
        require_str(group_id, "group_id")
        url = self._queue_url(queue_url)
        dedup = (
            require_str(deduplication_id, "deduplication_id")
            if deduplication_id is not None
            else _new_dedup_id()
        )
        try:
            return dict(
                self.sqs.send_message(
                    QueueUrl=url, MessageBody=body, MessageGroupId=group_id, MessageDeduplicationId=dedup
                )
            )
        except _client_error() as exc:
            raise translate_client_error(exc, f"queue {url}") from exc

    def send_batch_messages_to_fifo_queue(
        self,
        messages: Sequence[Any],
        batch_size: int = SQS_BATCH,
        group_id: str | None = None,
        queue_url: str | None = None,
        *,
        raise_on_failure: bool = True,
    ) -> dict[str, list[Any]]:
        """Send ``messages`` with SendMessageBatch (``batch_size`` <= 10 per call), each with a uuid4
        de-duplication id. Bodies: str as is, dict/list as JSON, anything else ``str(x)``.

        Returns ``{"Successful": [...], "Failed": [...]}``; each entry's ``Id`` is the message's
        index in ``messages``. Failures raise :class:`BatchOperationError` (carrying both lists)
        unless ``raise_on_failure=False``.
        """
        if isinstance(messages, str | bytes | Mapping) or not isinstance(messages, Sequence):
            raise InvalidArgumentTypeError("messages must be a list", argument="messages")
        batch_size = require_int(batch_size, "batch_size", 1, SQS_BATCH)
        require_str(group_id, "group_id")
        url = self._queue_url(queue_url)
        bodies = [_encode_body(m, f"messages[{i}]", strict=False) for i, m in enumerate(messages)]
        entries = [
            {"MessageBody": body, "MessageGroupId": group_id, "MessageDeduplicationId": _new_dedup_id()}
            for body in bodies
        ]
        return self._in_batches(
            self.sqs.send_message_batch, url, entries, batch_size, raise_on_failure,
            lambda failed: f"{len(failed)} of {len(bodies)} message(s) were not sent to {url}: "
            f"{[(f.get('Id'), f.get('Code')) for f in failed]}",
        )

    @staticmethod
    def _in_batches(
        call: Callable[..., Any],
        url: str,
        entries: Sequence[dict[str, Any]],
        batch_size: int,
        raise_on_failure: bool,
        describe_failure: Callable[[list[Any]], str],
    ) -> dict[str, list[Any]]:
        """Run a ``*Batch`` SQS call over ``entries`` (``Id`` = index in ``entries``), collecting
        ``Successful``/``Failed``; failures raise :class:`BatchOperationError` unless told not to."""
        result: dict[str, list[Any]] = {"Successful": [], "Failed": []}
        for start, chunk in _chunks(entries, batch_size):
            batch = [{"Id": str(start + i), **entry} for i, entry in enumerate(chunk)]
            try:
                response = call(QueueUrl=url, Entries=batch)
            except _client_error() as exc:
                raise translate_client_error(exc, f"queue {url}") from exc
            result["Successful"].extend(response.get("Successful", []))
            result["Failed"].extend(response.get("Failed", []))
        if result["Failed"] and raise_on_failure:
            raise BatchOperationError(
                describe_failure(result["Failed"]), failed=result["Failed"], successful=result["Successful"]
            )
        return result
