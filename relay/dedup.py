"""Duplicate delivery detection, in-process or shared by replicas through Redis.

A delivery is marked only once its records are durable (acknowledged by Kafka or fsync'd in
the spool), so a failed publish never makes the platform's retry look like a duplicate.
Concurrent copies of one delivery (a platform retrying while the first attempt is still
publishing, possibly on another replica) wait for the first instead of publishing twice: if
it succeeds they are duplicates, if it fails one of them publishes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Protocol

from cachetools import TTLCache
from redis.exceptions import RedisError

from relay.errors import DedupBusyError

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["Claim", "Dedup", "InProcessDedup", "RedisDedup"]

logger = logging.getLogger(__name__)


class Claim:
    """The right to publish one delivery; ``fresh`` is false for a duplicate."""

    def __init__(self, fresh: bool) -> None:  # noqa: FBT001 (one obvious flag)
        self.fresh = fresh
        self.marked = False

    def mark(self) -> None:
        """Record that the delivery is durable (applied when the claim is released)."""
        self.marked = True


class Dedup(Protocol):
    """What the receiver needs of a dedup store."""

    def claim(self, key: str, ttl_seconds: int | None = None) -> AbstractAsyncContextManager[Claim]:
        """Claim ``key``; the yielded claim is not fresh when the delivery was seen.

        A marked claim is remembered for ``ttl_seconds`` (default: the store's TTL).
        """
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...

    def __len__(self) -> int:
        """Keys held in this process (bounded by ``dedup.max_entries``)."""
        ...


class InProcessDedup:
    """A bounded in-memory TTL set of delivery keys, plus in-flight coalescing."""

    def __init__(self, *, ttl_seconds: float, max_entries: int) -> None:
        self._seen: TTLCache[str, bool] = TTLCache(
            maxsize=max_entries, ttl=ttl_seconds, timer=time.monotonic
        )
        self._in_flight: dict[str, asyncio.Event | None] = {}

    def __len__(self) -> int:
        return len(self._seen)

    def seen(self, key: str) -> bool:
        """Return whether ``key`` was marked within the TTL."""
        return key in self._seen

    def remember(self, key: str) -> None:
        """Mark ``key`` as seen."""
        self._seen[key] = True

    async def aclose(self) -> None:
        """Nothing to release."""

    def claim(self, key: str, ttl_seconds: int | None = None) -> AbstractAsyncContextManager[Claim]:
        """Claim ``key`` in this process; copies arriving meanwhile wait for the outcome.

        The in-process cache has one TTL for all keys (``ttl_seconds`` is for shared stores).
        """
        del ttl_seconds
        return _LocalClaim(self, key)


class _LocalClaim(AbstractAsyncContextManager[Claim]):
    """``InProcessDedup.claim`` as a plain class: the hot path pays no generator machinery.

    ``_in_flight`` maps a claimed key to ``None`` until a second copy arrives and waits on
    an ``asyncio.Event`` there; the release sets it.
    """

    __slots__ = ("_claim", "_dedup", "_key")

    def __init__(self, dedup: InProcessDedup, key: str) -> None:
        self._dedup = dedup
        self._key = key
        self._claim = Claim(fresh=False)

    async def __aenter__(self) -> Claim:
        key, in_flight = self._key, self._dedup._in_flight  # noqa: SLF001 (its own store)
        while key in in_flight:
            event = in_flight[key]
            if event is None:
                event = in_flight[key] = asyncio.Event()
            await event.wait()
        if key not in self._dedup._seen:  # noqa: SLF001
            in_flight[key] = None
            self._claim = Claim(fresh=True)
        return self._claim

    async def __aexit__(self, *exc_info: object) -> None:
        claim = self._claim
        if not claim.fresh:
            return
        dedup = self._dedup
        if claim.marked:
            dedup._seen[self._key] = True  # noqa: SLF001
        event = dedup._in_flight.pop(self._key)  # noqa: SLF001
        if event is not None:
            event.set()


class RedisDedup:
    """Dedup shared by replicas: ``SET NX`` with a TTL, on top of the in-process one.

    A claim sets ``relay:dedup:<key>`` to ``pending`` (NX, expiring after ``lock_seconds``);
    a durable delivery sets it to ``done`` for ``ttl_seconds``; a failed one deletes it.
    A copy that finds ``pending`` waits up to ``wait_seconds`` for the outcome, then raises
    ``DedupBusyError`` (answered 503: the platform retries). If Redis is unreachable, the
    in-process dedup alone decides for the next ``retry_redis_seconds`` and the outage is
    logged: deliveries are never refused or slowed down because dedup is down.
    """

    def __init__(
        self,
        redis: Redis,
        local: InProcessDedup,
        *,
        ttl_seconds: int,
        lock_seconds: float = 30.0,
        wait_seconds: float = 2.0,
        prefix: str = "relay:dedup:",
        retry_redis_seconds: float = 5.0,
    ) -> None:
        self._retry_redis = retry_redis_seconds
        self._redis_down_until = 0.0
        self._redis = redis
        self._local = local
        self._ttl = ttl_seconds
        self._lock_ms = int(lock_seconds * 1000)
        self._wait = wait_seconds
        self._prefix = prefix

    def __len__(self) -> int:
        """Keys held by the in-process cache in front of Redis."""
        return len(self._local)

    async def aclose(self) -> None:
        """Close the Redis connection pool."""
        await self._redis.aclose()

    @asynccontextmanager
    async def claim(self, key: str, ttl_seconds: int | None = None) -> AsyncIterator[Claim]:
        """Claim ``key`` across replicas; see the class docstring."""
        async with self._local.claim(key) as local:
            if not local.fresh:
                yield local
                return
            shared = await self._acquire(self._prefix + key)
            if shared is None:  # Redis unreachable: the local claim alone
                yield local
                return
            if not shared:
                self._local.remember(key)
                yield Claim(fresh=False)
                return
            try:
                yield local
            finally:
                ttl = ttl_seconds or self._ttl
                await self._release(self._prefix + key, done=local.marked, ttl=ttl)

    async def _acquire(self, rkey: str) -> bool | None:
        if time.monotonic() < self._redis_down_until:
            return None
        deadline = time.monotonic() + self._wait
        try:
            while True:
                if await self._redis.set(rkey, b"pending", nx=True, px=self._lock_ms):
                    return True
                state = await self._redis.get(rkey)
                if state == b"done":
                    return False
                if state is None:
                    continue
                if time.monotonic() >= deadline:
                    raise DedupBusyError("delivery is being published by another replica")
                await asyncio.sleep(0.02)
        except RedisError as exc:
            self._redis_down_until = time.monotonic() + self._retry_redis
            logger.warning(
                "redis dedup unavailable, deduplicating locally",
                extra={"error": exc.__class__.__name__, "retry_in_seconds": self._retry_redis},
            )
            return None

    async def _release(self, rkey: str, *, done: bool, ttl: int) -> None:
        try:
            if done:
                await self._redis.set(rkey, b"done", ex=ttl)
            else:
                await self._redis.delete(rkey)
        except RedisError as exc:
            self._redis_down_until = time.monotonic() + self._retry_redis
            logger.warning(
                "redis dedup unavailable on release", extra={"error": exc.__class__.__name__}
            )
