"""Benchmark: sink throughput through the real runner, on demand (not in CI).

Usage:

    .venv/bin/python bench/sink_throughput.py [--events 20000]
        [--types noop noop-batch file postgres redis nats http] [--in-flight N]
        [--baseline DIR]

Starts an embedded Tansu broker, publishes --events canonical events of the test harness over
200 keys to one topic (6 partitions), then for each sink type runs a fresh sink (its own group,
the type's default settings) in this process and prints its events/s from just before its
first delivery to its last (the group join, about 0.75 s on Tansu with the 1.5 s session
timeout used here, is left out but shown) and per CPU second of this process over the same
span (the "per core" figure on a shared machine), next to issue 8's target. ``noop`` and
``noop-batch`` are the runner's ceilings: sinks whose delivery does nothing, one event at a
time or in batches. Every run checks that the target holds every event. Targets on 127.0.0.1:
a temporary file, PostgreSQL db `test`, Redis, NATS JetStream (unique table, stream and key
names, removed afterwards) and `sink_receiver.py` (a bare ASGI app on uvicorn, started here,
that counts signed POSTs). With --baseline, the same benchmark runs first on another checkout's
packages and a last table shows after/before. Everything stops itself.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import gc
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

import httpx
import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from _sink_harness import TOPIC, create_topics, events_for, produce, running, sink_config  # noqa: E402

from relay.embedded import EmbeddedBroker, free_port  # noqa: E402
from sinks import SinkEvent  # noqa: E402

Counter = Callable[[], Awaitable[int]]
Target = tuple[dict[str, Any], Counter, Callable[[], Awaitable[None]]]

TARGETS_PER_SECOND = {"postgres": 20_000, "http": 5_000, "redis": 20_000, "nats": 20_000}
"""Issue 8's targets (events/s, one core)."""

_SECRET_ENV = "BENCH_SINK_WHSEC"  # noqa: S105 (the name of a variable, not a secret)


class NoopSink:
    """A sink whose delivery does nothing: what is left is the runner's own cost."""

    def __init__(self) -> None:
        self.delivered = 0

    async def start(self) -> None:
        """Nothing to connect to."""

    async def deliver(self, event: SinkEvent) -> None:
        """Count ``event``."""
        del event
        self.delivered += 1

    async def aclose(self) -> None:
        """Nothing to close."""


class NoopBatchSink(NoopSink):
    """``NoopSink`` as a batching sink type: the runner's ceiling for batched deliveries."""

    async def deliver_batch(self, events: Sequence[SinkEvent]) -> Sequence[Exception | None]:
        """Count ``events``."""
        self.delivered += len(events)
        return [None] * len(events)


async def _noop_target(run_id: str, folder: Path) -> Target:
    del run_id

    async def count() -> int:
        return -1  # replaced by the sink's own count in bench()

    async def cleanup() -> None:
        pass

    return {"path": str(folder / "noop.jsonl")}, count, cleanup


async def _file_target(run_id: str, folder: Path) -> Target:
    path = folder / f"bench-{run_id}.jsonl"

    async def count() -> int:
        return len(path.read_bytes().splitlines()) if path.exists() else 0

    async def cleanup() -> None:
        path.unlink(missing_ok=True)

    return {"path": str(path)}, count, cleanup


async def _postgres_target(run_id: str, folder: Path) -> Target:
    del folder
    import psycopg  # noqa: PLC0415 (only for this target)

    table = f"bench_{run_id}"
    dsn = "host=127.0.0.1 dbname=test user=postgres"

    async def count() -> int:
        async with await psycopg.AsyncConnection.connect(dsn) as conn:
            try:
                cursor = await conn.execute(f"SELECT count(*) FROM {table}")  # type: ignore[arg-type]  # noqa: S608
            except psycopg.errors.UndefinedTable:
                return 0
            row = await cursor.fetchone()
            return int(row[0]) if row else 0

    async def cleanup() -> None:
        async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
            await conn.execute(f"DROP TABLE IF EXISTS {table}")  # type: ignore[arg-type]

    return {"dsn": dsn, "events_table": table}, count, cleanup


async def _redis_target(run_id: str, folder: Path) -> Target:
    del folder
    from redis.asyncio import Redis  # noqa: PLC0415 (only for this target)

    prefix = f"bench-{run_id}"
    client = Redis()

    async def count() -> int:
        return sum([await client.xlen(k) async for k in client.scan_iter(f"{prefix}:*.{TOPIC}")])

    async def cleanup() -> None:
        keys = [k async for k in client.scan_iter(f"{prefix}:*", count=10_000)]
        for start in range(0, len(keys), 1000):
            await client.delete(*keys[start : start + 1000])
        await client.aclose()

    return {"stream_prefix": prefix}, count, cleanup


