"""The one shared Kafka producer, and the topics relay owns.

Every webhook's records (raw, canonical events, DLQ) are handed to the same
``AIOKafkaProducer`` at once, so concurrent requests share its batches; ``publish`` returns
only when Kafka acknowledged every record (acks=all) and raises ``PublishError`` otherwise,
within ``kafka.publish_timeout_seconds``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError

from relay.config import KafkaSettings
from relay.errors import PublishError
from relay.secrets import resolve_secret

__all__ = ["KafkaPublisher", "Publisher", "Record", "kafka_client_options"]

logger = logging.getLogger(__name__)


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


class KafkaPublisher:
    """Publishes records with acks=all and waits for every acknowledgement."""

    def __init__(self, settings: KafkaSettings) -> None:
        self._settings = settings
        self._producer: AIOKafkaProducer | None = None
        self._ready_checked_at = 0.0
        self._ready = False
        self._connecting: asyncio.Task[None] | None = None

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
        producer = self._producer
        if producer is None:
            raise PublishError("not connected to Kafka")
        timeout = max_wait or self._settings.publish_timeout_seconds
        try:
            async with asyncio.timeout(timeout):
                futures = [
                    await producer.send(r.topic, r.value, key=r.key, headers=list(r.headers))
                    for r in records
                ]
                await asyncio.gather(*futures)
        except TimeoutError as exc:
            self._ready = False
            raise PublishError(f"not acknowledged within {timeout}s") from exc
        except KafkaError as exc:
            self._ready = False
            raise PublishError(exc.__class__.__name__) from exc

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
        try:
            async with asyncio.timeout(limit):
                await producer.stop()
        except TimeoutError:
            logger.warning("producer did not flush in time", extra={"seconds": limit})
