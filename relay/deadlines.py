"""Deadlines of the hot path: many callbacks, one timer.

Every webhook has two deadlines: its body must arrive within ``server.body_timeout_seconds``
and its records must be acknowledged within the publish timeout. ``asyncio.timeout`` costs
~4 us per use on uvloop and ``loop.call_later`` ~2 us (each a timer handle armed and
cancelled, each behind a ``getpid`` call in CPython 3.11's ``get_running_loop``), and almost
no deadline ever fires. Here a deadline is one dict entry (~0.3 us); one timer, armed only
while deadlines are pending, runs the callbacks of those due every ``resolution`` seconds, so
a callback runs up to that much late.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable

__all__ = ["Deadlines"]

RESOLUTION_SECONDS = 0.05


class Deadlines:
    """Callbacks due at a time, checked every ``resolution`` seconds by one timer."""

    __slots__ = ("_entries", "_ids", "_loop", "_resolution", "_timer")

    def __init__(self, resolution: float = RESOLUTION_SECONDS) -> None:
        self._resolution = resolution
        self._entries: dict[int, tuple[float, Callable[[], object]]] = {}
        self._ids = itertools.count()
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def add(
        self, loop: asyncio.AbstractEventLoop, delay: float, callback: Callable[[], object]
    ) -> int:
        """Call ``callback`` in ``delay`` seconds (up to ``resolution`` later) unless discarded.

        Returns the key for ``discard``. ``loop`` is the running loop (the timer's).
        """
        key = next(self._ids)
        self._entries[key] = (time.monotonic() + delay, callback)
        if self._timer is None or loop is not self._loop:  # a new loop: the old timer is dead
            self._loop = loop
            self._timer = loop.call_later(self._resolution, self._expire, loop)
        return key

    def discard(self, key: int) -> None:
        """Forget the deadline ``key`` (done in time, or already expired)."""
        self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)

    def _expire(self, loop: asyncio.AbstractEventLoop) -> None:
        if loop is not self._loop:  # the timer of a loop left behind
            return
        now = time.monotonic()
        due = [key for key, (deadline, _) in self._entries.items() if deadline <= now]
        for key in due:
            _, callback = self._entries.pop(key)
            callback()
        if self._entries:
            self._timer = loop.call_later(self._resolution, self._expire, loop)
        else:
            self._timer = None
