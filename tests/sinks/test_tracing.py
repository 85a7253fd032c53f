"""Sink deliveries continue the trace whose traceparent the Kafka record carries."""

from __future__ import annotations

import asyncio
from pathlib import Path

import orjson
from _sink_harness import TOPIC, create_topics, make_event, sink_config, wait_for
from aiokafka import AIOKafkaProducer
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from relay._otel import OtelTracing
from relay.config import Settings
from relay.records import RecordBuilder
from relay.sinking import sink_context
from sinks.metrics import SinkMetrics
from sinks.registry import build_sink
from sinks.runner import SinkRunner

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = "00f067aa0ba902b7"


def test_file_sink_delivery_is_a_consumer_span_under_the_records_trace(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    """With tracing on, each delivery runs in a CONSUMER span whose parent is the record's."""
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    tracing = OtelTracing(provider)
    settings = Settings(kafka={"bootstrap_servers": kafka_bootstrap, "topic_prefix": topic_prefix})  # type: ignore[arg-type]
    context = sink_context(settings, tracing)
    config = sink_config(
        f"trace-{topic_prefix}",
        type="file",
        path=str(tmp_path / "events.jsonl"),
        session_timeout_ms=1500,
        commit_interval_seconds=0.2,
    )
    (record,) = RecordBuilder(topic_prefix).events([make_event("k1", 1)])
    traced = [*record.headers, ("traceparent", f"00-{TRACE}-{PARENT}-01".encode())]

    async def scenario() -> None:
        await create_topics(kafka_bootstrap, [f"{topic_prefix}.{TOPIC}"])
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
        await producer.start()
        try:
            await producer.send_and_wait(record.topic, record.value, key=record.key, headers=traced)
        finally:
            await producer.stop()
        runner = SinkRunner(
            config, build_sink(config, context), context=context, metrics=SinkMetrics()
        )
        stop = asyncio.Event()
        task = asyncio.create_task(runner.run(stop))

        async def delivered() -> bool:
            path = tmp_path / "events.jsonl"
            return path.exists() and bool(path.read_bytes().strip())

        try:
            await wait_for(delivered, 30, "the event in the file")
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)

    asyncio.run(scenario())
    line = orjson.loads((tmp_path / "events.jsonl").read_bytes().splitlines()[0])
    assert line["id"] == orjson.loads(record.value)["id"]
    (span,) = [s for s in spans.get_finished_spans() if s.kind is SpanKind.CONSUMER]
    assert span.context.trace_id == int(TRACE, 16)
    assert span.parent is not None
    assert span.parent.span_id == int(PARENT, 16)
    assert span.attributes is not None
    assert span.attributes["relay.sink"] == config.name
    provider.shutdown()
