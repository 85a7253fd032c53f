"""Benchmark: the CPU cost of normalizing one webhook and serializing its CloudEvent.

Usage (on demand, not in CI):

    .venv/bin/python bench/normalize.py [--calls 300] [--repeats 7] [--baseline REF]
    .venv/bin/python bench/normalize.py --profile shopify/orders.create

For a few golden samples (tests/samples/<platform>/<case>, the same bodies as
relay/samples/, compacted as the bench's load generator sends them) it prints, per stage,
the microseconds of the fastest call over ``--repeats`` runs of ``--calls`` calls, each
call timed on its own. The fastest call is the one no other process slowed down: on this
shared machine a median drifts by 2x from one run to the next, the fastest by a few %.
Stages:

- parse: ``orjson.loads`` of the body (the part of normalizing no mapping can avoid);
- normalize: the platform's normalizer, body bytes to ``CanonicalEvent`` (parse included);
- to_json: the structured-mode record value (the whole envelope) of a fresh event;
- data_json: the binary-mode record value (``data`` only) of a fresh event;
- total: normalize + to_json, what a structured-mode webhook costs.

(``shopify/draft_orders.create`` stays a ``PlatformEvent``: the whole body, unmapped.)

Serialization is timed as on the hot path: on an event just normalized and never
serialized. ``--baseline REF`` also measures the code of git revision REF (extracted to a
temporary directory), alternating runs of both in separate processes, and prints both
with the ratio: compare figures of one run only. ``--profile CASE`` prints a cProfile of
normalize + to_json.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREE = Path(sys.argv[sys.argv.index("--tree") + 1]) if "--tree" in sys.argv else ROOT
sys.path[:0] = [str(TREE), str(TREE / "tests" / "normalizers"), str(TREE / "tests")]

import orjson  # noqa: E402
from conftest import build_delivery  # noqa: E402
from test_samples import SAMPLES, sample_delivery  # noqa: E402
from trees import extract  # noqa: E402

from normalizers import NORMALIZERS  # noqa: E402
from verifiers import Verified  # noqa: E402

CASES = (
    "shopify/orders.create",
    "shopify/products.create",
    "shopify/customers.create",
    "shopify/draft_orders.create",
    "woocommerce/order.created",
    "woocommerce/product.created",
    "woocommerce/customer.created",
    "bigcommerce/store.order.created",
)
STAGES = ("parse", "normalize", "to_json", "data_json", "total")


def delivery_of(case: str) -> Verified:
    """The delivery of a golden sample as its verifier would build it, with a compact body."""
    platform = case.split("/", maxsplit=1)[0]
    return sample_delivery(build_delivery, SAMPLES / case, f"{platform}-bench", compact=True)


def timed(run: Callable[[], object], calls: int, before: Callable[[], object] = tuple) -> float:
    """Return the microseconds of the fastest of ``calls`` calls of ``run(before())``.

    What ``run`` returns is dropped inside the timed section (deallocation is a cost).
    """
    gc.collect()
    clock = time.perf_counter_ns
    samples = []
    for _ in range(calls):
        prepared = before()
        start = clock()
        run(prepared)  # type: ignore[call-arg]
        samples.append(clock() - start)
    return min(samples) / 1000


def measure(case: str, calls: int) -> dict[str, float]:
    """Return the per-call microseconds of each stage of one case (one repetition)."""
    delivery = delivery_of(case)
    normalize = NORMALIZERS[delivery.platform]
    body = delivery.request.body

    def events() -> object:
        return normalize(delivery)

    def structured(events: object) -> None:
        for event in events:  # type: ignore[attr-defined]
            event.to_json()

    def binary(events: object) -> None:
        for event in events:  # type: ignore[attr-defined]
            event.data_json()

    return {
        "parse": timed(lambda _: orjson.loads(body), calls),
        "normalize": timed(lambda _: normalize(delivery), calls),
        "to_json": timed(structured, calls, events),
        "data_json": timed(binary, calls, events),
        "total": timed(lambda _: structured(normalize(delivery)), calls),
    }


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


def run_tree(tree: Path, cases: list[str], calls: int) -> dict[str, dict[str, float]]:
    """Measure every case once in a fresh process importing the code of ``tree``."""
    command = [sys.executable, __file__, "--tree", str(tree), "--json", "--repeats", "1"]
    command += ["--calls", str(calls), "--cases", *cases]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    figures: dict[str, dict[str, float]] = json.loads(output)
    return figures


def compare(ref: str, cases: list[str], calls: int, repeats: int) -> None:
    """Print before (``ref``) and after (this tree) figures, measured alternately."""
    with tempfile.TemporaryDirectory() as tmp:
        base = extract(ref, Path(tmp))
        before: list[dict[str, dict[str, float]]] = []
        after: list[dict[str, dict[str, float]]] = []
        for _ in range(repeats):
            before.append(run_tree(base, cases, calls))
            after.append(run_tree(ROOT, cases, calls))
    print(f"fastest call of {repeats} alternating runs x {calls} calls, microseconds")
    print(f"before = {ref}, after = this tree\n")
    print("| case | stage | before | after | after/before |")
    print("|---|---|---|---|---|")
    for case in cases:
        for stage in STAGES:
            old = min(run[case][stage] for run in before)
            new = min(run[case][stage] for run in after)
            print(f"| {case} | {stage} | {old:.1f} | {new:.1f} | {new / old:.2f} |")


def main() -> None:
    """Measure every case and print a Markdown table (or JSON, for ``--baseline``)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="calls per run")
    parser.add_argument("--repeats", type=int, default=7, help="runs")
    parser.add_argument("--cases", nargs="+", default=list(CASES), help="platform/case")
    parser.add_argument("--profile", metavar="CASE", help="cProfile one case instead")
    parser.add_argument("--baseline", metavar="REF", help="also measure git revision REF")
    parser.add_argument("--tree", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile:
        profile(args.profile, args.calls)
        return
    if args.baseline:
        compare(args.baseline, args.cases, args.calls, args.repeats)
        return
    runs = {case: [measure(case, args.calls) for _ in range(args.repeats)] for case in args.cases}
    medians = {
        case: {stage: min(run[stage] for run in figures) for stage in STAGES}
        for case, figures in runs.items()
    }
    if args.json:
        print(json.dumps(medians))
        return
    print(f"fastest call of {args.repeats} runs x {args.calls} calls, microseconds\n")
    print("| case | body bytes | " + " | ".join(STAGES) + " |")
    print("|---|---|" + "---|" * len(STAGES))
    for case, figures in medians.items():
        size = len(delivery_of(case).request.body)
        cells = " | ".join(f"{figures[stage]:.1f}" for stage in STAGES)
        print(f"| {case} | {size:,} | {cells} |")


if __name__ == "__main__":
    main()
