"""The one shared Kafka producer, and the topics relay owns.

Every webhook's records (raw, canonical events, DLQ) go through the same ``AIOKafkaProducer``;
``publish`` returns only when Kafka acknowledged every record (acks=all) and raises
``PublishError`` otherwise, within ``kafka.publish_timeout_seconds``.

Concurrent requests share batches: each record is queued for its topic-partition (chosen as
aiokafka's and Java's default partitioner does, murmur2 of the key), and each partition's
queue hands what it gathered to aiokafka's ``send_batch`` as one record batch while the
previous one is being sent. One future per batch and one per webhook, instead of aiokafka's
future and callback per record, is what makes this cheaper than ``send`` (bench/README.md).
One queue per partition, drained in order, keeps the records of a key in order. zstd batches
are compressed with a context kept per thread (``relay._zstd``), not one set up per batch.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError
from aiokafka.partitioner import DefaultPartitioner
from murmurhash2 import murmurhash2

from relay import _zstd
from relay.config import KafkaSettings
from relay.deadlines import Deadlines
from relay.errors import PublishError
from relay.secrets import resolve_secret

__all__ = ["KafkaPublisher", "Publisher", "Record", "kafka_client_options"]

logger = logging.getLogger(__name__)

MURMUR2_SEED = 0x9747B28C
"""The seed of the Java client's ``Utils.murmur2``, which its default partitioner (and
aiokafka's, and librdkafka's ``murmur2_random``) hashes keys with."""


@dataclass(frozen=True, slots=True)
class Record:
    """One Kafka record ready to send."""

    topic: str
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...] = ()


class Publisher(Protocol):
    """What the receiver needs of a publisher."""

    async def publish(self, records: Sequence[Record], *, max_wait: float | None = None) -> None:
        """Return once every record is acknowledged; raise ``PublishError`` otherwise."""
        ...

    async def ready(self) -> bool:
        """Return whether Kafka answers now."""
        ...


def kafka_client_options(settings: KafkaSettings) -> dict[str, Any]:
    """Return the connection options every aiokafka client of relay shares."""
    options: dict[str, Any] = {
        "bootstrap_servers": settings.bootstrap_servers,
        "client_id": settings.client_id,
        "request_timeout_ms": settings.request_timeout_ms,
        "security_protocol": settings.security_protocol,
    }
    if settings.sasl_mechanism:
        options["sasl_mechanism"] = settings.sasl_mechanism
        options["sasl_plain_username"] = settings.sasl_username
        if settings.sasl_password:
            password = resolve_secret(settings.sasl_password, "kafka.sasl_password")
            options["sasl_plain_password"] = password.value
    if settings.security_protocol in {"SSL", "SASL_SSL"}:
        from aiokafka.helpers import create_ssl_context  # noqa: PLC0415 (only for TLS)

        options["ssl_context"] = create_ssl_context()
    return options


class _Waiter:
    """One ``publish`` call: done once Kafka acknowledged each of its ``left`` records."""

    __slots__ = ("future", "left")

    def __init__(self, future: asyncio.Future[None], left: int) -> None:
        self.future = future
        self.left = left

    def settle(self, exc: BaseException | None) -> None:
        """One of its records was acknowledged (``exc`` is ``None``) or failed."""
        if self.future.done():
            return
        if exc is not None:
            self.future.set_exception(exc)
            return
        self.left -= 1
        if self.left == 0:
            self.future.set_result(None)

    def expire(self) -> None:
        """Not every record was acknowledged in time."""
        if not self.future.done():
            self.future.set_exception(TimeoutError())


Queued = list[tuple[Record, _Waiter]]


@dataclass(slots=True)
class _PartitionQueue:
    """Records waiting for their partition's next batch, and the task sending them."""

    records: Queued = field(default_factory=list)
    sending: asyncio.Task[None] | None = None


