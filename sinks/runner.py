"""The sink runner: one Kafka consumer group per sink, offsets committed only after delivery.

Delivery is at least once: a batch is delivered (for the file sink: written and fsync'd)
before its offsets are committed, so a crash re-delivers, never skips.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from sinks.config import SinkConfig
from sinks.file import FileSink

__all__ = ["SinkRunner"]

logger = logging.getLogger(__name__)


class SinkRunner:
    """Consumes a sink's topics and delivers every record to it."""

    def __init__(
        self, config: SinkConfig, *, topic_prefix: str, client_options: Mapping[str, Any]
    ) -> None:
        self.config = config
        self.group_id = f"relay-sink-{config.name}"
        self.topics = [f"{topic_prefix}.{t}" for t in config.topics]
        self._client_options = dict(client_options)
        self.delivered = 0

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set, then commit what was delivered and leave the group."""
        consumer = AIOKafkaConsumer(
            *self.topics,
            group_id=self.group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            **self._client_options,
        )
        sink = FileSink(self.config)
        await consumer.start()
        logger.info("sink started", extra={"sink": self.config.name, "topics": self.topics})
        try:
            while not stop.is_set():
                batches = await consumer.getmany(timeout_ms=500, max_records=1000)
                offsets: dict[TopicPartition, int] = {}
                for tp, messages in batches.items():
                    await sink.deliver_batch([m.value for m in messages if m.value is not None])
                    offsets[tp] = messages[-1].offset + 1
                    self.delivered += len(messages)
                if offsets:
                    await consumer.commit(offsets)
        finally:
            await consumer.stop()
            await sink.aclose()
            logger.info("sink stopped", extra={"sink": self.config.name})
