"""Benchmark: relay's CPU per webhook in-process, without HTTP, stage by stage (on demand).

Usage: ``.venv/bin/python bench/pipeline.py [--webhooks 5000] [--concurrency 64] [--setups ...]``

Drives the real ``RelayApp`` ASGI callable (verify, dedup, normalize, publish raw + canonical
to an embedded Tansu broker, acks=all) with signed Shopify orders/create webhooks, ``concurrency``
at a time, and reports the process's CPU time per webhook (``time.process_time``: all threads,
robust to other load on the machine, unlike req/s), then the same for each stage alone in a
tight loop. HTTP is left out: bench/run.py measures it, against a bare ASGI app.

``--setups`` (``SETUPS``) also runs relay without normalization and the hand-written peer
(bench/handwritten.py) through the same clients, to split relay's cost in one run.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from starlette.types import ASGIApp, Message

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))  # handwritten.py, when this is imported from elsewhere

from normalizers import CanonicalEvent  # noqa: E402
from relay.app import RelayApp  # noqa: E402
from relay.config import Settings  # noqa: E402
from relay.embedded import EmbeddedBroker  # noqa: E402
from relay.server import tune_gc  # noqa: E402
from relay.signing import sample_body, sign  # noqa: E402
from relay.webhooks import SourceRuntime  # noqa: E402
from verifiers import InboundRequest, Secret, Verified  # noqa: E402

SECRET = "bench-secret"  # noqa: S105 (a benchmark-only secret)


def signature(body: bytes) -> str:
    """The ``X-Shopify-Hmac-Sha256`` of ``body`` with the bench's secret, by relay's signer."""
    headers = sign("shopify", body, Secret(SECRET), "orders/create", datetime.now(UTC))
    return headers["X-Shopify-Hmac-Sha256"]


def _headers(body: bytes) -> list[tuple[bytes, bytes]]:
    """A signed webhook's headers but its delivery id (the bench signs each body once)."""
    return [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"x-shopify-topic", b"orders/create"),
        (b"x-shopify-shop-domain", b"bench.myshopify.com"),
        (b"x-shopify-api-version", b"2024-10"),
        (b"x-shopify-hmac-sha256", signature(body).encode()),
    ]


def order_body() -> bytes:
    """The Shopify ``orders/create`` sample, compacted: the body the in-process benches use."""
    return orjson.dumps(orjson.loads(sample_body("shopify", "orders/create")))


def docs_order_body() -> bytes:
    """The order of Shopify's REST API docs (bench/samples, 2015), compacted: 2,825 bytes."""
    fixture = orjson.loads(
        (Path(__file__).parent / "samples" / "shopify-docs-order.json").read_bytes()
    )
    return orjson.dumps(fixture["order"])


BODIES = {"orders-create": order_body, "docs-order": docs_order_body}
"""The Shopify orders the benches can post, by name."""


def bench_settings(bootstrap: str, prefix: str, **kafka: object) -> Settings:
    """One Shopify source ``bench`` signed with ``SECRET``, publishing to ``bootstrap``."""
    os.environ["BENCH_SECRET"] = SECRET
    return Settings.model_validate(
        {
            "kafka": {
                "bootstrap_servers": bootstrap,
                "topic_prefix": f"{prefix}{uuid.uuid4().hex[:6]}",
                "enable_idempotence": False,
                **kafka,
            },
            "sources": [{"id": "bench", "platform": "shopify", "secrets": ["env:BENCH_SECRET"]}],
            "log_level": "WARNING",
        }
    )


async def _post(
    app: ASGIApp, body: bytes, headers: list[tuple[bytes, bytes]], delivery: str
) -> int:
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/webhooks/bench",
        "query_string": b"",
        "headers": [*headers, (b"x-shopify-webhook-id", delivery.encode())],
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)  # type: ignore[arg-type]
    return status


SETUPS = {
    "normalized": "whole pipeline (no HTTP)",
    "reused": "relay, events reused",
    "none": "relay, raw record only",
    "peer": "hand-written peer",
}
"""What the whole pipeline runs, and the row each is printed as. Relay, its canonical
events made: ``normalized``, by the source's normalizer (relay as it runs); ``reused``,
the events the normalizer made for the first webhook, already serialized, published again
for every webhook (relay without normalizing and serializing: what publishing the second
record costs); ``none``, no canonical event (the raw record alone, as the peer sends).
``peer``: the hand-written peer (bench/handwritten.py), driven the same way."""


def _canonical(source: SourceRuntime, how: str) -> SourceRuntime:
    """``source`` with its normalizer replaced as ``how`` (a ``SETUPS`` key of relay) says."""
    if how == "none":
        return dataclasses.replace(source, normalizer=lambda _delivery: [])
    if how == "reused":
        made: list[CanonicalEvent] = []

        def reuse(delivery: Verified) -> list[CanonicalEvent]:
            if not made:
                made.extend(source.normalizer(delivery))
                for event in made:
                    event.to_json()  # kept on the event: never serialized again
            return made

        return dataclasses.replace(source, normalizer=reuse)
    return source


