"""Helpers of the sink tests: canonical events on a real broker, a runner, a TCP proxy."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from pydantic import TypeAdapter

from normalizers.schema import CanonicalEvent, PlatformEvent
from relay.records import RecordBuilder
from relay.secrets import resolve_secret
from sinks import Sink, SinkContext, SinkMetrics
from sinks.config import SinkConfig
from sinks.registry import build_sink
from sinks.runner import SinkRunner

TOPIC = "platform-events"
_CONFIG = TypeAdapter(SinkConfig)


def make_event(key: str, seq: int, *, source: str = "shop-a", **extra: Any) -> CanonicalEvent:
    """A real canonical event of entity ``key``; ``seq`` orders the events of one key."""
    delivery = f"d-{uuid.uuid4().hex}"
    now = datetime.now(UTC)
    return CanonicalEvent(
        id=str(uuid.uuid4()),
        source=f"/sources/{source}",
        type="commerce.platform_event.received.v1",
        subject=key,
        time=now,
        platform="standard_webhooks",
        sourceid=source,
        platformtopic="test/seq",
        deliveryid=delivery,
        receivedat=now,
        partitionkey=f"{source}:{key}",
        data=PlatformEvent(
            id=key, platform_topic="test/seq", additional_fields={"seq": seq, **extra}
        ),
    )


def events_for(keys: int, per_key: int) -> list[CanonicalEvent]:
    """``per_key`` events for each of ``keys`` entities, interleaved."""
    return [make_event(f"k{k}", seq) for seq in range(per_key) for k in range(keys)]


async def create_topics(bootstrap: str, topics: Iterable[str], partitions: int = 3) -> None:
    """Create ``topics`` on the broker."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(t, partitions, 1) for t in topics])
    finally:
        await admin.close()


async def produce(
    bootstrap: str, prefix: str, events: Iterable[CanonicalEvent], *, one_by_one: bool = True
) -> None:
    """Publish ``events`` as relay does (structured CloudEvents, key = partition key)."""
    records = [(r.topic, r.key, r.value) for r in RecordBuilder(prefix).events(list(events))]
    await produce_raw(bootstrap, records, one_by_one=one_by_one)


async def produce_raw(
    bootstrap: str, records: Iterable[tuple[str, bytes | None, bytes]], *, one_by_one: bool = True
) -> None:
    """Publish raw ``(topic, key, value)`` records, in order per partition.

    ``one_by_one`` waits for each record's ack (one batch per record: Tansu's offsets-for-times,
    which the replay tests use, looks at whole batches); otherwise they go in large batches.
    """
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        if one_by_one:
            for topic, key, value in records:
                await producer.send_and_wait(topic, value, key=key)
        else:
            sent = [await producer.send(topic, value, key=key) for topic, key, value in records]
            await asyncio.gather(*sent)
    finally:
        await producer.stop()


def sink_config(name: str, **settings: Any) -> SinkConfig:
    """Validate a sink config as the YAML would give it."""
    return _CONFIG.validate_python({"name": name, "topics": [TOPIC], **settings})


FAST_RETRY = {
    "attempts": 500,
    "timeout_seconds": 60,
    "wait_initial_seconds": 0.05,
    "wait_max_seconds": 0.3,
    "wait_jitter_seconds": 0.05,
}


@dataclass
class RunningSink:
    """A sink runner as an asyncio task, stopped by ``stop()``."""

    runner: SinkRunner
    metrics: SinkMetrics
    stop_event: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None

    def value(self, name: str, **labels: str) -> float:
        """A metric sample of this runner's registry."""
        return (
            self.metrics.registry.get_sample_value(name, {"sink": self.runner.name, **labels})
            or 0.0
        )

    async def stop(self) -> None:
        """Stop gracefully and wait; re-raise what the runner raised."""
        self.stop_event.set()
        assert self.task is not None
        await self.task


@contextlib.asynccontextmanager
async def running(
    bootstrap: str, prefix: str, config: SinkConfig, sink: Sink | None = None
) -> AsyncIterator[RunningSink]:
    """Run ``config``'s sink (or ``sink`` in its place) against the broker for the block."""
    context = SinkContext(
        topic_prefix=prefix,
        kafka_options={"bootstrap_servers": bootstrap},
        resolve_secret=resolve_secret,
        topic_partitions=3,
    )
    metrics = SinkMetrics()
    running_sink = RunningSink(
        SinkRunner(config, sink or build_sink(config, context), context=context, metrics=metrics),
        metrics,
    )
    running_sink.task = asyncio.create_task(running_sink.runner.run(running_sink.stop_event))
    try:
        yield running_sink
    finally:
        if not running_sink.task.done():
            running_sink.stop_event.set()
            await asyncio.wait([running_sink.task], timeout=30)


async def wait_for(check: Callable[[], Awaitable[bool]], seconds: float, what: str) -> None:
    """Poll ``check`` (every 0.1 s) until true; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out after {seconds}s waiting for {what}")


class TcpProxy:
    """A TCP proxy on 127.0.0.1 in front of a real service, to take it away and bring it back."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def up(self) -> None:
        """Accept connections (on the same port as before)."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def down(self) -> None:
        """Refuse connections and cut the open ones."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        self._writers.difference_update((writer, up_writer))


class ProxiedTarget:
    """A target the sink reaches through a ``TcpProxy`` to ``host:port``."""

    def __init__(self, host: str, port: int) -> None:
        self.proxy = TcpProxy(host, port)

    async def take_down(self) -> None:
        """Cut the sink off the service."""
        await self.proxy.down()

    async def bring_up(self) -> None:
        """Let the sink reach the service again."""
        if self.proxy._server is None:
            await self.proxy.up()


async def read_body(receive: Callable[[], Awaitable[dict[str, Any]]]) -> bytes:
    """The whole body of an ASGI request."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    except (OSError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.transport.abort()
