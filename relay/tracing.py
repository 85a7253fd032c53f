"""W3C trace context on relay's Kafka records, and optional OpenTelemetry tracing.

Every record of a delivery (raw, canonical, DLQ) carries a ``traceparent`` header when there is
a trace to continue, and canonical events carry the same value in their ``traceparent``
extension (docs/kafka.md):

- tracing off (default): the platform's own ``traceparent`` header, if it sent a valid one, is
  forwarded as is. No span, no OpenTelemetry import: the hot path costs one header lookup.
- tracing on (``telemetry.tracing``, the ``otel`` extra): a SERVER span per webhook, child of
  the platform's ``traceparent`` when present, and its context goes into the records.

Sink side: ``tracing = build_tracing(settings.telemetry)`` once, then per record
``with continue_trace(tracing, record.headers, "deliver", sink=NAME):`` runs the delivery in a
CONSUMER span continuing the receiver's trace (a no-op when ``tracing`` is ``None``).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

from normalizers import CanonicalEvent
from relay.config import TelemetrySettings
from relay.errors import ConfigError
from relay.publisher import Record
from verifiers import InboundRequest

if TYPE_CHECKING:
    from starlette.types import ASGIApp

__all__ = [
    "TRACEPARENT",
    "Tracing",
    "build_tracing",
    "continue_trace",
    "parse_traceparent",
    "request_traceparent",
    "retrace_events",
    "stamp_records",
]

TRACEPARENT = "traceparent"
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$")


class Tracing(Protocol):
    """What the app needs of a tracing backend (``relay._otel.OtelTracing``)."""

    def middleware(self, app: ASGIApp) -> ASGIApp:
        """Wrap the webhook receiver: one SERVER span per request."""
        ...

    def traceparent(self, delivery_id: str) -> str | None:
        """Annotate the current span with the delivery; return its ``traceparent``."""
        ...

    def consumer_span(
        self, headers: Sequence[tuple[str, bytes | None]], name: str, *, sink: str
    ) -> contextlib.AbstractContextManager[object]:
        """A CONSUMER span continuing the trace in a Kafka record's headers."""
        ...

    def shutdown(self) -> None:
        """Export what is buffered and stop."""
        ...


def parse_traceparent(value: str | None) -> str | None:
    """Return ``value`` if it is a valid W3C ``traceparent`` (version 00 layout), else ``None``."""
    if value is None or not _TRACEPARENT.match(value):
        return None
    return value if not value.startswith("ff") else None


def request_traceparent(
    tracing: Tracing | None, request: InboundRequest, delivery_id: str
) -> str | None:
    """Return the ``traceparent`` the records of a delivery carry (``None``: no trace)."""
    if tracing is None:
        return parse_traceparent(request.header(TRACEPARENT))
    return tracing.traceparent(delivery_id)


def retrace_events(
    events: Sequence[CanonicalEvent], traceparent: str | None
) -> Sequence[CanonicalEvent]:
    """Return ``events`` with ``traceparent`` as their extension (``None``: without one).

    Events whose extension already matches are returned as they are (no copy).
    """
    for event in events:
        if event.traceparent != traceparent:
            return [e if e.traceparent == traceparent else _retrace(e, traceparent) for e in events]
    return events


def stamp_records(records: list[Record], traceparent: str | None) -> list[Record]:
    """Return ``records`` with a ``traceparent`` header (as they are when ``None``)."""
    if traceparent is None:
        return records
    header = (TRACEPARENT, traceparent.encode())
    return [Record(r.topic, r.key, r.value, (*r.headers, header)) for r in records]


def _retrace(event: CanonicalEvent, traceparent: str | None) -> CanonicalEvent:
    return event.model_copy(update={"traceparent": traceparent})


def build_tracing(settings: TelemetrySettings) -> Tracing | None:
    """Return the tracing backend ``settings`` ask for, or ``None`` when tracing is off.

    Raises ``ConfigError`` (key ``telemetry.tracing``) when the ``otel`` extra is missing.
    """
    if not settings.tracing:
        return None
    try:
        from relay._otel import OtelTracing  # noqa: PLC0415 (optional dependency)
    except ImportError as exc:
        raise ConfigError(
            "telemetry.tracing", "needs the otel extra: pip install 'relay[otel]'"
        ) from exc
    return OtelTracing.from_settings(settings)


@contextlib.contextmanager
def continue_trace(
    tracing: Tracing | None,
    headers: Sequence[tuple[str, bytes | None]],
    name: str,
    *,
    sink: str,
) -> Iterator[object]:
    """Run the block in a CONSUMER span continuing the trace of a record's headers.

    ``headers`` are the Kafka record's, as aiokafka gives them. Yields the span, or ``None``
    when tracing is off; an exception leaving the block is recorded on the span.
    """
    if tracing is None:
        yield None
        return
    with tracing.consumer_span(headers, name, sink=sink) as span:
        yield span
