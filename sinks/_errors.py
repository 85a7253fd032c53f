"""The exceptions of sinks.

Tree (every name ends in ``Error``)::

    SinkError                   root; ``retriable`` says whether trying again may succeed
    ├── DeliveryError           one event could not be delivered; ``reason`` is a fixed code
    │   │                       (a DLQ header and log field), ``retry_after`` a server's hint
    │   └── UndecodableEventError   the record is not a canonical CloudEvent (permanent)
    ├── SinkGoneError           the target said it is gone for good (HTTP 410): the sink stops
    └── SinkConfigError         a sink's configuration cannot be used (names the key)

Messages never contain secrets, bodies or signatures.
"""

from __future__ import annotations

__all__ = [
    "DeliveryError",
    "SinkConfigError",
    "SinkError",
    "SinkGoneError",
    "UndecodableEventError",
]


class SinkError(Exception):
    """Root of the sinks' exceptions."""

    retriable: bool = False


class DeliveryError(SinkError):
    """Delivering one event failed; ``retriable`` decides between retry and dead letter."""

    def __init__(
        self,
        reason: str,
        message: str,
        *,
        retriable: bool,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.retriable = retriable
        self.retry_after = retry_after


class UndecodableEventError(DeliveryError):
    """The Kafka record is not a canonical CloudEvent; no retry can fix it."""

    def __init__(self, message: str) -> None:
        super().__init__("undecodable", message, retriable=False)


class SinkGoneError(SinkError):
    """The target is gone for good (HTTP 410 Gone): the sink stops and commits nothing further."""


class SinkConfigError(SinkError):
    """A sink's configuration is unusable; ``key`` names the setting."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message
