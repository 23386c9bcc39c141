"""Progress for long work (a million-line makemap, a big lint): on standard error, only on
a terminal, never with JSON output.

A thread waits :data:`DELAY` seconds (quick runs print nothing), then rewrites one line
``WHAT... N s`` every half second; the line is erased when the work ends, so nothing is
left in the terminal's scrollback and nothing reaches a pipe or a file.
"""

from __future__ import annotations

import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    import threading
    from types import TracebackType
    from typing import TextIO

DELAY = 1.0
"""Seconds of work before the first progress line."""


def wanted(stream: TextIO | None = None, *, json: bool = False) -> bool:
    """Whether to show progress on ``stream`` (stderr): a terminal, not ``TERM=dumb``, and
    not a run whose output is JSON."""
    stream = sys.stderr if stream is None else stream
    if json or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Progress:
    """``with Progress("makemap: building x.db from 1000000 lines"): ...``"""

    def __init__(
        self,
        what: str,
        *,
        enabled: bool | None = None,
        stream: TextIO | None = None,
        delay: float = DELAY,
        interval: float = 0.5,
    ) -> None:
        self.what = what
        self.stream = sys.stderr if stream is None else stream
        self.enabled = wanted(self.stream) if enabled is None else enabled
        self.delay = delay
        self.interval = interval
        self.shown = False
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Progress:
        if self.enabled:
            import threading

            self._stop = threading.Event()
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        assert self._stop is not None
        start = time.monotonic()
        if self._stop.wait(self.delay):
            return
        while not self._stop.is_set():
            elapsed = time.monotonic() - start
            self.stream.write(f"\r{self.what}... {elapsed:.0f} s\x1b[K")
            self.stream.flush()
            self.shown = True
            self._stop.wait(self.interval)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._stop is None or self._thread is None:
            return
        self._stop.set()
        self._thread.join()
        if self.shown:
            self.stream.write("\r\x1b[K")  # erase the line: the scrollback keeps no progress
            self.stream.flush()
