"""Benchmark: instructions per webhook of relay's in-process pipeline, counted by callgrind.

Usage: ``.venv/bin/python bench/instructions.py [--webhooks 100 500] [--baseline REF]
[--body docs-order]``
(on demand; needs valgrind, ``apt-get install valgrind``).

On this shared machine a time moves by 2x from one run to the next; an instruction count
does not. This runs bench/pipeline.py's pipeline (the real ``RelayApp``: verify, dedup,
normalize, raw + canonical records, publish to an embedded Tansu, wait for the acks) under
``valgrind --tool=callgrind`` once with fewer and once with more webhooks, and prints the
difference divided by the webhooks between: the instructions one webhook costs, with the
start-up and the warm-up cancelled out. Only the relay process is counted (the broker
runs outside valgrind), and only user space: the kernel's share (system calls, page
faults) is not in it, so a change that saves page faults gains more than it shows here.
``--baseline REF`` measures git revision REF (extracted to a temporary folder) the same
way, right before this tree, and prints the ratio.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from trees import extract

ROOT = Path(__file__).resolve().parent.parent


def _child(tree: Path, bootstrap: str, webhooks: int, args: argparse.Namespace) -> None:
    """Run the pipeline with the code of ``tree`` (under valgrind, started by ``_count``)."""
    sys.path.insert(0, str(tree))
    import pipeline  # noqa: PLC0415 (bench/pipeline.py, importing the tree's relay)
    import uvloop  # noqa: PLC0415

    from relay import server  # noqa: PLC0415

    # ~50x slower under valgrind: no webhook may time out into a 503
    timeouts = {"publish_timeout_seconds": 300, "request_timeout_ms": 300_000}
    settings = pipeline.bench_settings(bootstrap, "cg", **timeouts)
    if hasattr(server, "tune_gc"):  # as relay serve does, in trees that have it
        server.tune_gc(settings.gc)
    body = pipeline.BODIES[args.body]()
    uvloop.run(pipeline._pipeline(settings, body, webhooks, args.concurrency, args.setup))  # noqa: SLF001


def _count(tree: Path, bootstrap: str, webhooks: int, args: argparse.Namespace, out: Path) -> int:
    """Instructions of one whole run of ``webhooks`` (after 200 of warm-up) with ``tree``."""
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out}",
        sys.executable,
        __file__,
        "--child",
        str(tree),
        "--bootstrap",
        bootstrap,
        "--webhooks",
        str(webhooks),
        str(webhooks),
        "--concurrency",
        str(args.concurrency),
        "--body",
        args.body,
        "--setup",
        args.setup,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"the pipeline failed under valgrind:\n{result.stderr[-2000:]}")
    totals = re.search(r"^totals: (\d+)", out.read_text(), re.MULTILINE)
    if totals is None:
        sys.exit(f"no totals in {out}")
    return int(totals.group(1))


def _per_webhook(tree: Path, bootstrap: str, sizes: list[int], args: argparse.Namespace) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        few, many = (_count(tree, bootstrap, n, args, Path(tmp) / f"callgrind.{n}") for n in sizes)
    return (many - few) / (sizes[1] - sizes[0])


def main() -> None:
    """Count instructions per webhook for this tree (and a baseline) and print them."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--webhooks", type=int, nargs=2, default=[100, 500], metavar="N")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--baseline", metavar="REF", help="also count git revision REF")
    parser.add_argument(
        "--body",
        # pipeline.BODIES' names: importing pipeline up here would import this tree's relay
        # before a child has put the tree it measures first on sys.path
        choices=["docs-order", "orders-create"],
        default="orders-create",
        help="the Shopify order posted (see run.py --body)",
    )
    parser.add_argument(
        "--setup",
        # pipeline.SETUPS' keys, for the same reason
        choices=["normalized", "reused", "none", "peer"],
        default="normalized",
        help="what the pipeline runs (see pipeline.py --setups): normalized, relay as it "
        "runs; reused or none, relay without normalization; peer, the hand-written peer",
    )
    parser.add_argument("--child", metavar="TREE", help=argparse.SUPPRESS)
    parser.add_argument("--bootstrap", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(Path(args.child), args.bootstrap, args.webhooks[0], args)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: apt-get install valgrind")
    sizes = sorted(args.webhooks)
    sys.path.insert(0, str(ROOT))
    from relay.embedded import EmbeddedBroker  # noqa: PLC0415

    with EmbeddedBroker() as broker, tempfile.TemporaryDirectory() as base:
        trees: list[tuple[str, Path]] = []
        if args.baseline:
            trees.append((args.baseline, extract(args.baseline, Path(base))))
        trees.append(("this tree", ROOT))
        counts = {
            name: _per_webhook(tree, broker.bootstrap_servers, sizes, args) for name, tree in trees
        }
    print(f"body {args.body}, {args.concurrency} at a time, setup {args.setup};")
    print("instructions per webhook")
    print(f"(callgrind, user space, runs of {sizes[0]} and {sizes[1]} webhooks):\n")
    for name, count in counts.items():
        print(f"  {name:<12} {count / 1e6:8.3f} M")
    if args.baseline:
        ratio = counts["this tree"] / counts[args.baseline]
        print(f"\n  this tree / {args.baseline}: {ratio:.3f}")


if __name__ == "__main__":
    main()
