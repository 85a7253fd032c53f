"""The local durable spool: webhooks whose records Kafka could not take in time.

An append-only log in segment files (``<seq>.spool``) under ``spool.path``. One entry per
webhook holds all of its records (raw, canonical, DLQ). An entry is acknowledged to the
platform only after it is written and ``fsync``'d; concurrent appends share one ``fsync``
(group commit). The drainer (``relay.drainer``) republishes entries in order and moves a
cursor (``cursor``, replaced atomically) past what Kafka acknowledged; fully drained
segments are deleted. One process at a time owns a spool directory: ``open()`` takes an
exclusive ``flock`` on ``<path>/lock`` (released by the kernel when the process ends, even on
SIGKILL) and raises ``ConfigError`` if another process holds it. A crash between a publish
and the cursor move republishes that entry: at least once, with the same event ids, so
consumers deduplicate.

Entry layout (little-endian)::

    magic b"RSP1" | payload length u32 | crc32(ts + payload) u32 | ts_ms u64 | payload

A torn or corrupt entry (a crash mid-write, a bad disk block) is detected by its length and
CRC; the segment is truncated there and the loss is counted, never raised.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import struct
import threading
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from relay.errors import ConfigError, SpoolFullError
from relay.publisher import Record

__all__ = [
    "Entry",
    "Spool",
    "adopt",
    "decode_records",
    "encode_records",
    "orphaned_spools",
    "undrained_bytes",
    "worker_spool",
]

logger = logging.getLogger(__name__)

_MAGIC = b"RSP1"
_HEADER = struct.Struct("<4sIIQ")
_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_I32 = struct.Struct("<i")
_READ_CHUNK = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Entry:
    """One spooled webhook: its records and where the next entry starts."""

    segment: int
    end: int
    written_at: float
    records: tuple[Record, ...]


def encode_records(records: Sequence[Record]) -> bytes:
    """Serialize records into one entry payload."""
    parts = [_U16.pack(len(records))]
    for r in records:
        topic = r.topic.encode()
        parts += [_U16.pack(len(topic)), topic]
        if r.key is None:
            parts.append(_I32.pack(-1))
        else:
            parts += [_I32.pack(len(r.key)), r.key]
        parts += [_U32.pack(len(r.value)), r.value, _U16.pack(len(r.headers))]
        for name, value in r.headers:
            encoded = name.encode()
            parts += [_U16.pack(len(encoded)), encoded, _U32.pack(len(value)), value]
    return b"".join(parts)


def decode_records(payload: bytes) -> tuple[Record, ...]:
    """Parse an entry payload back into records (``ValueError`` if it does not parse)."""
    view = memoryview(payload)
    pos = 0

    def take(n: int) -> bytes:
        nonlocal pos
        if pos + n > len(view):
            raise ValueError("truncated payload")
        chunk = bytes(view[pos : pos + n])
        pos += n
        return chunk

    def num(fmt: struct.Struct) -> int:
        return int(fmt.unpack(take(fmt.size))[0])

    records = []
    for _ in range(num(_U16)):
        topic = take(num(_U16)).decode()
        key_len = num(_I32)
        key = None if key_len < 0 else take(key_len)
        value = take(num(_U32))
        headers = tuple((take(num(_U16)).decode(), take(num(_U32))) for _ in range(num(_U16)))
        records.append(Record(topic, key, value, headers))
    if pos != len(view):
        raise ValueError("trailing bytes in payload")
    return tuple(records)


def _scan(data: bytes) -> Iterator[tuple[int, int, float, bytes]]:
    """Yield (start, end, ts, payload) of each valid entry; stop at the first invalid one."""
    pos = 0
    while pos + _HEADER.size <= len(data):
        magic, length, crc, ts_ms = _HEADER.unpack_from(data, pos)
        end = pos + _HEADER.size + length
        if magic != _MAGIC or end > len(data):
            return
        payload = data[pos + _HEADER.size : end]
        if zlib.crc32(payload, zlib.crc32(struct.pack("<Q", ts_ms))) != crc:
            return
        yield pos, end, ts_ms / 1000, payload
        pos = end


def _segment_file(path: Path, seq: int) -> Path:
    return path / f"{seq:020d}.spool"


def _segments(path: Path) -> list[int]:
    return sorted(int(p.stem) for p in path.glob("*.spool") if p.stem.isdigit())


def _read_cursor(path: Path) -> tuple[int, int]:
    cursor_file = path / "cursor"
    if not cursor_file.exists():
        return (0, 0)
    seg, _, off = cursor_file.read_text().partition(":")
    return (int(seg), int(off))


def _backlog(path: Path, cursor: tuple[int, int], segments: list[int]) -> int:
    """Bytes of the segments from the cursor on, less what the cursor passed in its segment."""
    size = sum(_segment_file(path, s).stat().st_size for s in segments if s >= cursor[0])
    return size - (cursor[1] if cursor[0] in segments else 0)


def undrained_bytes(path: Path) -> int:
    """Bytes a spool directory holds beyond its cursor (0 if there is none); reads only."""
    if not path.is_dir():
        return 0
    return max(0, _backlog(path, _read_cursor(path), _segments(path)))


class Spool:
    """A size-bounded, fsync'd, segmented append-only log of webhook records."""

    def __init__(
        self, path: Path, *, max_bytes: int, segment_bytes: int = 64 * 1024 * 1024
    ) -> None:
        self.path = path
        self.max_bytes = max_bytes
        self.segment_bytes = segment_bytes
        self.corrupt_bytes = 0
        self._size = 0
        self._cursor = (0, 0)
        self._segment = 0
        self._file: int | None = None
        self._lock_fd: int | None = None
        self._pending: list[tuple[bytes, asyncio.Future[None]]] = []
        self._pending_bytes = 0  # queued or being written, not yet counted in ``_size``
        self._wake = asyncio.Event()
        self._nonempty = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        # File positions and ``_size`` change in worker threads (writes, reads, acks): one lock.
        self._lock = threading.Lock()

    # -- start-up --------------------------------------------------------------------------

    async def open(self) -> None:
        """Recover what an earlier run left (in a worker thread), then start the writer."""
        await asyncio.to_thread(self._recover)
        self._writer = asyncio.get_running_loop().create_task(self._write_loop())

    def _recover(self) -> None:
        """Repair torn tails, load the cursor, size the backlog, open the last segment."""
        self.path.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        self._cursor = _read_cursor(self.path)
        segments = _segments(self.path)
        for seq in segments:
            if seq < self._cursor[0]:
                self._segment_path(seq).unlink()
                continue
            self._repair(seq)
        segments = _segments(self.path)
        self._segment = segments[-1] if segments else max(self._cursor[0], 1)
        if not segments:
            self._cursor = (self._segment, 0)
        self._size = _backlog(self.path, self._cursor, segments)
        self._file = os.open(
            self._segment_path(self._segment), os.O_WRONLY | os.O_CREAT | os.O_APPEND
        )
        if self.depth_bytes():
            self._nonempty.set()

    def _take_lock(self) -> None:
        """Own the directory: two processes appending to one log would corrupt it."""
        fd = os.open(self.path / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise ConfigError(
                "spool.path",
                f"{self.path} is in use by another relay process (pid {holder}); "
                "each process needs a spool directory of its own",
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock_fd = fd

    def _repair(self, seq: int) -> None:
        path = self._segment_path(seq)
        data = path.read_bytes()
        valid = 0
        for _, end, _, _ in _scan(data):
            valid = end
        if valid < len(data):
            self.corrupt_bytes += len(data) - valid
            logger.error(
                "spool segment had a corrupt or torn tail; truncated",
                extra={"segment": seq, "bytes_lost": len(data) - valid},
            )
            with path.open("r+b") as file:
                file.truncate(valid)
                os.fsync(file.fileno())

    def _segment_path(self, seq: int) -> Path:
        return _segment_file(self.path, seq)

    # -- appending -------------------------------------------------------------------------

    def depth_bytes(self) -> int:
        """Bytes spooled and not yet drained."""
        return self._size

    def accepting(self) -> bool:
        """Whether the spool is open and has room for a typical webhook (1 MiB)."""
        return (
            self._writer is not None and self._size + self._pending_bytes + 2**20 <= self.max_bytes
        )

    def pending(self) -> bool:
        """Whether anything waits to be drained."""
        return self._size > 0 or self._pending_bytes > 0

    async def append(self, records: Sequence[Record]) -> None:
        """Return once ``records`` are on disk and fsync'd; ``SpoolFullError`` if no room."""
        await self.append_many([records])

    async def append_many(self, webhooks: Sequence[Sequence[Record]]) -> None:
        """Append one entry per webhook, in order, all or none; return once all are fsync'd."""
        ts_ms = int(time.time() * 1000)
        entries = []
        for records in webhooks:
            payload = encode_records(records)
            crc = zlib.crc32(payload, zlib.crc32(struct.pack("<Q", ts_ms)))
            entries.append(_HEADER.pack(_MAGIC, len(payload), crc, ts_ms) + payload)
        size = sum(len(entry) for entry in entries)
        if self._writer is None:
            raise SpoolFullError("spool is closed")
        if self._size + self._pending_bytes + size > self.max_bytes:
            raise SpoolFullError(f"spool holds {self._size} of {self.max_bytes} bytes")
        loop = asyncio.get_running_loop()
        futures: list[asyncio.Future[None]] = [loop.create_future() for _ in entries]
        self._pending.extend(zip(entries, futures, strict=True))
        self._pending_bytes += size
        self._wake.set()
        await asyncio.gather(*futures)

    async def _write_loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, []
            if not batch:
                continue
            entries = [entry for entry, _ in batch]
            try:
                await asyncio.to_thread(self._write, entries)
            except OSError as exc:
                logger.error("spool write failed", extra={"error": exc.strerror or str(exc)})  # noqa: TRY400 (no traceback needed)
                outcome: Exception | None = SpoolFullError(f"spool write failed: {exc.strerror}")
            else:
                outcome = None
                self._nonempty.set()
            finally:
                self._pending_bytes -= sum(len(entry) for entry in entries)
            for _, future in batch:
                if future.done():
                    continue
                if outcome is None:
                    future.set_result(None)
                else:
                    future.set_exception(outcome)

    def _write(self, entries: list[bytes]) -> None:
        with self._lock:
            self._write_locked(b"".join(entries))

    def _write_locked(self, data: bytes) -> None:
        if self._file is None:
            raise OSError("spool is closed")
        written = 0
        while written < len(data):
            written += os.write(self._file, data[written:])
        os.fsync(self._file)
        self._size += len(data)
        if os.fstat(self._file).st_size >= self.segment_bytes:
            os.close(self._file)
            self._segment += 1
            self._file = os.open(
                self._segment_path(self._segment), os.O_WRONLY | os.O_CREAT | os.O_APPEND
            )
            self._fsync_dir()

    def _fsync_dir(self) -> None:
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    # -- draining --------------------------------------------------------------------------

    async def wait_nonempty(self) -> None:
        """Wait until something is spooled."""
        await self._nonempty.wait()

    def read(self, max_entries: int) -> list[Entry]:
        """Return up to ``max_entries`` undrained entries, oldest first (blocking I/O)."""
        with self._lock:
            return self._read_locked(max_entries)

    def _read_locked(self, max_entries: int) -> list[Entry]:
        out: list[Entry] = []
        seq, offset = self._cursor
        while len(out) < max_entries and seq <= self._segment:
            found, finished = self._read_segment(seq, offset, max_entries - len(out))
            out += [Entry(seq, end, ts, decode_records(payload)) for end, ts, payload in found]
            if not finished:  # more in this segment than one chunk: the rest next time
                break
            seq, offset = seq + 1, 0
        return out

    def _read_segment(
        self, seq: int, offset: int, limit: int
    ) -> tuple[list[tuple[int, float, bytes]], bool]:
        """Read up to ``limit`` entries of segment ``seq`` from ``offset``, ~4 MiB at a time.

        Also return whether the segment was read to its end (only then may reading go on
        to the next segment, so that entries are always handed out in order).
        """
        path = self._segment_path(seq)
        if not path.exists():
            return [], True
        with path.open("rb") as file:
            size = os.fstat(file.fileno()).st_size
            file.seek(offset)
            data = file.read(_READ_CHUNK)
            if len(data) >= _HEADER.size:
                length = _HEADER.unpack_from(data)[1]
                if _HEADER.size + length > len(data):  # one entry larger than the chunk
                    data += file.read(_HEADER.size + length - len(data))
        found = []
        end = 0
        for _, end, ts, payload in _scan(data):
            found.append((offset + end, ts, payload))
            if len(found) >= limit:
                break
        return found, offset + end >= size

    async def ack(self, entry: Entry) -> None:
        """Mark everything up to and including ``entry`` as drained."""
        await asyncio.to_thread(self._ack, entry)
        if not self.pending():
            self._nonempty.clear()

    def _ack(self, entry: Entry) -> None:
        with self._lock:
            self._ack_locked(entry)

    def _ack_locked(self, entry: Entry) -> None:
        old_seq, old_offset = self._cursor
        drained = 0
        for seq in range(old_seq, entry.segment):
            path = self._segment_path(seq)
            if path.exists():
                drained += path.stat().st_size - (old_offset if seq == old_seq else 0)
        drained += entry.end - (old_offset if entry.segment == old_seq else 0)
        cursor = (entry.segment, entry.end)
        if (
            entry.segment < self._segment
            and entry.end >= self._segment_path(entry.segment).stat().st_size
        ):
            cursor = (entry.segment + 1, 0)  # a finished segment, wholly drained: drop it now
        tmp = self.path / "cursor.tmp"
        tmp.write_text(f"{cursor[0]}:{cursor[1]}")
        with tmp.open("rb") as file:
            os.fsync(file.fileno())
        tmp.replace(self.path / "cursor")
        self._fsync_dir()
        self._cursor = cursor
        for seq in range(old_seq, cursor[0]):
            self._segment_path(seq).unlink(missing_ok=True)
        self._size -= drained

    async def aclose(self) -> None:
        """Refuse new appends, finish the queued ones, and close the segment file."""
        writer, self._writer = self._writer, None
        if writer is not None:
            queued = [future for _, future in self._pending]
            self._wake.set()
            await asyncio.gather(*queued, return_exceptions=True)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
        with self._lock:
            if self._file is not None:
                os.close(self._file)
                self._file = None
            if self._lock_fd is not None:
                os.close(self._lock_fd)  # releases the flock
                self._lock_fd = None


async def adopt(spool: Spool, path: Path, *, batch_entries: int = 256) -> int:
    """Move what the spool directory ``path`` holds into ``spool``, oldest first.

    For a directory another worker count left (``orphaned_spools``). Each batch
    is fsync'd in ``spool`` before it is acknowledged in ``path``: a crash in between leaves
    it in both, so it is published twice (consumers drop the copy by event id), never lost.
    Returns the entries moved; raises ``SpoolFullError`` when ``spool`` has no room for the
    next batch (what was moved stays moved) and ``ConfigError`` when another process holds
    ``path``.
    """
    orphan = Spool(path, max_bytes=spool.max_bytes, segment_bytes=spool.segment_bytes)
    await orphan.open()
    moved = 0
    try:
        while entries := await asyncio.to_thread(orphan.read, batch_entries):
            await spool.append_many([entry.records for entry in entries])
            await orphan.ack(entries[-1])
            moved += len(entries)
    finally:
        await orphan.aclose()
    return moved


_WORKER_PREFIX = "worker-"


def worker_spool(root: Path, index: int) -> Path:
    """Worker ``index``'s own spool directory under ``spool.path`` (``server.workers`` > 1)."""
    return root / f"{_WORKER_PREFIX}{index}"


def orphaned_spools(root: Path, workers: int, index: int | None) -> list[Path]:
    """The spool directories another worker count left that this process takes over.

    ``index`` is the worker's number of ``workers``, or ``None`` for a single relay, whose
    spool is ``root`` itself: it takes every ``worker-<n>``. Worker ``i`` takes each
    ``worker-<n>`` with n >= ``workers`` and n % ``workers`` == i, and worker 0 also ``root``
    (what a single relay spooled), so each directory has exactly one taker. Only those
    holding undrained deliveries are returned, lowest number first.
    """
    found = [root] if index == 0 and undrained_bytes(root) else []
    numbered = []
    for path in root.glob(f"{_WORKER_PREFIX}*"):
        suffix = path.name.removeprefix(_WORKER_PREFIX)
        if suffix.isdigit():
            numbered.append((int(suffix), path))
    for number, path in sorted(numbered):
        mine = index is None or (number >= workers and number % workers == index)
        if mine and undrained_bytes(path):
            found.append(path)
    return found
