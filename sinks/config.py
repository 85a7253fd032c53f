"""Sink configuration: every sink type's model joined into ``SinkConfig`` (on ``type``).

Each sink type's module defines its model on top of ``SinkSettings`` (name, topics, filter,
retry, concurrency, stop timeout); adding a type is one module and one line here and in
``sinks.registry``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from sinks._common import FilterSettings, RetrySettings, SinkSettings
from sinks.file import FileSinkConfig
from sinks.http import HttpSinkConfig
from sinks.kafka import KafkaSinkConfig
from sinks.nats import NatsSinkConfig
from sinks.postgres import PostgresSinkConfig
from sinks.rabbitmq import RabbitMqSinkConfig
from sinks.redis import RedisSinkConfig

__all__ = [
    "FileSinkConfig",
    "FilterSettings",
    "HttpSinkConfig",
    "KafkaSinkConfig",
    "NatsSinkConfig",
    "PostgresSinkConfig",
    "RabbitMqSinkConfig",
    "RedisSinkConfig",
    "RetrySettings",
    "SinkConfig",
    "SinkSettings",
]

SinkConfig = Annotated[
    FileSinkConfig
    | HttpSinkConfig
    | KafkaSinkConfig
    | NatsSinkConfig
    | PostgresSinkConfig
    | RabbitMqSinkConfig
    | RedisSinkConfig,
    Field(discriminator="type"),
]
"""The union of every sink type's config (discriminated on ``type``)."""
