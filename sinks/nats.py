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
from typing import TYPE_CHECKING, Literal

import orjson
from pydantic import Field

from sinks._base import SinkContext
from sinks._common import BatchedSinkSettings, SecretRef
from sinks._errors import DeliveryError
from sinks.event import SinkEvent

if TYPE_CHECKING:
    from nats.aio.client import Client
    from nats.aio.msg import Msg
    from nats.js import JetStreamContext

__all__ = ["NatsSink", "NatsSinkConfig"]

logger = logging.getLogger(__name__)


class NatsSinkConfig(BatchedSinkSettings):
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
_NO_RESPONDERS = "503"
_TOO_LARGE = DeliveryError("nats_too_large", "over the server's max_payload", retriable=False)


def _failure(exc: BaseException) -> DeliveryError:
    """The delivery error for what publishing raised (or a missing ack)."""
    from nats.errors import MaxPayloadError  # noqa: PLC0415 (loaded only when this sink runs)

    if isinstance(exc, MaxPayloadError):
        return _TOO_LARGE
    return DeliveryError("nats_unavailable", exc.__class__.__name__, retriable=True)


def _ack_error(msg: Msg) -> DeliveryError | None:
    """The error JetStream answered for a publish, or ``None`` for an ack (stored or duplicate)."""
    if msg.headers and msg.headers.get("Status") == _NO_RESPONDERS:
        return DeliveryError("nats_unavailable", "NoStreamResponseError", retriable=True)
    try:
        answer = orjson.loads(msg.data)
    except orjson.JSONDecodeError:
        return DeliveryError("nats_unavailable", "an ack that is not JSON", retriable=True)
    error = answer.get("error") if isinstance(answer, dict) else None
    if not error:
        return None
    code = error.get("code")
    retriable = not isinstance(code, int) or code >= 500  # noqa: PLR2004 (server side)
    return DeliveryError(f"nats_api_{code}", str(error.get("description", "")), retriable=retriable)


async def _log_error(exc: Exception) -> None:
    logger.warning("nats connection error", extra={"error": exc.__class__.__name__})


class NatsSink:
    """Delivers events to NATS JetStream (nats-py)."""

    def __init__(self, config: NatsSinkConfig, context: SinkContext) -> None:
        self._config = config
        self._token = context.secret_value(config.name, "token", config.token)
        self._client: Client | None = None
        self._js: JetStreamContext | None = None
        self._inbox = ""
        self._sequence = 0
        self._acks: dict[str, asyncio.Future[Msg]] = {}
        """Reply subject -> the future of a publish's ack."""

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
        self._inbox = self._client.new_inbox()
        await self._client.subscribe(f"{self._inbox}.*", cb=self._on_ack)

    async def _on_ack(self, msg: Msg) -> None:
        future = self._acks.pop(msg.subject, None)
        if future is not None and not future.done():
            future.set_result(msg)

    async def deliver(self, event: SinkEvent) -> None:
        """Publish ``event`` and wait for JetStream's ack."""
        (error,) = await self.deliver_batch([event])
        if error is not None:
            raise error

    async def deliver_batch(self, events: Sequence[SinkEvent]) -> Sequence[Exception | None]:
        """Publish ``events`` (each with a reply subject), then wait for their acks together.

        The sink's own reply subscription spares nats-py's per-message ``publish_async`` work.
        """
        from nats.errors import Error as NatsError  # noqa: PLC0415

        results: list[Exception | None] = [None] * len(events)
        acks: list[tuple[int, str, asyncio.Future[Msg]]] = []
        failure = None
        try:
            async with asyncio.timeout(self._config.timeout_seconds):  # also while reconnecting
                await self._publish(events, results, acks)
                if acks:
                    await asyncio.wait([ack for _, _, ack in acks])
        except (NatsError, TimeoutError, OSError) as caught:
            failure = _failure(caught)
        finally:
            for _, reply, ack in acks:
                if not ack.done():
                    ack.cancel()
                    self._acks.pop(reply, None)
        published = {index for index, _, _ in acks}
        for index, result in enumerate(results):
            if result is None and index not in published:
                results[index] = failure
        for index, _, ack in acks:
            results[index] = (
                (failure or _failure(TimeoutError()))
                if ack.cancelled()
                else _ack_error(ack.result())
            )
        return results

    async def _publish(
        self,
        events: Sequence[SinkEvent],
        results: list[Exception | None],
        acks: list[tuple[int, str, asyncio.Future[Msg]]],
    ) -> None:
        """Publish each of ``events`` (too large: into ``results``), its ack into ``acks``."""
        client = self._client
        if client is None:
            raise RuntimeError("nats sink not started")
        config = self._config
        loop = asyncio.get_running_loop()
        for index, event in enumerate(events):
            if len(event.body) > client.max_payload:
                results[index] = _TOO_LARGE
                continue
            self._sequence += 1
            reply = f"{self._inbox}.{self._sequence}"
            ack: asyncio.Future[Msg] = loop.create_future()
            self._acks[reply] = ack
            acks.append((index, reply, ack))
            headers = {
                "Nats-Msg-Id": event.id,
                "Nats-Expected-Stream": config.stream,
                "Content-Type": _CONTENT_TYPE,
            }
            subject = f"{config.subject_prefix}.{event.type}"
            await client.publish(subject, event.body, reply=reply, headers=headers)

    async def aclose(self) -> None:
        """Drain and disconnect."""
        client, self._client = self._client, None
        if client is not None and not client.is_closed:
            await client.close()
