"""The ``nats`` sink: publish each event to JetStream with ``Nats-Msg-Id`` = the event id.

JetStream drops a message whose id it saw within the stream's duplicate window, so a
redelivery inside the window is stored once. The subject is ``<subject_prefix>.<event type>``
(``relay.commerce.order.created.v1``); with ``create_stream`` the stream is created (or its
subjects and window updated) at start. A publish returns only after JetStream's ack; a batch
of events (distinct keys) is published without waiting and its acks are awaited together.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

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


_CONTENT_TYPE = "application/cloudevents+json"
_TOO_LARGE = DeliveryError("nats_too_large", "over the server's max_payload", retriable=False)


def _failure(exc: BaseException) -> DeliveryError:
    """The delivery error for what publishing or its ack raised."""
    from nats.errors import MaxPayloadError  # noqa: PLC0415 (loaded only when this sink runs)
    from nats.js.errors import APIError  # noqa: PLC0415

    if isinstance(exc, MaxPayloadError):
        return _TOO_LARGE
    if isinstance(exc, APIError):
        retriable = exc.code is None or exc.code >= 500  # noqa: PLR2004 (server side)
        return DeliveryError(f"nats_api_{exc.code}", exc.description or "", retriable=retriable)
    return DeliveryError("nats_unavailable", exc.__class__.__name__, retriable=True)


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
        (error,) = await self.deliver_batch([event])
        if error is not None:
            raise error

    async def deliver_batch(self, events: Sequence[SinkEvent]) -> Sequence[Exception | None]:
        """Publish ``events`` without waiting, then wait for all their acks together."""
        from nats.errors import Error as NatsError  # noqa: PLC0415

        results: list[Exception | None] = [None] * len(events)
        acks: list[tuple[int, asyncio.Future[Any]]] = []
        failure = None
        try:
            async with asyncio.timeout(self._config.timeout_seconds):  # also while reconnecting
                await self._publish(events, results, acks)
                if acks:
                    await asyncio.wait([ack for _, ack in acks])
        except (NatsError, TimeoutError, OSError) as caught:
            failure = _failure(caught)
        finally:
            for _, ack in acks:
                ack.cancel()  # no-one waits for an unanswered one: free its slot
        published = {index for index, _ in acks}
        for index, result in enumerate(results):
            if result is None and index not in published:
                results[index] = failure
        for index, ack in acks:
            if ack.cancelled():
                results[index] = failure or _failure(TimeoutError())
            elif (error := ack.exception()) is not None:
                results[index] = _failure(error)
        return results

    async def _publish(
        self,
        events: Sequence[SinkEvent],
        results: list[Exception | None],
        acks: list[tuple[int, asyncio.Future[Any]]],
    ) -> None:
        """Publish each of ``events`` (too large: into ``results``), its ack into ``acks``."""
        js, client = self._js, self._client
        if js is None or client is None:
            raise RuntimeError("nats sink not started")
        config = self._config
        for index, event in enumerate(events):
            if len(event.body) > client.max_payload:
                results[index] = _TOO_LARGE
                continue
            headers = {"Nats-Msg-Id": event.id, "Content-Type": _CONTENT_TYPE}
            subject = f"{config.subject_prefix}.{event.type}"
            ack = await js.publish_async(subject, event.body, stream=config.stream, headers=headers)
            acks.append((index, ack))

    async def aclose(self) -> None:
        """Drain and disconnect."""
        client, self._client = self._client, None
        if client is not None and not client.is_closed:
            await client.close()
