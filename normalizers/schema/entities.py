"""The entities of schema v1, by event type and by Kafka topic.

A consumer reading an event picks the concrete class for its ``data`` from the entity type
in the event type (``commerce.<entity_type>.<action>.v1``); the publisher ensures one
topic per entity (``commerce.<topic>``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from normalizers.schema._model import Entity
from normalizers.schema.customer import Customer
from normalizers.schema.order import Order
from normalizers.schema.platform_event import PlatformEvent
from normalizers.schema.product import Product

__all__ = ["ENTITIES", "ENTITY_TOPICS", "entity_class"]

ENTITIES: Mapping[str, type[Entity]] = MappingProxyType(
    {cls.entity_type: cls for cls in (Customer, Order, PlatformEvent, Product)}
)
"""Every entity class, by ``entity_type``."""

ENTITY_TOPICS: tuple[str, ...] = tuple(cls.topic for cls in ENTITIES.values())
"""The Kafka topic suffix of every entity (``orders``, ``platform-events``, ...)."""


def entity_class(event_type: str) -> type[Entity]:
    """Return the entity class of a canonical event type (``commerce.order.created.v1``).

    Raises:
        KeyError: the type names no entity of this schema version.
    """
    match event_type.split("."):
        case ["commerce", entity_type, _action, "v1"] if entity_type in ENTITIES:
            return ENTITIES[entity_type]
    raise KeyError(event_type)
