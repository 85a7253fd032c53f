"""Per-partition bookkeeping: which fetched offsets are finished, and what may be committed."""

from __future__ import annotations

from collections import deque

__all__ = ["PartitionOffsets"]


class PartitionOffsets:
    """Offsets of one partition in fetch order; the committable point is the finished prefix.

    Records of different keys finish out of order; the commit never passes an unfinished one,
    so a crash re-delivers (never skips) whatever was not finished.
    """

    __slots__ = ("_done", "_order", "committed", "paused")

    def __init__(self) -> None:
        self._order: deque[int] = deque()
        self._done: set[int] = set()
        self.committed: int | None = None
        """The offset last committed (the next record to deliver after a restart)."""
        self.paused = False

    def __len__(self) -> int:
        """The number of fetched, not yet committable records."""
        return len(self._order)

    def add(self, offset: int) -> None:
        """Record that ``offset`` was fetched and handed to a lane."""
        self._order.append(offset)

    def finish(self, offset: int) -> None:
        """Record that ``offset`` is delivered, filtered or dead-lettered."""
        self._done.add(offset)

    def advance(self) -> int | None:
        """Drop the finished prefix; return the offset to commit if it moved, else ``None``."""
        moved = None
        while self._order and self._order[0] in self._done:
            offset = self._order.popleft()
            self._done.discard(offset)
            moved = offset + 1
        if moved is not None:
            self.committed = moved
        return moved

    def low(self) -> int | None:
        """The lowest unfinished offset, or ``None`` when nothing is pending."""
        return self._order[0] if self._order else None
