"""Trace context on records, and the OpenTelemetry backend, with an in-memory span exporter."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime

import httpx
import orjson
import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from normalizers import CanonicalEvent, make_event
from normalizers.schema import PlatformEvent
from relay._otel import OtelTracing
from relay.config import TelemetrySettings
from relay.dedup import InProcessDedup
from relay.errors import ConfigError
from relay.metrics import RelayMetrics
from relay.publisher import Record
from relay.records import RecordBuilder
from relay.tracing import (
    Tracing,
    build_tracing,
    continue_trace,
    parse_traceparent,
    retrace_events,
    stamp_records,
)
from relay.webhooks import SourceRuntime, WebhookReceiver
from verifiers import InboundRequest, Secret, SignatureMismatchError, Verified

PLATFORM_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PLATFORM_SPAN = "00f067aa0ba902b7"
TRACEPARENT = f"00-{PLATFORM_TRACE}-{PLATFORM_SPAN}-01"


class SigVerifier:
    """Accepts a body when header x-sig equals the secret."""

    platform = "stub"
    acknowledgement = None

    @classmethod
    def from_options(cls, options: object) -> SigVerifier:
        del options
        return cls()

    def check_secret(self, secret: Secret) -> None:
        del secret

    def handshake(self, request: InboundRequest, secrets: Sequence[Secret]) -> None:
        del request, secrets

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        del now
        if request.header("x-sig") != secrets[0].value:
            raise SignatureMismatchError("no match")
        return Verified(request=request, platform="stub", delivery_id="d-1", topic="t")


def normalize(delivery: Verified) -> list[CanonicalEvent]:
    """One platform event per delivery."""
    entity = PlatformEvent(id="e-1", platform_topic=delivery.topic, body=None)
    return [make_event(delivery, entity, "received")]


class Collect:
    """A publisher that keeps what it is given."""

    def __init__(self) -> None:
        self.records: list[Record] = []

    async def publish(self, records: Sequence[Record], *, max_wait: float | None = None) -> None:
        del max_wait
        self.records.extend(records)

    async def ready(self) -> bool:
        return True


def _receiver(publisher: Collect, tracing: Tracing | None) -> WebhookReceiver:
    source = SourceRuntime("src", "stub", SigVerifier(), (Secret("s3cret"),), normalize)
    return WebhookReceiver(
        sources={"src": source},
        publisher=publisher,
        builder=RecordBuilder("commerce"),
        dedup=InProcessDedup(ttl_seconds=60, max_entries=10),
        metrics=RelayMetrics(),
        max_body_bytes=1000,
        retry_after_seconds=1,
        clock=lambda: datetime(2026, 1, 1, tzinfo=UTC),
        tracing=tracing,
    )


@pytest.fixture
def spans() -> InMemorySpanExporter:
    """Where the tracing under test exports its spans."""
    return InMemorySpanExporter()


@pytest.fixture
def tracing(spans: InMemorySpanExporter) -> OtelTracing:
    """The OpenTelemetry backend with a synchronous in-memory exporter."""
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    return OtelTracing(provider)


async def _post(app: object, headers: dict[str, str]) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.post("/webhooks/src", content=b"{}", headers=headers)


def _headers(record: Record) -> dict[str, bytes]:
    return dict(record.headers)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (TRACEPARENT, TRACEPARENT),
        (None, None),
        (f"00-{'0' * 32}-{PLATFORM_SPAN}-01", None),
        (f"00-{PLATFORM_TRACE}-{'0' * 16}-01", None),
        (f"ff-{PLATFORM_TRACE}-{PLATFORM_SPAN}-01", None),
        (TRACEPARENT.upper(), None),
        (TRACEPARENT + "-extra", None),
        ("garbage", None),
    ],
)
def test_parse_traceparent_accepts_only_valid_w3c_values(
    value: str | None, expected: str | None
) -> None:
    """Valid W3C traceparents pass; zero ids, version ff, upper case, junk do not."""
    assert parse_traceparent(value) == expected


def test_stamp_and_retrace_are_identity_without_a_trace() -> None:
    """No trace: the very same lists come back (no copies on the hot path)."""
    records = [Record("t", b"k", b"v")]
    assert stamp_records(records, None) is records
    events: list[CanonicalEvent] = []
    assert retrace_events(events, None) is events


@pytest.mark.anyio
async def test_tracing_off_forwards_the_platforms_traceparent() -> None:
    """Without tracing, a valid incoming traceparent is on every record and in the envelope."""
    publisher = Collect()
    response = await _post(
        _receiver(publisher, None), {"x-sig": "s3cret", "traceparent": TRACEPARENT}
    )
    assert response.status_code == 200
    raw, event = publisher.records
    assert _headers(raw)["traceparent"] == TRACEPARENT.encode()
    assert _headers(event)["traceparent"] == TRACEPARENT.encode()
    assert orjson.loads(event.value)["traceparent"] == TRACEPARENT


@pytest.mark.anyio
async def test_tracing_off_drops_an_invalid_traceparent_everywhere() -> None:
    """An invalid incoming traceparent reaches neither headers nor the envelope."""
    publisher = Collect()
    await _post(_receiver(publisher, None), {"x-sig": "s3cret", "traceparent": "junk"})
    raw, event = publisher.records
    assert "traceparent" not in _headers(raw)
    assert "traceparent" not in orjson.loads(event.value)


@pytest.mark.anyio
async def test_tracing_on_makes_a_server_span_whose_context_the_records_carry(
    tracing: OtelTracing, spans: InMemorySpanExporter
) -> None:
    """One SERVER span, child of the platform's; its traceparent is on the records and event."""
    publisher = Collect()
    app = tracing.middleware(_receiver(publisher, tracing))
    response = await _post(app, {"x-sig": "s3cret", "traceparent": TRACEPARENT})
    assert response.status_code == 200
    (span,) = spans.get_finished_spans()
    assert span.kind is SpanKind.SERVER
    assert span.name == "POST /webhooks/{source_id}"
    assert span.parent is not None
    assert format(span.parent.span_id, "016x") == PLATFORM_SPAN
    assert format(span.context.trace_id, "032x") == PLATFORM_TRACE
    assert span.attributes is not None
    assert span.attributes["http.response.status_code"] == 200
    assert span.attributes["relay.delivery_id"] == "d-1"
    assert span.attributes["relay.source"] == "src"
    ours = f"00-{PLATFORM_TRACE}-{format(span.context.span_id, '016x')}-01"
    raw, event = publisher.records
    assert _headers(raw)["traceparent"] == ours.encode()
    assert orjson.loads(event.value)["traceparent"] == ours


