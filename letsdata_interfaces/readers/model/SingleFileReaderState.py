"""The life cycle of a platform file reader (state-machine readers)."""

from __future__ import annotations

from enum import Enum

from letsdata_utils.validations import letsdata_fail


class SingleFileReaderState(str, Enum):  # noqa: UP042 - serialises as its value, like the other model enums
    """``CREATED`` -> (``FILE_DOWNLOADED``) -> ``PROCESSING`` -> ``COMPLETED`` -> ``CLOSED``.

    A reader is created, optionally downloads its file, processes records, completes at end of file
    and is closed; ``CLOSED`` is terminal, and a reader may be closed early from ``CREATED`` or
    ``PROCESSING`` (a task stopped half way). :meth:`assertValidTransition` enforces exactly these
    edges, so a runtime cannot, say, resume a completed file.
    """

    CREATED = "CREATED"
    FILE_DOWNLOADED = "FILE_DOWNLOADED"
    PROCESSING = "PROCESSING"
    CLOSED = "CLOSED"
    COMPLETED = "COMPLETED"

    @classmethod
    def fromValue(cls, value: str) -> SingleFileReaderState:
        """Exact-value lookup."""
        return cls(value)

    @staticmethod
    def assertValidTransition(fromState: SingleFileReaderState | str, toState: SingleFileReaderState | str) -> None:
        """Raise a ``letsdata assert - ...`` error unless ``fromState -> toState`` is an allowed edge.

        Staying in the same state is always allowed (including ``CLOSED -> CLOSED``).
        """
        source = SingleFileReaderState(fromState)
        target = SingleFileReaderState(toState)
        if source is target:
            return
        if source is SingleFileReaderState.CLOSED:
            letsdata_fail(f"SingleFileReaderState - CLOSED is a terminal state, no transition to {target.value}")
        if target not in _ALLOWED[source]:
            allowed = ", ".join(s.value for s in _ALLOWED[source])
            letsdata_fail(f"SingleFileReaderState - invalid transition {source.value} -> {target.value}"
                          f" (allowed from {source.value}: {allowed})")


_ALLOWED: dict[SingleFileReaderState, tuple[SingleFileReaderState, ...]] = {
    SingleFileReaderState.CREATED: (SingleFileReaderState.FILE_DOWNLOADED, SingleFileReaderState.PROCESSING,
                                    SingleFileReaderState.CLOSED),
    SingleFileReaderState.FILE_DOWNLOADED: (SingleFileReaderState.PROCESSING,),
    SingleFileReaderState.PROCESSING: (SingleFileReaderState.COMPLETED, SingleFileReaderState.CLOSED),
    SingleFileReaderState.COMPLETED: (SingleFileReaderState.CLOSED,),
    SingleFileReaderState.CLOSED: (),
}
