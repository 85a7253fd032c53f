"""``relay serve`` with ``server.workers`` > 1: one listening socket, N worker processes.

The supervisor (the process ``relay serve`` started) binds ``server.host:server.port`` once and
starts the workers with multiprocessing's ``spawn`` (fresh interpreters: no event loop, producer
or lock is inherited). Each worker runs the same ``RelayServer`` over the inherited socket with
its own Kafka producer, in-process dedup cache and spool directory (``<spool.path>/worker-<n>``
with an equal share of ``spool.max_bytes``); the kernel hands each new connection to one of the
workers accepting on the socket.

- SIGTERM/SIGINT: the supervisor forwards the signal to every worker; each drains like a single
  relay (readiness false, in-flight requests finish, producer flushed) and the supervisor exits
  0 once all of them exited 0 (1 if one did not, or if they outlived
  ``server.shutdown_timeout_seconds`` + 30 s and had to be killed).
- A worker that dies while serving is restarted in its slot (same number, so the same spool
  directory: it drains what it spooled), logged and counted in ``relay_worker_restarts_total``;
  repeated quick deaths back off up to 30 s. The other workers keep serving, and the socket stays
  open in the supervisor throughout.
- A worker that cannot start at start-up (a bad secret, Kafka unreachable without a spool)
  stops them all with exit code 3, as a single relay does.
- Workers run in their own process group, so a terminal's Ctrl-C reaches the supervisor only
  (which forwards it once), and they stop by themselves if the supervisor disappears.

uvicorn's own ``Multiprocess`` supervisor does not fit: it runs a plain ``uvicorn.Server`` (not
``RelayServer`` with its readiness flag and exit codes), gives a worker no stable number to pick
its spool directory by, and neither counts restarts nor stops on a worker's start-up failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from types import FrameType

from prometheus_client import multiprocess

from relay.app import RelayApp
from relay.config import Settings
from relay.errors import RelayError
from relay.logging import configure_logging
from relay.metrics import write_processes
from relay.server import RelayServer, run_on_event_loop
from relay.spool import orphaned_spools, worker_spool

__all__ = ["STARTUP_FAILURE", "Supervisor", "worker_settings"]

logger = logging.getLogger(__name__)

STARTUP_FAILURE = 3
"""The exit code of a relay (or a worker) that could not start; uvicorn's as well."""

_SPAWN = multiprocessing.get_context("spawn")
_QUICK_DEATH_SECONDS = 10.0
_MAX_BACKOFF_SECONDS = 30.0
_STOP_MARGIN_SECONDS = 30.0


def worker_settings(settings: Settings, index: int) -> Settings:
    """Worker ``index``'s settings: its own spool directory and share of ``spool.max_bytes``."""
    spool = settings.spool
    share = spool.max_bytes // settings.server.workers
    own = {"path": worker_spool(spool.path, index), "max_bytes": share}
    return settings.model_copy(update={"spool": spool.model_copy(update=own)})


@dataclass
class _Slot:
    """One worker number and the process currently holding it."""

    index: int
    process: BaseProcess | None = None
    ready: Connection | None = None  # the worker sends one message once it serves
    started_at: float = 0.0
    serving: bool = False
    restarts: int = 0
    quick_deaths: int = 0
    restart_at: float | None = None