@pytest.mark.anyio
async def test_tracing_on_starts_a_trace_and_records_a_rejection(
    tracing: OtelTracing, spans: InMemorySpanExporter
) -> None:
    """Without an incoming traceparent the span is a root; a 401 is on it, nothing published."""
    publisher = Collect()
    app = tracing.middleware(_receiver(publisher, tracing))
    assert (await _post(app, {"x-sig": "wrong"})).status_code == 401
    (span,) = spans.get_finished_spans()
    assert span.parent is None
    assert span.attributes is not None
    assert span.attributes["http.response.status_code"] == 401
    assert "relay.delivery_id" not in span.attributes
    assert publisher.records == []


@pytest.mark.anyio
async def test_continue_trace_makes_a_consumer_span_under_the_records_span(
    tracing: OtelTracing, spans: InMemorySpanExporter
) -> None:
    """A sink continuing a record's trace gets a CONSUMER span child of the receiver's span."""
    publisher = Collect()
    await _post(tracing.middleware(_receiver(publisher, tracing)), {"x-sig": "s3cret"})
    (server,) = spans.get_finished_spans()
    record = publisher.records[1]
    with continue_trace(tracing, list(record.headers), "deliver", sink="archive") as span:
        assert span is not None
    consumer: ReadableSpan = spans.get_finished_spans()[-1]
    assert consumer.kind is SpanKind.CONSUMER
    assert consumer.parent is not None
    assert consumer.parent.span_id == server.context.span_id
    assert consumer.context.trace_id == server.context.trace_id
    assert consumer.attributes is not None
    assert consumer.attributes["relay.sink"] == "archive"


def test_continue_trace_without_tracing_is_a_no_op() -> None:
    """Tracing off: the block runs with no span."""
    with continue_trace(None, [("traceparent", TRACEPARENT.encode())], "deliver", sink="s") as s:
        assert s is None


def test_build_tracing_is_none_when_off_and_names_the_key_without_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Off: None (OpenTelemetry untouched). On without the otel extra: ConfigError on the key."""
    assert build_tracing(TelemetrySettings()) is None
    enabled = TelemetrySettings(tracing=True, exporter="console")
    backend = build_tracing(enabled)
    assert isinstance(backend, OtelTracing)
    backend.shutdown()
    monkeypatch.setitem(sys.modules, "relay._otel", None)
    with pytest.raises(ConfigError, match=r"telemetry\.tracing: needs the otel extra"):
        build_tracing(enabled)
