"""Republishing spooled webhooks, oldest first, once Kafka takes records again."""

from __future__ import annotations

import asyncio
import logging
import time

from relay.errors import PublishError
from relay.metrics import RelayMetrics
from relay.publisher import Publisher, Record
from relay.spool import Spool

__all__ = ["SpoolDrainer"]

logger = logging.getLogger(__name__)


class SpoolDrainer:
    """Moves the spool's entries to Kafka in order; backs off while Kafka is down."""

    def __init__(
        self,
        spool: Spool,
        publisher: Publisher,
        metrics: RelayMetrics,
        *,
        batch_entries: int = 256,
        publish_timeout: float = 10.0,
        max_backoff: float = 5.0,
    ) -> None:
        self.spool = spool
        self._publisher = publisher
        self._metrics = metrics
        self._batch = batch_entries
        self._timeout = publish_timeout
        self._max_backoff = max_backoff
        self.oldest_written_at: float | None = None
        self.drained = 0

    def oldest_age(self) -> float:
        """Seconds the oldest undrained entry has waited (0 when the spool is empty)."""
        if self.oldest_written_at is None or not self.spool.pending():
            return 0.0
        return max(0.0, time.time() - self.oldest_written_at)

    async def run(self) -> None:
        """Drain forever (cancel to stop); every entry is acknowledged only after Kafka's ack."""
        backoff = 0.1
        while True:
            if not self.spool.pending():
                self.oldest_written_at = None
                await self.spool.wait_nonempty()
            entries = await asyncio.to_thread(self.spool.read, self._batch)
            if not entries:  # an append is queued but not yet written
                await asyncio.sleep(0.01)
                continue
            self.oldest_written_at = entries[0].written_at
            reason = await self._republish([r for entry in entries for r in entry.records])
            if reason is not None:
                logger.warning(
                    "spool drain waiting for kafka",
                    extra={"reason": reason, "retry_in_seconds": backoff},
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)
                continue
            backoff = 0.1
            await self.spool.ack(entries[-1])
            self.drained += len(entries)
            self._metrics.spool_drained.inc(len(entries))

    async def _republish(self, records: list[Record]) -> str | None:
        """Publish ``records``; return why not, or ``None`` once Kafka acknowledged them all."""
        # Probe first: records handed to a producer that cannot deliver them would be sent
        # again on the next attempt, duplicating them when Kafka comes back.
        if not await self._publisher.ready():
            return "kafka unreachable"
        try:
            await self._publisher.publish(records, max_wait=self._timeout)
        except PublishError as exc:
            return exc.reason
        return None
