"""The CloudEvents 1.0 envelope around every canonical entity."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any, Literal, Self

from pydantic import AwareDatetime, Field, SerializeAsAny

from normalizers.schema._json import dumps
from normalizers.schema._model import CanonicalModel, Entity

__all__ = ["EVENT_ID_NAMESPACE", "CanonicalEvent", "event_id", "event_type"]

EVENT_ID_NAMESPACE = uuid.UUID("6f1d7c3e-2b1a-5c4d-9e8f-0a1b2c3d4e5f")
"""UUIDv5 namespace of canonical event ids; changing it would change every id."""

_NAMESPACE_BYTES = EVENT_ID_NAMESPACE.bytes
SCHEMA_VERSION = "v1"


def event_type(entity_type: str, action: str) -> str:
    """Return the versioned CloudEvents type, e.g. ``commerce.order.created.v1``."""
    return f"commerce.{entity_type}.{action}.{SCHEMA_VERSION}"


def event_id(source_id: str, delivery_id: str, type_: str, entity_id: str) -> str:
    """Return the deterministic event id of one entity event of one delivery.

    The same delivery (a platform retry, a replay) always yields the same id, so every
    consumer can deduplicate on it.
    """
    name = f"{source_id}\x1f{delivery_id}\x1f{type_}\x1f{entity_id}"
    # uuid.uuid5's value, without building a UUID object only to print it
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name.encode()).digest()[:16])  # noqa: S324
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    hex_ = digest.hex()
    return f"{hex_[:8]}-{hex_[8:12]}-{hex_[12:16]}-{hex_[16:20]}-{hex_[20:]}"


class CanonicalEvent(CanonicalModel):
    """A canonical commerce event: CloudEvents 1.0 attributes, relay's extensions, the entity.

    Extensions: ``platform`` (registry slug), ``sourceid`` (relay source), ``storeid`` (the
    shop on the platform, where known), ``platformtopic`` (the platform's own event name),
    ``deliveryid`` (the platform's delivery id), ``receivedat`` (when relay received it),
    ``partitionkey`` (``{sourceid}:{entity id}``, also the Kafka key), ``traceparent`` (W3C
    trace context, where present) and ``authenticity`` (``limited`` when the platform signs
    only part of the delivery).

    ``to_json`` and ``data_json`` serialize once: their bytes are kept on the event, and
    ``to_json`` splices in the entity's if ``data_json`` made them first (``model_copy``
    makes an event that serializes anew).
    """

    __slots__ = ("_bytes", "_data_bytes")

    specversion: Literal["1.0"] = "1.0"
    id: str
    source: str
    type: str
    subject: str
    time: AwareDatetime
    datacontenttype: Literal["application/json"] = "application/json"
    platform: str
    sourceid: str
    storeid: str | None = None
    platformtopic: str
    deliveryid: str
    receivedat: AwareDatetime
    partitionkey: str
    traceparent: str | None = None
    authenticity: Literal["verified", "limited"] = "verified"
    data: SerializeAsAny[Entity] = Field(description="The canonical entity.")

    @classmethod
    def trusted(cls, fields: dict[str, Any]) -> Self:
        """Return the event of ``fields`` without validating them (``make_event``'s way).

        ``fields`` holds every field, in declaration order, each already of its type and
        times aware: validation would only check what the caller's types guarantee (it
        cost ~40 % of ``make_event``). Fields left at their defaults in a
        validated event (``specversion``, ``datacontenttype``) count as unset here too.
        """
        event = cls.__new__(cls)
        object.__setattr__(event, "__dict__", fields)
        object.__setattr__(event, "__pydantic_fields_set__", fields.keys() - _DEFAULTED)
        object.__setattr__(event, "__pydantic_extra__", None)
        object.__setattr__(event, "__pydantic_private__", None)
        object.__setattr__(event, "_bytes", None)
        object.__setattr__(event, "_data_bytes", None)
        return event

    @property
    def topic(self) -> str:
        """The Kafka topic suffix of this event's entity (``orders``)."""
        return self.data.topic

    def to_json(self) -> bytes:
        """Serialize the whole envelope (CloudEvents structured mode), without null attributes."""
        value = _cached(self, "_bytes")
        if value is None:
            data = _cached(self, "_data_bytes")
            # one pass is cheaper than splicing; the data bytes are reused if already made
            value = dumps(self) if data is None else dumps(self, {"data": data})
            object.__setattr__(self, "_bytes", value)  # a cache, not a field: frozen holds
        return value

    def data_json(self) -> bytes:
        """Serialize only ``data`` (CloudEvents binary mode)."""
        value = _cached(self, "_data_bytes")
        if value is None:
            value = dumps(self.data)
            object.__setattr__(self, "_data_bytes", value)
        return value


_DEFAULTED = frozenset({"specversion", "datacontenttype"})
_SLOTS = {name: CanonicalEvent.__dict__[name] for name in CanonicalEvent.__slots__}


def _cached(event: CanonicalEvent, name: str) -> bytes | None:
    """Return the bytes cached in slot ``name``; ``None`` when not made yet.

    Read through the slot itself: an unset slot read as an attribute goes through
    pydantic's ``__getattr__``, which costs more than a small event's serialization.
    """
    try:
        value: bytes | None = _SLOTS[name].__get__(event)
    except AttributeError:  # validated, copied or unpickled: never serialized yet
        return None
    return value
