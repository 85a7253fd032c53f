"""BigCommerce webhooks to canonical reference events.

BigCommerce webhooks are thin: ``{"scope", "store_id", "data": {"type", "id", ...},
"hash", "created_at", "producer"}`` (https://developer.bigcommerce.com/docs/integrations/
webhooks/events). The topic is the body's ``scope``, the store ``store_id``, the event time
``created_at`` (Unix seconds). Every event is a reference (``hydrated=False``): fetch the
entity from the REST API by its id. Topic to type:

| BigCommerce scope | type (commerce.*.v1) | id (other fields) |
|---|---|---|
| store/order/created, updated, archived | order.created/updated/archived | data.id |
| store/channel/{id}/order/updated | order.updated | data.order_id |
| store/order/statusUpdated | order.updated | data.id (status.id = new_status_id) |
| store/order/refund/created | refund.created | data.refund.refund_id (order_id) |
| store/order/transaction/created | payment.created | transaction_id (order_id, status, kind) |
| store/product/created, updated, deleted | product.* | data.id |
| store/product/price/updated | product.updated | data.id |
| store/product/inventory/updated, .../order/updated | inventory.updated | data.id |
| store/sku/inventory/updated, .../order/updated | inventory.updated | data.id (SKU) |
| store/channel/*/inventory/product/stock_changed | inventory.updated | variant_id |
| store/customer/created, updated, deleted | customer.* | data.id |
| store/customer/address/created, updated, deleted | customer.updated | data.id |
| store/cart/created, updated, abandoned, converted, deleted | cart.* | data.id (order_id) |
| store/shipment/created, updated, deleted | shipment.* | data.id (order_id) |
| any other (store/order/message/created, ...) | platform_event.received | PlatformEvent |

Inventory: ``data.inventory`` has ``method`` (``absolute``: ``value`` is the new level,
``available``; ``relative``: ``value`` is a change, ``adjustment``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from normalizers._dispatch import BodyEnvelope, Route, dispatch
from normalizers._fields import Fields
from normalizers._thin import nested, thin
from normalizers.schema import (
    CanonicalEvent,
    Cart,
    Customer,
    InventoryLevel,
    Order,
    OrderStatus,
    Payment,
    Product,
    Refund,
    Shipment,
)
from verifiers import Verified

__all__ = ["ROUTES", "normalize"]

_CHANNEL = re.compile(r"^store/channel/[^/]+/")
ENVELOPE = BodyEnvelope(topic="scope", store="store_id", time="created_at")


def _status_updated(fields: Fields, _delivery: Verified) -> Order:
    """``data.status``: ``{"previous_status_id", "new_status_id"}``."""
    data = nested(fields, ("data",))
    status = data.take_object("status")
    new_status = status.take_id("new_status_id") if status else None
    return Order(
        id=data.take_required_id("id"),
        hydrated=False,
        status=OrderStatus(id=new_status, additional_fields=status.rest() if status else {}),
        additional_fields=fields.rest(),
    )


def _refund(fields: Fields, _delivery: Verified) -> Refund:
    """``data``: ``{"type": "order", "id": <order>, "refund": {"refund_id"}}``."""
    data = nested(fields, ("data",))
    refund = nested(data, ("refund",))
    return Refund(
        id=refund.take_required_id("refund_id"),
        order_id=data.take_id("id"),
        hydrated=False,
        additional_fields=fields.rest(),
    )


def _transaction(fields: Fields, _delivery: Verified) -> Payment:
    """``data``: the transaction's id, order, status and type (no amount)."""
    data = nested(fields, ("data",))
    return Payment(
        id=data.take_required_id("transaction_id"),
        order_id=data.take_id("order_id"),
        status=data.take_text("transaction_status"),
        kind=data.take_text("transaction_type"),
        hydrated=False,
        additional_fields=fields.rest(),
    )


