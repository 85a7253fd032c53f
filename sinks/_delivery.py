"""One record's way through a sink: decode, filter, deliver with retries, or dead-letter."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

import stamina
from aiokafka.structs import ConsumerRecord
from prometheus_client import Counter, Histogram

from sinks._base import BatchSink, DeliveryTrace, Sink
from sinks._common import RetrySettings
from sinks._dlq import DeadLetter, DeadLetterPublisher
from sinks._errors import DeliveryError, SinkError, SinkGoneError, UndecodableEventError
from sinks.event import SinkEvent, decode_record
from sinks.filters import EventFilter
from sinks.metrics import SinkMetrics

__all__ = ["Deliverer", "retry_decision"]

logger = logging.getLogger(__name__)


def retry_decision(exc: BaseException, wait_max: float) -> bool | float:
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
    _counters: _Counters = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_counters", _Counters.of(self.metrics, self.name))

    def decode(self, record: ConsumerRecord[bytes, bytes]) -> SinkEvent | None:
        """The record's event if it is one the filter accepts; ``None`` (counted) if filtered.

        Raises ``UndecodableEventError`` (``handle`` dead-letters the record).
        """
        event = decode_record(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
            value=record.value,
            headers=record.headers,
        )
        if not self.event_filter.accepts(event):
            self.metrics.count(self.name, "filtered")
            return None
        return event

    async def handle(
        self,
        record: ConsumerRecord[bytes, bytes],
        fetched_at: float,
        failed: tuple[SinkEvent, Exception] | None = None,
    ) -> None:
        """Deliver, filter out or dead-letter ``record``; return when it may be committed.

        ``failed`` is the event and the error of a first attempt already made (in a batch):
        the retries go on from there. Raises ``SinkGoneError`` (the sink must stop; the record
        is not finished).
        """
        if failed is not None:
            event, first = failed
            attempts, failure = await self._retry(event, first, time.monotonic())
        else:
            try:
                decoded = self.decode(record)
            except UndecodableEventError as exc:
                await self._dead_letter(record, exc, attempts=0)
                return
            if decoded is None:
                return
            attempts, failure = await self._deliver(decoded)
        if failure is not None:
            await self._dead_letter(record, failure, attempts=attempts)
            return
        self.delivered(fetched_at)

    def delivered(self, fetched_at: float, now: float | None = None) -> None:
        """Count one delivered event fetched at ``fetched_at``."""
        counters = self._counters
        counters.delivered.inc()
        counters.seconds.observe((now or time.monotonic()) - fetched_at)

    async def handle_batch(
        self, records: Sequence[tuple[ConsumerRecord[bytes, bytes], float]]
    ) -> dict[int, tuple[SinkEvent, Exception] | None]:
        """One first attempt for each of ``records`` (with fetch times; a key's in order).

        Returns the records still to ``handle`` by their index, each with its event and first
        error (``None``: undecodable, to be dead-lettered); the others are finished: delivered
        or filtered out. Raises ``SinkGoneError``.
        """
        events: list[SinkEvent] = []
        sent: list[int] = []
        failed: dict[int, tuple[SinkEvent, Exception] | None] = {}
        for index, (record, _) in enumerate(records):
            try:
                event = self.decode(record)
            except UndecodableEventError:
                failed[index] = None
                continue
            if event is not None:
                events.append(event)
                sent.append(index)
        if not events:
            return failed
        errors = await self._attempt_batch(events)
        now = time.monotonic()
        for index, event, error in zip(sent, events, errors, strict=True):
            if error is None:
                self.delivered(records[index][1], now)
            else:
                failed[index] = (event, error)
        return failed

    async def _attempt_batch(self, events: Sequence[SinkEvent]) -> Sequence[Exception | None]:
        self._counters.attempts.inc(len(events))
        batch_sink = cast("BatchSink", self.sink)
        try:
            async with asyncio.timeout(self.attempt_timeout):
                if self.trace is None:
                    return await batch_sink.deliver_batch(events)
                with contextlib.ExitStack() as spans:
                    for event in events:
                        spans.enter_context(self.trace(event.headers, self.name))
                    return await batch_sink.deliver_batch(events)
        except SinkGoneError:
            raise
        except Exception as exc:  # noqa: BLE001 (each event retries on its own)
            return [exc] * len(events)

    async def _deliver(self, event: SinkEvent) -> tuple[int, Exception | None]:
        """Try until delivered or given up; return the attempts and the final error, if any.

        The first attempt runs without the retry machinery (the common case costs nothing);
        after a retriable failure, stamina retries with backoff and jitter within what is left
        of ``retry.attempts`` and ``retry.timeout_seconds``.
        """
        started = time.monotonic()
        try:
            await self._attempt(event, 1)
        except SinkGoneError:
            raise
        except Exception as exc:  # noqa: BLE001 (every failure is dead-lettered, none dropped)
            return await self._retry(event, exc, started)
        return 1, None

    async def _retry(
        self, event: SinkEvent, first: Exception, started: float
    ) -> tuple[int, Exception | None]:
        """Retry after the failed first attempt ``first``, as ``_deliver`` describes."""
        retry = self.retry
        decision = retry_decision(first, retry.wait_max_seconds)
        if decision is False or retry.attempts == 1:
            return 1, first
        first_wait = retry.wait_initial_seconds if decision is True else float(decision)
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
        self._counters.attempts.inc()
        if number > 1:
            self._counters.retried.inc()
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


@dataclass(frozen=True, slots=True)
class _Counters:
    """The metric children one sink updates per event, looked up once."""

    attempts: Counter
    retried: Counter
    delivered: Counter
    seconds: Histogram

    @classmethod
    def of(cls, metrics: SinkMetrics, name: str) -> _Counters:
        return cls(
            attempts=metrics.attempts.labels(name),
            retried=metrics.deliveries.labels(name, "retried"),
            delivered=metrics.deliveries.labels(name, "delivered"),
            seconds=metrics.delivery_seconds.labels(name),
        )
