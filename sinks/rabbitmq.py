"""The ``rabbitmq`` sink: persistent messages with publisher confirms; routing key = the type.

Each event is published to ``exchange`` (a durable topic exchange, declared with
``declare_exchange``) with routing key = the event type, ``message_id`` = the event id (for
consumers to deduplicate), delivery mode persistent, ``mandatory``: a message no queue is
bound for is returned and dead-lettered rather than dropped. ``deliver`` returns once the
broker confirmed the message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from sinks._base import SinkContext
from sinks._common import SecretRef, SinkSettings
from sinks._errors import DeliveryError
from sinks.event import SinkEvent

if TYPE_CHECKING:
    from aio_pika.abc import AbstractExchange, AbstractRobustConnection

__all__ = ["RabbitMqSink", "RabbitMqSinkConfig"]


class RabbitMqSinkConfig(SinkSettings):
    """Publish events to a RabbitMQ exchange."""

    type: Literal["rabbitmq"] = "rabbitmq"
    url: str = Field(default="amqp://guest@127.0.0.1:5672/", description="Without the password.")
    password: SecretRef | None = None
    exchange: str = Field(default="relay.events", min_length=1)
    declare_exchange: bool = True
    timeout_seconds: float = Field(default=10.0, gt=0)


class RabbitMqSink:
    """Delivers events to RabbitMQ (aio-pika, robust connection)."""

    def __init__(self, config: RabbitMqSinkConfig, context: SinkContext) -> None:
        self._config = config
        self._password = context.secret_value(config.name, "password", config.password)
        self._connection: AbstractRobustConnection | None = None
        self._exchange: AbstractExchange | None = None

    async def start(self) -> None:
        """Connect (reconnecting in the background), open a confirming channel."""
        import aio_pika  # noqa: PLC0415 (loaded only when this sink runs)
        from yarl import URL  # noqa: PLC0415 (aio-pika's URL type)

        config = self._config
        url = URL(config.url)
        if self._password:
            url = url.with_password(self._password)
        self._connection = await aio_pika.connect_robust(
            url, timeout=config.timeout_seconds, reconnect_interval=0.2
        )
        channel = await self._connection.channel(publisher_confirms=True, on_return_raises=True)
        if config.declare_exchange:
            self._exchange = await channel.declare_exchange(
                config.exchange, aio_pika.ExchangeType.TOPIC, durable=True
            )
        else:
            self._exchange = await channel.get_exchange(config.exchange, ensure=True)

    async def deliver(self, event: SinkEvent) -> None:
        """Publish ``event`` and wait for the broker's confirm."""
        import aio_pika  # noqa: PLC0415 (loaded only when this sink runs)
        from aio_pika.exceptions import (  # noqa: PLC0415
            AMQPError,
            PublishError,
        )
        from aio_pika.exceptions import DeliveryError as AmqpDeliveryError  # noqa: PLC0415

        exchange = self._exchange
        if exchange is None:
            raise RuntimeError("rabbitmq sink not started")
        message = aio_pika.Message(
            event.body,
            message_id=event.id,
            type=event.type,
            content_type="application/cloudevents+json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        try:
            await exchange.publish(
                message,
                routing_key=event.type,
                mandatory=True,
                timeout=self._config.timeout_seconds,
            )
        except PublishError:
            raise DeliveryError(
                "rabbitmq_unroutable", "no queue is bound for the type", retriable=False
            ) from None
        except AmqpDeliveryError:
            raise DeliveryError(
                "rabbitmq_nack", "the broker refused the message", retriable=True
            ) from None
        except (AMQPError, TimeoutError, OSError, RuntimeError) as exc:
            raise DeliveryError(
                "rabbitmq_unavailable", exc.__class__.__name__, retriable=True
            ) from None

    async def aclose(self) -> None:
        """Close the connection."""
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.close()
