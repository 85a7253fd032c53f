"""Benchmark: system calls per webhook of `relay serve` under load, counted by strace.

Usage: ``.venv/bin/python bench/syscalls.py [--duration 5] [--connections 64] [--baseline REV]``
(on demand; needs wrk and strace, ``apt-get install wrk strace``).

``instructions.py`` counts user space only; what a webhook costs in the kernel (socket reads
and writes, ``epoll_wait``, ``getpid``, ``mmap``) is not in it, and a wall-clock comparison on
this shared machine cannot resolve a few percent. This starts `relay serve` as ``run.py`` does,
warms it up, then attaches ``strace -c -f`` to it for one wrk run and prints each system
call's count per webhook answered (strace slows the server down; the counts per webhook do
not depend on the speed, except that a slower server finds more requests ready per
``epoll_wait``, so compare counts measured in one run). ``--baseline REV`` measures git
revision REV the same way, right before this tree, and prints both.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline import BODIES
from pipeline import signature as shopify_signature
from run import _stop, _wait_http, _wrk, start_relay
from trees import extract

from relay.embedded import EmbeddedBroker, free_port


def _counts(strace_output: str) -> dict[str, int]:
    """Calls per system call from ``strace -c``'s summary table."""
    counts: dict[str, int] = {}
    for line in strace_output.splitlines():
        fields = line.split()
        if len(fields) in {5, 6} and fields[0][0].isdigit() and fields[-1] != "total":
            counts[fields[-1]] = int(fields[3])
    return counts


def _measure(
    tree: Path | None, args: argparse.Namespace, tmp: Path, bootstrap: str, signature: str
) -> tuple[int, dict[str, int]]:
    """Requests answered and system calls made by one relay during one traced wrk run."""
    name = "base" if tree is not None else "this"
    run_dir = tmp / name
    run_dir.mkdir()
    server = {"port": free_port()}
    relay = start_relay(run_dir, bootstrap, f"sys{name}", args.cpu, server, tree=tree)
    url = f"http://127.0.0.1:{server['port']}/webhooks/bench"
    env = {"BENCH_BODY": str(tmp / "body.json"), "BENCH_HMAC": signature}
    try:
        _wait_http(url.replace("/webhooks/bench", "/readyz"))
        _wrk("relay", url, args.connections, 3, args.load_cpu, {**env, "BENCH_RUN": f"{name}-w"})
        out = run_dir / "strace.txt"
        strace = subprocess.Popen(
            ["strace", "-c", "-f", "-o", str(out), "-p", str(relay.pid)],
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1.0)  # attached to every thread before the load starts
        env["BENCH_RUN"] = f"{name}-m"
        result = _wrk("relay", url, args.connections, args.duration, args.load_cpu, env)
        strace.send_signal(signal.SIGINT)
        strace.wait(30)
    finally:
        _stop(relay)
    return result.requests - result.errors, _counts(out.read_text())


def main() -> None:
    """Count system calls per webhook for this tree (and a baseline) and print them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of the traced wrk run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--cpu", default="0", help="core for relay (taskset list)")
    parser.add_argument("--load-cpu", default="1", help="core for wrk and the broker")
    parser.add_argument("--body", choices=sorted(BODIES), default="orders-create")
    parser.add_argument("--baseline", metavar="REV", help="also count git revision REV")
    args = parser.parse_args()
    for tool in ("wrk", "strace"):
        if shutil.which(tool) is None:
            sys.exit(f"bench needs {tool}: apt-get install {tool}")
    tmp = Path(tempfile.mkdtemp(prefix="relay-syscalls-"))
    body = BODIES[args.body]()
    (tmp / "body.json").write_bytes(body)
    signature = shopify_signature(body)
    results: dict[str, tuple[int, dict[str, int]]] = {}
    with EmbeddedBroker(log_path=tmp / "tansu.log") as broker:
        pin = ["taskset", "-p", "-c", str(args.load_cpu), str(broker.pid)]
        subprocess.run(pin, capture_output=True, check=False)
        bootstrap = broker.bootstrap_servers
        if args.baseline:
            base = extract(args.baseline, tmp / "base-tree")
            results[args.baseline] = _measure(base, args, tmp, bootstrap, signature)
        results["this tree"] = _measure(None, args, tmp, bootstrap, signature)
    shutil.rmtree(tmp, ignore_errors=True)
    _report(results, args, len(body))


def _report(
    results: dict[str, tuple[int, dict[str, int]]], args: argparse.Namespace, size: int
) -> None:
    print(f"body: {args.body}, {size} bytes; {args.connections} connections, {args.duration} s")
    print("system calls per webhook answered (strace -c -f on relay serve):\n")
    names = list(results)
    calls = sorted(
        {call for _, counts in results.values() for call in counts},
        key=lambda call: -max(counts.get(call, 0) / max(1, n) for n, counts in results.values()),
    )
    print(f"  {'':<18}" + "".join(f"{name:>14}" for name in names))
    print(f"  {'webhooks':<18}" + "".join(f"{results[name][0]:>14}" for name in names))
    for call in [*calls, "total"]:
        row = []
        for name in names:
            answered, counts = results[name]
            total = sum(counts.values()) if call == "total" else counts.get(call, 0)
            row.append(f"{total / max(1, answered):>14.2f}")
        print(f"  {call:<18}" + "".join(row))


if __name__ == "__main__":
    main()
