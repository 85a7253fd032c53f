"""The ``file`` sink: each event as one JSON line, fsync'd before its offset is committed.

Concurrent deliveries are written together (one write and one fsync per batch). The file is
rotated when it reaches ``rotate_bytes`` or is ``rotate_seconds`` old: it is renamed to
``<stem>.<UTC time>.<suffix>`` beside it and a new one is started. Redelivery after a crash
can repeat lines (at least once); deduplicate on the event ``id``. A line torn by a crash
mid-write (no final newline) is cut off when the sink opens the file again: its event was not
committed, so it is delivered again whole. A reader tailing the file should likewise ignore
bytes after the last newline.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Literal

from pydantic import Field

from sinks._base import SinkContext
from sinks._batch import GroupCommit
from sinks._common import SinkSettings
from sinks._errors import DeliveryError
from sinks.event import SinkEvent

__all__ = ["FileSink", "FileSinkConfig"]


class FileSinkConfig(SinkSettings):
    """Append every event as one JSON line to a file (the embedded default's sink)."""

    type: Literal["file"] = "file"
    path: Path = Field(description="The JSON-lines file; parent folders are created.")
    fsync: bool = Field(default=True, description="fsync each batch before committing.")
    rotate_bytes: int | None = Field(default=None, ge=1024, description="Rotate at this size.")
    rotate_seconds: int | None = Field(default=None, ge=1, description="Rotate at this age.")
    max_batch: int = Field(default=500, ge=1, description="Events per write and fsync.")


class FileSink:
    """Appends each event (one structured CloudEvent JSON per line) to ``config.path``."""

    def __init__(self, config: FileSinkConfig, context: SinkContext | None = None) -> None:
        del context
        self._config = config
        self._file: IO[bytes] | None = None
        self._opened_at = 0.0
        self._batches: GroupCommit[bytes] = GroupCommit(self._write, max_batch=config.max_batch)

    async def start(self) -> None:
        """Open (and create) the file."""
        await asyncio.to_thread(self._open)

    async def deliver(self, event: SinkEvent) -> None:
        """Return once ``event``'s line is written (and fsync'd, with ``fsync``)."""
        await self._batches.submit(event.body)

    async def _write(self, lines: Sequence[bytes]) -> Sequence[BaseException | None]:
        try:
            await asyncio.to_thread(self._append, lines)
        except OSError as exc:
            error = DeliveryError("file_error", exc.__class__.__name__, retriable=True)
            return [error] * len(lines)
        return [None] * len(lines)

    def _open(self) -> None:
        path = self._config.path
        path.parent.mkdir(parents=True, exist_ok=True)
        _cut_torn_line(path)
        self._file = path.open("ab")
        self._opened_at = time.monotonic()

    def _append(self, lines: Sequence[bytes]) -> None:
        if self._file is None:
            self._open()
        file = self._file
        assert file is not None  # noqa: S101 (opened just above)
        file.write(b"".join(line.rstrip(b"\n") + b"\n" for line in lines))
        file.flush()
        if self._config.fsync:
            os.fsync(file.fileno())
        self._maybe_rotate(file)

    def _maybe_rotate(self, file: IO[bytes]) -> None:
        config = self._config
        too_big = config.rotate_bytes is not None and file.tell() >= config.rotate_bytes
        too_old = (
            config.rotate_seconds is not None
            and time.monotonic() - self._opened_at >= config.rotate_seconds
        )
        if not (too_big or too_old):
            return
        file.close()
        self._file = None
        path = config.path
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path.rename(path.with_name(f"{path.stem}.{stamp}{path.suffix}"))

    async def aclose(self) -> None:
        """Finish the batch being written and close the file."""
        await self._batches.aclose()
        file, self._file = self._file, None
        if file is not None:
            file.close()


def _cut_torn_line(path: Path, chunk: int = 64 * 1024) -> None:
    """Truncate ``path`` after its last newline (a crash can leave half a line at the end)."""
    try:
        file = path.open("r+b")
    except FileNotFoundError:
        return
    with file:
        size = file.seek(0, os.SEEK_END)
        end = size
        while end > 0:
            start = max(0, end - chunk)
            file.seek(start)
            newline = file.read(end - start).rfind(b"\n")
            if newline >= 0:
                end = start + newline + 1
                break
            end = start
        if end < size:
            file.truncate(end)
            os.fsync(file.fileno())
