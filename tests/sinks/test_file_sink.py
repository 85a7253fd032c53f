"""The file sink against the real file system, plus its rotation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _sink_contract import SinkContract, received_from_json_lines

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
