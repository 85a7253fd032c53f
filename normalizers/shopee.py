"""Shopee push notifications to canonical reference events.

No public sample: mapped from Shopee's documented push mechanism (Open Platform v2,
https://open.shopee.com/developer-guide/20): ``{"code": <push code>, "shop_id",
"timestamp", "data": {...}}``. Pushes are thin; fetch details from the API. The topic is
the numeric ``code`` as a string, the store ``shop_id``, the time ``timestamp`` (Unix
seconds). Topic to type:

| code | Shopee push | type (commerce.*.v1) | data |
|---|---|---|---|
| 3 | order status | order.updated | Order reference (ordersn; status.id = status) |
| 4 | order tracking number | shipment.updated | Shipment reference (1) |
| any other | | platform_event.received | PlatformEvent |

(1) id = package_number (the ordersn when absent), order_id = ordersn, tracking_numbers =
[tracking_no].
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from normalizers._dispatch import BodyEnvelope, Route, dispatch
from normalizers._fields import Fields
from normalizers._thin import nested
from normalizers.schema import CanonicalEvent, Order, OrderStatus, Shipment
from verifiers import Verified

__all__ = ["ROUTES", "normalize"]

ENVELOPE = BodyEnvelope(topic="code", store="shop_id", time="timestamp")


def _order_status(fields: Fields, _delivery: Verified) -> Order:
    data = nested(fields, ("data",))
    return Order(
        id=data.take_required_id("ordersn"),
        hydrated=False,
        status=OrderStatus(id=data.take_text("status")),
        modified_at=data.take_unix_time("update_time"),
        additional_fields=fields.rest(),
    )


def _tracking(fields: Fields, _delivery: Verified) -> Shipment:
    data = nested(fields, ("data",))
    order_id = data.peek_required_id("ordersn")
    number = data.take_text("tracking_no")
    return Shipment(
        id=data.take_id("package_number") or order_id,
        order_id=data.take_id("ordersn"),
        tracking_numbers=[number] if number else [],
        hydrated=False,
        additional_fields=fields.rest(),
    )


ROUTES: Mapping[str, Route] = {
    "3": Route(_order_status, "updated", Order),
    "4": Route(_tracking, "updated", Shipment),
}
"""Shopee push code -> entity builder and event action; see the module docstring."""


def normalize(delivery: Verified) -> Sequence[CanonicalEvent]:
    """Normalize one verified Shopee push into one canonical reference event."""
    return dispatch(delivery, ROUTES, envelope=ENVELOPE)
