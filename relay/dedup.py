"""Duplicate delivery detection.

A delivery is marked only once its records are durable, so a failed publish never makes the
platform's retry look like a duplicate. Concurrent copies of one delivery (a platform that
retries while the first attempt is still publishing) wait for the first instead of publishing
twice: if it succeeds they answer "duplicate", if it fails they try themselves.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from cachetools import TTLCache

__all__ = ["InProcessDedup"]


class InProcessDedup:
    """A bounded in-memory TTL set of delivery keys, plus the in-flight coalescing."""

    def __init__(self, *, ttl_seconds: float, max_entries: int) -> None:
        self._seen: TTLCache[str, bool] = TTLCache(
            maxsize=max_entries, ttl=ttl_seconds, timer=time.monotonic
        )
        self._in_flight: dict[str, asyncio.Event] = {}

    def __len__(self) -> int:
        return len(self._seen)

    def seen(self, key: str) -> bool:
        """Return whether ``key`` was published successfully within the TTL."""
        return key in self._seen

    @asynccontextmanager
    async def claim(self, key: str) -> AsyncIterator[bool]:
        """Claim ``key`` for publishing; yield ``False`` if it turned out to be a duplicate.

        The caller publishes inside the block and calls ``mark`` on success. Leaving the
        block releases the claim, waking concurrent copies of the same delivery.
        """
        while (event := self._in_flight.get(key)) is not None:
            await event.wait()
        if key in self._seen:
            yield False
            return
        event = asyncio.Event()
        self._in_flight[key] = event
        try:
            yield True
        finally:
            del self._in_flight[key]
            event.set()

    def mark(self, key: str) -> None:
        """Remember ``key`` as durably published."""
        self._seen[key] = True