def _inventory(fields: Fields, _delivery: Verified) -> InventoryLevel:
    """``data``: ``{"type": "product"|"sku", "id", "inventory": {"method", "value", ...}}``."""
    data = nested(fields, ("data",))
    inventory = nested(data, ("inventory",))
    method = inventory.take_text("method")
    value = inventory.take_decimal("value")
    return InventoryLevel(
        id=data.take_required_id("id"),
        product_id=inventory.take_id("product_id"),
        variant_id=inventory.take_id("variant_id"),
        method=method,
        available=value if method == "absolute" else None,
        adjustment=None if method == "absolute" else value,
        hydrated=False,
        additional_fields=fields.rest(),
    )


def _stock_changed(fields: Fields, _delivery: Verified) -> InventoryLevel:
    """``data``: ``{"variant_id", "product_id", "location_id"}``: the level must be fetched."""
    data = nested(fields, ("data",))
    return InventoryLevel(
        id=data.peek_required_id("variant_id"),
        product_id=data.take_id("product_id"),
        variant_id=data.take_id("variant_id"),
        location_id=data.take_id("location_id"),
        hydrated=False,
        additional_fields=fields.rest(),
    )


ROUTES: Mapping[str, Route] = {
    "store/order/created": Route(thin(Order, "id"), "created", Order),
    "store/order/updated": Route(thin(Order, "id"), "updated", Order),
    "store/order/archived": Route(thin(Order, "id"), "archived", Order),
    "store/channel/*/order/updated": Route(thin(Order, "order_id"), "updated", Order),
    "store/order/statusUpdated": Route(_status_updated, "updated", Order),
    "store/order/refund/created": Route(_refund, "created", Refund),
    "store/order/transaction/created": Route(_transaction, "created", Payment),
    "store/product/created": Route(thin(Product, "id"), "created", Product),
    "store/product/updated": Route(thin(Product, "id"), "updated", Product),
    "store/product/deleted": Route(thin(Product, "id"), "deleted", Product),
    "store/product/price/updated": Route(thin(Product, "id"), "updated", Product),
    "store/product/inventory/updated": Route(_inventory, "updated", InventoryLevel),
    "store/product/inventory/order/updated": Route(_inventory, "updated", InventoryLevel),
    "store/sku/inventory/updated": Route(_inventory, "updated", InventoryLevel),
    "store/sku/inventory/order/updated": Route(_inventory, "updated", InventoryLevel),
    "store/channel/*/inventory/product/stock_changed": Route(
        _stock_changed, "updated", InventoryLevel
    ),
    "store/customer/created": Route(thin(Customer, "id"), "created", Customer),
    "store/customer/updated": Route(thin(Customer, "id"), "updated", Customer),
    "store/customer/deleted": Route(thin(Customer, "id"), "deleted", Customer),
    "store/customer/address/created": Route(thin(Customer, "id"), "updated", Customer),
    "store/customer/address/updated": Route(thin(Customer, "id"), "updated", Customer),
    "store/customer/address/deleted": Route(thin(Customer, "id"), "updated", Customer),
    "store/cart/created": Route(thin(Cart, "id"), "created", Cart),
    "store/cart/updated": Route(thin(Cart, "id"), "updated", Cart),
    "store/cart/deleted": Route(thin(Cart, "id"), "deleted", Cart),
    "store/cart/abandoned": Route(thin(Cart, "id"), "abandoned", Cart),
    "store/cart/converted": Route(thin(Cart, "id", order_id="orderId"), "converted", Cart),
    "store/shipment/created": Route(thin(Shipment, "id", order_id="orderId"), "created", Shipment),
    "store/shipment/updated": Route(thin(Shipment, "id", order_id="orderId"), "updated", Shipment),
    "store/shipment/deleted": Route(thin(Shipment, "id", order_id="orderId"), "deleted", Shipment),
}
"""BigCommerce scope -> entity builder and event action; see the module docstring."""


def route_key(scope: str) -> str:
    """Map a channel scope (``store/channel/1/order/updated``) to its route key."""
    return _CHANNEL.sub("store/channel/*/", scope)


def normalize(delivery: Verified) -> Sequence[CanonicalEvent]:
    """Normalize one verified BigCommerce delivery into one canonical reference event."""
    return dispatch(delivery, ROUTES, envelope=ENVELOPE, route_key=route_key)