class Supervisor:
    """Starts, restarts and stops the workers of one ``relay serve``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.slots = [_Slot(n) for n in range(settings.server.workers)]
        self.exit_code = 0
        self._signals: list[int] = []
        self._stopping = False
        self._stop_deadline = 0.0
        self._metrics_dir = Path()

    # -- the supervisor's life ---------------------------------------------------------------

    def run(self) -> int:
        """Serve until SIGTERM/SIGINT and every worker stopped; return the exit code."""
        configure_logging(self.settings.log_level)
        self._warn_about_settings()
        server = self.settings.server
        try:
            family = socket.AF_INET6 if ":" in server.host else socket.AF_INET
            listener = socket.create_server((server.host, server.port), family=family, backlog=2048)
        except OSError as exc:
            logger.error(  # noqa: TRY400 (the reason is the whole story)
                "cannot listen", extra={"host": server.host, "port": server.port, "error": str(exc)}
            )
            return STARTUP_FAILURE
        self._metrics_dir, owned = _metrics_dir()
        wake_read, wake_write = socket.socketpair()
        wake_read.settimeout(0)
        wake_write.settimeout(0)
        previous_wakeup = signal.set_wakeup_fd(wake_write.fileno())
        handlers = {
            sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        logger.info(
            "relay supervisor listening",
            extra={
                "host": server.host,
                "port": listener.getsockname()[1],
                "workers": len(self.slots),
            },
        )
        try:
            self._supervise(listener, wake_read)
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
            signal.set_wakeup_fd(previous_wakeup)
            for closable in (listener, wake_read, wake_write):
                closable.close()
            if owned:
                shutil.rmtree(self._metrics_dir, ignore_errors=True)
        logger.info("relay supervisor stopped", extra={"exit_code": self.exit_code})
        return self.exit_code

    def _supervise(self, listener: socket.socket, wake: socket.socket) -> None:
        for slot in self.slots:
            self._start(slot, listener)
        while True:
            self._handle_signals()
            now = time.monotonic()
            running = [s for s in self.slots if s.process is not None]
            if self._stopping and not running:
                return
            if self._stopping and now >= self._stop_deadline:
                self._kill_stragglers(running)
                continue
            due = [s.restart_at for s in self.slots if s.restart_at is not None]
            deadlines = [*due, self._stop_deadline] if self._stopping else due
            timeout = max(0.0, min(deadlines) - now) if deadlines else None
            events: dict[object, tuple[str, _Slot | None]] = {wake: ("wake", None)}
            for slot in running:
                assert slot.process is not None  # noqa: S101 (running slots have one)
                events[slot.process.sentinel] = ("exited", slot)
                if slot.ready is not None:
                    events[slot.ready] = ("serving", slot)
            for item in wait(list(events), timeout):  # type: ignore[arg-type]
                self._on_event(*events[item], wake)
            self._restart_due(listener)

    def _on_event(self, kind: str, slot: _Slot | None, wake: socket.socket) -> None:
        if slot is None:
            with contextlib.suppress(BlockingIOError):
                wake.recv(64)  # a signal arrived; handled at the top of the loop
        elif kind == "serving" and slot.ready is not None:
            self._serving(slot)
        elif kind == "exited" and slot.process is not None:
            self._exited(slot)

    def _restart_due(self, listener: socket.socket) -> None:
        for slot in self.slots:
            if slot.restart_at is not None and slot.restart_at <= time.monotonic():
                slot.restart_at = None
                if not self._stopping:
                    self._start(slot, listener)

    # -- workers -----------------------------------------------------------------------------

    def _start(self, slot: _Slot, listener: socket.socket) -> None:
        ready, ready_in_child = _SPAWN.Pipe(duplex=False)
        start = _WorkerStart(
            self.settings, slot.index, slot.restarts > 0, listener, ready_in_child, os.getpid()
        )
        name = f"relay-worker-{slot.index}"
        process = _SPAWN.Process(target=_worker_main, name=name, args=(start,))
        process.start()
        ready_in_child.close()  # the worker holds its own copy
        slot.process, slot.ready = process, ready
        slot.started_at, slot.serving = time.monotonic(), False
        logger.info("worker started", extra={"worker": slot.index, "pid": process.pid})
        self._list_processes()

    def _serving(self, slot: _Slot) -> None:
        assert slot.ready is not None  # noqa: S101 (only called for a slot with a pipe)
        with contextlib.suppress(EOFError, OSError):
            slot.ready.recv_bytes()
            slot.serving = True
            logger.info("worker serving", extra={"worker": slot.index})
        slot.ready.close()
        slot.ready = None

    def _exited(self, slot: _Slot) -> None:
        process = slot.process
        assert process is not None  # noqa: S101 (only called for a running slot)
        process.join()
        code, pid = process.exitcode, process.pid
        slot.process = None
        if slot.ready is not None:
            if slot.ready.poll():  # it reported serving just before it exited
                self._serving(slot)
            else:
                slot.ready.close()
                slot.ready = None
        if pid is not None:
            multiprocess.mark_process_dead(pid, str(self._metrics_dir))  # type: ignore[no-untyped-call]
        self._list_processes()
        fields = {"worker": slot.index, "pid": pid, "exit_code": code}
        if self._stopping:
            logger.info("worker stopped", extra=fields)
            if code != 0 and self.exit_code == 0:
                self.exit_code = 1
            return
        if not slot.serving and slot.restarts == 0:
            logger.error("worker could not start; stopping every worker", extra=fields)
            self.exit_code = STARTUP_FAILURE
            self._stop(signal.SIGTERM)
            return
        now = time.monotonic()
        quick = now - slot.started_at < _QUICK_DEATH_SECONDS
        slot.quick_deaths = slot.quick_deaths + 1 if quick else 0
        delay = min(_MAX_BACKOFF_SECONDS, 0.5 * 2 ** (slot.quick_deaths - 1)) if quick else 0.0
        slot.restarts += 1
        slot.restart_at = now + delay
        logger.error(
            "worker died; restarting it",
            extra={**fields, "restarts": slot.restarts, "restart_in_seconds": delay},
        )

    def _list_processes(self) -> None:
        pids = [s.process.pid for s in self.slots if s.process is not None and s.process.pid]
        write_processes(self._metrics_dir, [os.getpid(), *pids])

    # -- stopping ----------------------------------------------------------------------------

    def _on_signal(self, sig: int, _frame: FrameType | None) -> None:
        self._signals.append(sig)  # handled in the loop, woken by the wakeup fd

    def _handle_signals(self) -> None:
        while self._signals:
            sig = self._signals.pop(0)
            logger.info(
                "signal received; stopping the workers", extra={"signal": signal.Signals(sig).name}
            )
            self._stop(sig)

    def _stop(self, sig: int) -> None:
        """Forward ``sig`` to every worker (a second SIGINT makes uvicorn stop at once)."""
        if not self._stopping:
            self._stopping = True
            timeout = self.settings.server.shutdown_timeout_seconds + _STOP_MARGIN_SECONDS
            self._stop_deadline = time.monotonic() + timeout
        for slot in self.slots:
            slot.restart_at = None
            if slot.process is not None and slot.process.pid is not None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(slot.process.pid, sig)

    def _kill_stragglers(self, running: list[_Slot]) -> None:
        for slot in running:
            assert slot.process is not None  # noqa: S101 (running slots have one)
            logger.error(
                "worker did not stop in time; killing it",
                extra={"worker": slot.index, "pid": slot.process.pid},
            )
            slot.process.kill()
            self._exited(slot)
        self.exit_code = self.exit_code or 1

    # -- start-up checks ---------------------------------------------------------------------

    def _warn_about_settings(self) -> None:
        if self.settings.dedup.redis_url is None:
            logger.warning(
                "each worker deduplicates on its own: a platform's retry may reach another "
                "worker and be published again; set dedup.redis_url to share dedup",
                extra={"workers": len(self.slots)},
            )


def _metrics_dir() -> tuple[Path, bool]:
    """The prometheus_client multiprocess directory (emptied), and whether relay created it."""
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):  # values of an earlier run would be added to this one's
            stale.unlink()
        return path, False
    path = Path(tempfile.mkdtemp(prefix="relay-metrics-"))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)  # inherited by the spawned workers
    return path, True


# -- in the worker process ---------------------------------------------------------------------


@dataclass(frozen=True)
class _WorkerStart:
    """What a worker is handed (pickled by multiprocessing; the socket travels as its fd)."""

    settings: Settings
    index: int
    restarted: bool
    listener: socket.socket
    ready: Connection
    supervisor_pid: int


def _worker_main(start: _WorkerStart) -> None:
    """A worker's process: relay's server over the supervisor's socket."""
    os.setpgid(0, 0)  # a terminal's Ctrl-C goes to the supervisor, which forwards it once
    configure_logging(start.settings.log_level, worker=start.index)
    try:
        code = run_on_event_loop(_serve(start))
    except RelayError as exc:
        logger.error("worker could not start", extra={"error": str(exc)})  # noqa: TRY400
        code = STARTUP_FAILURE
    sys.exit(code)


async def _serve(start: _WorkerStart) -> int:
    settings = start.settings
    adopt = (
        orphaned_spools(settings.spool.path, settings.server.workers, start.index)
        if settings.spool.enabled
        else []
    )
    app = RelayApp(worker_settings(settings, start.index), adopt=adopt)
    if start.restarted:
        app.metrics.worker_restarts.inc()

    def started() -> None:
        start.ready.send_bytes(b"serving")
        start.ready.close()

    server = RelayServer(app, on_started=started)
    orphan_watch = asyncio.create_task(_stop_when_orphaned(server, start.supervisor_pid))
    try:
        return 0 if await server.run_until_stopped(sockets=[start.listener]) else STARTUP_FAILURE
    finally:
        orphan_watch.cancel()


async def _stop_when_orphaned(server: RelayServer, supervisor_pid: int) -> None:
    """Drain and stop like on SIGTERM if the supervisor went away (killed with SIGKILL)."""
    while os.getppid() == supervisor_pid:  # noqa: ASYNC110 (no event tells of a parent's end)
        await asyncio.sleep(1.0)
    logger.error("the supervisor is gone; stopping")
    server.handle_exit(signal.SIGTERM, None)
