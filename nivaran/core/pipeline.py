"""A writer thread for the bulk paths: the caller prepares the next chunk while the
last one is being written, so that the client's CPU and the database's work overlap.

The writer has its own database connection (Django's connections are per thread), so
each chunk is written in a transaction of its own, on that connection, in the order
given (one writer). The queue holds one chunk: the caller is at most one chunk ahead,
and memory holds at most three (being prepared, queued, being written). An error in
the writer stops the caller at its next `put` or at `close`, raised as it was.

Only for work whose chunks do not need each other's rows uncommitted: the caller's
connection does not see what the writer has not committed yet.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db import connection

T = TypeVar("T")

_DONE = object()


class Writer(Generic[T]):
    """`write(chunk)` for each chunk `put`, in a thread with its own connection."""

    def __init__(self, write: Callable[[T], int]) -> None:
        self._write = write
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self.written = 0
        self._thread = threading.Thread(target=self._run, name="bulk-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while (chunk := self._queue.get()) is not _DONE:
                self.written += self._write(chunk)
        except BaseException as exc:  # handed to the caller; the thread stops here
            self._error = exc
        finally:
            connection.close()  # this thread's own connection

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def _put(self, item: Any) -> None:
        while True:
            self._raise()
            try:
                self._queue.put(item, timeout=0.2)
                return
            except queue.Full:
                if not self._thread.is_alive():
                    self._raise()
                    raise RuntimeError("the bulk writer stopped") from None

    def put(self, chunk: T) -> None:
        """Hand a chunk to the writer; waits while it still holds one queued."""
        self._put(chunk)

    def close(self) -> int:
        """Wait for every chunk to be written; returns how many rows were."""
        if self._thread.is_alive():
            try:
                self._put(_DONE)
            finally:
                self._thread.join()
        self._raise()
        return self.written

    def abandon(self) -> None:
        """After an error in the caller: let the writer finish what it holds, then stop."""
        if self._thread.is_alive():
            with contextlib.suppress(BaseException):  # the caller's error is the one raised
                self._put(_DONE)
            self._thread.join()
