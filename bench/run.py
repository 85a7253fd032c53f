"""Benchmark: relay's full pipeline against a bare ASGI app, measured in one run.

Usage (on demand, not in CI; needs Debian's `wrk`):

    .venv/bin/python bench/run.py [--duration 10] [--connections 64 4] [--cpu 0 --load-cpu 1]
    .venv/bin/python bench/run.py --workers 2 --cpu 0,1 --load-cpu 0,1   # server.workers: 2

Starts an embedded Tansu broker, a bare ASGI app, the hand-written peer receiver
(bench/handwritten.py: raw ASGI + aiokafka, verify, parse, one record) and `relay serve` (each
server pinned to --cpu), drives signed Shopify orders/create webhooks with wrk (pinned to
--load-cpu, a unique X-Shopify-Webhook-Id per request), reads `<prefix>.raw` (and the peer's
`<prefix>.peer`) back with confluent-kafka to check that every 2xx is in Kafka, and prints
requests/s, p50/p99 latency, errors, the ratio to bare ASGI and relay against the peer.
Everything runs on 127.0.0.1 and stops itself.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from _kafka import collect_header_values  # noqa: E402
from pipeline import BODIES, SECRET  # noqa: E402
from pipeline import signature as shopify_signature  # noqa: E402
from profile_summary import summarize  # noqa: E402
from trees import extract  # noqa: E402

from relay.embedded import EmbeddedBroker, free_port  # noqa: E402

PEER = "handwritten"
"""The setup name of bench/handwritten.py."""


@dataclass
class Result:
    """One wrk run."""

    name: str
    connections: int
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_us: float = 0.0
    """The server's CPU time (user + system, all threads) per request during the run."""


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        sys.exit(f"cannot read wrk's latency {text!r}")
    value, unit = match.groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def _wrk(
    name: str, url: str, connections: int, duration: int, load_cpu: str, env: dict[str, str]
) -> Result:
    cmd = ["taskset", "-c", str(load_cpu), "wrk", "-t1", f"-c{connections}", f"-d{duration}s"]
    cmd += ["--latency", "-s", str(ROOT / "bench" / "webhooks.lua"), url]
    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **env}, check=True)
    text = out.stdout
    requests = int(re.search(r"(\d+) requests in", text).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    # anchored: "+/- Stdev" columns such as "70.50%" end in "50%" too
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", text, re.MULTILINE).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", text, re.MULTILINE).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    errors = int(non2xx.group(1)) if non2xx else 0
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    return Result(name, connections, requests, rps, p50, p99, errors)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` and its live children (workers) so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_cpu_seconds(int(child)) for child in children)


def _wait_http(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} not up")


def _start(cmd: list[str], cpu: str, log: Path, cwd: Path | None = None) -> subprocess.Popen[bytes]:
    # `python -m relay` imports relay from the working directory first
    return subprocess.Popen(
        ["taskset", "-c", str(cpu), *cmd], stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=cwd
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def _profile(pid: int, args: argparse.Namespace, connections: int) -> subprocess.Popen[bytes]:
    """Start py-spy on ``pid`` for the coming wrk run (``DIR/relay-<conns>.txt``, collapsed)."""
    if not shutil.which("py-spy"):
        sys.exit("--profile needs py-spy: pip install py-spy")
    args.profile.mkdir(parents=True, exist_ok=True)
    out = args.profile / f"relay-{connections}.txt"
    seconds = max(1, args.duration - 1)
    cmd = ["py-spy", "record", "--format", "raw", "-o", str(out), "-d", str(seconds)]
    cmd += ["-r", "250", "--nonblocking", "--subprocesses", "-p", str(pid)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_relay(
    tmp: Path,
    bootstrap: str,
    prefix: str,
    cpu: str,
    server: dict[str, object],
    log_level: str = "WARNING",
    tree: Path | None = None,
    **sections: object,
) -> subprocess.Popen[bytes]:
    """Start `relay serve` pinned to ``cpu`` with the bench's Shopify source (log: relay.log).

    ``sections`` are merged into the config key by key (``kafka={"linger_ms": 5}`` keeps the
    bench's bootstrap servers). ``tree``: a source tree of relay to run instead of this one.
    """
    config: dict[str, object] = {
        "server": server,
        "kafka": {
            "bootstrap_servers": bootstrap,
            "topic_prefix": prefix,
            "enable_idempotence": False,
        },
        "sources": [{"id": "bench", "platform": "shopify", "secrets": ["env:BENCH_SECRET"]}],
        "log_level": log_level,
    }
    for name, value in sections.items():
        base = config.get(name)
        if isinstance(base, dict) and isinstance(value, dict):
            config[name] = {**base, **value}
        else:
            config[name] = value
    (tmp / "relay.yaml").write_text(yaml.safe_dump(config))
    os.environ["BENCH_SECRET"] = SECRET
    cmd = [sys.executable, "-m", "relay", "serve", "--config", str(tmp / "relay.yaml")]
    return _start(cmd, cpu, tmp / "relay.log", cwd=tree)


def read_back(bootstrap: str, prefix: str, accepted: int, topic: str = "raw") -> int:
    """The distinct delivery ids on ``<prefix>.<topic>``, read until ``accepted`` are (or timeout).

    Only the ids are kept: a soak's topic holds gigabytes, read at a few thousand records/s.
    """
    found = collect_header_values(
        bootstrap,
        f"{prefix}.{topic}",
        "relay-delivery-id",
        at_least=accepted,
        timeout=max(120, accepted / 2000),
    )
    return len(found)


def _variant(text: str) -> tuple[str, dict[str, object]]:
    """``NAME=YAML`` of --compare: a setup name and the config sections it changes."""
    name, _, sections = text.partition("=")
    value = yaml.safe_load(sections)
    if not re.fullmatch(r"[a-z0-9-]+", name) or not isinstance(value, dict):
        raise argparse.ArgumentTypeError(f"expected NAME=YAML mapping, got {text!r}")
    return f"relay-{name}", value


def _measure(
    name: str,
    url: str,
    pid: int,
    connections: int,
    args: argparse.Namespace,
    tmp: Path,
    signature: str,
    run: int,
) -> Result:
    """One wrk run against the server ``pid`` at ``url``, with its CPU per request.

    ``run`` numbers the wrk runs (-1: the warm-up, ``--warmup`` seconds long): each run's
    delivery ids are new to every relay.
    """
    env = {
        "BENCH_BODY": str(tmp / "body.json"),
        "BENCH_HMAC": signature,
        "BENCH_RUN": f"{name}-{connections}-{run}",
    }
    cpu_before = _cpu_seconds(pid)
    profiler = None
    if name == "relay" and args.profile is not None and run >= 0:
        profiler = _profile(pid, args, connections)
    duration = args.warmup if run < 0 else args.duration
    result = _wrk(name, url, connections, duration, args.load_cpu, env)
    result.cpu_us = 1e6 * (_cpu_seconds(pid) - cpu_before) / max(1, result.requests)
    if profiler is not None:
        profiler.wait()
    return result


def _wait_workers(log: Path, workers: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while workers > 1 and log.read_text().count('"worker serving"') < workers:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{workers} workers not serving:\n{log.read_text()[-2000:]}")
        time.sleep(0.1)


def _start_relays(
    args: argparse.Namespace, tmp: Path, bootstrap: str, prefix: str
) -> list[tuple[str, subprocess.Popen[bytes], str]]:
    """Start `relay`, each --compare variant and the --baseline: name, process, webhook URL."""
    variants: dict[str, dict[str, object]] = {"relay": {}, **dict(args.compare)}
    trees: dict[str, Path] = {}
    if args.baseline:
        variants["relay-base"] = {}
        trees["relay-base"] = extract(args.baseline, tmp / "base-tree")
    # With workers, INFO shows the supervisor's "worker serving" lines waited for.
    level = "WARNING" if args.workers == 1 else "INFO"
    started = []
    for name, sections in variants.items():
        server = {"port": free_port(), "workers": args.workers}
        run_dir = tmp / name
        run_dir.mkdir()
        process = start_relay(
            run_dir,
            bootstrap,
            prefix,
            args.cpu,
            server,
            log_level=level,
            tree=trees.get(name),
            **sections,
        )
        started.append((name, process, f"http://127.0.0.1:{server['port']}/webhooks/bench"))
    return started


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, nargs="+", default=[64, 4])
    parser.add_argument("--cpu", default="0", help="cores for the servers (taskset list: 0,1)")
    parser.add_argument("--load-cpu", default="1", help="cores for wrk (taskset list)")
    parser.add_argument("--workers", type=int, default=1, help="relay's server.workers")
    parser.add_argument(
        "--body",
        choices=sorted(BODIES),
        default="orders-create",
        help="the Shopify order posted: orders-create, the real orders/create webhook sample "
        "(7,239 bytes compacted); docs-order, the order of Shopify's REST API docs (2,825 bytes)",
    )
    parser.add_argument(
        "--compare",
        type=_variant,
        action="append",
        default=[],
        metavar="NAME=YAML",
        help="also run relay with these config sections changed, as setup relay-NAME, in the "
        "same run: --compare 'pygc={gc: {thresholds: null, freeze: false}}' (repeatable)",
    )
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="also run git revision REV of relay (extracted to a temporary folder) as setup "
        "relay-base, in the same run",
    )
    parser.add_argument(
        "--peer",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run the hand-written peer receiver (bench/handwritten.py) in the same run",
    )
    parser.add_argument(
        "--peer-compression",
        choices=["zstd", "lz4", "snappy", "gzip", "none"],
        default="zstd",
        help="the peer's aiokafka compression_type (default zstd, as relay's)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=3,
        help="seconds of load on every server before the measured runs (0: none)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure every setup this many times, alternating (one row per round)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="record relay under load with py-spy into DIR (needs py-spy) and print its top frames",
    )
    return parser


def _runs(
    args: argparse.Namespace,
    servers: dict[str, subprocess.Popen[bytes]],
    targets: dict[str, str],
    tmp: Path,
    signature: str,
) -> tuple[list[Result], dict[str, int]]:
    """The warm-up, then ``--rounds`` x ``--connections`` runs: the results and the 2xx sent.

    The 2xx are counted apart: ``relays``, to relay's setups; ``peer``, to the hand-written peer.
    """
    results: list[Result] = []
    accepted = {"relays": 0, "peer": 0}
    runs = [c for _ in range(args.rounds) for c in args.connections]
    if args.warmup:  # run -1: not reported, but its 2xx are read back too
        runs.insert(0, max(args.connections))
    relays = [name for name in targets if name != "bare-asgi"]  # and the peer, in turns
    for run, connections in enumerate(runs, start=-1 if args.warmup else 0):
        # bare ASGI first, then the relays in turns, so that none always runs last (the
        # broker's memory storage grows with every run)
        turn = (run // len(args.connections)) % len(relays) if run >= 0 else 0  # by round
        for name in ["bare-asgi", *relays[turn:], *relays[:turn]]:
            pid = servers[name].pid
            result = _measure(name, targets[name], pid, connections, args, tmp, signature, run)
            if run >= 0:
                results.append(result)
            if name != "bare-asgi":
                accepted["peer" if name == PEER else "relays"] += result.requests - result.errors
    return results, accepted


def main() -> None:
    """Run the benchmark and print the table."""
    args = _parser().parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench needs wrk: apt-get install wrk")

    tmp = Path(tempfile.mkdtemp(prefix="relay-bench-"))
    body = BODIES[args.body]()
    (tmp / "body.json").write_bytes(body)
    signature = shopify_signature(body)
    prefix = f"bench{uuid.uuid4().hex[:8]}"

    with EmbeddedBroker(log_path=tmp / "tansu.log") as broker:
        pin = ["taskset", "-p", "-c", str(args.load_cpu), str(broker.pid)]
        subprocess.run(pin, capture_output=True, check=False)
        bare_port = free_port()
        bare_cmd = [sys.executable, str(ROOT / "bench" / "bare_asgi.py"), str(bare_port)]
        bare = _start(bare_cmd, args.cpu, tmp / "bare.log")
        servers = {"bare-asgi": bare}
        targets = {"bare-asgi": f"http://127.0.0.1:{bare_port}/"}
        if args.peer:
            peer_port = free_port()
            peer_cmd = [sys.executable, str(ROOT / "bench" / "handwritten.py"), str(peer_port)]
            peer_cmd += [broker.bootstrap_servers, f"{prefix}.peer", args.peer_compression]
            os.environ["BENCH_SECRET"] = SECRET
            servers[PEER] = _start(peer_cmd, args.cpu, tmp / "peer.log")
            targets[PEER] = f"http://127.0.0.1:{peer_port}/"
        try:
            for name, process, url in _start_relays(args, tmp, broker.bootstrap_servers, prefix):
                servers[name], targets[name] = process, url
            _wait_http(targets["bare-asgi"])
            if args.peer:
                _wait_http(targets[PEER])
            for name in servers.keys() - {"bare-asgi", PEER}:
                _wait_http(targets[name].replace("/webhooks/bench", "/readyz"))
                _wait_workers(tmp / name / "relay.log", args.workers)
            results, accepted = _runs(args, servers, targets, tmp, signature)
        finally:
            for process in servers.values():
                _stop(process)
        delivered = {"relays": read_back(broker.bootstrap_servers, prefix, accepted["relays"])}
        if args.peer:
            peer = read_back(broker.bootstrap_servers, prefix, accepted["peer"], "peer")
            delivered["peer"] = peer
    _report(results, args, len(body), accepted, delivered, prefix)
    if args.profile is not None:
        for profile in sorted(args.profile.glob("relay-*.txt")):
            print(f"\n{summarize(profile)}")
    shutil.rmtree(tmp, ignore_errors=True)


def _report(
    results: list[Result],
    args: argparse.Namespace,
    body_size: int,
    accepted: dict[str, int],
    delivered: dict[str, int],
    prefix: str,
) -> None:
    print(
        f"\nbody: {args.body}, {body_size} bytes compact; "
        f"{args.duration}s per run; servers on cpu {args.cpu}, wrk on cpu {args.load_cpu}; "
        f"relay workers: {args.workers}"
    )
    header = (
        "setup",
        "conns",
        "req/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "ratio",
        "cpu us",
        "cpu ratio",
    )
    print("{:<12} {:>5} {:>9} {:>8} {:>8} {:>7} {:>6} {:>7} {:>9}".format(*header))
    bares: dict[int, Result] = {}
    for r in results:
        if r.name == "bare-asgi":  # each row against the bare ASGI run of its own round
            bares[r.connections] = r
        bare = bares[r.connections]
        print(
            f"{r.name:<12} {r.connections:>5} {r.rps:>9.0f} {r.p50_ms:>8.2f} "
            f"{r.p99_ms:>8.2f} {r.errors:>7} {r.rps / bare.rps:>6.2f} {r.cpu_us:>7.0f} "
            f"{bare.cpu_us / r.cpu_us if r.cpu_us else 0:>9.2f}"
        )
    print(
        "cpu us: the server's CPU time per request (all threads, from /proc); cpu ratio: bare's"
        " over this one's,\nthe ratio a CPU-bound server reaches when nothing else shares its core"
    )
    # relay and the peer run once per round and connection count: pair them in order
    relays = [r for r in results if r.name == "relay"]
    for relay, peer in zip(relays, [r for r in results if r.name == PEER], strict=False):
        print(
            f"relay against {PEER}, {relay.connections} conns: req/s {relay.rps / peer.rps:.2f}x,"
            f" cpu us {relay.cpu_us / peer.cpu_us if peer.cpu_us else 0:.2f}x"
            f" (p99 {relay.p99_ms:.2f} against {peer.p99_ms:.2f} ms)"
        )
    print(
        f"\nrelay 2xx counted by wrk: {accepted['relays']};"
        f" distinct deliveries on {prefix}.raw: {delivered['relays']}"
    )
    if "peer" in delivered:
        print(
            f"{PEER} 2xx counted by wrk: {accepted['peer']};"
            f" distinct deliveries on {prefix}.peer: {delivered['peer']}"
        )
    print("(wrk does not count answers in flight when it stops: read-back may exceed, never trail)")


if __name__ == "__main__":
    main()
