"""Squarespace webhook notifications to canonical reference events.

No public sample: mapped from Squarespace's documented notification
(https://developers.squarespace.com/commerce-apis/webhook-subscriptions-api): ``{"id",
"websiteId", "subscriptionId", "topic", "createdOn", "data": {...}}``. Notifications are
thin; fetch the order from the Orders API. The topic is the body's ``topic``, the store
``websiteId``, the time ``createdOn``. Topic to type:

| Squarespace topic | type (commerce.*.v1) | data |
|---|---|---|
| order.create | order.created | Order reference (data.orderId) |
| order.update | order.updated | Order reference (status.fulfillment_status = data.update) |
| extension.uninstall | app.uninstalled | AppLifecycle (id = websiteId) |
| any other | platform_event.received | PlatformEvent |
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from normalizers._dispatch import BodyEnvelope, Route, dispatch
from normalizers._fields import Fields
from normalizers._thin import nested
from normalizers.schema import AppLifecycle, CanonicalEvent, Order, OrderStatus
from verifiers import Verified

__all__ = ["ROUTES", "normalize"]

ENVELOPE = BodyEnvelope(topic="topic", store="websiteId", time="createdOn", iso_time=True)


def _order(fields: Fields, _delivery: Verified) -> Order:
    data = nested(fields, ("data",))
    update = data.take_text("update")
    return Order(
        id=data.take_required_id("orderId"),
        hydrated=False,
        status=OrderStatus(fulfillment_status=update) if update else None,
        additional_fields=fields.rest(),
    )


def _uninstalled(fields: Fields, delivery: Verified) -> AppLifecycle:
    return AppLifecycle(
        id=delivery.store_id or delivery.delivery_id, additional_fields=fields.rest()
    )


ROUTES: Mapping[str, Route] = {
    "order.create": Route(_order, "created", Order),
    "order.update": Route(_order, "updated", Order),
    "extension.uninstall": Route(_uninstalled, "uninstalled", AppLifecycle),
}
"""Squarespace topic -> entity builder and event action; see the module docstring."""


def normalize(delivery: Verified) -> Sequence[CanonicalEvent]:
    """Normalize one verified Squarespace notification into one canonical event."""
    return dispatch(delivery, ROUTES, envelope=ENVELOPE)
