"""The rabbitmq sink against the real RabbitMQ, outages through a TCP proxy."""

from __future__ import annotations

import asyncio
from typing import Any

import aio_pika
import orjson
import pytest
from _kafka import read_topic
from _sink_contract import SinkContract
from _sink_harness import ProxiedTarget, RunningSink, make_event, produce, running, wait_for

from sinks import dlq_topic

pytestmark = pytest.mark.integration

URL = "amqp://guest:guest@127.0.0.1:5672/"


class RabbitTarget(ProxiedTarget):
    """An exchange and a queue bound to every type, of this test's own."""

    def __init__(self, suffix: str) -> None:
        super().__init__("127.0.0.1", 5672)
        self.exchange = f"relaytest.{suffix}"
        self.queue = f"relaytest.{suffix}.all"
        self.seen: list[dict[str, Any]] = []

    async def prepare(self) -> dict[str, Any]:
        connection = await aio_pika.connect(URL)
        async with connection:
            channel = await connection.channel()
            exchange = await channel.declare_exchange(
                self.exchange, aio_pika.ExchangeType.TOPIC, durable=True
            )
            queue = await channel.declare_queue(self.queue, durable=True)
            await queue.bind(exchange, "#")
        await self.proxy.up()
        return {
            "url": f"amqp://guest:guest@127.0.0.1:{self.proxy.port}/",
            "exchange": self.exchange,
            "timeout_seconds": 2,
        }

    async def received(self) -> list[dict[str, Any]]:
        connection = await aio_pika.connect(URL)
        async with connection:
            channel = await connection.channel()
            queue = await channel.get_queue(self.queue)
            while (message := await queue.get(no_ack=True, fail=False)) is not None:
                assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
                event = orjson.loads(message.body)
                assert message.message_id == event["id"]
                self.seen.append(event)
        return list(self.seen)

    async def cleanup(self) -> None:
        await self.proxy.down()
        connection = await aio_pika.connect(URL)
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(self.queue)
            await channel.exchange_delete(self.exchange)


class TestRabbitMqSink(SinkContract):
    """The contract for ``type: rabbitmq``."""

    sink_type = "rabbitmq"

    @pytest.fixture
    def target(self, topic_prefix: str) -> RabbitTarget:
        """A fresh exchange and queue."""
        return RabbitTarget(topic_prefix)

    def test_an_unroutable_event_is_dead_lettered(
        self, target: RabbitTarget, kafka_bootstrap: str, topic_prefix: str
    ) -> None:
        """An event no queue is bound for comes back (mandatory) and is dead-lettered."""

        async def body(keys: dict[str, Any]) -> None:
            event = make_event("a", 0)
            await produce(kafka_bootstrap, topic_prefix, [event])
            config = self._config({**keys, "exchange": f"{target.exchange}.unbound"})
            async with running(kafka_bootstrap, topic_prefix, config) as sink:
                await wait_for(lambda: _dead(sink), 20, "the dead letter")
            letters = await asyncio.to_thread(
                read_topic, kafka_bootstrap, dlq_topic(topic_prefix, self.name), until=bool
            )
            assert [m.headers["relay-dlq-reason"] for m in letters] == [b"rabbitmq_unroutable"]
            connection = await aio_pika.connect(URL)
            async with connection:
                channel = await connection.channel()
                await channel.exchange_delete(f"{target.exchange}.unbound")

        self._run(target, kafka_bootstrap, topic_prefix, body)


async def _dead(sink: RunningSink) -> bool:
    return sink.value("relay_sink_dead_letters_total") == 1
