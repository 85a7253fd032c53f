"""The local durable spool and its drainer: on-disk format, recovery, bounds, order."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from relay.drainer import SpoolDrainer
from relay.errors import ConfigError, PublishError, SpoolFullError
from relay.metrics import RelayMetrics
from relay.publisher import Record
from relay.spool import (
    Entry,
    Spool,
    adopt,
    decode_records,
    encode_records,
    orphaned_spools,
    undrained_bytes,
)


def _records(n: int, size: int = 10) -> list[Record]:
    return [
        Record("commerce.raw", f"src:{n}".encode(), bytes([n % 256]) * size, (("h", b"v"),)),
        Record("commerce.orders", None, b"{}", ()),
    ]


def test_records_round_trip_through_the_entry_encoding() -> None:
    """Topic, key (or none), value and headers come back exactly."""
    records = _records(7, 300)
    assert decode_records(encode_records(records)) == tuple(records)
    with pytest.raises(ValueError, match="truncated"):
        decode_records(encode_records(records)[:-3])
    with pytest.raises(ValueError, match="trailing"):
        decode_records(encode_records(records) + b"x")


@pytest.mark.anyio
async def test_append_read_ack_and_reopen(tmp_path: Path) -> None:
    """Entries come back oldest first; acked ones are gone after a restart, the rest remain."""
    spool = Spool(tmp_path, max_bytes=1 << 20, segment_bytes=64 * 1024)
    await spool.open()
    await asyncio.gather(*(spool.append(_records(i)) for i in range(5)))
    entries = spool.read(10)
    assert len(entries) == 5
    assert {e.records[0].key for e in entries} == {f"src:{i}".encode() for i in range(5)}
    await spool.ack(entries[1])
    await spool.aclose()

    again = Spool(tmp_path, max_bytes=1 << 20)
    await again.open()
    rest = again.read(10)
    assert [e.records for e in rest] == [e.records for e in entries[2:]]
    assert again.depth_bytes() > 0
    await again.ack(rest[-1])
    assert not again.pending()
    assert again.depth_bytes() == 0
    await again.aclose()


@pytest.mark.anyio
async def test_segments_rotate_and_drained_ones_are_deleted(tmp_path: Path) -> None:
    """Past segment_bytes a new segment starts; acking past a segment deletes its file."""
    spool = Spool(tmp_path, max_bytes=1 << 22, segment_bytes=64 * 1024)
    await spool.open()
    for i in range(12):
        await spool.append(_records(i, 20_000))
    segments = sorted(tmp_path.glob("*.spool"))
    assert len(segments) >= 3
    entries = spool.read(100)
    assert [e.records[0].key for e in entries] == [f"src:{i}".encode() for i in range(12)]
    await spool.ack(entries[-1])
    assert len(list(tmp_path.glob("*.spool"))) == 1
    assert spool.depth_bytes() == 0
    await spool.aclose()


@pytest.mark.anyio
async def test_reads_span_chunks_and_segments_in_order(tmp_path: Path) -> None:
    """More than one read chunk per segment: every entry is handed out once, in order."""
    spool = Spool(tmp_path, max_bytes=1 << 26, segment_bytes=6 << 20)
    await spool.open()
    for i in range(40):
        await spool.append(_records(i, 300_000))  # 12 MB over two or more segments
    seen: list[bytes | None] = []
    while entries := spool.read(1000):
        seen += [e.records[0].key for e in entries]
        await spool.ack(entries[-1])
    assert seen == [f"src:{i}".encode() for i in range(40)]
    assert not spool.pending()
    await spool.aclose()


@pytest.mark.anyio
async def test_full_spool_refuses_and_says_so(tmp_path: Path) -> None:
    """An append that does not fit raises SpoolFullError; accepting() turns false near full."""
    spool = Spool(tmp_path, max_bytes=2 << 20)
    await spool.open()
    assert spool.accepting()
    await spool.append(_records(1, 1_500_000))
    assert not spool.accepting()
    with pytest.raises(SpoolFullError, match="spool holds"):
        await spool.append(_records(2, 1_000_000))
    await spool.aclose()
    with pytest.raises(SpoolFullError, match="closed"):
        await spool.append(_records(3))


@pytest.mark.anyio
async def test_torn_tail_is_truncated_and_counted(tmp_path: Path) -> None:
    """A crash mid-write leaves a torn entry: start-up truncates it, counts it, keeps the rest."""
    spool = Spool(tmp_path, max_bytes=1 << 20)
    await spool.open()
    for i in range(3):
        await spool.append(_records(i))
    await spool.aclose()
    (segment,) = tmp_path.glob("*.spool")
    good = segment.stat().st_size
    with segment.open("ab") as file:
        file.write(b"RSP1\xff\x00\x00\x00garbage")  # a header promising more than is there
    again = Spool(tmp_path, max_bytes=1 << 20)
    await again.open()
    assert again.corrupt_bytes == 15
    assert segment.stat().st_size == good
    assert len(again.read(10)) == 3
    await again.append(_records(9))  # appends continue after the cut
    assert len(again.read(10)) == 4
    await again.aclose()


@pytest.mark.anyio
async def test_flipped_bit_fails_the_checksum(tmp_path: Path) -> None:
    """A corrupted byte inside the last entry is caught by the CRC and cut off."""
    spool = Spool(tmp_path, max_bytes=1 << 20)
    await spool.open()
    await spool.append(_records(1))
    await spool.append(_records(2))
    await spool.aclose()
    (segment,) = tmp_path.glob("*.spool")
    data = bytearray(segment.read_bytes())
    data[-2] ^= 0x01
    segment.write_bytes(bytes(data))
    again = Spool(tmp_path, max_bytes=1 << 20)
    await again.open()
    (entry,) = again.read(10)
    assert entry.records[0].key == b"src:1"
    assert again.corrupt_bytes > 0
    await again.aclose()


class FlakyPublisher:
    """Fails until `up` is set; records what it published, in order."""

    def __init__(self) -> None:
        self.up = asyncio.Event()
        self.published: list[Record] = []
        self.probes = 0

    async def publish(self, records: Sequence[Record], *, max_wait: float | None = None) -> None:
        del max_wait
        if not self.up.is_set():
            raise PublishError("down")  # pragma: no cover (ready() is probed first)
        self.published.extend(records)

    async def ready(self) -> bool:
        self.probes += 1
        return self.up.is_set()


@pytest.mark.anyio
async def test_drainer_waits_for_kafka_then_drains_in_order(tmp_path: Path) -> None:
    """While Kafka is down nothing is handed to the producer; once up, all drains in order."""
    spool = Spool(tmp_path, max_bytes=1 << 22)
    await spool.open()
    for i in range(40):
        await spool.append(_records(i))
    publisher = FlakyPublisher()
    metrics = RelayMetrics()
    drainer = SpoolDrainer(spool, publisher, metrics, batch_entries=16, max_backoff=0.05)
    task = asyncio.create_task(drainer.run())
    for _ in range(500):
        if publisher.probes >= 2:
            break
        await asyncio.sleep(0.01)
    assert publisher.published == []
    assert drainer.oldest_age() >= 0
    publisher.up.set()
    for _ in range(500):
        if not spool.pending():
            break
        await asyncio.sleep(0.01)
    keys = [r.key for r in publisher.published if r.topic == "commerce.raw"]
    assert keys == [f"src:{i}".encode() for i in range(40)]
    assert drainer.drained == 40
    assert metrics.spool_drained._value.get() == 40  # type: ignore[attr-defined]
    await spool.append(_records(99))  # the drainer wakes for new entries
    for _ in range(500):
        if not spool.pending():
            break
        await asyncio.sleep(0.01)
    assert publisher.published[-2].key == b"src:99"
    assert drainer.oldest_age() == 0.0
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await spool.aclose()


@pytest.mark.anyio
async def test_a_second_owner_of_the_directory_is_refused(tmp_path: Path) -> None:
    """Two spools on one directory would interleave one log: the second open() fails clearly."""
    spool = Spool(tmp_path, max_bytes=1 << 20)
    await spool.open()
    other = Spool(tmp_path, max_bytes=1 << 20)
    with pytest.raises(ConfigError, match=rf"spool.path: .* in use by .*pid {os.getpid()}"):
        await other.open()
    await spool.append(_records(1))
    await spool.aclose()
    await other.open()  # the lock went with the first spool's close
    assert len(other.read(10)) == 1
    await other.aclose()


async def _spooled(path: Path, keys: range, max_bytes: int = 1 << 20) -> None:
    """Leave entries in ``path`` as a relay that stopped with them undrained would."""
    spool = Spool(path, max_bytes=max_bytes, segment_bytes=4096)
    await spool.open()
    for n in keys:
        await spool.append(_records(n, 300))
    await spool.aclose()


def _keys(entries: Sequence[Entry]) -> list[bytes | None]:
    return [entry.records[0].key for entry in entries]


@pytest.mark.anyio
async def test_append_many_is_in_order_and_all_or_none(tmp_path: Path) -> None:
    """Several webhooks in one call: one entry each, in order; no room for all, none written."""
    spool = Spool(tmp_path, max_bytes=2000)
    await spool.open()
    await spool.append_many([_records(n, 300) for n in range(3)])
    assert _keys(spool.read(10)) == [b"src:0", b"src:1", b"src:2"]
    before = spool.depth_bytes()
    with pytest.raises(SpoolFullError):
        await spool.append_many([_records(n, 300) for n in range(3, 6)])
    assert spool.depth_bytes() == before
    assert len(spool.read(10)) == 3
    await spool.aclose()


def test_orphaned_spools_give_each_directory_one_taker(tmp_path: Path) -> None:
    """Worker i of N takes worker-n for n >= N, n % N == i; worker 0 the single relay's."""
    for n in range(6):
        asyncio.run(_spooled(tmp_path / f"worker-{n}", range(n, n + 1)))
    asyncio.run(_spooled(tmp_path, range(9, 10)))  # a single relay's spool is the root itself
    (tmp_path / "worker-6").mkdir()  # empty: nothing to take over
    (tmp_path / "worker-old").mkdir()
    two = [orphaned_spools(tmp_path, 2, index) for index in (0, 1)]
    assert two == [
        [tmp_path, tmp_path / "worker-2", tmp_path / "worker-4"],
        [tmp_path / "worker-3", tmp_path / "worker-5"],
    ]
    assert orphaned_spools(tmp_path, 6, 5) == []
    assert orphaned_spools(tmp_path, 4, 1) == [tmp_path / "worker-5"]
    assert orphaned_spools(tmp_path, 1, None) == [tmp_path / f"worker-{n}" for n in range(6)]


