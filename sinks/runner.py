"""The sink runner: one Kafka consumer group per sink, offsets committed only after delivery.

Delivery is at least once. Records are handed to one lane per (partition, key): a lane
delivers its records one after the other (same key, same order), lanes run concurrently up
to ``max_in_flight`` deliveries. A partition's commit point is its finished prefix, so a crash
re-delivers, never skips. The poll loop never waits for a delivery: a partition with more than
``max_pending_per_partition`` unfinished records is paused (and resumed at half), so the
consumer keeps polling and keeps its group membership while a slow key holds one slot.

For a ``BatchSink`` the ready lanes' next records go out together in batches (a lane is in one
batch at a time); a lane whose record failed in a batch gets a worker that retries that record
alone, then the lane returns to the batches.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import stamina
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError

from sinks._base import Sink, SinkContext
from sinks._delivery import Deliverer
from sinks._dlq import DeadLetterPublisher
from sinks._offsets import PartitionOffsets
from sinks.config import SinkConfig
from sinks.event import SinkEvent
from sinks.filters import EventFilter
from sinks.metrics import SinkMetrics

__all__ = ["RunMode", "SinkRunner"]

logger = logging.getLogger(__name__)

Record: TypeAlias = Any  # aiokafka's ConsumerRecord (untyped)
LaneKey: TypeAlias = tuple[TopicPartition, bytes | None]


@dataclass(frozen=True, slots=True)
class RunMode:
    """How a runner reads: the sink's group (default), or a bounded pass for replay/redrive.

    ``topics`` overrides the sink's topics (full names); ``start`` maps each partition to its
    first offset (replay); ``until_end`` stops once every partition reached the end it had at
    start. A bounded pass uses manual assignment, so it never disturbs the sink's own group.
    """

    group_suffix: str = ""
    topics: tuple[str, ...] = ()
    start: Mapping[TopicPartition, int] | None = None
    until_end: bool = False


class SinkRunner:
    """Consumes a sink's topics and delivers every record to its ``Sink``."""

    def __init__(
        self,
        config: SinkConfig,
        sink: Sink,
        *,
        context: SinkContext,
        metrics: SinkMetrics,
        mode: RunMode | None = None,
    ) -> None:
        self.config = config
        self.mode = mode or RunMode()
        self.name = config.name
        self.group_id = f"relay-sink-{config.name}{self.mode.group_suffix}"
        self.topics = list(self.mode.topics) or [
            f"{context.topic_prefix}.{t}" for t in config.topics
        ]
        self.metrics = metrics
        self.dead_letters = DeadLetterPublisher(config.name, context)
        self.deliverer = Deliverer(
            name=config.name,
            sink=sink,
            event_filter=EventFilter.from_config(config.filter),
            retry=config.retry,
            attempt_timeout=config.attempt_timeout_seconds,
            slots=asyncio.Semaphore(config.max_in_flight),
            dead_letters=self.dead_letters,
            metrics=metrics,
            trace=context.trace,
        )
        self._sink = sink
        self._context = context
        self._offsets: dict[TopicPartition, PartitionOffsets] = {}
        self._lanes: dict[LaneKey, deque[tuple[Record, float]]] = {}
        self._workers: dict[LaneKey, asyncio.Task[None]] = {}
        self._batching = callable(getattr(sink, "deliver_batch", None))
        """A ``BatchSink``: lane heads go out in batches; a worker only retries a failed one."""
        self._ready: OrderedDict[LaneKey, None] = OrderedDict()
        self._batches: set[asyncio.Task[None]] = set()
        self._in_batches = 0
        self._flying: dict[LaneKey, int] = {}
        self._draining: set[TopicPartition] = set()
        """Records of each lane in a batch being delivered."""
        self._fatal: BaseException | None = None
        self._ends: dict[TopicPartition, int] = {}
        self._consumer: AIOKafkaConsumer | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set, then finish in-flight work, commit and leave the group.

        Raises ``SinkGoneError`` when the target is gone (after committing what was delivered).
        """
        consumer = AIOKafkaConsumer(
            group_id=self.group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=self.config.session_timeout_ms,
            heartbeat_interval_ms=max(self.config.session_timeout_ms // 5, 100),
            **self._context.kafka_options,
        )
        self._consumer = consumer
        await self.dead_letters.start()
        try:
            await self._start_sink()
            await consumer.start()
            try:
                await self._subscribe(consumer)
                logger.info("sink started", extra={"sink": self.name, "topics": self.topics})
                await self._poll(consumer, stop)
            finally:
                await self._stop(consumer)
        finally:
            await self._sink.aclose()
            await self.dead_letters.aclose()
            logger.info("sink stopped", extra={"sink": self.name})
        if self._fatal is not None:
            raise self._fatal

    async def _start_sink(self) -> None:
        """Start the sink, retrying (the target may be down) within the retry policy."""
        retry = self.config.retry
        async for attempt in stamina.retry_context(
            on=Exception,
            attempts=retry.attempts,
            timeout=retry.timeout_seconds,
            wait_initial=retry.wait_initial_seconds,
            wait_max=retry.wait_max_seconds,
            wait_jitter=retry.wait_jitter_seconds,
        ):
            with attempt:
                if attempt.num > 1:
                    logger.warning("sink start failed, retrying", extra={"sink": self.name})
                await self._sink.start()

    async def _subscribe(self, consumer: AIOKafkaConsumer) -> None:
        mode = self.mode
        if not (mode.until_end or mode.start is not None):
            consumer.subscribe(self.topics, listener=_Rebalance(self))
            return
        await consumer.topics()  # loads metadata
        partitions = [
            TopicPartition(topic, p)
            for topic in self.topics
            for p in sorted(consumer.partitions_for_topic(topic) or ())
        ]
        consumer.assign(partitions)
        self._assigned(partitions)
        for tp, offset in (mode.start or {}).items():
            if tp in self._offsets:
                consumer.seek(tp, offset)
        if mode.until_end:
            self._ends = dict(await consumer.end_offsets(partitions))

    async def _poll(self, consumer: AIOKafkaConsumer, stop: asyncio.Event) -> None:
        interval = self.config.commit_interval_seconds
        next_commit = time.monotonic() + interval
        while not stop.is_set() and self._fatal is None:
            # all that aiokafka prefetched (bounded by its fetch sizes): it fetches a node's
            # partitions again only once their buffer is taken, so take it and let it fetch
            # the next while this is delivered.
            batches = await consumer.getmany(timeout_ms=200)
            now = time.monotonic()
            for tp, records in batches.items():
                offsets = self._offsets.get(tp)
                if offsets is None:  # revoked meanwhile
                    continue
                for record in records:
                    offsets.add(record.offset)
                    self._dispatch(tp, record, now)
            self._launch()
            self._flow_control(consumer)
            if now >= next_commit:
                await self._commit(consumer)
                self._update_lag(consumer)
                next_commit = now + interval
            if self._ends and await self._reached_end(consumer):
                break

    def _dispatch(self, tp: TopicPartition, record: Record, now: float) -> None:
        key = (tp, record.key)
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = deque()
            if self._batching:
                self._ready[key] = None
            else:
                self._workers[key] = asyncio.create_task(self._work(key, lane))
        lane.append((record, now))

    def _launch(self) -> None:
        """Start batches of the ready lanes' next records, within ``max_in_flight``.

        A batch takes a lane's next records in order (as many as there is room for), so it can
        hold several records of one key; the lane is busy until the batch is done.
        """
        room = self.config.max_in_flight - self._in_batches - len(self._workers)
        ready = self._ready
        while ready and room > 0 and self._fatal is None:
            batch: list[tuple[LaneKey, int]] = []
            heads: list[tuple[Record, float]] = []
            while ready and room > 0:
                key = ready.popitem(last=False)[0]
                lane = self._lanes[key]
                count = min(len(lane), room)
                batch.append((key, count))
                heads.extend(itertools.islice(lane, count))
                self._flying[key] = count
                room -= count
            self._in_batches += len(heads)
            task = asyncio.create_task(self._deliver_batch(batch, heads))
            self._batches.add(task)
            task.add_done_callback(self._batches.discard)

    async def _deliver_batch(
        self, batch: list[tuple[LaneKey, int]], heads: list[tuple[Record, float]]
    ) -> None:
        """Deliver one first attempt of each record of ``batch``; hand a failed one to a worker.

        A key's records after its first failed one in the batch are delivered again after it
        (harmless: redelivery of an id is), so its order holds.
        """
        try:
            failed = await self.deliverer.handle_batch(heads)
        except Exception as exc:  # SinkGoneError or a bug: stop the sink, say why
            logger.exception("sink failed", extra={"sink": self.name})
            self._fatal = exc
            return
        finally:
            self._in_batches -= len(heads)
            for key, _ in batch:
                self._flying.pop(key, None)
        start = 0
        for key, count in batch:
            first, start = start, start + count
            lane = self._lanes.get(key)
            if lane is None:  # revoked meanwhile
                continue
            done = next((i - first for i in range(first, start) if i in failed), count)
            self._finished(key, lane, done, ready=done == count)
            if done < count and key[0] not in self._draining:  # draining: abandoned
                failure = failed[first + done]
                self._workers[key] = asyncio.create_task(self._work(key, lane, failure))
        self._launch()

    def _finished(
        self, key: LaneKey, lane: deque[tuple[Record, float]], count: int, *, ready: bool = True
    ) -> None:
        """The lane's first ``count`` records are done: mark their offsets; ready the lane."""
        offsets = self._offsets.get(key[0])
        for _ in range(count):
            record, _ = lane.popleft()
            if offsets is not None:
                offsets.finish(record.offset)
        if not lane:
            del self._lanes[key]
        elif ready and self._batching:
            self._ready[key] = None

    async def _work(
        self,
        key: LaneKey,
        lane: deque[tuple[Record, float]],
        failed: tuple[SinkEvent, Exception] | None = None,
    ) -> None:
        """Deliver the lane one record after the other; in batch mode only its failed head.

        In batch mode the lane goes back to the batches once its head is finished.
        """
        done = False
        try:
            while lane:
                record, fetched_at = lane[0]
                await self.deliverer.handle(record, fetched_at, failed)
                if self._batching:
                    done = True
                    break
                lane.popleft()
                offsets = self._offsets.get(key[0])
                if offsets is not None:
                    offsets.finish(record.offset)
        except Exception as exc:  # SinkGoneError or a bug: stop the sink, say why
            logger.exception("sink failed", extra={"sink": self.name})
            self._fatal = exc
        finally:
            del self._workers[key]
            mine = self._lanes.get(key) is lane
            if mine and not self._batching:
                del self._lanes[key]
        if mine and done:
            self._finished(key, lane, 1)
            self._launch()

    def _flow_control(self, consumer: AIOKafkaConsumer) -> None:
        high = self.config.max_pending_per_partition
        for tp, offsets in self._offsets.items():
            pending = len(offsets)
            if not offsets.paused and pending >= high:
                consumer.pause(tp)
                offsets.paused = True
            elif offsets.paused and pending <= high // 2:
                consumer.resume(tp)
                offsets.paused = False

    async def _commit(
        self, consumer: AIOKafkaConsumer, only: Iterable[TopicPartition] = ()
    ) -> None:
        wanted = set(only) or set(self._offsets)
        moved = {}
        for tp in wanted:
            offsets = self._offsets.get(tp)
            if offsets is not None and (offset := offsets.advance()) is not None:
                moved[tp] = offset
        if not moved:
            return
        try:
            await consumer.commit(moved)
        except (CommitFailedError, KafkaError) as exc:  # re-delivered later: at least once
            logger.warning("commit failed", extra={"sink": self.name, "error": repr(exc)})

    def _update_lag(self, consumer: AIOKafkaConsumer) -> None:
        lag: dict[str, int] = dict.fromkeys(self.topics, 0)
        for tp, offsets in self._offsets.items():
            end = consumer.highwater(tp)
            if end is None:
                continue
            low = offsets.low()
            if low is None:
                low = end if offsets.committed is None else offsets.committed
            lag[tp.topic] = lag.get(tp.topic, 0) + max(end - low, 0)
        for topic, behind in lag.items():
            self.metrics.lag.labels(self.name, topic).set(behind)

    async def _reached_end(self, consumer: AIOKafkaConsumer) -> bool:
        for tp, end in self._ends.items():
            offsets = self._offsets.get(tp)
            if offsets is None or len(offsets) or await consumer.position(tp) < end:
                return False
        return True

    def _assigned(self, partitions: Iterable[TopicPartition]) -> None:
        for tp in partitions:
            self._offsets.setdefault(tp, PartitionOffsets())

    async def _drain(self, partitions: set[TopicPartition]) -> None:
        """Let the current delivery of each lane of ``partitions`` finish, within the timeout.

        A batch's event that fails meanwhile is not retried now (nor committed).
        """
        self._draining |= partitions
        keys = [k for k in self._lanes if k[0] in partitions]
        for key in keys:  # abandon what has not started: it is not committed
            lane = self._lanes[key]
            if key in self._ready:  # nothing of it in flight
                del self._ready[key]
                del self._lanes[key]
                continue
            while len(lane) > self._flying.get(key, 1):
                lane.pop()
        tasks = [self._workers[k] for k in keys if k in self._workers]
        tasks += self._batches
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=self.config.stop_timeout_seconds)
            for task in pending:
                task.cancel()
            if pending:
                logger.warning(
                    "abandoned in-flight deliveries",
                    extra={"sink": self.name, "count": len(pending)},
                )
                await asyncio.gather(*pending, return_exceptions=True)
        for key in keys:  # what a batch or worker left behind (abandoned or failed)
            self._lanes.pop(key, None)
            self._ready.pop(key, None)
        self._draining -= partitions

    async def revoke(self, partitions: Iterable[TopicPartition]) -> None:
        """Finish (or abandon) the revoked partitions' work and commit what was delivered."""
        revoked = set(partitions) & set(self._offsets)
        await self._drain(revoked)
        if self._consumer is not None:
            await self._commit(self._consumer, revoked)
        for tp in revoked:
            del self._offsets[tp]

    async def _stop(self, consumer: AIOKafkaConsumer) -> None:
        consumer.pause(*consumer.assignment())
        await self._drain(set(self._offsets))
        await self._commit(consumer)
        self._update_lag(consumer)
        await consumer.stop()  # leaves the group


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]  # aiokafka is untyped
    def __init__(self, runner: SinkRunner) -> None:
        self._runner = runner

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self._runner.revoke(revoked)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        self._runner._assigned(assigned)  # noqa: SLF001 (the listener is part of the runner)
