"""One record's way through a sink: decode, filter, deliver with retries, or dead-letter."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass

import stamina
from aiokafka.structs import ConsumerRecord

from sinks._base import DeliveryTrace, Sink
from sinks._common import RetrySettings
from sinks._dlq import DeadLetter, DeadLetterPublisher
from sinks._errors import DeliveryError, SinkError, SinkGoneError, UndecodableEventError
from sinks.event import SinkEvent, decode_record
from sinks.filters import EventFilter
from sinks.metrics import SinkMetrics

__all__ = ["Deliverer", "retry_decision"]

logger = logging.getLogger(__name__)


def retry_decision(exc: Exception, wait_max: float) -> bool | float:
    """Stamina's backoff hook: retry retriable errors, honouring a server's ``Retry-After``.

    Errors the sink did not classify count as retriable when they are I/O errors (``OSError``,
    ``TimeoutError``) and as permanent otherwise.
    """
    if isinstance(exc, SinkGoneError):
        return False
    if isinstance(exc, DeliveryError):
        if exc.retriable and exc.retry_after is not None:
            return min(max(exc.retry_after, 0.0), wait_max)
        return exc.retriable
    if isinstance(exc, SinkError):
        return exc.retriable
    return isinstance(exc, OSError | TimeoutError)


def _describe(exc: Exception) -> tuple[str, str]:
    if isinstance(exc, DeliveryError):
        return exc.reason, f"{exc.__class__.__name__}: {exc}"
    if isinstance(exc, TimeoutError):
        return "timeout", "TimeoutError"
    return "unexpected_error", exc.__class__.__name__


@dataclass(frozen=True, slots=True)
class Deliverer:
    """Delivers records of one sink; bounded by a shared semaphore (``max_in_flight``)."""

    name: str
    sink: Sink
    event_filter: EventFilter
    retry: RetrySettings
    attempt_timeout: float
    slots: asyncio.Semaphore
    dead_letters: DeadLetterPublisher
    metrics: SinkMetrics
    trace: DeliveryTrace | None = None

    async def handle(self, record: ConsumerRecord[bytes, bytes], fetched_at: float) -> None:
        """Deliver, filter out or dead-letter ``record``; return when it may be committed.

        Raises ``SinkGoneError`` (the sink must stop; the record is not finished).
        """
        try:
            event = decode_record(
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                key=record.key,
                value=record.value,
                headers=record.headers,
            )
        except UndecodableEventError as exc:
            await self._dead_letter(record, exc, attempts=0)
            return
        if not self.event_filter.accepts(event):
            self.metrics.count(self.name, "filtered")
            return
        attempts, failure = await self._deliver(event)
        if failure is not None:
            await self._dead_letter(record, failure, attempts=attempts)
            return
        self.metrics.count(self.name, "delivered")
        self.metrics.delivery_seconds.labels(self.name).observe(time.monotonic() - fetched_at)

    async def _deliver(self, event: SinkEvent) -> tuple[int, Exception | None]:
        """Try until delivered or given up; return the attempts and the final error, if any.

        The first attempt runs without the retry machinery (the common case costs nothing);
        after a retriable failure, stamina retries with backoff and jitter within what is left
        of ``retry.attempts`` and ``retry.timeout_seconds``.
        """
        retry = self.retry
        started = time.monotonic()
        try:
            await self._attempt(event, 1)
        except SinkGoneError:
            raise
        except Exception as exc:  # noqa: BLE001 (every failure is dead-lettered, none dropped)
            decision = retry_decision(exc, retry.wait_max_seconds)
            if decision is False or retry.attempts == 1:
                return 1, exc
            first_wait = retry.wait_initial_seconds if decision is True else float(decision)
        else:
            return 1, None
        if not stamina.is_testing():
            await asyncio.sleep(first_wait + random.uniform(0, retry.wait_jitter_seconds))  # noqa: S311 (jitter, not crypto)
        attempts = 1
        try:
            async for attempt in stamina.retry_context(
                on=lambda exc: retry_decision(exc, retry.wait_max_seconds),
                attempts=retry.attempts - 1,
                timeout=max(retry.timeout_seconds - (time.monotonic() - started), 0.001),
                wait_initial=retry.wait_initial_seconds * 2,
                wait_max=retry.wait_max_seconds,
                wait_jitter=retry.wait_jitter_seconds,
            ):
                with attempt:
                    attempts += 1
                    await self._attempt(event, attempts)
        except SinkGoneError:
            raise
        except Exception as exc:  # noqa: BLE001 (every failure is dead-lettered, none dropped)
            return attempts, exc
        return attempts, None

    async def _attempt(self, event: SinkEvent, number: int) -> None:
        self.metrics.attempts.labels(self.name).inc()
        if number > 1:
            self.metrics.count(self.name, "retried")
        async with self.slots, asyncio.timeout(self.attempt_timeout):
            if self.trace is None:
                await self.sink.deliver(event)
                return
            with self.trace(event.headers, self.name):
                await self.sink.deliver(event)

    async def _dead_letter(
        self, record: ConsumerRecord[bytes, bytes], exc: Exception, *, attempts: int
    ) -> None:
        reason, error = _describe(exc)
        logger.warning(
            "dead-lettering an event",
            extra={
                "sink": self.name,
                "reason": reason,
                "attempts": attempts,
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
            },
        )
        await self.dead_letters.publish(
            DeadLetter(
                topic=record.topic,
                partition=record.partition,
                offset=record.offset,
                key=record.key,
                value=record.value,
                headers=record.headers,
                reason=reason,
                error=error,
                attempts=attempts,
            )
        )
        self.metrics.count(self.name, "dead_lettered")
