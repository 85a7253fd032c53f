"""The in-process dedup: TTL set plus in-flight coalescing."""

from __future__ import annotations

import asyncio

import pytest

from relay.dedup import InProcessDedup


@pytest.mark.anyio
async def test_marked_keys_are_seen_and_bounded() -> None:
    """A marked key is seen; the set never exceeds max_entries."""
    dedup = InProcessDedup(ttl_seconds=60, max_entries=2)
    for key in ("a", "b", "c"):
        dedup.mark(key)
    assert len(dedup) == 2
    assert dedup.seen("c")
    assert not dedup.seen("a")


@pytest.mark.anyio
async def test_concurrent_copy_waits_and_becomes_duplicate() -> None:
    """A second copy arriving while the first publishes answers duplicate after it succeeds."""
    dedup = InProcessDedup(ttl_seconds=60, max_entries=10)
    release = asyncio.Event()
    outcomes: list[bool] = []

    async def first() -> None:
        async with dedup.claim("k") as fresh:
            outcomes.append(fresh)
            await release.wait()
            dedup.mark("k")

    async def second() -> None:
        async with dedup.claim("k") as fresh:
            outcomes.append(fresh)

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
    """If the first attempt fails (not marked), the waiting copy gets to publish."""
    dedup = InProcessDedup(ttl_seconds=60, max_entries=10)
    async with dedup.claim("k") as fresh:
        assert fresh
    async with dedup.claim("k") as fresh:
        assert fresh
