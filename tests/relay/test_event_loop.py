"""Every long-running mode runs on uvloop, as uvicorn itself would pick."""

from __future__ import annotations

import asyncio

import uvloop

from relay.server import run_on_event_loop


async def _loop_class() -> type[asyncio.AbstractEventLoop]:
    return type(asyncio.get_running_loop())


def test_run_on_event_loop_uses_uvloop_and_returns_the_result() -> None:
    """`relay serve`, each worker, `dev` and the sinks go through run_on_event_loop."""
    assert run_on_event_loop(_loop_class()) is uvloop.Loop
