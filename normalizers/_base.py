"""The normalizer protocol and the one place that wraps entities into canonical events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import Protocol

from normalizers.schema._model import Entity
from normalizers.schema.envelope import CanonicalEvent, event_id, event_type
from verifiers import Verified

__all__ = ["Normalizer", "make_event"]


class Normalizer(Protocol):
    """Turns one verified delivery into zero or more canonical events.

    Zero events means "acknowledged and ignored"; the registered normalizers never return
    zero: a topic they do not map becomes one ``PlatformEvent``. A body that does not fit
    raises ``MalformedPayloadError``. Normalizers are pure functions.
    """

    def __call__(self, delivery: Verified) -> Sequence[CanonicalEvent]: ...


def make_event(delivery: Verified, entity: Entity, action: str) -> CanonicalEvent:
    """Wrap ``entity`` into the CloudEvents envelope for ``delivery``.

    ``action`` is the verb of the event type (``created``, ``updated``, ``paid``, ...) and
    one of the entity's ``actions``.

    Raises:
        ValueError: ``action`` is not one of the entity's (a bug in a normalizer's table).
    """
    if action not in entity.actions:
        msg = f"{action!r} is not an action of {entity.entity_type!r}"
        raise ValueError(msg)
    request = delivery.request
    type_ = event_type(entity.entity_type, action)
    received_at = request.received_at.astimezone(UTC)
    occurred_at = delivery.occurred_at.astimezone(UTC) if delivery.occurred_at else received_at
    source_id = request.source_id
    return CanonicalEvent.trusted(
        {  # every field, in order: the types say what validating them would check
            "specversion": "1.0",
            "id": event_id(source_id, delivery.delivery_id, type_, entity.id),
            "source": f"/sources/{source_id}",
            "type": type_,
            "subject": entity.id,
            "time": occurred_at,
            "datacontenttype": "application/json",
            "platform": delivery.platform,
            "sourceid": source_id,
            "storeid": delivery.store_id,
            "platformtopic": delivery.topic,
            "deliveryid": delivery.delivery_id,
            "receivedat": received_at,
            "partitionkey": f"{source_id}:{entity.id}",
            "traceparent": request.header("traceparent"),
            "authenticity": delivery.authenticity,
            "data": entity,
        }
    )
