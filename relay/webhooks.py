"""``POST /webhooks/{source_id}``: the receiver's hot path, as a framework-free ASGI handler.

The one mapping from outcome to HTTP answer (DESIGN.md):

- unknown source: 404 ``{"error":"unknown source"}``
- a method other than POST that is no platform handshake: 405
- a body over ``server.max_body_bytes``: 413 ``{"error":"payload too large"}``
- headers over ``server.max_header_bytes`` in all: 431
- a platform handshake (ping, challenge): the verifier's ``PlatformReply``
- ``VerificationError``: 401 ``{"error":"unauthorized"}``; the reason only in log and metric
- a public key not cached: fetched from its pinned host, then verified again; when the host
  fails for now, 503 ``Retry-After`` (the platform retries); when it has no such key, 401
- a duplicate delivery id: 200 ``{"status":"duplicate"}``, nothing published
- over the source's opt-in rate limit: 429 + ``Retry-After``
- the body not received within ``server.body_timeout_seconds``: 408
- Kafka acknowledged every record: 200 ``{"status":"accepted"}`` or the platform's answer
- Kafka unreachable or slow, spool enabled: records fsync'd in the spool, 202
  ``{"status":"spooled"}`` (or the platform's answer)
- ``NormalizationError``: raw and DLQ records published, then answered as accepted
- Kafka unreachable or slow without a spool, spool full, or the delivery still being
  published by another replica: 503 + ``Retry-After`` ``{"error":"temporarily unavailable"}``
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from starlette.types import Receive, Scope, Send

from normalizers import CanonicalEvent, NormalizationError, Normalizer
from relay.deadlines import Deadlines
from relay.dedup import Dedup
from relay.errors import DedupBusyError, PublishError, SpoolFullError
from relay.keys import KeyFetchError, KeyStore
from relay.logging import delivery_context
from relay.metrics import Children, RelayMetrics, publish_error_reason
from relay.publisher import Publisher, Record
from relay.ratelimit import TokenBucket
from relay.records import RecordBuilder
from relay.spool import Spool
from relay.tracing import Tracing, request_traceparent, retrace_events, stamp_records
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
_SPOOLED = b'{"status":"spooled"}'
_UNAVAILABLE = b'{"error":"temporarily unavailable"}'
_KEY_FETCHES = 2  # Adobe I/O may need both of its keys


@dataclass(frozen=True, slots=True)
class SourceRuntime:
    """A configured source, ready to verify and normalize its deliveries."""

    id: str
    platform: str
    verifier: Verifier
    secrets: tuple[Secret, ...]
    normalizer: Normalizer
    rate_limit: TokenBucket | None = None
    dedup_ttl_seconds: int | None = None
    keys: KeyStore | None = None
    """Fetches the public keys the verifier asks for; ``None`` for secret-only platforms."""


class _TooLargeError(Exception):
    pass


class _DisconnectedError(Exception):
    pass


class _BodyExpiry:
    """Cancels the request's task when its body is late, and says that it did."""

    __slots__ = ("fired", "task")

    def __init__(self, task: asyncio.Task[object]) -> None:
        self.task = task
        self.fired = False

    def __call__(self) -> None:
        self.fired = True
        self.task.cancel()


