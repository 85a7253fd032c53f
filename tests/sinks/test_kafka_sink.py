"""The kafka sink re-publishing to another topic of the real broker."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from _sink_contract import SinkContract
from _sink_harness import create_topics
from aiokafka import AIOKafkaConsumer

pytestmark = pytest.mark.integration


class KafkaTarget:
    """A destination topic of this test's own, read back with a consumer of its own."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self.seen: list[dict[str, Any]] = []
        self._consumer: AIOKafkaConsumer | None = None

    async def prepare(self) -> dict[str, Any]:
        await create_topics(self.bootstrap, [self.topic], partitions=3)
        self._consumer = AIOKafkaConsumer(
            self.topic, bootstrap_servers=self.bootstrap, auto_offset_reset="earliest"
        )
        await self._consumer.start()
        return {"topic": self.topic}

    async def received(self) -> list[dict[str, Any]]:
        assert self._consumer is not None
        batches = await self._consumer.getmany(timeout_ms=100)
        for records in batches.values():
            for record in records:
                event = orjson.loads(record.value)
                assert record.key == event["partitionkey"].encode()
                self.seen.append(event)
        return list(self.seen)

    async def take_down(self) -> None: ...
    async def bring_up(self) -> None: ...

    async def cleanup(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()


class TestKafkaSink(SinkContract):
    """The contract for ``type: kafka``."""

    sink_type = "kafka"
    supports_outage = False  # the broker's advertised address bypasses any proxy

    @pytest.fixture
    def target(self, kafka_bootstrap: str, topic_prefix: str) -> KafkaTarget:
        """A fresh destination topic."""
        return KafkaTarget(kafka_bootstrap, f"{topic_prefix}.copy")
