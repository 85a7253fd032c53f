"""Benchmark: zstd per record batch, aiokafka's cramjam call against relay's kept context.

Usage: ``.venv/bin/python bench/compression.py [--calls 1000] [--repeats 5]`` (on demand).

Times one compression of a batch of each size (compacted Shopify order text, cut to size),
the fastest of ``repeats`` x ``calls``: aiokafka's ``zstd_encode`` (``cramjam.zstd.compress``,
a new context per call), the same in a process whose glibc mmap and trim thresholds are
fixed (``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_``: the context then stays on the
heap), and relay's ``relay._zstd.compress`` (one python-zstandard context kept per thread)
at aiokafka's level 3 and at relay's default level.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import timeit
from collections.abc import Callable

from pipeline import order_body

SIZES = (2_000, 4_000, 5_000, 7_239, 9_000, 16_000, 32_000)
FIXED_MALLOC = {"MALLOC_MMAP_THRESHOLD_": str(32 << 20), "MALLOC_TRIM_THRESHOLD_": str(64 << 20)}


def _timings(encode: Callable[[bytes], bytes], calls: int, repeats: int) -> dict[int, float]:
    text = order_body() * 10
    timings = {}
    for size in SIZES:
        payload = text[:size]
        encode(payload)
        best = min(timeit.repeat(lambda p=payload: encode(p), number=calls, repeat=repeats))
        timings[size] = 1e6 * best / calls
    return timings


def _aiokafkas(calls: int, repeats: int) -> dict[int, float]:
    from aiokafka.codec import zstd_encode  # noqa: PLC0415

    return _timings(zstd_encode, calls, repeats)


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--aiokafka-json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.aiokafka_json:
        print(json.dumps(_aiokafkas(args.calls, args.repeats)))
        return
    from relay import _zstd  # noqa: PLC0415

    rows = {
        "aiokafka (cramjam, new context per call), level 3": _aiokafkas(args.calls, args.repeats)
    }
    child = [sys.executable, __file__, "--aiokafka-json", "--calls", str(args.calls)]
    child += ["--repeats", str(args.repeats)]
    output = subprocess.run(
        child, env={**os.environ, **FIXED_MALLOC}, capture_output=True, text=True, check=True
    ).stdout
    fixed = {int(size): micros for size, micros in json.loads(output).items()}
    rows["aiokafka, glibc mmap/trim thresholds fixed"] = fixed
    rows["relay (python-zstandard, context kept), level 3"] = _timings(
        lambda payload: _zstd.compress(payload, 3), args.calls, args.repeats
    )
    rows[f"relay, level {_zstd.DEFAULT_LEVEL} (its default)"] = _timings(
        _zstd.compress, args.calls, args.repeats
    )
    print(f"zstd, microseconds per batch (fastest of {args.repeats} x {args.calls})\n")
    print("| batch bytes | " + " | ".join(f"{size:,}" for size in SIZES) + " |")
    print("|---|" + "---|" * len(SIZES))
    for name, timings in rows.items():
        print(f"| {name} | " + " | ".join(f"{timings[size]:.0f}" for size in SIZES) + " |")


if __name__ == "__main__":
    main()
