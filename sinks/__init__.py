"""Sinks: relay's own Kafka consumers that deliver canonical events onward, at least once.

``SinkRunner`` consumes a sink's topics (one consumer group per sink) and hands each event to
a ``Sink`` (one module per type, registered in ``sinks.registry.SINK_TYPES``).
"""

from sinks._base import BatchSink, Sink, SinkContext
from sinks._dlq import dlq_topic
from sinks._errors import (
    DeliveryError,
    SinkConfigError,
    SinkError,
    SinkGoneError,
    UndecodableEventError,
)
from sinks.event import SinkEvent, decode_record
from sinks.metrics import SinkMetrics

__all__ = [
    "BatchSink",
    "DeliveryError",
    "Sink",
    "SinkConfigError",
    "SinkContext",
    "SinkError",
    "SinkEvent",
    "SinkGoneError",
    "SinkMetrics",
    "UndecodableEventError",
    "decode_record",
    "dlq_topic",
]
