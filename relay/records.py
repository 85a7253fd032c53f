"""Kafka records of one delivery: the raw delivery, its canonical events, a DLQ entry.

Topic names, keys and headers here are a contract (docs/kafka.md):

- ``<prefix>.raw``: value = the exact body bytes; key = ``{source_id}:{delivery_id}``;
  headers = the platform's forwarded headers plus ``relay-*`` metadata.
- ``<prefix>.<entity topic>``: one CloudEvent per record; key = the event's partition key
  ``{source_id}:{entity_id}``. Structured mode (default): value = the JSON envelope,
  ``content-type: application/cloudevents+json``. Binary mode: value = ``data`` JSON,
  attributes in ``ce_*`` headers (CloudEvents Kafka protocol binding).
- ``<prefix>.dlq``: a JSON failure record (reason, error class, delivery coordinates) for a
  verified delivery that could not be normalized; its raw record is on ``<prefix>.raw``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import orjson

from normalizers import CanonicalEvent
from relay.publisher import Record
from verifiers import Verified

__all__ = ["RecordBuilder"]

CloudEventsMode = Literal["structured", "binary"]
_STRUCTURED = (("content-type", b"application/cloudevents+json; charset=utf-8"),)
_BINARY_ATTRIBUTES = (
    "specversion",
    "id",
    "source",
    "type",
    "subject",
    "platform",
    "sourceid",
    "storeid",
    "platformtopic",
    "deliveryid",
    "partitionkey",
    "traceparent",
    "authenticity",
)


class RecordBuilder:
    """Builds the records of deliveries for one topic prefix and CloudEvents mode."""

    def __init__(self, prefix: str, mode: CloudEventsMode = "structured") -> None:
        self.prefix = prefix
        self.mode = mode
        self.raw_topic = f"{prefix}.raw"
        self.dlq_topic = f"{prefix}.dlq"

    def topic(self, suffix: str) -> str:
        """Return the full topic name for ``suffix`` (``orders`` -> ``commerce.orders``)."""
        return f"{self.prefix}.{suffix}"

    def topics(self, entity_topics: Iterable[str]) -> list[str]:
        """Return every topic the receiver publishes to."""
        return [self.raw_topic, self.dlq_topic, *(self.topic(t) for t in entity_topics)]

    def raw(self, delivery: Verified) -> Record:
        """Return the raw record: the exact body, the platform headers and relay metadata."""
        request = delivery.request
        headers = [(name, value.encode()) for name, value in delivery.headers]
        headers.extend(_metadata(delivery))
        content_type = request.header("content-type")
        if content_type:
            headers.append(("content-type", content_type.encode("latin-1")))
        return Record(self.raw_topic, _delivery_key(delivery), request.body, tuple(headers))

    def events(self, events: Sequence[CanonicalEvent]) -> list[Record]:
        """Return one record per canonical event."""
        if self.mode == "structured":
            return [
                Record(self.topic(e.topic), e.partitionkey.encode(), e.to_json(), _STRUCTURED)
                for e in events
            ]
        return [
            Record(self.topic(e.topic), e.partitionkey.encode(), e.data_json(), _ce_headers(e))
            for e in events
        ]

    def dlq(self, delivery: Verified, reason: str, error: BaseException) -> Record:
        """Return the DLQ record for a delivery whose normalization failed."""
        request = delivery.request
        value = orjson.dumps(
            {
                "reason": reason,
                "error": error.__class__.__name__,
                "detail": str(error)[:500],
                "sourceid": request.source_id,
                "platform": delivery.platform,
                "platformtopic": delivery.topic,
                "deliveryid": delivery.delivery_id,
                "receivedat": request.received_at,
                "raw_topic": self.raw_topic,
            }
        )
        headers = (*_metadata(delivery), ("relay-error-reason", reason.encode()))
        return Record(self.dlq_topic, _delivery_key(delivery), value, headers)


def _delivery_key(delivery: Verified) -> bytes:
    return f"{delivery.request.source_id}:{delivery.delivery_id}".encode()


def _metadata(delivery: Verified) -> list[tuple[str, bytes]]:
    request = delivery.request
    return [
        ("relay-source-id", request.source_id.encode()),
        ("relay-platform", delivery.platform.encode()),
        ("relay-delivery-id", delivery.delivery_id.encode()),
        ("relay-platform-topic", delivery.topic.encode()),
        ("relay-received-at", request.received_at.isoformat().encode()),
        ("relay-authenticity", delivery.authenticity.encode()),
    ]


def _ce_headers(event: CanonicalEvent) -> tuple[tuple[str, bytes], ...]:
    headers = [("content-type", b"application/json")]
    for name in _BINARY_ATTRIBUTES:
        value = getattr(event, name)
        if value is not None:
            headers.append((f"ce_{name}", str(value).encode()))
    headers.append(("ce_time", event.time.isoformat().encode()))
    headers.append(("ce_receivedat", event.receivedat.isoformat().encode()))
    return tuple(headers)
