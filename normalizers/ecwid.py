"""Ecwid (Lightspeed E-Series) webhooks to canonical reference events.

Ecwid webhooks are thin: ``{"eventId", "eventCreated", "storeId", "entityId",
"eventType", "data"}`` (https://api-docs.ecwid.com/reference/webhooks). The topic is the
body's ``eventType``, the store ``storeId``, the time ``eventCreated`` (Unix seconds), the
entity's id ``entityId``. Every event but the app's is a reference (``hydrated=False``).
Topic to type:

| Ecwid eventType | type (commerce.*.v1) | also carries |
|---|---|---|
| order.created, order.updated, order.deleted | order.created/updated/deleted | status (1) |
| product.created, product.updated, product.deleted | product.* | |
| customer.created, customer.updated, customer.deleted | customer.* | email (data.customerEmail) |
| unfinished_order.created, .updated, .deleted | cart.* | |
| application.uninstalled | app.uninstalled | id = the store |
| any other (application.subscriptionStatusChanged, category.*, ...) | platform_event.received | |

(1) ``status.financial_status`` and ``fulfillment_status``: ``data.newPaymentStatus`` and
``data.newFulfillmentStatus``; the old ones stay in ``additional_fields``.
Ecwid signs only ``eventCreated`` and ``eventId`` (``authenticity: limited`` on the event).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from normalizers._dispatch import BodyEnvelope, Route, dispatch
from normalizers._fields import Fields
from normalizers._thin import optional, thin
from normalizers.schema import (
    AppLifecycle,
    CanonicalEvent,
    Cart,
    Customer,
    Order,
    OrderStatus,
    Product,
)
from verifiers import Verified

__all__ = ["ROUTES", "normalize"]

ENVELOPE = BodyEnvelope(topic="eventType", store="storeId", time="eventCreated")


def _order(fields: Fields, _delivery: Verified) -> Order:
    """An order notification: ``data`` holds the new (and old) payment and fulfilment status."""
    data = optional(fields, "data")
    status = None
    if data is not None:
        status = OrderStatus(
            financial_status=data.take_text("newPaymentStatus"),
            fulfillment_status=data.take_text("newFulfillmentStatus"),
        )
    return Order(
        id=fields.take_required_id("entityId"),
        hydrated=False,
        status=status,
        additional_fields=fields.rest(),
    )


def _customer(fields: Fields, _delivery: Verified) -> Customer:
    """A customer notification: ``data.customerEmail``."""
    data = optional(fields, "data")
    email = data.take_text("customerEmail") if data is not None else None
    return Customer(
        id=fields.take_required_id("entityId"),
        hydrated=False,
        email=email,
        additional_fields=fields.rest(),
    )


def _uninstalled(fields: Fields, delivery: Verified) -> AppLifecycle:
    """``application.uninstalled``: the store that removed the app."""
    store = fields.take_id("entityId") or delivery.store_id
    return AppLifecycle(id=store or delivery.delivery_id, additional_fields=fields.rest())


ROUTES: Mapping[str, Route] = {
    "order.created": Route(_order, "created", Order),
    "order.updated": Route(_order, "updated", Order),
    "order.deleted": Route(_order, "deleted", Order),
    "product.created": Route(thin(Product, "entityId", ()), "created", Product),
    "product.updated": Route(thin(Product, "entityId", ()), "updated", Product),
    "product.deleted": Route(thin(Product, "entityId", ()), "deleted", Product),
    "customer.created": Route(_customer, "created", Customer),
    "customer.updated": Route(_customer, "updated", Customer),
    "customer.deleted": Route(_customer, "deleted", Customer),
    "unfinished_order.created": Route(thin(Cart, "entityId", ()), "created", Cart),
    "unfinished_order.updated": Route(thin(Cart, "entityId", ()), "updated", Cart),
    "unfinished_order.deleted": Route(thin(Cart, "entityId", ()), "deleted", Cart),
    "application.uninstalled": Route(_uninstalled, "uninstalled", AppLifecycle),
}
"""Ecwid eventType -> entity builder and event action; see the module docstring."""


def normalize(delivery: Verified) -> Sequence[CanonicalEvent]:
    """Normalize one verified Ecwid delivery into one canonical event."""
    return dispatch(delivery, ROUTES, envelope=ENVELOPE)
