"""The ``kafka`` sink: re-publish the (filtered) events to a topic of this or another cluster.

Records keep their key and headers; the value is the structured CloudEvent (a binary-mode
record is re-published in structured mode, its ``ce_*`` headers replaced by ``content-type``);
``topic`` is the full destination name. ``bootstrap_servers`` points at another
cluster (plaintext); without it the sink publishes to relay's own cluster. acks=all; a
publish returns once acknowledged. Redelivery can duplicate a record (at least once):
consumers deduplicate on the event id.
"""

from __future__ import annotations

from typing import Any, Literal

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from pydantic import Field

from sinks._base import SinkContext
from sinks._common import SinkSettings
from sinks._errors import DeliveryError
from sinks.event import SinkEvent

__all__ = ["KafkaSink", "KafkaSinkConfig"]

_STRUCTURED = b"application/cloudevents+json; charset=utf-8"


class KafkaSinkConfig(SinkSettings):
    """Re-publish events to a Kafka topic."""

    type: Literal["kafka"] = "kafka"
    topic: str = Field(pattern=r"^[A-Za-z0-9._-]{1,249}$", description="The destination topic.")
    bootstrap_servers: str | None = Field(default=None, description="Another cluster (plaintext).")
    request_timeout_ms: int = Field(default=10_000, ge=1000)


class KafkaSink:
    """Delivers events to a Kafka topic (aiokafka producer, acks=all)."""

    def __init__(self, config: KafkaSinkConfig, context: SinkContext) -> None:
        self._config = config
        options: dict[str, Any] = dict(context.kafka_options)
        if config.bootstrap_servers is not None:
            options = {"bootstrap_servers": config.bootstrap_servers}
        options["request_timeout_ms"] = config.request_timeout_ms
        self._options = options
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        """Connect the producer."""
        producer = AIOKafkaProducer(**self._options, acks="all")
        await producer.start()
        self._producer = producer

    async def deliver(self, event: SinkEvent) -> None:
        """Publish ``event``'s record and wait for the acknowledgement."""
        producer = self._producer
        if producer is None:
            raise RuntimeError("kafka sink not started")
        headers = [
            (n, v) for n, v in event.headers if not n.startswith("ce_") and n != "content-type"
        ]
        headers.append(("content-type", _STRUCTURED))
        try:
            await producer.send_and_wait(
                self._config.topic, event.body, key=event.key, headers=headers
            )
        except KafkaError as exc:
            raise DeliveryError(
                "kafka_error",
                exc.__class__.__name__,
                retriable=bool(getattr(exc, "retriable", True)),
            ) from None

    async def aclose(self) -> None:
        """Flush and disconnect."""
        producer, self._producer = self._producer, None
        if producer is not None:
            await producer.stop()
