"""``GroupCommit``: concurrent single-event deliveries written to the target in batches.

Each ``submit`` waits for the batch that carried its item. While one batch is being written
the next one fills up, so batches grow with the load and add no latency when it is light.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

__all__ = ["GroupCommit"]

T = TypeVar("T")
Writer = Callable[[Sequence[T]], Awaitable[Sequence[BaseException | None]]]


class GroupCommit(Generic[T]):
    """Batches items for ``write``, which returns one error (or ``None``) per item."""

    def __init__(self, write: Writer[T], *, max_batch: int) -> None:
        self._write = write
        self._max_batch = max_batch
        self._queue: list[tuple[T, asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> None:
        """Return once ``item`` is written; raise the error ``write`` reported for it."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        await future

    async def _flush(self) -> None:
        await asyncio.sleep(0)  # let the submitters of this moment join the batch
        while self._queue:
            batch, self._queue = self._queue[: self._max_batch], self._queue[self._max_batch :]
            live = [(item, future) for item, future in batch if not future.done()]
            if not live:
                continue
            try:
                errors = await self._write([item for item, _ in live])
            except asyncio.CancelledError:
                for _, future in live:
                    future.cancel()
                raise
            except Exception as exc:  # noqa: BLE001 (handed to every waiter of the batch)
                errors = [exc] * len(live)
            for (_, future), error in zip(live, errors, strict=True):
                if future.done():
                    continue
                if error is None:
                    future.set_result(None)
                else:
                    future.set_exception(error)

    async def aclose(self) -> None:
        """Wait for the batch being written."""
        if self._flusher is not None:
            await asyncio.gather(self._flusher, return_exceptions=True)
