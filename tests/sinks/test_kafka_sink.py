"""The kafka sink re-publishing to another topic of the real broker."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from _sink_contract import SinkContract
from _sink_harness import (
    TOPIC,
    RunningSink,
    create_topics,
    make_event,
    produce,
    running,
    sink_config,
    wait_for,
)
from aiokafka import AIOKafkaConsumer

from relay.embedded import EmbeddedBroker

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


def test_republishes_filtered_events_to_another_cluster(
    kafka_bootstrap: str, topic_prefix: str
) -> None:
    """With bootstrap_servers and a filter, only matching events reach the other cluster."""

    async def scenario(other: str) -> None:
        await create_topics(kafka_bootstrap, [f"{topic_prefix}.{TOPIC}"])
        target = KafkaTarget(other, "copied")
        keys = await target.prepare()
        try:
            wanted = [make_event(f"w{n}", 0, region="eu") for n in range(3)]
            unwanted = [make_event(f"u{n}", 0, region="us") for n in range(3)]
            await produce(kafka_bootstrap, topic_prefix, [*unwanted, *wanted])
            config = sink_config(
                f"k-{topic_prefix}",
                type="kafka",
                bootstrap_servers=other,
                filter={"expression": "data.additional_fields.region == 'eu'"},
                session_timeout_ms=1500,
                commit_interval_seconds=0.2,
                **keys,
            )
            async with running(kafka_bootstrap, topic_prefix, config) as sink:
                await wait_for(lambda: _count(sink, "filtered", 3), 30, "3 filtered")
                await wait_for(lambda: _count(sink, "delivered", 3), 30, "3 delivered")
                await wait_for(lambda: _has(target, 3), 30, "3 records on the other cluster")
            assert sorted(e["id"] for e in target.seen) == sorted(e.id for e in wanted)
        finally:
            await target.cleanup()

    with EmbeddedBroker() as other:
        asyncio.run(scenario(other.bootstrap_servers))


async def _count(sink: RunningSink, outcome: str, expected: int) -> bool:
    return sink.value("relay_sink_deliveries_total", outcome=outcome) == expected


async def _has(target: KafkaTarget, count: int) -> bool:
    return len(await target.received()) >= count
