"""How many bytes of downloads one process keeps on disk, and which of its files go first.

Why: Lambda keeps ``/tmp`` (512 MB unless configured) across warm invocations, and stage code that
never cleans up fills it until a download fails with ``ENOSPC``. Every :meth:`S3Interface.download_object`
of the process is entered in one :class:`DownloadLedger`; while a transfer runs (its progress
callback) and when it finishes, the ledger deletes the process's *oldest* finished downloads until
the downloads on disk fit in the budget (``$DATALAKE_DOWNLOAD_BUDGET_BYTES``). Only files this
process downloaded are ever deleted. Details in docs/sdlf-downloads.md.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable

from datalake_library import settings

__all__ = [
    "BUDGET_ENV",
    "DEFAULT_BUDGET",
    "DownloadLedger",
    "download_budget",
    "ledger",
    "remove_download",
    "remove_empty_dirs",
]

BUDGET_ENV = "DATALAKE_DOWNLOAD_BUDGET_BYTES"
#: 256 MiB (the default lives in ``settings.SETTINGS``, with why).
DEFAULT_BUDGET: int = settings.SETTINGS[BUDGET_ENV].default

_logger = logging.getLogger("datalake_library.interfaces.s3_interface")


def download_budget() -> int:
    """Bytes of finished downloads a process keeps (``$DATALAKE_DOWNLOAD_BUDGET_BYTES``, 256 MiB);
    a bad value raises :class:`~datalake_library.settings.SettingError` naming the variable."""
    return int(settings.get(BUDGET_ENV))


def remove_download(path: str, stop: str) -> bool:
    """Delete the file ``path``, then its parent directories up to (not including) ``stop`` while
    they are empty. Returns whether the file existed."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        existed = False
    except OSError as exc:  # e.g. replaced by a directory: leave it, and never fail a transfer for it
        _logger.warning("Could not delete download %s: %s", path, exc)
        return False
    else:
        existed = True
    remove_empty_dirs(os.path.dirname(path), stop)
    return existed


def remove_empty_dirs(directory: str, stop: str) -> None:
    """Remove ``directory`` and its parents up to (not including) ``stop`` while they are empty."""
    while directory != stop and directory.startswith(stop + os.sep):
        try:
            os.rmdir(directory)  # only an empty directory: files others put there are never touched
        except OSError:
            return
        directory = os.path.dirname(directory)


class _Download:
    """One finished download: its size, the interface that owns it, and the directory above which
    emptied parents are kept (the download root)."""

    __slots__ = ("owner", "size", "stop")

    def __init__(self, size: int, owner: str, stop: str) -> None:
        self.size = size
        self.owner = owner
        self.stop = stop


class DownloadLedger:
    """The process's finished downloads (oldest first) and the bytes of transfers still running."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._files: OrderedDict[str, _Download] = OrderedDict()
        self._in_flight: dict[int, int] = {}
        self._tickets = 0
        self._bytes = 0  # finished downloads plus running transfers, kept current (callbacks are hot)

    def on_disk(self) -> int:
        """Bytes of finished downloads plus bytes received by running transfers."""
        with self._lock:
            return self._total()

    def _total(self) -> int:
        return self._bytes

    def paths(self, owner: str | None = None) -> list[str]:
        """Finished downloads still held, oldest first (only ``owner``'s when given)."""
        with self._lock:
            return [p for p, d in self._files.items() if owner is None or d.owner == owner]

    def start(self, budget: int) -> tuple[int, Callable[[int], None]]:
        """Register a transfer; returns its ticket and the progress callback for ``download_file``."""
        with self._lock:
            self._tickets += 1
            ticket = self._tickets
            self._in_flight[ticket] = 0

        def progress(received: int) -> None:  # s3transfer reports a negative amount when it retries
            with self._lock:
                if ticket in self._in_flight:
                    before = self._in_flight[ticket]
                    self._in_flight[ticket] = max(0, before + received)
                    self._bytes += self._in_flight[ticket] - before
                    self._evict(budget, keep=None)

        return ticket, progress

    def finish(self, ticket: int, path: str | None, size: int, owner: str, stop: str, budget: int) -> None:
        """End transfer ``ticket``; when it succeeded (``path`` given) enter the file as the newest
        download and evict older ones until the budget holds."""
        with self._lock:
            self._bytes -= self._in_flight.pop(ticket, 0)
            if path is None:
                return
            replaced = self._files.pop(path, None)  # a re-download of the same path replaces it
            if replaced is not None:
                self._bytes -= replaced.size
            self._files[path] = _Download(size, owner, stop)
            self._bytes += size
            self._evict(budget, keep=path)
            if size > budget:
                _logger.warning(
                    "Download %s is %d bytes, more than the %d-byte download budget (%s); "
                    "it is kept until the next download",
                    path, size, budget, BUDGET_ENV,
                )

    def _evict(self, budget: int, keep: str | None) -> None:
        while self._files and self._total() > budget:
            path = next(iter(self._files))
            if path == keep:
                return  # the newest download is never evicted by its own arrival
            download = self._files.pop(path)
            self._bytes -= download.size
            remove_download(path, download.stop)
            _logger.debug("Evicted %s (%d bytes) to stay within the download budget", path, download.size)

    def release(self, owner: str) -> int:
        """Delete ``owner``'s downloads (and directories they leave empty); return how many files existed."""
        with self._lock:
            mine = [(p, d) for p, d in self._files.items() if d.owner == owner]
            for path, download in mine:
                del self._files[path]
                self._bytes -= download.size
        return sum(remove_download(path, download.stop) for path, download in mine)


_ledger = DownloadLedger()


def ledger() -> DownloadLedger:
    """The ledger of this process (a forked child starts with an empty one: the files are the parent's)."""
    return _ledger


def _reset_after_fork() -> None:
    global _ledger
    _ledger = DownloadLedger()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_reset_after_fork)