class WebhookReceiver:
    """The ASGI handler for every path under ``/webhooks/``."""

    def __init__(
        self,
        *,
        sources: Mapping[str, SourceRuntime],
        publisher: Publisher,
        builder: RecordBuilder,
        dedup: Dedup,
        metrics: RelayMetrics,
        max_body_bytes: int,
        max_header_bytes: int = 64 * 1024,
        retry_after_seconds: int,
        clock: Callable[[], datetime],
        spool: Spool | None = None,
        publish_timeout: float | None = None,
        body_timeout: float = 10.0,
        max_in_flight: int = 1024,
        tracing: Tracing | None = None,
    ) -> None:
        self._max_in_flight = max_in_flight
        self._in_flight = 0
        self._sources = sources
        self._publisher = publisher
        self._builder = builder
        self._dedup = dedup
        self._metrics = metrics
        self._max_body = max_body_bytes
        self._max_headers = max_header_bytes
        self._retry_after = str(retry_after_seconds).encode()
        self._clock = clock
        self._spool = spool
        self._publish_timeout = publish_timeout
        self._body_timeout = body_timeout
        self._tracing = tracing
        self._deadlines = Deadlines()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._outcomes = Children(metrics.webhooks)
        self._latency = Children(metrics.request_seconds)
        self._events = Children(metrics.events)
        metrics.track(metrics.in_flight, lambda: self._in_flight)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one request to ``/webhooks/{source_id}``."""
        path = str(scope["path"])
        source = self._sources.get(path[len(PATH_PREFIX) :])
        if source is None:
            self._metrics.unknown_source.inc()
            await _answer(send, 404, b'{"error":"unknown source"}')
            return
        if self._in_flight >= self._max_in_flight:
            await _answer(send, 503, _UNAVAILABLE, ((b"retry-after", self._retry_after),))
            self._outcomes(source.platform, source.id, "overloaded").inc()
            return
        started = time.perf_counter()
        self._in_flight += 1
        context = delivery_context(source.id, source.platform)
        try:
            status = await self._handle(source, context, scope, receive, send)
        except _DisconnectedError:
            status = "disconnected"
        finally:
            self._in_flight -= 1
        self._outcomes(source.platform, source.id, status).inc()
        self._latency(source.platform).observe(time.perf_counter() - started)

    async def _handle(
        self,
        source: SourceRuntime,
        context: dict[str, str],
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> str:
        request = await self._receive(source, scope, receive, send)
        if isinstance(request, str):
            return request
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
        context["delivery_id"] = delivery.delivery_id
        return await self._publish(source, delivery, send)

    async def _receive(
        self, source: SourceRuntime, scope: Scope, receive: Receive, send: Send
    ) -> InboundRequest | str:
        """Read the request within the limits, or answer and return the outcome."""
        if source.rate_limit is not None and not source.rate_limit.take():
            retry = str(source.rate_limit.retry_after()).encode()
            await _answer(send, 429, b'{"error":"rate limited"}', ((b"retry-after", retry),))
            return "rate_limited"
        headers = _headers(scope)
        if sum(len(name) + len(value) for name, value in headers.items()) > self._max_headers:
            await _answer(send, 431, b'{"error":"request header fields too large"}')
            return "too_large"
        task = self._current_task()
        expiry = _BodyExpiry(task)
        deadline = self._deadlines.add(task.get_loop(), self._body_timeout, expiry)
        try:
            body = await self._read_body(headers, receive)
        except _TooLargeError:
            await _answer(send, 413, b'{"error":"payload too large"}')
            return "too_large"
        except asyncio.CancelledError:
            if not expiry.fired:
                raise
            task.uncancel()
            await _answer(send, 408, b'{"error":"request timeout"}', ((b"connection", b"close"),))
            return "timeout"
        finally:
            self._deadlines.discard(deadline)
        query = scope.get("query_string", b"")
        return InboundRequest(
            method=str(scope["method"]),
            path=str(scope["path"]),
            query=query.decode("latin-1") if isinstance(query, bytes) else "",
            headers=headers,
            body=body,
            source_id=source.id,
            received_at=self._clock(),
        )

    def _current_task(self) -> asyncio.Task[object]:
        """The request's task, found without ``get_running_loop`` (a ``getpid`` in 3.11)."""
        task = None if self._loop is None else asyncio.current_task(self._loop)
        if task is None:  # the first request, or the first on a new loop
            task = asyncio.current_task()
            if task is None:  # pragma: no cover (ASGI servers run each request in a task)
                raise RuntimeError("a request outside a task")
            self._loop = task.get_loop()
        return task

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
        await _answer(send, 503, _UNAVAILABLE, ((b"retry-after", self._retry_after),))
        return "unavailable"

    async def _publish(self, source: SourceRuntime, delivery: Verified, send: Send) -> str:
        key = f"{source.id}:{delivery.delivery_id}"
        try:
            async with self._dedup.claim(key, source.dedup_ttl_seconds) as claim:
                if not claim.fresh:
                    self._metrics.dedup_hits.labels(source.platform, source.id).inc()
                    await _answer(send, 200, _DUPLICATE)
                    return "duplicate"
                # only bytes and event types wait for Kafka: the parsed body and the models
                # are freed now, so the next webhook reuses their memory while it is warm
                records, types = self._records(source, delivery)
                outcome = await self._make_durable(source, records)
                if outcome != "unavailable":
                    claim.mark()
        except DedupBusyError:
            outcome = "unavailable"
        if outcome == "unavailable":
            await _answer(send, 503, _UNAVAILABLE, ((b"retry-after", self._retry_after),))
            return outcome
        message = "delivery published" if outcome == "accepted" else "delivery spooled"
        logger.debug(message, extra={"records": len(records)})
        for event_type in types:
            self._events(source.platform, event_type).inc()
        ack = source.verifier.acknowledgement
        if ack is not None:
            await _reply(send, ack)
        elif outcome == "spooled":
            await _answer(send, 202, _SPOOLED)
        else:
            await _answer(send, 200, _ACCEPTED)
        return outcome

    async def _make_durable(self, source: SourceRuntime, records: list[Record]) -> str:
        """Publish, or spool when Kafka cannot take the records in time; say which."""
        spool = self._spool
        if spool is None or not spool.pending():
            started = time.perf_counter()
            try:
                await self._publisher.publish(records, max_wait=self._publish_timeout)
            except PublishError as exc:
                reason = publish_error_reason(exc)
                self._metrics.publish_errors.labels(source.platform, source.id, reason).inc()
                if spool is None:
                    logger.warning("publish failed, answering 503", extra={"reason": exc.reason})
                    return "unavailable"
                logger.warning("publish failed, spooling", extra={"reason": exc.reason})
            else:
                self._metrics.publish_seconds.observe(time.perf_counter() - started)
                return "accepted"
        try:
            await spool.append(records)
        except SpoolFullError as exc:
            logger.warning(
                "spool cannot take the webhook, answering 503", extra={"error": str(exc)}
            )
            self._metrics.spool_rejected.inc()
            return "unavailable"
        self._metrics.spool_appended.inc()
        return "spooled"

    def _records(self, source: SourceRuntime, delivery: Verified) -> tuple[list[Record], list[str]]:
        """The webhook's records, and the type of each canonical event among them."""
        traceparent = request_traceparent(self._tracing, delivery.request, delivery.delivery_id)
        records = [self._builder.raw(delivery)]
        events: Sequence[CanonicalEvent] = []
        try:
            events = list(source.normalizer(delivery))
        except NormalizationError as exc:
            self._normalization_failed(source, delivery, records, exc.reason, exc)
        except Exception as exc:  # a normalizer bug: keep the delivery, flag it loudly
            logger.exception("normalizer failed unexpectedly")
            self._normalization_failed(source, delivery, records, "normalizer_error", exc)
        else:
            events = retrace_events(events, traceparent)
            records.extend(self._builder.events(events))
        return stamp_records(records, traceparent), [event.type for event in events]

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
