"""The entities of schema v1, by event type and by Kafka topic.

A consumer reading an event picks the concrete class for its ``data`` from the entity type
in the event type (``commerce.<entity_type>.<action>.v1``); the publisher ensures one
topic per entity (``commerce.<topic>``). ``EVENT_TYPES`` lists every event type the
normalizers may emit, each with its entity class (the schema export writes one JSON
Schema per type).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from normalizers.schema._model import Entity
from normalizers.schema.app import AppLifecycle
from normalizers.schema.cart import Cart
from normalizers.schema.customer import Customer
from normalizers.schema.envelope import event_type
from normalizers.schema.inventory import InventoryLevel
from normalizers.schema.order import Order
from normalizers.schema.payment import Payment
from normalizers.schema.platform_event import PlatformEvent
from normalizers.schema.product import Product
from normalizers.schema.refund import Refund, Return
from normalizers.schema.shipment import Shipment

__all__ = ["ENTITIES", "ENTITY_TOPICS", "EVENT_TYPES", "entity_class"]

ENTITIES: Mapping[str, type[Entity]] = MappingProxyType(
    {
        cls.entity_type: cls
        for cls in (
            AppLifecycle,
            Cart,
            Customer,
            InventoryLevel,
            Order,
            Payment,
            PlatformEvent,
            Product,
            Refund,
            Return,
            Shipment,
        )
    }
)
"""Every entity class, by ``entity_type``."""

ENTITY_TOPICS: tuple[str, ...] = tuple(cls.topic for cls in ENTITIES.values())
"""The Kafka topic suffix of every entity (``orders``, ``platform-events``, ...)."""

EVENT_TYPES: Mapping[str, type[Entity]] = MappingProxyType(
    {
        event_type(cls.entity_type, action): cls
        for cls in ENTITIES.values()
        for action in cls.actions
    }
)
"""Every canonical event type (``commerce.order.created.v1``) and the class of its data."""


def entity_class(type_: str) -> type[Entity]:
    """Return the entity class of a canonical event type (``commerce.order.created.v1``).

    Raises:
        KeyError: the type names no entity of this schema version.
    """
    match type_.split("."):
        case ["commerce", entity_type, _action, "v1"] if entity_type in ENTITIES:
            return ENTITIES[entity_type]
    raise KeyError(type_)
