"""The ``file`` sink: canonical events appended as JSON lines, fsync'd before the commit."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from typing import IO

from sinks.config import FileSinkConfig

__all__ = ["FileSink"]


class FileSink:
    """Appends each event (one CloudEvent JSON per line) to ``config.path``."""

    def __init__(self, config: FileSinkConfig) -> None:
        self._config = config
        config.path.parent.mkdir(parents=True, exist_ok=True)
        self._file: IO[bytes] | None = config.path.open("ab")

    async def deliver_batch(self, values: Sequence[bytes]) -> None:
        """Write ``values`` as lines and make them durable before returning."""
        await asyncio.to_thread(self._write, values)

    def _write(self, values: Sequence[bytes]) -> None:
        file = self._file
        if file is None:
            raise RuntimeError("file sink is closed")
        file.write(b"".join(v.rstrip(b"\n") + b"\n" for v in values))
        file.flush()
        if self._config.fsync:
            os.fsync(file.fileno())

    async def aclose(self) -> None:
        """Close the file."""
        file, self._file = self._file, None
        if file is not None:
            file.close()
