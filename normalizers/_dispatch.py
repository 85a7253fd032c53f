"""Routing a delivery by its platform topic to the builder of its canonical entity.

Shared by the platform normalizers: each declares a table ``{topic: Route}``; a topic not in
it becomes one ``PlatformEvent`` (action ``received``), so no verified delivery is dropped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from pydantic import JsonValue, ValidationError

from normalizers._base import make_event
from normalizers._errors import MalformedPayloadError
from normalizers._fields import Fields, parse_json
from normalizers.schema import CanonicalEvent, Entity, PlatformEvent, event_type
from verifiers import Verified

__all__ = [
    "BodyEnvelope",
    "Builder",
    "Route",
    "body_topic",
    "dispatch",
    "fitting",
    "platform_event",
    "reference",
]

Builder = Callable[[Fields, Verified], Entity | list[Entity]]
"""Builds the entity (or entities: a TikTok Shop package list) from the body's top-level
object, taking what it maps."""


@dataclass(frozen=True, slots=True)
class BodyEnvelope:
    """Where a platform's body names what verifiers may not have found in headers.

    ``topic``: the field with the event name; ``store``: the store's id; ``time``: when the
    event happened, a Unix time (``Fields.take_unix_time``) or, with ``iso_time``, an RFC
    3339 string. They also stay in the body (the entity's ``additional_fields``), so
    nothing is lost.
    """

    topic: str | None = None
    store: str | None = None
    time: str | None = None
    iso_time: bool = False


@dataclass(frozen=True, slots=True)
class Route:
    """What a platform topic becomes: the ``entity`` (class) ``build`` returns, under ``action``.

    ``entity`` declares the type for the docs' mapping tables and their test
    (``commerce.<entity.entity_type>.<action>.v1``); ``dispatch`` refuses a builder that
    returns another.
    """

    build: Builder
    action: str
    entity: type[Entity]

    @property
    def event_type(self) -> str:
        """The canonical type of the events of this route."""
        return event_type(self.entity.entity_type, self.action)


def body_topic(delivery: Verified, body: JsonValue, topic_field: str | None) -> Verified:
    """Return ``delivery`` with its topic taken from the body when the verifier found none.

    ``topic_field`` names the field holding the event name, a dotted path for a nested one
    (Lemon Squeezy's ``meta.event_name``); an integer event code (TikTok Shop's ``type``,
    Lazada's ``message_type``) becomes its decimal string.
    """
    if delivery.topic or topic_field is None:
        return delivery
    named = body
    for key in topic_field.split("."):
        named = named.get(key) if isinstance(named, dict) else None
    if isinstance(named, bool) or not isinstance(named, str | int):
        return delivery
    return dataclasses.replace(delivery, topic=str(named))


@contextmanager
def fitting() -> Iterator[None]:
    """Turn a model's ``ValidationError`` (a value the schema refuses) into a malformed payload.

    The message names the fields only: their values may be personal data.
    """
    try:
        yield
    except ValidationError as exc:
        where = ", ".join(".".join(map(str, error["loc"])) for error in exc.errors())
        raise MalformedPayloadError(f"invalid {exc.title} fields: {where}") from exc


def dispatch(
    delivery: Verified,
    routes: Mapping[str, Route],
    *,
    envelope: BodyEnvelope | None = None,
    route_key: Callable[[str], str] = str,
) -> list[CanonicalEvent]:
    """Normalize a delivery whose body is one JSON object, routed by its topic.

    The topic is ``delivery.topic``; ``envelope`` fills in the topic, store and time from
    the body where the verifier left them unset. ``route_key`` maps the topic to its key
    in ``routes`` (BigCommerce's channel topics ``store/channel/1/...`` share one route).

    Raises:
        MalformedPayloadError: the body is not a JSON object, or a field of it does not
            have the type the platform documents.
    """
    body = parse_json(delivery.request.body)
    fields = Fields.of(body, "body")
    if envelope is not None:
        delivery = _from_envelope(delivery, fields, envelope)
    route = routes.get(route_key(delivery.topic))
    if route is None:
        return [platform_event(delivery, body)]
    with fitting():
        built = route.build(fields, delivery)
    entities = built if isinstance(built, list) else [built]
    if not entities:  # a list notification with no items: nothing dropped, nothing invented
        return [platform_event(delivery, parse_json(delivery.request.body))]
    for entity in entities:
        if not isinstance(entity, route.entity):
            msg = f"{delivery.topic!r} built a {type(entity).__name__}, not {route.entity.__name__}"
            raise TypeError(msg)  # a bug in the platform's table, never the payload's fault
    return [make_event(delivery, entity, route.action) for entity in entities]


def _from_envelope(delivery: Verified, body: Fields, envelope: BodyEnvelope) -> Verified:
    """Read the envelope's fields from a copy: the body itself stays whole."""
    delivery = body_topic(delivery, body.rest(), envelope.topic)
    fields = Fields(dict(body.rest()), body.path)
    store_id = fields.take_id(envelope.store) if envelope.store else None
    occurred_at = None
    if envelope.time is not None:
        take = fields.take_time if envelope.iso_time else fields.take_unix_time
        occurred_at = take(envelope.time)
    return dataclasses.replace(
        delivery,
        store_id=delivery.store_id or store_id,
        occurred_at=delivery.occurred_at or occurred_at,
    )


def platform_event(delivery: Verified, body: JsonValue) -> CanonicalEvent:
    """Wrap a whole body into a ``PlatformEvent`` under the delivery's topic."""
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
