"""Soak: relay's memory over a long run at half of its maximum load (on demand, not in CI).

Usage (needs Debian's `wrk` for the maximum):

    .venv/bin/python bench/soak.py [--seconds 600] [--every 10] [--warmup 60]
        [--dedup-max-entries 50000] [--cpu 0 --load-cpu 1]

Starts an embedded Tansu broker and `relay serve` (pinned to --cpu) with one Shopify source,
measures relay's maximum with wrk (5 s, 64 connections), then sends signed Shopify
orders/create webhooks, each with a unique delivery id, at half that rate from 32 keep-alive
connections (this process, pinned to --load-cpu) for --seconds. Every --every seconds it prints
relay's RSS (``VmRSS``), its dedup cache entries (``relay_dedup_entries`` from /metrics) and the
answers so far. At the end: RSS after --warmup against the rest (the target is flat within
+-10 %), the largest dedup cache seen against its bound, errors, and every 2xx read back from
``<prefix>.raw``. Everything binds 127.0.0.1 and stops itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from pipeline import order_body  # noqa: E402
from pipeline import signature as shopify_signature  # noqa: E402
from run import _stop, _wait_http, _wrk, read_back, start_relay  # noqa: E402

from relay.embedded import EmbeddedBroker, free_port  # noqa: E402

CONNECTIONS = 32


@dataclass
class Load:
    """What the paced load got back so far."""

    answers: Counter[int | str] = field(default_factory=Counter)
    accepted: int = 0


def _rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0


def _dedup_entries(metrics_url: str) -> float:
    text = httpx.get(metrics_url, timeout=5).text
    match = re.search(r"^relay_dedup_entries (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else float("nan")


def _request(body: bytes, signature: str, delivery_id: str) -> bytes:
    head = (
        "POST /webhooks/bench HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\n"
        "X-Shopify-Topic: orders/create\r\nX-Shopify-Shop-Domain: bench.myshopify.com\r\n"
        f"X-Shopify-Hmac-Sha256: {signature}\r\nX-Shopify-Webhook-Id: {delivery_id}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _connection(
    port: int, n: int, rate: float, until: float, body: bytes, signature: str, load: Load
) -> None:
    """One keep-alive connection sending at ``rate`` requests/s until ``until``."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    interval = 1.0 / rate
    next_at = time.monotonic() + n * interval / CONNECTIONS
    count = 0
    try:
        while (now := time.monotonic()) < until:
            if next_at > now:
                await asyncio.sleep(next_at - now)
            next_at += interval
            count += 1
            writer.write(_request(body, signature, f"soak-{n}-{count}"))
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = re.search(rb"(?i)content-length: (\d+)", head)
            await reader.readexactly(int(length.group(1)) if length else 0)
            load.answers[status] += 1
            if 200 <= status < 300:
                load.accepted += 1
    except (OSError, asyncio.IncompleteReadError) as exc:
        load.answers[exc.__class__.__name__] += 1
    finally:
        writer.close()


async def _soak(
    port: int, rate: float, args: argparse.Namespace, relay_pid: int, body: bytes, sig: str
) -> tuple[Load, list[tuple[float, float, float, int]]]:
    load = Load()
    started = time.monotonic()
    until = started + args.seconds
    per_connection = rate / CONNECTIONS
    tasks = [
        asyncio.create_task(_connection(port, n, per_connection, until, body, sig, load))
        for n in range(CONNECTIONS)
    ]
    samples: list[tuple[float, float, float, int]] = []
    metrics_url = f"http://127.0.0.1:{port}/metrics"
    print(f"{'t s':>6} {'RSS MiB':>8} {'dedup':>8} {'2xx':>9} {'other':>6}")
    while time.monotonic() < until:
        await asyncio.sleep(min(args.every, max(0.0, until - time.monotonic())))
        entries = await asyncio.to_thread(_dedup_entries, metrics_url)
        sample = (time.monotonic() - started, _rss_mib(relay_pid), entries, load.accepted)
        samples.append(sample)
        other = sum(load.answers.values()) - load.accepted
        print(f"{sample[0]:>6.0f} {sample[1]:>8.1f} {entries:>8.0f} {load.accepted:>9} {other:>6}")
    await asyncio.gather(*tasks)
    return load, samples


