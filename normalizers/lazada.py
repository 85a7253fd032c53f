"""Lazada push notifications to canonical reference events.

Lazada pushes are thin: ``{"seller_id", "message_type": <code>, "data": {...},
"timestamp", "site"}`` (https://open.lazada.com/apps/doc/doc?nodeId=29526). The topic is
the numeric ``message_type`` as a string (``"0"``), the store ``seller_id``, the time
``timestamp`` (Lazada's examples use seconds and milliseconds; both are read). Topic to
type:

| message_type | Lazada push | type (commerce.*.v1) | id (other fields) |
|---|---|---|---|
| 0 | trade order status | order.updated | trade_order_id (status.id = order_status) |
| 4 | product update | product.updated | item_id |
| 5 | product or SKU deleted | product.deleted | item_id |
| 6 | shallow stock | inventory.updated | sku_id (1) |
| 10 | reverse order | return.updated | reverse_order_id (order_id, status) |
| 14 | fulfillment order update | shipment.updated | fulfillment_package_id (order_id, status) |
| any other | | platform_event.received | PlatformEvent |

(1) sku = seller_sku, available = real_quantity, reserved = occupy_quantity, location_id =
warehouse.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from normalizers._dispatch import BodyEnvelope, Route, dispatch
from normalizers._fields import Fields
from normalizers._thin import nested, thin
from normalizers.schema import (
    CanonicalEvent,
    InventoryLevel,
    Order,
    OrderStatus,
    Product,
    Return,
    Shipment,
)
from verifiers import Verified

__all__ = ["ROUTES", "normalize"]

ENVELOPE = BodyEnvelope(topic="message_type", store="seller_id", time="timestamp")


def _trade_order(fields: Fields, _delivery: Verified) -> Order:
    """Type 0: an order (line) changed status."""
    data = nested(fields, ("data",))
    return Order(
        id=data.take_required_id("trade_order_id"),
        hydrated=False,
        status=OrderStatus(id=data.take_text("order_status")),
        modified_at=data.take_unix_time("status_update_time"),
        additional_fields=fields.rest(),
    )


def _shallow_stock(fields: Fields, _delivery: Verified) -> InventoryLevel:
    """Type 6: the warehouse's sellable stock of a SKU fell below Lazada's threshold."""
    data = nested(fields, ("data",))
    return InventoryLevel(
        id=data.take_required_id("sku_id"),
        sku=data.take_text("seller_sku"),
        available=data.take_decimal("real_quantity"),
        reserved=data.take_decimal("occupy_quantity"),
        location_id=data.take_text("warehouse"),
        hydrated=False,
        additional_fields=fields.rest(),
    )


def _reverse_order(fields: Fields, _delivery: Verified) -> Return:
    """Type 10: a return (reverse order) changed status."""
    data = nested(fields, ("data",))
    return Return(
        id=data.take_required_id("reverse_order_id"),
        order_id=data.take_id("trade_order_id"),
        status=data.take_text("reverse_status"),
        modified_at=data.take_unix_time("status_update_time"),
        hydrated=False,
        additional_fields=fields.rest(),
    )


def _fulfillment(fields: Fields, _delivery: Verified) -> Shipment:
    """Type 14: a fulfilment package changed status."""
    data = nested(fields, ("data",))
    return Shipment(
        id=data.take_required_id("fulfillment_package_id"),
        order_id=data.take_id("trade_order_id"),
        status=data.take_text("status"),
        modified_at=data.take_unix_time("status_update_time"),
        hydrated=False,
        additional_fields=fields.rest(),
    )


ROUTES: Mapping[str, Route] = {
    "0": Route(_trade_order, "updated", Order),
    "4": Route(thin(Product, "item_id"), "updated", Product),
    "5": Route(thin(Product, "item_id"), "deleted", Product),
    "6": Route(_shallow_stock, "updated", InventoryLevel),
    "10": Route(_reverse_order, "updated", Return),
    "14": Route(_fulfillment, "updated", Shipment),
}
"""Lazada message_type -> entity builder and event action; see the module docstring."""


def normalize(delivery: Verified) -> Sequence[CanonicalEvent]:
    """Normalize one verified Lazada push into one canonical reference event."""
    return dispatch(delivery, ROUTES, envelope=ENVELOPE)
