"""The plug-in interface of a sink type, and what the runner hands each sink at start."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from sinks.event import Headers, SinkEvent
from verifiers import Secret

__all__ = ["BatchSink", "DeliveryTrace", "Sink", "SinkContext"]


class Sink(Protocol):
    """One sink type's delivery: ``start`` once, ``deliver`` concurrently, ``aclose`` once.

    ``deliver`` returns only when the event is durable at the target and raises
    ``DeliveryError`` (``retriable`` set) or ``SinkGoneError`` otherwise. The runner calls it
    for events of different keys concurrently (at most ``max_in_flight``), for events of one
    key one after the other. Redelivery of an event (same ``id``) must be harmless.
    """

    async def start(self) -> None:
        """Connect to the target (and create what the config asks for)."""
        ...

    async def deliver(self, event: SinkEvent) -> None:
        """Deliver ``event``; return once the target holds it."""
        ...

    async def aclose(self) -> None:
        """Flush and disconnect."""
        ...


class BatchSink(Sink, Protocol):
    """A sink type that delivers many events in one go (transactions, a pipeline, a flush).

    The runner hands ``deliver_batch`` the next events of the ready keys (up to
    ``max_in_flight`` in all, a key's in offset order) for their first attempt. A failed event
    is retried on its own with ``deliver`` and its key's later events wait for it (they are
    delivered again after it, so redelivery must stay harmless).
    """

    async def deliver_batch(self, events: Sequence[SinkEvent]) -> Sequence[Exception | None]:
        """Deliver ``events``, a key's in their order; return one error (or ``None``) each.

        An event may be reported delivered only once the target holds it, and a key's event
        must not land before an earlier one of the same key that is reported failed and
        retriable (write a key's events in order, stopping or failing together). Raise
        ``SinkGoneError`` to stop the sink; any other exception fails the whole batch.
        """
        ...


DeliveryTrace = Callable[[Headers, str], AbstractContextManager[object]]
"""``(the record's headers, sink name) -> a context manager`` around one delivery attempt."""


@dataclass(frozen=True, slots=True)
class SinkContext:
    """What relay's settings give every sink: Kafka access and secret resolution."""

    topic_prefix: str
    kafka_options: Mapping[str, Any] = field(repr=False)
    resolve_secret: Callable[[str, str], Secret] = field(repr=False)
    """``(reference, config key) -> Secret``; raises relay's ``ConfigError``."""
    create_topics: bool = True
    topic_partitions: int = 6
    topic_replication_factor: int = 1
    trace: DeliveryTrace | None = field(default=None, repr=False)
    """Wraps each delivery attempt (relay: an OpenTelemetry span continuing the record's trace)."""

    def secret_value(self, sink: str, key: str, ref: str | None) -> str | None:
        """Resolve sink ``sink``'s secret reference ``ref`` of setting ``key`` (``None``: unset)."""
        if ref is None:
            return None
        return self.resolve_secret(ref, f"sinks[{sink}].{key}").value
