"""Benchmark: sink throughput through the real runner, on demand (not in CI).

Usage:

    .venv/bin/python bench/sink_throughput.py [--events 5000] [--types file postgres redis]
        [--in-flight 64]

Starts an embedded Tansu broker, publishes --events canonical events over 200 keys to one
topic (6 partitions), then for each sink type runs a fresh sink (its own group) until the
target holds every event, and prints events/s from the sink's start (group join included, about
0.75 s on Tansu with the 1.5 s session timeout used here) to the last delivery.
Targets: a temporary file, PostgreSQL db `test` and Redis on 127.0.0.1 (unique table and stream
names, removed afterwards). Everything stops itself.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from _sink_harness import TOPIC, create_topics, events_for, produce, running, sink_config  # noqa: E402

from relay.embedded import EmbeddedBroker  # noqa: E402

Counter = Callable[[], Awaitable[int]]


Target = tuple[dict[str, Any], Counter, Callable[[], Awaitable[None]]]


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
        keys = [k async for k in client.scan_iter(f"{prefix}:*")]
        for start in range(0, len(keys), 1000):
            await client.delete(*keys[start : start + 1000])
        await client.aclose()

    return {"stream_prefix": prefix}, count, cleanup


TARGETS = {"file": _file_target, "postgres": _postgres_target, "redis": _redis_target}


async def bench(bootstrap: str, events: int, kinds: list[str], in_flight: int) -> None:
    """Publish ``events`` once, then time a fresh sink of each of ``kinds`` delivering them."""
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    await create_topics(bootstrap, [f"{prefix}.{TOPIC}"], partitions=6)
    batch = events_for(keys=200, per_key=max(events // 200, 1))
    await produce(bootstrap, prefix, batch)
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            keys, count, cleanup = await TARGETS[kind](uuid.uuid4().hex[:8], Path(tmp))
            config = sink_config(
                f"bench-{kind}", type=kind, max_in_flight=in_flight, session_timeout_ms=1500, **keys
            )
            try:
                started = time.perf_counter()
                async with running(bootstrap, prefix, config) as sink:
                    deadline = started + 300
                    while await count() < len(batch) and time.perf_counter() < deadline:  # noqa: ASYNC110 (polling the target)
                        await asyncio.sleep(0.05)
                    elapsed = time.perf_counter() - started
                    delivered = sink.value("relay_sink_deliveries_total", outcome="delivered")
                print(
                    orjson.dumps(
                        {
                            "sink": kind,
                            "events": len(batch),
                            "delivered": delivered,
                            "seconds": round(elapsed, 2),
                            "events_per_second": round(len(batch) / elapsed),
                        }
                    ).decode()
                )
            finally:
                await cleanup()


def main() -> None:
    """Parse the arguments and run the benchmark against an embedded broker."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument(
        "--types",
        nargs="+",
        default=["file", "postgres", "redis"],
        choices=sorted(TARGETS),
    )
    parser.add_argument("--in-flight", type=int, default=64)
    args = parser.parse_args()
    with EmbeddedBroker() as broker:
        asyncio.run(
            bench(broker.bootstrap_servers, min(args.events, 100_000), args.types, args.in_flight)
        )


if __name__ == "__main__":
    main()
