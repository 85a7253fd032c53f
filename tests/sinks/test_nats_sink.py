"""The nats sink against the real NATS JetStream, outages through a TCP proxy."""

from __future__ import annotations

import contextlib
from typing import Any

import nats
import orjson
import pytest
from _sink_contract import SinkContract
from _sink_harness import ProxiedTarget
from nats.js.errors import NotFoundError

pytestmark = pytest.mark.integration


class NatsTarget(ProxiedTarget):
    """A JetStream stream and subject prefix of this test's own."""

    def __init__(self, suffix: str) -> None:
        super().__init__("127.0.0.1", 4222)
        self.stream = f"RELAYTEST_{suffix}"
        self.subjects = f"relaytest.{suffix}"

    async def prepare(self) -> dict[str, Any]:
        await self.proxy.up()
        return {
            "servers": [f"nats://127.0.0.1:{self.proxy.port}"],
            "stream": self.stream,
            "subject_prefix": self.subjects,
            "timeout_seconds": 1,
        }

    async def received(self) -> list[dict[str, Any]]:
        client = await nats.connect("nats://127.0.0.1:4222")
        try:
            js = client.jetstream()
            try:
                info = await js.stream_info(self.stream)
            except NotFoundError:
                return []
            events: list[dict[str, Any]] = []
            if not info.state.messages:
                return events
            for seq in range(info.state.first_seq, info.state.last_seq + 1):
                message = await js.get_msg(self.stream, seq)
                events.append(orjson.loads(message.data or b""))
            return events
        finally:
            await client.close()

    async def cleanup(self) -> None:
        await self.proxy.down()
        client = await nats.connect("nats://127.0.0.1:4222")
        try:
            with contextlib.suppress(NotFoundError):
                await client.jetstream().delete_stream(self.stream)
        finally:
            await client.close()


class TestNatsSink(SinkContract):
    """The contract for ``type: nats``."""

    sink_type = "nats"

    @pytest.fixture
    def target(self, topic_prefix: str) -> NatsTarget:
        """A fresh stream."""
        return NatsTarget(topic_prefix)
