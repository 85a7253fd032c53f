"""``POST /webhooks/{source_id}``: the receiver's hot path, as a framework-free ASGI handler.

The one mapping from outcome to HTTP answer (DESIGN.md):

- unknown source: 404 ``{"error":"unknown source"}``
- a method other than POST that is no platform handshake: 405
- a body over ``server.max_body_bytes``: 413 ``{"error":"payload too large"}``
- a platform handshake (ping, challenge): the verifier's ``PlatformReply``
- ``VerificationError``: 401 ``{"error":"unauthorized"}``; the reason only in log and metric
- a public key not cached: fetched from its pinned host, then verified again; when the host
  fails for now, 503 ``Retry-After`` (the platform retries); when it has no such key, 401
- a duplicate delivery id: 200 ``{"status":"duplicate"}``, nothing published
- Kafka acknowledged every record: 200 ``{"status":"accepted"}`` or the platform's answer
- ``NormalizationError``: raw and DLQ records published, then answered as accepted
- ``PublishError`` (Kafka down or slow): 503 ``Retry-After`` ``{"error":"temporarily ..."}``
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import structlog
from starlette.types import Receive, Scope, Send

from normalizers import CanonicalEvent, NormalizationError, Normalizer
from relay.dedup import InProcessDedup
from relay.errors import PublishError
from relay.keys import KeyFetchError, KeyStore
from relay.metrics import RelayMetrics
from relay.publisher import Publisher, Record
from relay.records import RecordBuilder
from verifiers import (
    InboundRequest,
    KeyUnavailableError,
    PlatformReply,
    Secret,
    VerificationError,
    Verified,
    Verifier,
)

__all__ = ["PATH_PREFIX", "SourceRuntime", "WebhookReceiver"]

logger = logging.getLogger(__name__)

PATH_PREFIX = "/webhooks/"

_JSON = (b"content-type", b"application/json")
_ACCEPTED = b'{"status":"accepted"}'
_DUPLICATE = b'{"status":"duplicate"}'
_KEY_FETCHES = 2  # Adobe I/O may need both of its keys


@dataclass(frozen=True, slots=True)
class SourceRuntime:
    """A configured source, ready to verify and normalize its deliveries."""

    id: str
    platform: str
    verifier: Verifier
    secrets: tuple[Secret, ...]
    normalizer: Normalizer
    keys: KeyStore | None = None
    """Fetches the public keys the verifier asks for; ``None`` for secret-only platforms."""


class _TooLargeError(Exception):
    pass


class _DisconnectedError(Exception):
    pass


class WebhookReceiver:
    """The ASGI handler for every path under ``/webhooks/``."""

    def __init__(
        self,
        *,
        sources: Mapping[str, SourceRuntime],
        publisher: Publisher,
        builder: RecordBuilder,
        dedup: InProcessDedup,
        metrics: RelayMetrics,
        max_body_bytes: int,
        retry_after_seconds: int,
        clock: Callable[[], datetime],
    ) -> None:
        self._sources = sources
        self._publisher = publisher
        self._builder = builder
        self._dedup = dedup
        self._metrics = metrics
        self._max_body = max_body_bytes
        self._retry_after = str(retry_after_seconds).encode()
        self._clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request to ``/webhooks/{source_id}``."""
        path = str(scope["path"])
        source = self._sources.get(path[len(PATH_PREFIX) :])
        if source is None:
            self._metrics.unknown_source.inc()
            await _answer(send, 404, b'{"error":"unknown source"}')
            return
        started = time.perf_counter()
        self._metrics.in_flight.inc()
        structlog.contextvars.bind_contextvars(source=source.id, platform=source.platform)
        try:
            status = await self._handle(source, scope, receive, send)
        except _DisconnectedError:
            status = "disconnected"
        finally:
            self._metrics.in_flight.dec()
            structlog.contextvars.clear_contextvars()
        self._metrics.webhooks.labels(source.platform, source.id, status).inc()
        self._metrics.request_seconds.labels(source.platform).observe(time.perf_counter() - started)

    async def _handle(
        self, source: SourceRuntime, scope: Scope, receive: Receive, send: Send
    ) -> str:
        headers = _headers(scope)
        try:
            body = await self._read_body(headers, receive)
        except _TooLargeError:
            await _answer(send, 413, b'{"error":"payload too large"}')
            return "too_large"
        query = scope.get("query_string", b"")
        request = InboundRequest(
            method=str(scope["method"]),
            path=str(scope["path"]),
            query=query.decode("latin-1") if isinstance(query, bytes) else "",
            headers=headers,
            body=body,
            source_id=source.id,
            received_at=self._clock(),
        )
        reply = source.verifier.handshake(request, source.secrets)
        if reply is not None:
            await _reply(send, reply)
            return "handshake"
        if request.method != "POST":
            await _answer(send, 405, b'{"error":"method not allowed"}', ((b"allow", b"POST"),))
            return "rejected"
        try:
            delivery = await self._verify(source, request)
        except (VerificationError, KeyFetchError) as exc:
            return await self._reject(source, send, exc)
        except Exception:  # a verifier bug must not turn bad input into a 5xx
            logger.exception("verifier failed unexpectedly")
            return await self._reject(source, send, None)
        structlog.contextvars.bind_contextvars(delivery_id=delivery.delivery_id)
        return await self._publish(source, delivery, send)

    async def _verify(self, source: SourceRuntime, request: InboundRequest) -> Verified:
        """Verify; when a public key is not cached, fetch it (pinned hosts only) and retry."""
        for _ in range(_KEY_FETCHES):
            try:
                return source.verifier.verify(request, source.secrets, now=request.received_at)
            except KeyUnavailableError as exc:
                if source.keys is None:
                    raise
                await source.keys.fetch(exc.url)
        return source.verifier.verify(request, source.secrets, now=request.received_at)

    async def _key_unavailable(self, source: SourceRuntime, send: Send) -> str:
        logger.warning("a platform's public key is unavailable, answering 503")
        self._metrics.verification_failures.labels(
            source.platform, source.id, "key_unavailable"
        ).inc()
        retry = ((b"retry-after", self._retry_after),)
        await _answer(send, 503, b'{"error":"temporarily unavailable"}', retry)
        return "unavailable"

    async def _publish(self, source: SourceRuntime, delivery: Verified, send: Send) -> str:
        key = f"{source.id}:{delivery.delivery_id}"
        async with self._dedup.claim(key) as fresh:
            if not fresh:
                await _answer(send, 200, _DUPLICATE)
                return "duplicate"
            records, events = self._records(source, delivery)
            started = time.perf_counter()
            try:
                await self._publisher.publish(records)
            except PublishError as exc:
                logger.warning("publish failed, answering 503", extra={"reason": exc.reason})
                self._metrics.publish_errors.labels(source.platform, source.id).inc()
                retry = ((b"retry-after", self._retry_after),)
                await _answer(send, 503, b'{"error":"temporarily unavailable"}', retry)
                return "unavailable"
            self._metrics.publish_seconds.observe(time.perf_counter() - started)
            self._dedup.mark(key)
        for event in events:
            self._metrics.events.labels(source.platform, event.type).inc()
        ack = source.verifier.acknowledgement
        if ack is None:
            await _answer(send, 200, _ACCEPTED)
        else:
            await _reply(send, ack)
        return "accepted"

    def _records(
        self, source: SourceRuntime, delivery: Verified
    ) -> tuple[list[Record], list[CanonicalEvent]]:
        records = [self._builder.raw(delivery)]
        events: list[CanonicalEvent] = []
        try:
            events = list(source.normalizer(delivery))
        except NormalizationError as exc:
            self._normalization_failed(source, delivery, records, exc.reason, exc)
        except Exception as exc:  # a normalizer bug: keep the delivery, flag it loudly
            logger.exception("normalizer failed unexpectedly")
            self._normalization_failed(source, delivery, records, "normalizer_error", exc)
        else:
            records.extend(self._builder.events(events))
        return records, events

    def _normalization_failed(
        self,
        source: SourceRuntime,
        delivery: Verified,
        records: list[Record],
        reason: str,
        exc: Exception,
    ) -> None:
        logger.warning("normalization failed, sending to the DLQ", extra={"reason": reason})
        self._metrics.normalization_failures.labels(source.platform, source.id, reason).inc()
        records.append(self._builder.dlq(delivery, reason, exc))

    async def _reject(
        self, source: SourceRuntime, send: Send, exc: VerificationError | KeyFetchError | None
    ) -> str:
        if isinstance(exc, KeyFetchError) and exc.retryable:
            return await self._key_unavailable(source, send)
        if isinstance(exc, KeyFetchError):
            reason = "key_not_found"
        else:
            reason = exc.reason if exc is not None else "verifier_error"
        logger.info("delivery rejected", extra={"reason": reason})
        self._metrics.verification_failures.labels(source.platform, source.id, reason).inc()
        await _answer(send, 401, b'{"error":"unauthorized"}')
        return "rejected"

    async def _read_body(self, headers: Mapping[str, str], receive: Receive) -> bytes:
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_body:
            raise _TooLargeError
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _DisconnectedError
            chunk = message.get("body", b"")
            if isinstance(chunk, bytes) and chunk:
                size += len(chunk)
                if size > self._max_body:
                    raise _TooLargeError
                chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)


def _headers(scope: Scope) -> dict[str, str]:
    headers: dict[str, str] = {}
    raw = scope.get("headers", ())
    for name_b, value_b in raw if isinstance(raw, list | tuple) else ():
        name = name_b.decode("latin-1").lower()
        value = value_b.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


async def _answer(
    send: Send,
    status: int,
    body: bytes,
    extra: tuple[tuple[bytes, bytes], ...] = (),
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [_JSON, (b"content-length", str(len(body)).encode()), *extra],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _reply(send: Send, reply: PlatformReply) -> None:
    headers = [(b"content-length", str(len(reply.body)).encode())]
    if reply.content_type:
        headers.append((b"content-type", reply.content_type.encode()))
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": reply.body})
