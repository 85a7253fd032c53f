"""Benchmark: the CPU cost of normalizing one webhook and serializing its CloudEvent.

Usage (on demand, not in CI):

    .venv/bin/python bench/normalize.py [--calls 2000] [--repeats 7] [--profile CASE]

For a few golden samples (tests/samples/<platform>/<case>, bodies compacted as the bench's
load generator sends them) it prints, per stage, the median over ``--repeats`` runs of the
mean microseconds per call over ``--calls`` calls, all measured in one run:

- parse: ``orjson.loads`` of the body (the part of normalizing no mapping can avoid);
- normalize: the platform's normalizer, body bytes to ``CanonicalEvent`` (parse included);
- to_json: the structured-mode record value (the whole envelope), on a fresh event;
- data_json: the binary-mode record value (``data`` only), on a fresh event;
- total: normalize + to_json, what a structured-mode webhook costs.

Serialization is timed on events that were never serialized, as on the hot path.
``--profile CASE`` (e.g. ``shopify/orders.create``) prints a cProfile of normalize + to_json
instead.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests" / "normalizers"), str(ROOT / "tests")]

from conftest import build_delivery  # noqa: E402
from test_samples import HEADER_NAMES, SAMPLES  # noqa: E402

from normalizers import NORMALIZERS, CanonicalEvent  # noqa: E402
from verifiers import Verified  # noqa: E402

CASES = (
    "shopify/orders.create",
    "shopify/products.create",
    "shopify/customers.create",
    "woocommerce/order.created",
    "woocommerce/product.created",
    "woocommerce/customer.created",
    "bigcommerce/store.order.created",
)
STAGES = ("parse", "normalize", "to_json", "data_json", "total")


def delivery_of(case: str) -> Verified:
    """Build the delivery of a golden sample as its verifier would, with a compact body."""
    platform = case.split("/", maxsplit=1)[0]
    folder = SAMPLES / case
    headers: dict[str, str] = orjson.loads((folder / "headers.json").read_bytes())
    topic, delivery_id, store, occurred = HEADER_NAMES[platform]
    occurred_at = headers.get(occurred)
    return build_delivery(
        platform,
        orjson.dumps(orjson.loads((folder / "body.json").read_bytes())),
        headers.get(topic, ""),
        delivery_id=headers.get(delivery_id),
        store_id=headers.get(store),
        occurred_at=datetime.fromisoformat(occurred_at) if occurred_at else None,
        headers=headers,
        source_id=f"{platform}-bench",
    )


def per_call_us(run: Callable[[], object], calls: int) -> float:
    """Return the mean microseconds of one ``run()`` over ``calls`` calls."""
    gc.collect()
    start = time.perf_counter()
    for _ in range(calls):
        run()
    return (time.perf_counter() - start) / calls * 1e6


def fresh_events(normalize: Callable[[Verified], object], delivery: Verified, calls: int) -> list:
    """Return ``calls`` freshly normalized, never serialized event lists."""
    return [normalize(delivery) for _ in range(calls)]


def measure(case: str, calls: int) -> dict[str, float]:
    """Return the per-call microseconds of each stage of one case (one repetition)."""
    delivery = delivery_of(case)
    normalize = NORMALIZERS[delivery.platform]
    body = delivery.request.body
    figures = {
        "parse": per_call_us(lambda: orjson.loads(body), calls),
        "normalize": per_call_us(lambda: normalize(delivery), calls),
    }
    for stage in ("to_json", "data_json"):
        batches: list[list[CanonicalEvent]] = fresh_events(normalize, delivery, calls)
        pending = iter(batches)
        serialize: Callable[[CanonicalEvent], bytes] = getattr(CanonicalEvent, stage)

        def run(pending: object = pending, serialize: Callable = serialize) -> None:
            for event in next(pending):  # type: ignore[call-overload]
                serialize(event)

        figures[stage] = per_call_us(run, calls)
    figures["total"] = figures["normalize"] + figures["to_json"]
    return figures


def profile(case: str, calls: int) -> None:
    """Print the cProfile of ``calls`` normalize + to_json of one case."""
    delivery = delivery_of(case)
    normalize = NORMALIZERS[delivery.platform]
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        for event in normalize(delivery):
            event.to_json()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


def main() -> None:
    """Measure every case and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls per measurement")
    parser.add_argument("--repeats", type=int, default=7, help="repetitions (median)")
    parser.add_argument("--cases", nargs="+", default=list(CASES), help="platform/case")
    parser.add_argument("--profile", metavar="CASE", help="cProfile one case instead")
    args = parser.parse_args()
    if args.profile:
        profile(args.profile, args.calls)
        return
    print(f"median of {args.repeats} x {args.calls} calls, microseconds per webhook\n")
    print("| case | body bytes | " + " | ".join(STAGES) + " |")
    print("|---|---|" + "---|" * len(STAGES))
    for case in args.cases:
        runs = [measure(case, args.calls) for _ in range(args.repeats)]
        size = len(delivery_of(case).request.body)
        medians = [statistics.median(run[stage] for run in runs) for stage in STAGES]
        print(f"| {case} | {size:,} | " + " | ".join(f"{m:.1f}" for m in medians) + " |")


if __name__ == "__main__":
    main()
