"""Per-partition bookkeeping: which fetched offsets are finished, and what may be committed."""

from __future__ import annotations

from collections import deque

__all__ = ["PartitionOffsets"]


class PartitionOffsets:
    """Offsets of one partition in fetch order; the committable point is the finished prefix.

    Records of different keys finish out of order; the commit never passes an unfinished one,
    so a crash re-delivers (never skips) whatever was not finished. The finished prefix is
    dropped as it forms, so the length counts only what waits on an unfinished record.
    """

    __slots__ = ("_done", "_order", "_ready", "committed", "paused")

    def __init__(self) -> None:
        self._order: deque[int] = deque()
        self._done: set[int] = set()
        self._ready: int | None = None
        self.committed: int | None = None
        """The offset last committed (the next record to deliver after a restart)."""
        self.paused = False

    def __len__(self) -> int:
        """The number of fetched records from the lowest unfinished one on."""
        return len(self._order)

    def add(self, offset: int) -> None:
        """Record that ``offset`` was fetched and handed to a lane."""
        self._order.append(offset)

    def finish(self, offset: int) -> None:
        """Record that ``offset`` is delivered, filtered or dead-lettered."""
        order = self._order
        if order and order[0] == offset:
            order.popleft()
            self._ready = offset + 1
            done = self._done
            while order and order[0] in done:
                head = order.popleft()
                done.discard(head)
                self._ready = head + 1
        else:
            self._done.add(offset)

    def advance(self) -> int | None:
        """Return the offset to commit if it moved since the last call, else ``None``."""
        if self._ready is None or self._ready == self.committed:
            return None
        self.committed = self._ready
        return self._ready

    def low(self) -> int | None:
        """The lowest unfinished offset, or ``None`` when nothing is pending."""
        return self._order[0] if self._order else None