async def _drive(app: ASGIApp, body: bytes, webhooks: int, concurrency: int) -> float:
    """Post ``webhooks`` signed webhooks to ``app``, ``concurrency`` at a time, after a warm-up.

    Returns the CPU time per webhook of this process (all threads); exits unless every
    webhook was answered 200.
    """
    statuses: list[int] = []
    headers = _headers(body)
    run = uuid.uuid4().hex[:8]

    async def client(numbers: Iterator[int]) -> None:
        """One of ``concurrency`` clients: post the next webhook as the last is answered."""
        statuses.extend([await _post(app, body, headers, f"{run}-{n}") for n in numbers])

    async def drive(first: int, count: int) -> None:
        numbers = iter(range(first, first + count))  # shared: each number posted once
        await asyncio.gather(*(client(numbers) for _ in range(concurrency)))

    await drive(0, 200)  # warm up
    statuses.clear()
    before = os.times()
    await drive(200, webhooks)
    after = os.times()
    cpu = after.user - before.user + after.system - before.system
    bad = [s for s in statuses if s != 200]
    if bad:
        sys.exit(f"{len(bad)} webhooks not answered 200 (first: {bad[0]})")
    return 1e6 * cpu / webhooks


async def _pipeline(
    settings: Settings,
    body: bytes,
    webhooks: int,
    concurrency: int,
    setup: str = "normalized",
) -> float:
    """The CPU per webhook of ``setup`` (a ``SETUPS`` key), publishing to ``settings``' Kafka."""
    if setup == "peer":
        return await _peer_pipeline(settings.kafka.bootstrap_servers, body, webhooks, concurrency)
    app = RelayApp(settings)
    for source_id, source in app.sources.items():  # the receiver reads this same mapping
        app.sources[source_id] = _canonical(source, setup)
    async with app._lifespan(app.http):  # noqa: SLF001 (the app's own start-up and shutdown)
        return await _drive(app, body, webhooks, concurrency)


async def _peer_pipeline(bootstrap: str, body: bytes, webhooks: int, concurrency: int) -> float:
    """The hand-written peer's CPU per webhook (bench/handwritten.py), driven as relay is."""
    from handwritten import Receiver  # noqa: PLC0415 (bench/, on the path as this script's)

    peer = Receiver(bootstrap, f"peer{uuid.uuid4().hex[:6]}.peer", SECRET.encode(), "zstd")
    events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    done: asyncio.Queue[str] = asyncio.Queue()

    async def send(message: Message) -> None:
        await done.put(str(message["type"]))

    lifespan = asyncio.create_task(peer({"type": "lifespan"}, events.get, send))
    await events.put({"type": "lifespan.startup"})
    await done.get()
    try:
        return await _drive(peer, body, webhooks, concurrency)
    finally:
        await events.put({"type": "lifespan.shutdown"})
        await lifespan


def _stage(fn: Callable[[], object], repeat: int = 2000) -> float:
    for _ in range(200):
        fn()
    runs = []
    for _ in range(5):
        started = time.process_time()
        for _ in range(repeat):
            fn()
        runs.append(1e6 * (time.process_time() - started) / repeat)
    return statistics.median(runs)


def _stages(settings: Settings, body: bytes) -> dict[str, float]:
    app = RelayApp(settings)
    source = app.sources["bench"]
    signed = [*_headers(body), (b"x-shopify-webhook-id", b"stage-1")]
    headers = {k.decode(): v.decode() for k, v in signed}
    request = InboundRequest(
        method="POST",
        path="/webhooks/bench",
        query="",
        headers=headers,
        body=body,
        source_id="bench",
        received_at=datetime.now(UTC),
    )
    delivery = source.verifier.verify(request, source.secrets, now=request.received_at)
    events = list(source.normalizer(delivery))
    now = request.received_at
    return {
        "verify": _stage(lambda: source.verifier.verify(request, source.secrets, now=now)),
        "parse (orjson)": _stage(lambda: orjson.loads(body)),
        "normalize": _stage(lambda: list(source.normalizer(delivery))),
        "raw record": _stage(lambda: app.builder.raw(delivery)),
        "event records": _stage(lambda: app.builder.events(events)),
    }


def main() -> None:
    """Run the benchmark and print CPU per webhook."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--webhooks", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--cpu", type=int, default=0, help="core for this process")
    parser.add_argument("--broker-cpu", type=int, default=1, help="core for the broker")
    parser.add_argument("--body", choices=sorted(BODIES), default="orders-create")
    parser.add_argument(
        "--setups",
        nargs="+",
        choices=list(SETUPS),
        default=list(SETUPS),
        help="what the whole pipeline runs, each in turn: relay as it runs (normalized), "
        "relay publishing the first webhook's canonical events again, already serialized "
        "(reused: relay without normalization), relay publishing the raw record alone "
        "(none), the hand-written peer (peer)",
    )
    args = parser.parse_args()
    pin_self = ["taskset", "-p", "-c", str(args.cpu), str(os.getpid())]
    subprocess.run(pin_self, capture_output=True, check=False)
    body = BODIES[args.body]()
    with EmbeddedBroker() as broker:
        pin = ["taskset", "-p", "-c", str(args.broker_cpu), str(broker.pid)]
        subprocess.run(pin, capture_output=True, check=False)
        settings = bench_settings(broker.bootstrap_servers, "pipe")
        import uvloop  # noqa: PLC0415 (as relay serve runs)

        tune_gc(settings.gc)  # as relay serve does

        per_webhook = {
            setup: uvloop.run(_pipeline(settings, body, args.webhooks, args.concurrency, setup))
            for setup in args.setups
        }
    print(f"body: {args.body}, {len(body)} bytes; {args.webhooks} webhooks,")
    print(f"{args.concurrency} at a time; CPU per webhook (this process, all threads):\n")
    whole = per_webhook.get("normalized")
    for setup, micros in per_webhook.items():
        share = "" if whole is None else f"  {micros / whole:5.2f} of the whole"
        print(f"  {SETUPS[setup]:<26} {micros:8.1f} us{share}")
    for name, micros in _stages(settings, body).items():
        print(f"  {name:<26} {micros:8.1f} us")


if __name__ == "__main__":
    main()
