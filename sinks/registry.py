"""The one registry of sink types: ``type`` -> the class that delivers for it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

from sinks._base import Sink, SinkContext
from sinks.config import SinkConfig
from sinks.file import FileSink
from sinks.http import HttpSink
from sinks.kafka import KafkaSink
from sinks.nats import NatsSink
from sinks.postgres import PostgresSink
from sinks.rabbitmq import RabbitMqSink
from sinks.redis import RedisSink

__all__ = ["SINK_TYPES", "build_sink"]

SINK_TYPES: Mapping[str, Callable[[Any, SinkContext], Sink]] = MappingProxyType(
    {
        "file": FileSink,
        "http": HttpSink,
        "kafka": KafkaSink,
        "nats": NatsSink,
        "postgres": PostgresSink,
        "rabbitmq": RabbitMqSink,
        "redis": RedisSink,
    }
)
"""Every sink type by its config ``type``."""


def build_sink(config: SinkConfig, context: SinkContext) -> Sink:
    """Return the (not yet started) sink for ``config``."""
    return SINK_TYPES[config.type](config, context)
