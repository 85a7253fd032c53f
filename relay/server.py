"""Running the receiver under uvicorn, with relay's graceful shutdown.

On SIGTERM or SIGINT: readiness turns false at once, uvicorn stops accepting connections and
lets in-flight requests finish (up to ``server.shutdown_timeout_seconds``), then the lifespan
flushes and closes the producer, and the process exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import socket
from collections.abc import Callable, Coroutine, Iterator
from types import FrameType
from typing import TypeVar

import uvicorn

from relay.app import RelayApp
from relay.config import GcSettings
from relay.http import RelayHttpProtocol

__all__ = ["RelayServer", "run_on_event_loop", "tune_gc", "uvicorn_config"]


_T = TypeVar("_T")

logger = logging.getLogger(__name__)


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """The uvloop event loop where it is installed (as uvicorn picks it), else asyncio's."""
    try:
        import uvloop  # noqa: PLC0415 (optional: not built for every platform)
    except ImportError:  # pragma: no cover (installed with uvicorn[standard] here)
        return None
    return uvloop.new_event_loop


def run_on_event_loop(coro: Coroutine[object, object, _T]) -> _T:
    """Run ``coro`` to completion on a new uvloop loop (asyncio's where uvloop is missing).

    Every long-running mode goes through here (``serve``, each worker, ``dev``, sinks): before,
    relay's own ``asyncio.run`` handed uvicorn asyncio's default loop.
    """
    with asyncio.Runner(loop_factory=_loop_factory()) as runner:
        return runner.run(coro)


def tune_gc(settings: GcSettings) -> None:
    """Set the collector's thresholds and freeze what start-up built (the ``gc`` settings).

    With Python's gen0 threshold of 700, the objects of the webhooks or events in flight (a
    parsed order alone is hundreds of containers) set off a collection every few of them, and
    each one traverses all of them again: up to a third of the CPU under load, and full
    collections that double the receiver's p99 (docs/performance.md#garbage-collection).
    Almost nothing a webhook allocates is cyclic (reference counting frees it), so a threshold
    above what is in flight costs a little memory and saves that time. ``gc.freeze`` moves the
    modules, schemas and settings loaded at start-up out of the full collections' way.
    """
    if settings.thresholds is not None:
        gc.set_threshold(*settings.thresholds)
    if settings.freeze:
        gc.collect()
        gc.freeze()
    logger.info(
        "garbage collector set",
        extra={"thresholds": list(gc.get_threshold()), "frozen_objects": gc.get_freeze_count()},
    )


def uvicorn_config(app: RelayApp) -> uvicorn.Config:
    """Return uvicorn's configuration for ``app`` from relay's settings."""
    server = app.settings.server
    return uvicorn.Config(
        app,
        host=server.host,
        port=server.port,
        lifespan="on",
        log_config=None,
        access_log=server.access_log,
        # The client address behind a proxy (X-Forwarded-For) matters to the access log only:
        # without it, uvicorn's middleware would rewrite every request's scope for nothing.
        proxy_headers=server.access_log,
        # Headroom above the receiver's own limit (503 + Retry-After) for probes and metrics.
        limit_concurrency=server.max_concurrent_requests + 64,
        timeout_graceful_shutdown=server.shutdown_timeout_seconds,
        timeout_keep_alive=server.keepalive_timeout_seconds,
        server_header=False,
        date_header=False,
        http=RelayHttpProtocol,  # httptools, a response's head and body in one write
    )


class RelayServer(uvicorn.Server):
    """uvicorn's server, turning readiness false as soon as a shutdown signal arrives."""

    def __init__(self, app: RelayApp, *, on_started: Callable[[], None] | None = None) -> None:
        super().__init__(uvicorn_config(app))
        self.relay = app
        self._on_started = on_started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """Start like uvicorn (lifespan, then listen), tune the collector, call ``on_started``."""
        await super().startup(sockets)
        if not self.started:
            return
        tune_gc(self.relay.settings.gc)
        if self._on_started is not None:
            self._on_started()

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """Mark the app as shutting down, then let uvicorn drain and stop."""
        self.relay.shutting_down = True
        super().handle_exit(sig, frame)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Handle signals like uvicorn, but exit normally (0) instead of re-raising them."""
        with super().capture_signals():
            yield
            self._captured_signals.clear()

    async def run_until_stopped(self, sockets: list[socket.socket] | None = None) -> bool:
        """Serve until a signal or ``should_exit``; return whether start-up succeeded."""
        await self.serve(sockets=sockets)
        return self.started