@pytest.mark.anyio
async def test_adopt_moves_an_orphan_behind_what_the_spool_holds(tmp_path: Path) -> None:
    """Oldest first, after the spool's own entries; the orphan is left drained."""
    orphan = tmp_path / "worker-3"
    await _spooled(orphan, range(100, 140))
    own = Spool(tmp_path / "worker-1", max_bytes=1 << 20)
    await own.open()
    await own.append(_records(1, 300))
    assert await adopt(own, orphan, batch_entries=16) == 40
    assert _keys(own.read(100)) == [b"src:1"] + [f"src:{n}".encode() for n in range(100, 140)]
    await own.aclose()
    assert undrained_bytes(orphan) == 0


@pytest.mark.anyio
async def test_adopt_into_a_full_spool_keeps_what_it_could_not_move(tmp_path: Path) -> None:
    """Batches that fit move; the rest stays in the orphan, for a later start."""
    orphan = tmp_path / "worker-2"
    await _spooled(orphan, range(10))
    own = Spool(tmp_path / "worker-0", max_bytes=2000)
    await own.open()
    with pytest.raises(SpoolFullError):
        await adopt(own, orphan, batch_entries=2)
    moved = own.read(100)
    await own.aclose()
    assert len(moved) == 4  # two batches of two fit in 2,000 bytes
    left = Spool(orphan, max_bytes=1 << 20)
    await left.open()
    assert _keys(left.read(100)) == [f"src:{n}".encode() for n in range(4, 10)]
    await left.aclose()


@pytest.mark.anyio
async def test_adopt_refuses_a_directory_another_relay_holds(tmp_path: Path) -> None:
    """A spool still open elsewhere is not touched."""
    orphan = tmp_path / "worker-2"
    await _spooled(orphan, range(3))
    holder = Spool(orphan, max_bytes=1 << 20)
    await holder.open()
    own = Spool(tmp_path / "worker-0", max_bytes=1 << 20)
    await own.open()
    with pytest.raises(ConfigError, match="in use by another relay process"):
        await adopt(own, orphan)
    assert not own.pending()
    await own.aclose()
    assert len(holder.read(10)) == 3
    await holder.aclose()
