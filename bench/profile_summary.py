"""Summarize a py-spy collapsed profile (``--format raw``): where the samples' time goes.

Usage: ``python bench/profile_summary.py PROFILE.txt [--top 25]``; bench/run.py --profile
prints this for each profile it records.

Prints the share of samples per package (by the innermost frame that lies in a named package,
so time in C code is charged to its Python caller's package) and the top functions by own time.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^:()]+)(?::\d+)?\)$")
_PACKAGES = (
    "uvicorn",
    "httptools",
    "uvloop",
    "starlette",
    "aiokafka",
    "confluent_kafka",
    "pydantic",
    "structlog",
    "prometheus_client",
    "normalizers",
    "verifiers",
    "relay",
    "asyncio",
    "logging",
)


def _package(file: str) -> str | None:
    parts = Path(file).parts
    for name in _PACKAGES:
        if name in parts or file.startswith(f"{name}/"):
            return name
    return None


def summarize(path: Path, top: int = 25) -> str:
    """Return the summary of the collapsed profile at ``path`` as text."""
    own: Counter[str] = Counter()
    packages: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        own[frames[-1]] += count
        package = "other"
        for frame in reversed(frames):
            match = _FRAME.match(frame)
            found = _package(match.group("file")) if match else None
            if found is not None:
                package = found
                break
        packages[package] += count
    if total == 0:
        return f"{path}: no samples"
    lines = [f"{path.name}: {total} samples", "  by package (innermost named frame):"]
    lines += [f"    {100 * n / total:5.1f}%  {name}" for name, n in packages.most_common()]
    lines.append(f"  top {top} functions by own time:")
    lines += [f"    {100 * n / total:5.1f}%  {frame}" for frame, n in own.most_common(top)]
    return "\n".join(lines)


def main() -> None:
    """Print the summary of one profile."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    print(summarize(args.profile, args.top))


if __name__ == "__main__":
    main()
