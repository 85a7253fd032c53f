"""The OpenTelemetry backend of ``relay.tracing`` (imported only with ``telemetry.tracing``)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence

import structlog
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from relay import __version__
from relay.config import TelemetrySettings

__all__ = ["OtelTracing"]

_PROPAGATOR = TraceContextTextMapPropagator()
_ROUTE = "/webhooks/{source_id}"
_SCOPE = "relay"


def _exporter(settings: TelemetrySettings) -> SpanExporter:
    if settings.exporter == "console":
        return ConsoleSpanExporter()
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # noqa: PLC0415
        OTLPSpanExporter,
    )

    return OTLPSpanExporter(endpoint=settings.otlp_endpoint)


class OtelTracing:
    """A tracer provider of relay's own (not the global one), with its exporter."""

    def __init__(self, provider: TracerProvider) -> None:
        self._provider = provider
        self._tracer = provider.get_tracer(_SCOPE, __version__)

    @classmethod
    def from_settings(cls, settings: TelemetrySettings) -> OtelTracing:
        """Build the provider: service name, parent-based ratio sampling, batch export."""
        provider = TracerProvider(
            resource=Resource.create(
                {"service.name": settings.service_name, "service.version": __version__}
            ),
            sampler=ParentBased(TraceIdRatioBased(settings.sample_ratio)),
        )
        provider.add_span_processor(BatchSpanProcessor(_exporter(settings)))
        return cls(provider)

    def middleware(self, app: ASGIApp) -> ASGIApp:
        """Wrap ``app`` so that every request runs in a SERVER span."""
        return _TracingMiddleware(app, self._tracer)

    def traceparent(self, delivery_id: str) -> str | None:
        """Annotate the current span with the delivery; return its ``traceparent``."""
        span = trace.get_current_span()
        if not span.get_span_context().is_valid:
            return None
        span.set_attribute("relay.delivery_id", delivery_id)
        carrier: dict[str, str] = {}
        _PROPAGATOR.inject(carrier)
        return carrier.get("traceparent")

    @contextlib.contextmanager
    def consumer_span(
        self, headers: Sequence[tuple[str, bytes | None]], name: str, *, sink: str
    ) -> Iterator[Span]:
        """Run the block in a CONSUMER span, child of the record's ``traceparent``."""
        parent = _PROPAGATOR.extract(_record_carrier(headers))
        with self._tracer.start_as_current_span(
            name,
            context=parent,
            kind=SpanKind.CONSUMER,
            attributes={"messaging.system": "kafka", "relay.sink": sink},
        ) as span:
            yield span

    def shutdown(self) -> None:
        """Export every finished span and stop."""
        self._provider.shutdown()


class _TracingMiddleware:
    def __init__(self, app: ASGIApp, tracer: trace.Tracer) -> None:
        self._app = app
        self._tracer = tracer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        carrier = _trace_headers(scope)
        parent = _PROPAGATOR.extract(carrier) if carrier else None
        path = str(scope["path"])
        attributes = {
            "http.request.method": str(scope.get("method", "")),
            "http.route": _ROUTE,
            "relay.source": path.removeprefix("/webhooks/")[:64],
        }
        with self._tracer.start_as_current_span(
            f"{scope.get('method', 'POST')} {_ROUTE}",
            context=parent,
            kind=SpanKind.SERVER,
            attributes=attributes,
        ) as span:
            context = span.get_span_context()
            if context.is_valid:
                structlog.contextvars.bind_contextvars(trace_id=format(context.trace_id, "032x"))

            async def traced_send(message: Message) -> None:
                if message["type"] == "http.response.start":
                    status = int(message["status"])
                    span.set_attribute("http.response.status_code", status)
                    if status >= 500:  # noqa: PLR2004 (server errors mark the span)
                        span.set_status(Status(StatusCode.ERROR))
                await send(message)

            await self._app(scope, receive, traced_send)


def _trace_headers(scope: Scope) -> dict[str, str]:
    carrier: dict[str, str] = {}
    for name, value in scope.get("headers", ()):
        if name in {b"traceparent", b"tracestate"}:
            carrier[name.decode("latin-1")] = value.decode("latin-1")
    return carrier


def _record_carrier(headers: Sequence[tuple[str, bytes | None]]) -> Mapping[str, str]:
    return {
        name.lower(): value.decode("latin-1")
        for name, value in headers
        if value is not None and name.lower() in {"traceparent", "tracestate"}
    }
