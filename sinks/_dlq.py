"""The sink dead-letter topic ``<prefix>.sink-dlq.<sink>``: what could not be delivered.

A dead letter keeps the original key, value and headers and adds ``relay-dlq-*`` headers:
``relay-dlq-sink``, ``relay-dlq-reason`` (a fixed code such as ``http_400``),
``relay-dlq-error`` (the error class and a short message, never a secret), ``relay-dlq-attempts``,
``relay-dlq-original-topic``, ``relay-dlq-original-partition``, ``relay-dlq-original-offset`` and
``relay-dlq-at`` (RFC 3339 UTC). Redriving and failing again keeps the first origin.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from sinks._base import SinkContext

__all__ = ["DLQ_HEADER_PREFIX", "DeadLetter", "DeadLetterPublisher", "dlq_topic"]

logger = logging.getLogger(__name__)

DLQ_HEADER_PREFIX = "relay-dlq-"
_ORIGIN = ("original-topic", "original-partition", "original-offset")
_MAX_ERROR = 300


def dlq_topic(prefix: str, sink: str) -> str:
    """Return the dead-letter topic of ``sink``."""
    return f"{prefix}.sink-dlq.{sink}"


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """One record that a sink gave up on, and why."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]]
    reason: str
    error: str
    attempts: int

    def record_headers(self, sink: str, now: datetime) -> list[tuple[str, bytes]]:
        """Return the original headers (without earlier ``relay-dlq-*``) plus this letter's."""
        previous = {n: v for n, v in self.headers if n.startswith(DLQ_HEADER_PREFIX)}
        headers = [(n, v) for n, v in self.headers if not n.startswith(DLQ_HEADER_PREFIX)]
        origin: tuple[str, ...] = (self.topic, str(self.partition), str(self.offset))
        if all(f"{DLQ_HEADER_PREFIX}{name}" in previous for name in _ORIGIN):
            origin = tuple(previous[f"{DLQ_HEADER_PREFIX}{name}"].decode() for name in _ORIGIN)
        fields = {
            "sink": sink,
            "reason": self.reason,
            "error": self.error[:_MAX_ERROR],
            "attempts": str(self.attempts),
            **dict(zip(_ORIGIN, origin, strict=True)),
            "at": now.isoformat().replace("+00:00", "Z"),
        }
        headers.extend((f"{DLQ_HEADER_PREFIX}{n}", v.encode()) for n, v in fields.items())
        return headers


class DeadLetterPublisher:
    """Publishes dead letters (acks=all), retrying until Kafka takes them or the task stops."""

    def __init__(self, sink: str, context: SinkContext) -> None:
        self.sink = sink
        self.topic = dlq_topic(context.topic_prefix, sink)
        self._context = context
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        """Connect and, with ``create_topics``, make sure the topic exists."""
        context = self._context
        if context.create_topics:
            admin = AIOKafkaAdminClient(**context.kafka_options)
            await admin.start()
            try:
                if self.topic not in set(await admin.list_topics()):
                    await admin.create_topics(
                        [
                            NewTopic(
                                self.topic,
                                context.topic_partitions,
                                context.topic_replication_factor,
                            )
                        ]
                    )
            except TopicAlreadyExistsError:
                pass
            finally:
                await admin.close()
        producer = AIOKafkaProducer(**context.kafka_options, acks="all")
        await producer.start()
        self._producer = producer

    async def publish(self, letter: DeadLetter) -> None:
        """Publish ``letter``; on Kafka errors wait and try again (never drop it)."""
        producer = self._producer
        if producer is None:
            raise RuntimeError("dead-letter publisher not started")
        delay = 0.2
        while True:
            try:
                headers = letter.record_headers(self.sink, datetime.now(UTC))
                await producer.send_and_wait(
                    self.topic, letter.value, key=letter.key, headers=headers
                )
            except KafkaError as exc:
                logger.warning(
                    "dead-letter publish failed, retrying",
                    extra={"sink": self.sink, "error": exc.__class__.__name__},
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
            else:
                return

    async def aclose(self) -> None:
        """Flush and disconnect."""
        producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()
