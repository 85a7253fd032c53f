"""Square webhooks to canonical events.

A Square event is ``{"merchant_id", "type", "event_id", "created_at", "data": {"type",
"id", "object": {<type>: {...}}}}`` (https://developer.squareup.com/docs/webhooks/overview).
The topic is the body's ``type``, the store ``merchant_id``, the time ``created_at``. Payment,
refund, customer and inventory events carry the whole object; ``order.*`` events are thin
(``order_created``: id, state, version, location) and become references. Topic to type:

| Square type | type (commerce.*.v1) | data |
|---|---|---|
| order.created, order.updated | order.created, order.updated | Order reference (1) |
| order.fulfillment.updated | shipment.updated, one per fulfillment_update | Shipment reference |
| payment.created, payment.updated | payment.created, payment.updated | Payment |
| refund.created, refund.updated | refund.created, refund.updated | Refund |
| customer.created, customer.updated, customer.deleted | customer.* | Customer |
| inventory.count.updated | inventory.updated, one per inventory_counts item | InventoryLevel |
| any other (catalog.version.updated, ...) | platform_event.received | PlatformEvent |

(1) status.id = state, create_at, modified_at, warehouses_ids = [location_id].
Field mappings of the full objects: ``_square_objects``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from normalizers import _square_objects as objects
from normalizers._dispatch import BodyEnvelope, Route, dispatch
from normalizers._fields import Fields
from normalizers._thin import nested
from normalizers.schema import (
    CanonicalEvent,
    Customer,
    Entity,
    InventoryLevel,
    Order,
    OrderStatus,
    Payment,
    Refund,
    Shipment,
)
from verifiers import Verified

__all__ = ["ROUTES", "normalize"]

ENVELOPE = BodyEnvelope(topic="type", store="merchant_id", time="created_at", iso_time=True)


def _object(key: str, build: Callable[[Fields], Entity]) -> Callable[[Fields, Verified], Entity]:
    """A builder of the full object at ``data.object.<key>``."""

    def build_object(fields: Fields, _delivery: Verified) -> Entity:
        inner = nested(fields, ("data", "object"))
        entity = build(Fields.of(inner.take(key), f"{inner.path}.{key}"))
        return entity.model_copy(
            update={"additional_fields": {**entity.additional_fields, "event": fields.rest()}}
        )

    return build_object


def _order(key: str) -> Callable[[Fields, Verified], Entity]:
    """A builder of an Order reference from ``data.object.<key>`` (``order_created``, ...)."""

    def build(fields: Fields, _delivery: Verified) -> Order:
        order = nested(fields, ("data", "object", key))
        location = order.take_id("location_id")
        return Order(
            id=order.take_required_id("order_id"),
            hydrated=False,
            status=OrderStatus(id=order.take_text("state")),
            create_at=order.take_time("created_at"),
            modified_at=order.take_time("updated_at"),
            warehouses_ids=[location] if location else [],
            additional_fields=fields.rest(),
        )

    return build


def _fulfillments(fields: Fields, _delivery: Verified) -> list[Entity]:
    """``order.fulfillment.updated``: one Shipment reference per ``fulfillment_update``."""
    order = nested(fields, ("data", "object", "order_fulfillment_updated"))
    order_id = order.peek_required_id("order_id")
    updates = order.take_objects("fulfillment_update")
    return [
        Shipment(
            id=update.take_required_id("fulfillment_uid"),
            order_id=order_id,
            status=update.take_text("new_state"),
            hydrated=False,
            additional_fields={**fields.rest(), **update.rest()},
        )
        for update in updates
    ]


def _inventory(fields: Fields, _delivery: Verified) -> list[Entity]:
    """``inventory.count.updated``: one level per ``inventory_counts`` item."""
    inner = nested(fields, ("data", "object"))
    counts = inner.take_objects("inventory_counts")
    levels: list[Entity] = []
    for count in counts:
        level = objects.inventory_count(count)
        extra = {**level.additional_fields, "event": fields.rest()}
        levels.append(level.model_copy(update={"additional_fields": extra}))
    return levels


ROUTES: Mapping[str, Route] = {
    "order.created": Route(_order("order_created"), "created", Order),
    "order.updated": Route(_order("order_updated"), "updated", Order),
    "order.fulfillment.updated": Route(_fulfillments, "updated", Shipment),
    "payment.created": Route(_object("payment", objects.payment), "created", Payment),
    "payment.updated": Route(_object("payment", objects.payment), "updated", Payment),
    "refund.created": Route(_object("refund", objects.refund), "created", Refund),
    "refund.updated": Route(_object("refund", objects.refund), "updated", Refund),
    "customer.created": Route(_object("customer", objects.customer), "created", Customer),
    "customer.updated": Route(_object("customer", objects.customer), "updated", Customer),
    "customer.deleted": Route(_object("customer", objects.customer), "deleted", Customer),
    "inventory.count.updated": Route(_inventory, "updated", InventoryLevel),
}
"""Square event type -> entity builder and event action; see the module docstring."""


def normalize(delivery: Verified) -> Sequence[CanonicalEvent]:
    """Normalize one verified Square event into its canonical events."""
    return dispatch(delivery, ROUTES, envelope=ENVELOPE)