class KafkaPublisher:
    """Publishes records with acks=all and waits for every acknowledgement."""

    def __init__(self, settings: KafkaSettings) -> None:
        self._settings = settings
        self._producer: AIOKafkaProducer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready_checked_at = 0.0
        self._ready = False
        self._connecting: asyncio.Task[None] | None = None
        self._queues: dict[tuple[str, int], _PartitionQueue] = {}
        self._partitioner = DefaultPartitioner()
        self._deadlines = Deadlines()

    async def start(self, topics: Iterable[str] = (), *, background: bool = False) -> None:
        """Connect (retrying up to ``connect_timeout_seconds``) and ensure ``topics`` exist.

        With ``background`` (the spool is enabled), return at once and keep retrying without
        a deadline; until connected, ``publish`` raises ``PublishError`` and webhooks spool.
        """
        if background:
            wanted = list(topics)
            self._connecting = asyncio.get_running_loop().create_task(self._connect(wanted, None))
            return
        await self._connect(list(topics), self._settings.connect_timeout_seconds)

    async def _connect(self, topics: list[str], limit: float | None) -> None:
        settings = self._settings
        if settings.compression_type == "zstd":
            _zstd.install(settings.zstd_level)  # a context kept per thread, not one per batch
        deadline = None if limit is None else time.monotonic() + limit
        while True:
            producer = AIOKafkaProducer(
                **kafka_client_options(settings),
                acks="all",
                enable_idempotence=settings.enable_idempotence,
                compression_type=None
                if settings.compression_type == "none"
                else settings.compression_type,
                linger_ms=settings.linger_ms,
                max_batch_size=settings.max_batch_size,
                max_request_size=settings.max_request_size,
            )
            try:
                await producer.start()
                if settings.create_topics:
                    await self.ensure_topics(topics)
                break
            except KafkaError as exc:
                await producer.stop()
                if deadline is not None and time.monotonic() >= deadline:
                    raise PublishError(
                        f"cannot connect to Kafka at {settings.bootstrap_servers}: {exc}"
                    ) from exc
                logger.warning("kafka not reachable yet, retrying", extra={"error": str(exc)})
                await asyncio.sleep(1.0)
        self._producer = producer
        self._loop = asyncio.get_running_loop()  # the producer's: publish runs there
        logger.info("connected to kafka", extra={"kafka": settings.bootstrap_servers})

    async def ensure_topics(self, topics: Iterable[str]) -> None:
        """Create the missing ones of ``topics``."""
        settings = self._settings
        admin = AIOKafkaAdminClient(**kafka_client_options(settings))
        await admin.start()
        try:
            existing = set(await admin.list_topics())
            missing = sorted(set(topics) - existing)
            if missing:
                await admin.create_topics(
                    [
                        NewTopic(
                            name,
                            settings.topic_partitions,
                            settings.topic_replication_factor,
                        )
                        for name in missing
                    ]
                )
                logger.info("created topics", extra={"topics": missing})
        finally:
            await admin.close()

    async def publish(self, records: Sequence[Record], *, max_wait: float | None = None) -> None:
        """Send ``records`` and return once Kafka acknowledged all of them.

        Raises ``PublishError`` when any record fails or the acknowledgements do not all
        arrive within ``max_wait`` seconds (default ``publish_timeout_seconds``). Records already
        handed to the producer may still reach Kafka later; the platform's retry (or the
        spool's drain) then yields a duplicate that consumers drop by event id.
        """
        # the loop kept since connecting: asyncio.get_running_loop calls getpid in Python 3.11
        producer, loop = self._producer, self._loop
        if producer is None or loop is None:
            raise PublishError("not connected to Kafka")
        if not records:
            return
        for record in records:
            self._check_size(record)
        timeout = max_wait or self._settings.publish_timeout_seconds
        waiter = _Waiter(loop.create_future(), len(records))
        # one dict entry, not asyncio.timeout or a timer each: this runs for every webhook
        expiry = self._deadlines.add(loop, timeout, waiter.expire)
        try:
            for record in records:
                partition = await self._partition(producer, record, timeout)
                self._enqueue(loop, producer, partition, record, waiter)
            await waiter.future
        except TimeoutError as exc:
            self._ready = False
            raise PublishError(f"not acknowledged within {timeout}s") from exc
        except KafkaError as exc:
            self._ready = False
            raise PublishError(exc.__class__.__name__) from exc
        finally:
            self._deadlines.discard(expiry)
            if not waiter.future.done():  # left early: later outcomes have no one to tell
                waiter.future.cancel()

    def _check_size(self, record: Record) -> None:
        size = len(record.value) + len(record.key or b"")
        size += sum(len(name) + len(value) for name, value in record.headers)
        if size > self._settings.max_request_size:
            raise PublishError(
                f"a record of {size} bytes exceeds kafka.max_request_size "
                f"({self._settings.max_request_size})"
            )

    async def _partition(self, producer: AIOKafkaProducer, record: Record, limit: float) -> int:
        """The record's partition, as aiokafka's (and Java's) default partitioner picks it."""
        cluster = producer.client.cluster
        partitions = cluster.partitions_for_topic(record.topic)
        if partitions is None:  # no metadata for the topic yet: wait for it, bounded
            async with asyncio.timeout(limit):
                partitions = await producer.partitions_for(record.topic)
        if record.key is not None:  # the partitioner's keyed case, without its sorted lists
            # murmurhash2 (compiled) gives aiokafka's pure-Python murmur2, ~25x faster
            return (murmurhash2(record.key, MURMUR2_SEED) & 0x7FFFFFFF) % len(partitions)
        available = cluster.available_partitions_for_topic(record.topic) or ()
        return int(self._partitioner(None, sorted(partitions), sorted(available)))

    def _enqueue(
        self,
        loop: asyncio.AbstractEventLoop,
        producer: AIOKafkaProducer,
        partition: int,
        record: Record,
        waiter: _Waiter,
    ) -> None:
        tp = (record.topic, partition)
        queue = self._queues.get(tp)
        if queue is None:
            queue = self._queues[tp] = _PartitionQueue()
        queue.records.append((record, waiter))
        if queue.sending is None:
            queue.sending = loop.create_task(self._send(producer, tp, queue))

    async def _send(
        self, producer: AIOKafkaProducer, tp: tuple[str, int], queue: _PartitionQueue
    ) -> None:
        """Send what the queue gathers, batch after batch, until it is empty."""
        try:
            await asyncio.sleep(0)  # let the requests of this loop turn join the first batch
            while queue.records:
                records, queue.records = queue.records, []
                while records:
                    records = await _send_batch(producer, tp, records)
        finally:
            queue.sending = None

    async def ready(self) -> bool:
        """Return whether Kafka answered a metadata request recently (cached for 1 s)."""
        producer = self._producer
        if producer is None:
            return False
        now = time.monotonic()
        if now - self._ready_checked_at >= 1.0:
            self._ready_checked_at = now
            try:
                async with asyncio.timeout(2.0):
                    self._ready = bool(await producer.client.force_metadata_update())
            except (TimeoutError, KafkaError):
                self._ready = False
        return self._ready

    async def aclose(self) -> None:
        """Flush what is buffered and disconnect."""
        if self._connecting is not None and not self._connecting.done():
            self._connecting.cancel()
        producer, self._producer = self._producer, None
        if producer is None:
            return
        # Bounded: with Kafka gone, what is still buffered was answered 503 or spooled already.
        limit = self._settings.request_timeout_ms / 1000 + 1
        sending = [q.sending for q in self._queues.values() if q.sending is not None]
        try:
            async with asyncio.timeout(limit):
                await asyncio.gather(*sending, return_exceptions=True)
                await producer.stop()
        except TimeoutError:
            logger.warning("producer did not flush in time", extra={"seconds": limit})


async def _send_batch(producer: AIOKafkaProducer, tp: tuple[str, int], records: Queued) -> Queued:
    """Hand one batch of ``records`` to the producer; return those that did not fit in it.

    An empty batch takes any first record, however large (one over ``max_batch_size`` then
    fills its batch alone), so every call sends at least one record.
    """
    topic, partition = tp
    batch = producer.create_batch()
    count = 0
    for record, _ in records:
        headers = list(record.headers)
        appended = batch.append(timestamp=None, key=record.key, value=record.value, headers=headers)
        if appended is None:  # full
            break
        count += 1
    batch.close()
    sent, rest = records[:count], records[count:]
    try:
        future = await producer.send_batch(batch, topic, partition=partition)
    except KafkaError as exc:  # closed, or no room within the request timeout
        _settle(sent, exc)
        return rest
    future.add_done_callback(lambda done: _settle(sent, _outcome(done)))
    return rest


def _outcome(done: asyncio.Future[Any]) -> BaseException | None:
    exc: BaseException | None
    exc = KafkaError("the batch was cancelled") if done.cancelled() else done.exception()
    return exc


def _settle(records: Queued, exc: BaseException | None) -> None:
    for _, waiter in records:
        waiter.settle(exc)