def main() -> None:
    """Run the soak and print RSS over time."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=600, help="length of the soak")
    parser.add_argument("--every", type=float, default=10.0, help="seconds between samples")
    parser.add_argument("--warmup", type=float, default=60.0, help="seconds before RSS counts")
    parser.add_argument("--dedup-max-entries", type=int, default=50_000)
    parser.add_argument("--rate", type=float, help="requests/s (default: half of wrk's maximum)")
    parser.add_argument("--cpu", default="0", help="cores for relay (taskset list)")
    parser.add_argument("--load-cpu", type=int, default=1, help="core for the load and broker")
    args = parser.parse_args()
    if args.rate is None and not shutil.which("wrk"):
        sys.exit("soak needs wrk for the maximum (apt-get install wrk), or --rate")
    os.sched_setaffinity(0, {args.load_cpu})

    tmp = Path(tempfile.mkdtemp(prefix="relay-soak-"))
    body = order_body()
    (tmp / "body.json").write_bytes(body)
    signature = shopify_signature(body)
    prefix = f"soak{uuid.uuid4().hex[:8]}"
    with EmbeddedBroker(log_path=tmp / "tansu.log") as broker:
        port = free_port()
        dedup = {"max_entries": args.dedup_max_entries}
        relay = start_relay(
            tmp, broker.bootstrap_servers, prefix, args.cpu, {"port": port}, dedup=dedup
        )
        try:
            _wait_http(f"http://127.0.0.1:{port}/readyz")
            rate = args.rate
            maximum = None
            if rate is None:
                env = {
                    "BENCH_BODY": str(tmp / "body.json"),
                    "BENCH_HMAC": signature,
                    "BENCH_RUN": "max",
                }
                url = f"http://127.0.0.1:{port}/webhooks/bench"
                maximum = _wrk("relay", url, 64, 5, args.load_cpu, env)
                rate = maximum.rps / 2
            print(
                f"soak: {args.seconds}s at {rate:.0f} req/s"
                + (f" (half of wrk's {maximum.rps:.0f})" if maximum else "")
                + f", dedup.max_entries {args.dedup_max_entries}\n"
            )
            load, samples = asyncio.run(_soak(port, rate, args, relay.pid, body, signature))
        finally:
            _stop(relay)
        expected = load.accepted + (maximum.requests - maximum.errors if maximum else 0)
        delivered = read_back(broker.bootstrap_servers, prefix, expected)
    _report(args, load, samples, expected, delivered)
    shutil.rmtree(tmp, ignore_errors=True)


def _report(
    args: argparse.Namespace,
    load: Load,
    samples: list[tuple[float, float, float, int]],
    expected: int,
    delivered: int,
) -> None:
    steady = [rss for t, rss, _, _ in samples if t >= args.warmup]
    if steady:
        base = steady[0]
        low, high = min(steady), max(steady)
        print(
            f"\nRSS after {args.warmup:.0f}s: {base:.1f} MiB; then {low:.1f}..{high:.1f} MiB "
            f"({100 * (low - base) / base:+.1f} % .. {100 * (high - base) / base:+.1f} %), "
            f"last {steady[-1]:.1f} MiB"
        )
    largest = max((entries for _, _, entries, _ in samples), default=0)
    print(f"dedup entries: largest {largest:.0f}, bound {args.dedup_max_entries}")
    print(f"answers: {dict(load.answers)}")
    print(f"2xx (wrk's maximum run included): {expected}; distinct on raw topic: {delivered}")


if __name__ == "__main__":
    main()
