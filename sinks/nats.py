"""The ``nats`` sink: publish each event to JetStream with ``Nats-Msg-Id`` = the event id.

JetStream drops a message whose id it saw within the stream's duplicate window, so a
redelivery inside the window is stored once. The subject is ``<subject_prefix>.<event type>``
(``relay.commerce.order.created.v1``); with ``create_stream`` the stream is created (or its
subjects and window updated) at start. A publish returns only after JetStream's ack.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from sinks._base import SinkContext
from sinks._common import SecretRef, SinkSettings
from sinks._errors import DeliveryError
from sinks.event import SinkEvent

if TYPE_CHECKING:
    from nats.aio.client import Client
    from nats.js import JetStreamContext

__all__ = ["NatsSink", "NatsSinkConfig"]

logger = logging.getLogger(__name__)


class NatsSinkConfig(SinkSettings):
    """Publish events to a JetStream stream."""

    type: Literal["nats"] = "nats"
    servers: list[str] = Field(default_factory=lambda: ["nats://127.0.0.1:4222"], min_length=1)
    token: SecretRef | None = None
    stream: str = Field(default="RELAY", pattern=r"^[A-Za-z0-9_-]{1,64}$")
    subject_prefix: str = Field(default="relay", pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")
    create_stream: bool = True
    duplicate_window_seconds: float = Field(default=120.0, gt=0)
    timeout_seconds: float = Field(default=5.0, gt=0)


async def _log_error(exc: Exception) -> None:
    logger.warning("nats connection error", extra={"error": exc.__class__.__name__})


class NatsSink:
    """Delivers events to NATS JetStream (nats-py)."""

    def __init__(self, config: NatsSinkConfig, context: SinkContext) -> None:
        self._config = config
        self._token = context.secret_value(config.name, "token", config.token)
        self._client: Client | None = None
        self._js: JetStreamContext | None = None

    async def start(self) -> None:
        """Connect (reconnecting forever in the background) and ensure the stream."""
        import nats  # noqa: PLC0415 (loaded only when this sink runs)
        from nats.js.api import StreamConfig  # noqa: PLC0415
        from nats.js.errors import NotFoundError  # noqa: PLC0415

        config = self._config
        self._client = await nats.connect(
            servers=config.servers,
            token=self._token,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.2,
            connect_timeout=config.timeout_seconds,
            allow_reconnect=True,
            error_cb=_log_error,
        )
        self._js = self._client.jetstream(timeout=config.timeout_seconds)
        if config.create_stream:
            stream = StreamConfig(
                name=config.stream,
                subjects=[f"{config.subject_prefix}.>"],
                duplicate_window=config.duplicate_window_seconds,
            )
            try:
                await self._js.stream_info(config.stream)
                await self._js.update_stream(stream)
            except NotFoundError:
                await self._js.add_stream(stream)

    async def deliver(self, event: SinkEvent) -> None:
        """Publish ``event`` and wait for JetStream's ack."""
        from nats.errors import Error as NatsError  # noqa: PLC0415
        from nats.errors import MaxPayloadError  # noqa: PLC0415
        from nats.js.errors import APIError  # noqa: PLC0415

        js = self._js
        if js is None:
            raise RuntimeError("nats sink not started")
        subject = f"{self._config.subject_prefix}.{event.type}"
        headers = {"Nats-Msg-Id": event.id, "Content-Type": "application/cloudevents+json"}
        try:
            async with asyncio.timeout(self._config.timeout_seconds):  # also while reconnecting
                await js.publish(subject, event.body, stream=self._config.stream, headers=headers)
        except MaxPayloadError:
            raise DeliveryError(
                "nats_too_large", "over the server's max_payload", retriable=False
            ) from None
        except APIError as exc:
            retriable = exc.code is None or exc.code >= 500  # noqa: PLR2004 (server side)
            raise DeliveryError(
                f"nats_api_{exc.code}", exc.description or "", retriable=retriable
            ) from None
        except (NatsError, TimeoutError, OSError) as exc:
            raise DeliveryError(
                "nats_unavailable", exc.__class__.__name__, retriable=True
            ) from None

    async def aclose(self) -> None:
        """Drain and disconnect."""
        client, self._client = self._client, None
        if client is not None and not client.is_closed:
            await client.close()