async def _nats_target(run_id: str, folder: Path) -> Target:
    del folder
    import nats  # noqa: PLC0415 (only for this target)
    from nats.js.errors import NotFoundError  # noqa: PLC0415

    stream, subjects = f"BENCH_{run_id}", f"bench.{run_id}"

    async def count() -> int:
        client = await nats.connect("nats://127.0.0.1:4222")
        try:
            return int((await client.jetstream().stream_info(stream)).state.messages)
        except NotFoundError:
            return 0
        finally:
            await client.close()

    async def cleanup() -> None:
        client = await nats.connect("nats://127.0.0.1:4222")
        try:
            with contextlib.suppress(NotFoundError):
                await client.jetstream().delete_stream(stream)
        finally:
            await client.close()

    return {"stream": stream, "subject_prefix": subjects}, count, cleanup


def _http_target(url: str) -> Callable[[str, Path], Awaitable[Target]]:
    async def target(run_id: str, folder: Path) -> Target:
        del run_id, folder
        async with httpx.AsyncClient() as client:
            before = int((await client.get(url)).text)

        async def count() -> int:
            async with httpx.AsyncClient() as client:
                return int((await client.get(url)).text) - before

        async def cleanup() -> None:
            pass

        keys = {"url": url, "secret": f"env:{_SECRET_ENV}", "allow_private_networks": True}
        return keys, count, cleanup

    return target


@contextlib.asynccontextmanager
async def _receiver() -> AsyncIterator[str]:
    """``sink_receiver.py`` on a free port of 127.0.0.1, stopped afterwards; yields its URL."""
    port = free_port()
    process = subprocess.Popen(  # noqa: ASYNC220 (started once, before the timed part)
        [sys.executable, str(ROOT / "bench" / "sink_receiver.py"), str(port)]
    )
    url = f"http://127.0.0.1:{port}/hook"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(100):
                with contextlib.suppress(httpx.TransportError):
                    await client.get(url)
                    break
                await asyncio.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


async def _time_one(
    bootstrap: str,
    prefix: str,
    kind: str,
    target: Target,
    expected: int,
    in_flight: int | None,
) -> dict[str, Any]:
    keys, count, cleanup = target
    if in_flight is not None:
        keys = {**keys, "max_in_flight": in_flight}
    config = sink_config(
        f"bench-{kind}-{uuid.uuid4().hex[:6]}",
        type="file" if kind.startswith("noop") else kind,
        session_timeout_ms=1500,
        **keys,
    )
    noop = {"noop": NoopSink, "noop-batch": NoopBatchSink}.get(kind, lambda: None)()
    try:
        started = time.perf_counter()
        async with running(bootstrap, prefix, config, noop) as sink:
            first, cpu = started, time.process_time()  # the last look that saw none delivered
            done = 0.0
            deadline = started + 300
            while time.perf_counter() < deadline:
                now, now_cpu = time.perf_counter(), time.process_time()
                done = sink.value("relay_sink_deliveries_total", outcome="delivered")
                if not done:
                    first, cpu = now, now_cpu
                if done >= expected:
                    break
                await asyncio.sleep(0.005)
            finished, cpu = time.perf_counter(), time.process_time() - cpu
            held = noop.delivered if noop is not None else await count()
            while held < expected and time.perf_counter() < deadline:  # the target may lag
                await asyncio.sleep(0.05)
                held = await count()
    finally:
        await cleanup()
    per_cpu = expected / max(cpu, 1e-9)
    steady = expected / max(finished - first, 1e-9)
    wanted = TARGETS_PER_SECOND.get(kind)
    return {
        "sink": kind,
        "events": expected,
        "delivered": int(done),
        "held_by_target": held,
        "join_seconds": round(first - started, 2),
        "seconds": round(finished - first, 2),
        "events_per_second": round(steady),
        "events_per_cpu_second": round(per_cpu),
        "target": wanted,
        "ratio_to_target": round(steady / wanted, 2) if wanted else None,
    }


