"""Running sinks from relay's settings: ``relay sink run|replay|dlq-redrive`` and ``relay dev``.

The runner itself lives in ``sinks.runner``; this module only turns settings into the
``SinkContext`` a sink needs, starts runners and maps their end to an exit code.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime

from aiokafka import AIOKafkaConsumer, TopicPartition

from relay.config import Settings
from relay.errors import ConfigError
from relay.publisher import kafka_client_options
from relay.secrets import resolve_secret
from relay.tracing import Tracing, build_tracing, continue_trace
from sinks import SinkConfigError, SinkContext, SinkGoneError, dlq_topic
from sinks.config import SinkConfig
from sinks.metrics import SinkMetrics
from sinks.registry import build_sink
from sinks.runner import RunMode, SinkRunner

__all__ = [
    "check_sinks",
    "parse_start",
    "redrive_sink",
    "replay_sink",
    "run_sinks",
    "sink_context",
]

logger = logging.getLogger(__name__)

EXIT_SINK_GONE = 4
EXIT_SINK_FAILED = 5


def sink_context(settings: Settings, tracing: Tracing | None = None) -> SinkContext:
    """Return what every sink of ``settings`` shares (Kafka access, secrets, tracing).

    With ``tracing``, each delivery attempt runs in a CONSUMER span that continues the trace
    whose ``traceparent`` the record carries (docs/observability.md).
    """
    kafka = settings.kafka
    trace = None
    if tracing is not None:
        trace = functools.partial(_delivery_span, tracing)
    return SinkContext(
        trace=trace,
        topic_prefix=kafka.topic_prefix,
        kafka_options=kafka_client_options(kafka),
        resolve_secret=resolve_secret,
        create_topics=kafka.create_topics,
        topic_partitions=kafka.topic_partitions,
        topic_replication_factor=kafka.topic_replication_factor,
    )


def check_sinks(settings: Settings) -> None:
    """Build every sink (resolving its secrets) without connecting; raise ``ConfigError``."""
    context = sink_context(settings)
    for config in settings.sinks:
        try:
            build_sink(config, context)
        except SinkConfigError as exc:
            raise ConfigError(exc.key, exc.message) from exc


def parse_start(value: str) -> int | datetime:
    """Parse ``--from``: an offset (``1200``) or an RFC 3339 time (``2026-01-02T03:04:05Z``)."""
    if value.isdigit():
        return int(value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError("--from", "expected an offset or an RFC 3339 time") from None
    if moment.tzinfo is None:
        raise ConfigError("--from", "the time needs a UTC offset (e.g. Z)")
    return moment


def _delivery_span(
    tracing: Tracing, headers: Sequence[tuple[str, bytes]], sink: str
) -> AbstractContextManager[object]:
    return continue_trace(tracing, headers, "deliver", sink=sink)


async def _run(runners: Sequence[SinkRunner], stop: asyncio.Event) -> int:
    results = await asyncio.gather(*(r.run(stop) for r in runners), return_exceptions=True)
    code = 0
    for runner, result in zip(runners, results, strict=True):
        if isinstance(result, asyncio.CancelledError):
            raise result
        if isinstance(result, SinkGoneError):
            logger.error(
                "sink stopped: target gone", extra={"sink": runner.name, "error": str(result)}
            )
            code = max(code, EXIT_SINK_GONE)
        elif isinstance(result, BaseException):
            logger.error("sink failed", extra={"sink": runner.name, "error": repr(result)})
            code = max(code, EXIT_SINK_FAILED)
    return code


async def run_sinks(
    settings: Settings,
    configs: Sequence[SinkConfig],
    *,
    stop: asyncio.Event,
    metrics: SinkMetrics,
) -> int:
    """Run ``configs`` until ``stop``; return 0, or 4 when a target is gone, 5 on failure."""
    tracing = build_tracing(settings.telemetry)
    context = sink_context(settings, tracing)
    runners = [
        SinkRunner(c, build_sink(c, context), context=context, metrics=metrics) for c in configs
    ]
    try:
        return await _run(runners, stop)
    finally:
        if tracing is not None:
            tracing.shutdown()


async def replay_sink(
    settings: Settings, config: SinkConfig, start: int | datetime, *, metrics: SinkMetrics
) -> int:
    """Re-deliver the sink's topics from ``start`` up to their end now, then return."""
    context = sink_context(settings)
    topics = tuple(f"{context.topic_prefix}.{t}" for t in config.topics)
    offsets = await _start_offsets(context, topics, start)
    mode = RunMode(group_suffix="-replay", topics=topics, start=offsets, until_end=True)
    runner = SinkRunner(
        config, build_sink(config, context), context=context, metrics=metrics, mode=mode
    )
    return await _run([runner], asyncio.Event())


async def redrive_sink(settings: Settings, config: SinkConfig, *, metrics: SinkMetrics) -> int:
    """Send the sink's dead letters (up to the end now) through the sink again."""
    context = sink_context(settings)
    mode = RunMode(
        group_suffix="-redrive",
        topics=(dlq_topic(context.topic_prefix, config.name),),
        until_end=True,
    )
    runner = SinkRunner(
        config, build_sink(config, context), context=context, metrics=metrics, mode=mode
    )
    return await _run([runner], asyncio.Event())


async def _start_offsets(
    context: SinkContext, topics: Sequence[str], start: int | datetime
) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(**context.kafka_options)
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [
            TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()
        ]
        ends = await consumer.end_offsets(partitions)
        if isinstance(start, int):
            return {tp: min(start, end) for tp, end in ends.items()}
        stamp = int(start.timestamp() * 1000)
        found = await consumer.offsets_for_times(dict.fromkeys(partitions, stamp))
        # No record at or after the time: None (Kafka), or timestamp -1 (Tansu): start at the end.
        return {
            tp: hit.offset if hit is not None and hit.timestamp >= 0 else ends[tp]
            for tp, hit in found.items()
        }
    finally:
        await consumer.stop()
