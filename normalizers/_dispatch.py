"""Routing a delivery by its platform topic to the builder of its canonical entity.

Shared by the platform normalizers: each declares a table ``{topic: Route}``; a topic not in
it becomes one ``PlatformEvent`` (action ``received``), so no verified delivery is dropped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pydantic import JsonValue, ValidationError

from normalizers._base import make_event
from normalizers._errors import MalformedPayloadError
from normalizers._fields import Fields, parse_json
from normalizers.schema import CanonicalEvent, Entity, PlatformEvent
from verifiers import Verified

__all__ = ["Builder", "Route", "dispatch", "platform_event", "reference"]

Builder = Callable[[Fields, Verified], Entity]
"""Builds an entity from the body's top-level object (taking what it maps)."""


@dataclass(frozen=True, slots=True)
class Route:
    """What a platform topic becomes: the entity ``build`` returns, under ``action``."""

    build: Builder
    action: str


def dispatch(delivery: Verified, routes: Mapping[str, Route]) -> list[CanonicalEvent]:
    """Normalize a delivery whose body is one JSON object, routed by ``delivery.topic``.

    Raises:
        MalformedPayloadError: the body is not a JSON object, or a field of it does not
            have the type the platform documents.
    """
    body = parse_json(delivery.request.body)
    fields = Fields.of(body, "body")
    route = routes.get(delivery.topic)
    if route is None:
        return [platform_event(delivery, body)]
    try:
        entity = route.build(fields, delivery)
    except ValidationError as exc:
        # The locations only: the input values may be personal data.
        where = ", ".join(".".join(map(str, error["loc"])) for error in exc.errors())
        raise MalformedPayloadError(f"invalid {exc.title} fields: {where}") from exc
    return [make_event(delivery, entity, route.action)]


def platform_event(delivery: Verified, body: JsonValue, topic: str | None = None) -> CanonicalEvent:
    """Wrap a whole body into a ``PlatformEvent`` for ``topic`` (default: the delivery's)."""
    if topic is not None and topic != delivery.topic:
        delivery = dataclasses.replace(delivery, topic=topic)
    entity = PlatformEvent(id=delivery.delivery_id, platform_topic=delivery.topic, body=body)
    return make_event(delivery, entity, "received")


def reference(entity_type: type[Entity], id_key: str = "id") -> Builder:
    """Return a builder of a reference entity: the id, ``hydrated=False``, the rest verbatim.

    Used for notifications that only point at an entity (deletions, Shopify order edits).
    """

    def build(fields: Fields, _delivery: Verified) -> Entity:
        entity_id = fields.take_required_id(id_key)
        return entity_type(id=entity_id, hydrated=False, additional_fields=fields.rest())

    return build
