"""Dedup: the in-process TTL set with in-flight coalescing, and the Redis-shared one."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from relay.dedup import InProcessDedup, RedisDedup
from relay.errors import DedupBusyError

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.mark.anyio
async def test_marked_keys_are_seen_and_bounded() -> None:
    """A marked key is seen; the set never exceeds max_entries."""
    dedup = InProcessDedup(ttl_seconds=60, max_entries=2)
    for key in ("a", "b", "c"):
        async with dedup.claim(key) as claim:
            assert claim.fresh
            claim.mark()
    assert len(dedup) == 2
    assert dedup.seen("c")
    assert not dedup.seen("a")
    await dedup.aclose()


@pytest.mark.anyio
async def test_concurrent_copy_waits_and_becomes_duplicate() -> None:
    """A second copy arriving while the first publishes is a duplicate once the first is marked."""
    dedup = InProcessDedup(ttl_seconds=60, max_entries=10)
    release = asyncio.Event()
    outcomes: list[bool] = []

    async def first() -> None:
        async with dedup.claim("k") as claim:
            outcomes.append(claim.fresh)
            await release.wait()
            claim.mark()

    async def second() -> None:
        async with dedup.claim("k") as claim:
            outcomes.append(claim.fresh)

    task1 = asyncio.create_task(first())
    await asyncio.sleep(0)
    task2 = asyncio.create_task(second())
    await asyncio.sleep(0)
    assert outcomes == [True]
    release.set()
    await asyncio.gather(task1, task2)
    assert outcomes == [True, False]


@pytest.mark.anyio
async def test_failed_first_lets_the_copy_publish() -> None:
    """If the first attempt fails (not marked), the next copy gets to publish."""
    dedup = InProcessDedup(ttl_seconds=60, max_entries=10)
    async with dedup.claim("k") as claim:
        assert claim.fresh
    async with dedup.claim("k") as claim:
        assert claim.fresh


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    """A client of the machine's Redis."""
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


def _replica(redis: Redis, prefix: str, **kwargs: float) -> RedisDedup:
    local = InProcessDedup(ttl_seconds=60, max_entries=100)
    return RedisDedup(redis, local, ttl_seconds=60, prefix=prefix, **kwargs)  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_replicas_share_marks_through_redis(redis: Redis) -> None:
    """A delivery marked by one replica is a duplicate on another, with the TTL given."""
    prefix = f"test:{uuid.uuid4().hex}:"
    one, two = _replica(redis, prefix), _replica(redis, prefix)
    async with one.claim("src:d1", ttl_seconds=123) as claim:
        assert claim.fresh
        claim.mark()
    async with two.claim("src:d1") as claim:
        assert not claim.fresh
    assert await redis.get(prefix + "src:d1") == b"done"
    assert 0 < await redis.ttl(prefix + "src:d1") <= 123
    await redis.delete(prefix + "src:d1")


@pytest.mark.anyio
async def test_failed_publish_frees_the_key_for_the_retry(redis: Redis) -> None:
    """A claim released unmarked deletes the shared key, so the platform's retry publishes."""
    prefix = f"test:{uuid.uuid4().hex}:"
    one, two = _replica(redis, prefix), _replica(redis, prefix)
    async with one.claim("src:d2") as claim:
        assert claim.fresh
        assert await redis.get(prefix + "src:d2") == b"pending"
    assert await redis.get(prefix + "src:d2") is None
    async with two.claim("src:d2") as claim:
        assert claim.fresh


@pytest.mark.anyio
async def test_copy_waits_for_other_replica_then_is_duplicate(redis: Redis) -> None:
    """A copy on replica B while replica A publishes waits, then is a duplicate."""
    prefix = f"test:{uuid.uuid4().hex}:"
    one, two = _replica(redis, prefix), _replica(redis, prefix)
    release = asyncio.Event()
    outcomes: list[bool] = []

    async def first() -> None:
        async with one.claim("src:d3") as claim:
            outcomes.append(claim.fresh)
            await release.wait()
            claim.mark()

    async def second() -> None:
        async with two.claim("src:d3") as claim:
            outcomes.append(claim.fresh)

    task1 = asyncio.create_task(first())
    while not outcomes:  # noqa: ASYNC110 (the first claim is a Redis round trip away)
        await asyncio.sleep(0.005)
    task2 = asyncio.create_task(second())
    await asyncio.sleep(0.05)
    assert outcomes == [True]
    release.set()
    await asyncio.gather(task1, task2)
    assert outcomes == [True, False]
    await redis.delete(prefix + "src:d3")


@pytest.mark.anyio
async def test_copy_gives_up_when_other_replica_takes_too_long(redis: Redis) -> None:
    """A copy that waits longer than wait_seconds raises DedupBusyError (answered 503)."""
    prefix = f"test:{uuid.uuid4().hex}:"
    await redis.set(prefix + "src:d4", b"pending", px=5000)
    two = _replica(redis, prefix, wait_seconds=0.1)
    with pytest.raises(DedupBusyError):
        async with two.claim("src:d4"):
            pass  # pragma: no cover (never entered)
    await redis.delete(prefix + "src:d4")


@pytest.mark.anyio
async def test_unreachable_redis_falls_back_to_local_dedup() -> None:
    """With Redis down, deliveries go through and dedup locally; Redis is not retried at once."""
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    dedup = _replica(dead, "test:", retry_redis_seconds=60)
    async with dedup.claim("src:d5") as claim:
        assert claim.fresh
        claim.mark()
    async with dedup.claim("src:d5") as claim:
        assert not claim.fresh
    async with dedup.claim("src:d6") as claim:  # skips Redis: no second connection timeout
        assert claim.fresh
    await dedup.aclose()


@pytest.mark.anyio
async def test_build_dedup_resolves_a_redis_url_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    """`dedup.redis_url: env:NAME` builds the shared dedup; no URL builds the local one."""
    from relay.app import build_dedup  # noqa: PLC0415
    from relay.config import Settings  # noqa: PLC0415

    assert isinstance(build_dedup(Settings()), InProcessDedup)
    monkeypatch.setenv("T_REDIS_URL", REDIS_URL)
    shared = build_dedup(Settings(dedup={"redis_url": "env:T_REDIS_URL"}))  # type: ignore[arg-type]
    assert isinstance(shared, RedisDedup)
    async with shared.claim(f"test:{uuid.uuid4().hex}") as claim:
        assert claim.fresh
    await shared.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize("shared", [False, True])
async def test_the_entries_gauge_follows_the_cache_up_to_its_bound(
    shared: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`relay_dedup_entries` counts the process's keys and stops at `dedup.max_entries`."""
    from relay.app import RelayApp  # noqa: PLC0415
    from relay.config import Settings  # noqa: PLC0415

    monkeypatch.setenv("T_REDIS_URL", REDIS_URL)
    dedup_settings: dict[str, object] = {"max_entries": 3}
    if shared:
        dedup_settings["redis_url"] = "env:T_REDIS_URL"
    app = RelayApp(Settings(dedup=dedup_settings))  # type: ignore[arg-type]

    def entries() -> float | None:
        return app.metrics.registry.get_sample_value("relay_dedup_entries")

    assert entries() == 0
    for n in range(5):
        async with app.dedup.claim(f"test:{uuid.uuid4().hex}") as claim:
            claim.mark()
        assert entries() == min(n + 1, 3)
    await app.dedup.aclose()
