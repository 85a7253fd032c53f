"""The redis sink against the real Redis, outages through a TCP proxy."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from _sink_contract import SinkContract
from _sink_harness import TOPIC, ProxiedTarget, make_event, produce, running, wait_for
from redis.asyncio import Redis
from redis.exceptions import ResponseError

pytestmark = pytest.mark.integration


class RedisTarget(ProxiedTarget):
    """A stream prefix of this test's own."""

    def __init__(self, prefix: str, topic_prefix: str) -> None:
        super().__init__("127.0.0.1", 6379)
        self.prefix = prefix
        self.stream = f"{prefix}:{topic_prefix}.{TOPIC}"
        self.redis = Redis(host="127.0.0.1", port=6379)

    async def prepare(self) -> dict[str, Any]:
        await self.proxy.up()
        return {
            "url": f"redis://127.0.0.1:{self.proxy.port}/0",
            "stream_prefix": self.prefix,
            "timeout_seconds": 1,
        }

    async def received(self) -> list[dict[str, Any]]:
        try:
            entries = await self.redis.xrange(self.stream)
        except ResponseError:
            return []
        return [orjson.loads(fields[b"event"]) for _, fields in entries]

    async def cleanup(self) -> None:
        await self.proxy.down()
        keys = [k async for k in self.redis.scan_iter(f"{self.prefix}:*")]
        if keys:
            await self.redis.delete(*keys)
        await self.redis.aclose()


class TestRedisSink(SinkContract):
    """The contract for ``type: redis``."""

    sink_type = "redis"

    @pytest.fixture
    def target(self, topic_prefix: str) -> RedisTarget:
        """A fresh stream prefix."""
        return RedisTarget(f"relaytest-{topic_prefix}", topic_prefix)

    def test_redelivered_events_are_added_once(
        self, target: RedisTarget, kafka_bootstrap: str, topic_prefix: str
    ) -> None:
        """The same event consumed twice (a replayed record) is one stream entry."""

        async def body(keys: dict[str, Any]) -> None:
            event, sentinel = make_event("a", 0), make_event("a", 1)
            await produce(kafka_bootstrap, topic_prefix, [event, event, sentinel])
            async with running(kafka_bootstrap, topic_prefix, self._config(keys)) as sink:
                await self._all_present(target, [event, sentinel], 30)
                await wait_for(
                    lambda: _is(sink.value("relay_sink_deliveries_total", outcome="delivered"), 3),
                    10,
                    "3",
                )
            assert [e["id"] for e in await target.received()] == [event.id, sentinel.id]

        self._run(target, kafka_bootstrap, topic_prefix, body)


async def _is(value: float, expected: float) -> bool:
    return value == expected
