"""The file sink against the real file system, plus its rotation."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from _sink_contract import SinkContract, received_from_json_lines
from _sink_harness import (
    TOPIC,
    RunningSink,
    create_topics,
    events_for,
    produce,
    running,
    sink_config,
    wait_for,
)

pytestmark = pytest.mark.integration


class FileTarget:
    """A JSON-lines file in the test's own folder (and its rotated siblings)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "out" / "events.jsonl"

    async def prepare(self) -> dict[str, Any]:
        return {"path": str(self.path)}

    async def received(self) -> list[dict[str, Any]]:
        files = [*sorted(self.path.parent.glob("events.*.jsonl")), self.path]
        lines = [line for f in files if f.exists() for line in f.read_bytes().splitlines()]
        return received_from_json_lines(lines)

    async def take_down(self) -> None: ...
    async def bring_up(self) -> None: ...
    async def cleanup(self) -> None: ...


class TestFileSink(SinkContract):
    """The contract for ``type: file``."""

    sink_type = "file"
    supports_outage = False  # a local disk cannot be taken away and brought back in a test

    @pytest.fixture
    def target(self, tmp_path: Path) -> FileTarget:
        """A fresh file."""
        return FileTarget(tmp_path)


def test_rotation_by_size_keeps_every_event(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str
) -> None:
    """With rotate_bytes, the file is rotated into timestamped siblings and no line is lost."""
    target = FileTarget(tmp_path)
    events = events_for(keys=4, per_key=10)

    async def scenario() -> None:
        await create_topics(kafka_bootstrap, [f"{topic_prefix}.{TOPIC}"])
        await produce(kafka_bootstrap, topic_prefix, events)
        config = sink_config(
            f"f-{topic_prefix}",
            type="file",
            path=str(target.path),
            rotate_bytes=4096,
            max_batch=5,
            session_timeout_ms=1500,
        )
        async with running(kafka_bootstrap, topic_prefix, config):
            await wait_for(lambda: _holds(target, len(events)), 30, "every event in the files")

    asyncio.run(scenario())
    rotated = sorted(target.path.parent.glob("events.*.jsonl"))
    assert len(rotated) >= 2
    assert all(f.stat().st_size >= 4096 for f in rotated)
    assert sorted(e["id"] for e in asyncio.run(target.received())) == sorted(e.id for e in events)


async def _holds(target: FileTarget, count: int) -> bool:
    return len(await target.received()) >= count


def test_two_runners_of_one_sink_share_the_partitions(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str
) -> None:
    """A second runner of the same sink joins its group mid-stream; together they miss nothing."""
    first, second = FileTarget(tmp_path / "a"), FileTarget(tmp_path / "b")
    events = events_for(keys=30, per_key=10)
    name = f"g-{topic_prefix}"

    def config(target: FileTarget) -> object:
        return sink_config(
            name,
            type="file",
            path=str(target.path),
            max_in_flight=2,
            max_batch=1,
            session_timeout_ms=1500,
            commit_interval_seconds=0.2,
        )

    async def total() -> int:
        return len(await first.received()) + len(await second.received())

    async def scenario() -> None:
        await create_topics(kafka_bootstrap, [f"{topic_prefix}.{TOPIC}"])
        await produce(kafka_bootstrap, topic_prefix, events[:100])
        async with running(kafka_bootstrap, topic_prefix, config(first)) as one:  # type: ignore[arg-type]
            await wait_for(lambda: _holds(first, 20), 30, "the first runner's deliveries")
            async with running(kafka_bootstrap, topic_prefix, config(second)) as two:  # type: ignore[arg-type]
                await wait_for(lambda: _split(one, two), 30, "the partitions split between both")
                await produce(kafka_bootstrap, topic_prefix, events[100:])
                await wait_for(lambda: _at_least(total, len(events)), 60, "every event")
        assert await second.received()  # the second runner delivered its share

    asyncio.run(scenario())
    ids = [e["id"] for t in (first, second) for e in asyncio.run(t.received())]
    assert set(ids) == {e.id for e in events}
    assert len(ids) - len(set(ids)) <= 2 * 2  # re-delivered at most the in-flight at the handover


async def _split(one: RunningSink, two: RunningSink) -> bool:
    return bool(one.runner._offsets) and bool(two.runner._offsets)


async def _at_least(count: object, expected: int) -> bool:
    return await count() >= expected  # type: ignore[operator]


@pytest.mark.parametrize("chunk", [8, 64 * 1024])
def test_a_line_torn_by_a_crash_is_cut_before_appending(tmp_path: Path, chunk: int) -> None:
    """Half a line at the end (a crash mid-write) is truncated; complete lines stay."""
    from sinks.file import _cut_torn_line  # noqa: PLC0415

    path = tmp_path / "out.jsonl"
    path.write_bytes(b'{"id":"a"}\n{"id":"b"}\n{"id":"c","da')
    _cut_torn_line(path, chunk)
    assert path.read_bytes() == b'{"id":"a"}\n{"id":"b"}\n'
    _cut_torn_line(path, chunk)  # a whole file is left alone
    assert path.read_bytes() == b'{"id":"a"}\n{"id":"b"}\n'
    path.write_bytes(b'{"id":"only half')
    _cut_torn_line(path, chunk)
    assert path.read_bytes() == b""
    _cut_torn_line(tmp_path / "missing.jsonl", chunk)  # nothing to repair
    assert not (tmp_path / "missing.jsonl").exists()
