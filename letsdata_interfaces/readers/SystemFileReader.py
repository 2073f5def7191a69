"""The file reader the runtime hands to state-machine readers."""

from __future__ import annotations

from abc import ABC, abstractmethod

from letsdata_interfaces.documents.Document import Document
from letsdata_interfaces.readers.model.SingleFileReaderState import SingleFileReaderState


class SystemFileReader(ABC):
    """One open file of a state-machine dataset, implemented by the runtime (never by users).

    The runtime streams the file, finds each record with the file's
    ``SingleFileStateMachineParser`` (start / end patterns for the record type expected next), has the
    parser turn it into a document and advances the parser's state machine. A reader implementation
    pulls these documents with :meth:`nextRecord` and combines them.
    """

    @abstractmethod
    def nextRecord(self, peek: bool) -> Document | None:
        """The next record's document, or ``None`` at end of file (state ``COMPLETED``).

        ``peek=True`` returns the same document again on the next call instead of consuming it, so a
        reader can look ahead (e.g. only consume a WET record when its URL matches).
        A record the parser rejects comes back as an ErrorDoc; it is consumed like any other record.
        """

    @abstractmethod
    def getState(self) -> SingleFileReaderState:
        """The reader's life-cycle state."""

    @abstractmethod
    def getOffsetBytes(self) -> str:
        """The byte offset (decompressed stream) just past the last consumed record, as a string."""

    @abstractmethod
    def getFileType(self) -> str:
        """The file type this reader reads (e.g. ``"WARC"``)."""

    @abstractmethod
    def getFileName(self) -> str:
        """The (resolved) file name being read."""

    @abstractmethod
    def getLastRecordType(self) -> str | None:
        """The record type of the last consumed record (``None`` before the first one)."""
