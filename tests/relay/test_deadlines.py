"""``Deadlines``: callbacks at their time, one timer for all, nothing for the discarded."""

from __future__ import annotations

import asyncio
import time

import pytest

from relay.deadlines import Deadlines


@pytest.mark.anyio
async def test_a_callback_runs_once_its_deadline_passed_and_no_earlier() -> None:
    """Due after its delay, run once, then forgotten."""
    loop = asyncio.get_running_loop()
    deadlines = Deadlines(resolution=0.01)
    fired: list[float] = []
    started = time.monotonic()
    deadlines.add(loop, 0.1, lambda: fired.append(time.monotonic() - started))
    await asyncio.sleep(0.05)
    assert fired == []
    await asyncio.sleep(0.2)
    assert len(fired) == 1
    assert fired[0] >= 0.1
    assert len(deadlines) == 0


@pytest.mark.anyio
async def test_a_discarded_deadline_never_runs_and_the_timer_stops_when_none_is_left() -> None:
    """Discarding is idempotent; an idle ``Deadlines`` holds no timer until the next add."""
    loop = asyncio.get_running_loop()
    deadlines = Deadlines(resolution=0.01)
    fired: list[str] = []
    early = deadlines.add(loop, 0.02, lambda: fired.append("early"))
    deadlines.add(loop, 0.04, lambda: fired.append("late"))
    deadlines.discard(early)
    deadlines.discard(early)  # twice, or after it fired: nothing happens
    await asyncio.sleep(0.15)
    assert fired == ["late"]
    assert deadlines._timer is None
    deadlines.add(loop, 0.01, lambda: fired.append("again"))  # re-armed on demand
    await asyncio.sleep(0.1)
    assert fired == ["late", "again"]


def test_deadlines_added_on_a_new_loop_fire_there() -> None:
    """The timer of a loop that stopped (another test's, a restarted app's) is not relied on."""
    deadlines = Deadlines(resolution=0.01)
    fired: list[int] = []

    async def wait(n: int, delay: float) -> None:
        deadlines.add(asyncio.get_running_loop(), delay, lambda: fired.append(n))
        await asyncio.sleep(0.1)

    asyncio.run(wait(0, 60.0))  # still pending when its loop ends, its timer armed there
    asyncio.run(wait(1, 0.01))
    assert fired == [1]