async def bench(
    bootstrap: str, events: int, kinds: list[str], in_flight: int | None
) -> list[dict[str, Any]]:
    """Publish ``events`` once, then time a fresh sink of each of ``kinds`` delivering them."""
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    await create_topics(bootstrap, [f"{prefix}.{TOPIC}"], partitions=6)
    batch = events_for(keys=200, per_key=max(events // 200, 1))
    await produce(bootstrap, prefix, batch, one_by_one=False)
    expected = len(batch)
    del batch  # 10^5 pydantic models would slow every garbage collection of the sinks
    gc.collect()
    os.environ[_SECRET_ENV] = (
        "whsec_" + base64.b64encode(b"bench-sink-signing-key-32-bytes!").decode()
    )
    targets: dict[str, Callable[[str, Path], Awaitable[Target]]] = {
        "noop": _noop_target,
        "noop-batch": _noop_target,
        "file": _file_target,
        "postgres": _postgres_target,
        "redis": _redis_target,
        "nats": _nats_target,
    }
    results = []
    async with contextlib.AsyncExitStack() as stack:
        if "http" in kinds:
            targets["http"] = _http_target(await stack.enter_async_context(_receiver()))
        with tempfile.TemporaryDirectory() as tmp:
            for kind in kinds:
                target = await targets[kind](uuid.uuid4().hex[:8], Path(tmp))
                result = await _time_one(bootstrap, prefix, kind, target, expected, in_flight)
                print(orjson.dumps(result).decode(), flush=True)
                results.append(result)
    _table(results, {})
    return results


def _table(results: list[dict[str, Any]], baseline: dict[str, dict[str, Any]]) -> None:
    """Print events/s (wall clock and per CPU second of this process) next to the targets."""
    head = f"{'sink':<11}{'events/s':>9}{'per cpu-s':>10}{'target':>8}{'ratio':>7}"
    if baseline:
        head += f"{'before/s':>10}{'before cpu-s':>13}{'after/before':>13}"
    print(f"\n{head}  held/events")
    for r in results:
        wanted = r["target"]
        line = (
            f"{r['sink']:<11}{r['events_per_second']:>9}{r['events_per_cpu_second']:>10}"
            f"{wanted or '-':>8}{r['ratio_to_target'] or '-':>7}"
        )
        if baseline:
            old = baseline.get(r["sink"])
            if old is None:
                line += f"{'-':>10}{'-':>13}{'-':>13}"
            else:
                gain = r["events_per_second"] / max(old["events_per_second"], 1)
                line += (
                    f"{old['events_per_second']:>10}{old['events_per_cpu_second']:>13}"
                    f"{gain:>12.1f}x"
                )
        print(f"{line}  {r['held_by_target']}/{r['events']}")


def _as_relay_sink_run(work: Coroutine[Any, Any, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Run ``work`` on the loop and collector `relay sink run` has (uvloop, the gc settings).

    A --baseline checkout runs as `relay sink run` then did: without either where it had none.
    """
    try:
        from relay.server import run_on_event_loop  # noqa: PLC0415 (absent from older trees)
    except ImportError:
        return asyncio.run(work)
    try:
        from relay.config import GcSettings  # noqa: PLC0415 (absent from older trees)
        from relay.server import tune_gc  # noqa: PLC0415
    except ImportError:
        pass
    else:
        tune_gc(GcSettings())
    return run_on_event_loop(work)


def _run_baseline(tree: Path, argv: list[str]) -> dict[str, dict[str, Any]]:
    """Run this benchmark on another checkout's relay packages (``tree``); its results by sink."""
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, __file__, *argv], env=environment, capture_output=True, check=True
    )
    lines = [line for line in done.stdout.decode().splitlines() if line.startswith("{")]
    return {r["sink"]: r for r in map(orjson.loads, lines)}


def main() -> None:
    """Parse the arguments and run the benchmark against an embedded broker."""
    kinds = ["noop", "noop-batch", "file", "postgres", "redis", "nats", "http"]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--types", nargs="+", default=kinds, choices=kinds)
    parser.add_argument(
        "--in-flight", type=int, default=None, help="max_in_flight (default: the type's)"
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a checkout of relay (e.g. `git archive main | tar -x -C DIR`) to run first, "
        "on the same machine in the same run, for before/after ratios",
    )
    args = parser.parse_args()
    baseline: dict[str, dict[str, Any]] = {}
    if args.baseline is not None:
        argv = [a for a in sys.argv[1:] if a != "--baseline" and a != str(args.baseline)]
        baseline = _run_baseline(args.baseline.resolve(), argv)
        print("before (--baseline):")
        _table(list(baseline.values()), {})
        print("\nafter (this checkout):")
    with EmbeddedBroker() as broker:
        work = bench(
            broker.bootstrap_servers, min(args.events, 200_000), args.types, args.in_flight
        )
        results = _as_relay_sink_run(work)
    if baseline:
        print("\nafter vs before:")
        _table(results, baseline)


if __name__ == "__main__":
    main()
