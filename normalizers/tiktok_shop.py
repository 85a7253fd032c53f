"""TikTok Shop webhooks to canonical reference events.

TikTok Shop webhooks are thin: ``{"type": <code>, "tts_notification_id", "shop_id",
"timestamp", "data": {...}}`` (https://partner.tiktokshop.com/docv2/page/
650300b8a57708028b430b4a and the pages of each type). The topic is the numeric ``type``
as a string (``"1"``), the store ``shop_id``, the time ``timestamp`` (Unix seconds). Topic
to type:

| type | TikTok Shop event | type (commerce.*.v1) | id (other fields) |
|---|---|---|---|
| 1 | order status change | order.updated | order_id (status.id = order_status) |
| 3 | recipient address update | order.updated | order_id |
| 4 | package update | shipment.updated, one per package | package_id (order_id when one) |
| 5 | product status change | product.updated | product_id (status) |
| 6 | seller deauthorization | app.deauthorized | shop_id (message) |
| 11 | cancellation status change | order.updated | order_id (status.id = cancel_status) |
| 15 | product information change | product.updated | product_id |
| 16 | product creation | product.created | product_id |
| 24 | FBT inventory update | inventory.updated, one per warehouse | sku_id (1) |
| any other | | platform_event.received | PlatformEvent |

(1) on_hand, reserved, available = on_hand_detail's total, reserved and available quantity.
The ids TikTok Shop documents as strings sometimes appear as JSON numbers in its examples
(``product_id: 576486316948490000``); orjson reads them exactly as sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from normalizers._dispatch import BodyEnvelope, Route, dispatch
from normalizers._fields import Fields
from normalizers._thin import nested, outside, thin
from normalizers.schema import (
    AppLifecycle,
    CanonicalEvent,
    Entity,
    InventoryLevel,
    Order,
    OrderStatus,
    Product,
    Shipment,
)
from verifiers import Verified

__all__ = ["ROUTES", "normalize"]

ENVELOPE = BodyEnvelope(topic="type", store="shop_id", time="timestamp")


def _order_status(status_key: str) -> Route:
    def build(fields: Fields, _delivery: Verified) -> Order:
        data = nested(fields, ("data",))
        return Order(
            id=data.take_required_id("order_id"),
            hydrated=False,
            status=OrderStatus(id=data.take_text(status_key)),
            modified_at=data.take_unix_time("update_time"),
            additional_fields=fields.rest(),
        )

    return Route(build, "updated", Order)


def _packages(fields: Fields, _delivery: Verified) -> list[Entity]:
    """Type 4: ``data.package_list[]``: ``{"package_id", "order_id_list"}``."""
    data = nested(fields, ("data",))
    shipments: list[Entity] = []
    for package in data.objects("package_list", data.peek("package_list")):
        orders = package.take_strings("order_id_list")
        shipments.append(
            Shipment(
                id=package.take_required_id("package_id"),
                order_id=orders[0] if len(orders) == 1 else None,
                hydrated=False,
                additional_fields={
                    **outside(fields, "data"),
                    **outside(data, "package_list"),
                    **package.rest(),
                    "order_id_list": orders,
                },
            )
        )
    return shipments


def _deauthorized(fields: Fields, delivery: Verified) -> AppLifecycle:
    """Type 6: ``data.message``; the shop is the envelope's ``shop_id``."""
    data = nested(fields, ("data",))
    return AppLifecycle(
        id=delivery.store_id or delivery.delivery_id,
        message=data.take_text("message"),
        additional_fields=fields.rest(),
    )


def _fbt_inventory(fields: Fields, _delivery: Verified) -> list[Entity]:
    """Type 24: one level per ``data.fbt_warehouse_inventory[]`` item of the SKU."""
    data = nested(fields, ("data",))
    sku_id = data.peek_required_id("sku_id")
    product_id = data.take_id("goods_id")
    modified_at = data.take_unix_time("update_time")
    levels: list[Entity] = []
    for stock in data.take_objects("fbt_warehouse_inventory"):
        detail = stock.take_object("on_hand_detail") or Fields({}, stock.path)
        levels.append(
            InventoryLevel(
                id=sku_id,
                product_id=product_id,
                variant_id=sku_id,
                location_id=stock.take_id("fbt_warehouse_id"),
                on_hand=detail.take_decimal("total_quantity"),
                reserved=detail.take_decimal("reserved_quantity"),
                available=detail.take_decimal("available_quantity"),
                modified_at=modified_at,
                hydrated=False,
                additional_fields={
                    **outside(fields, "data"),
                    **outside(data, "sku_id"),
                    **stock.rest(),
                    **detail.rest(),
                },
            )
        )
    return levels


ROUTES: Mapping[str, Route] = {
    "1": _order_status("order_status"),
    "3": Route(thin(Order, "order_id"), "updated", Order),
    "4": Route(_packages, "updated", Shipment),
    "5": Route(thin(Product, "product_id", status="status"), "updated", Product),
    "6": Route(_deauthorized, "deauthorized", AppLifecycle),
    "11": _order_status("cancel_status"),
    "15": Route(thin(Product, "product_id"), "updated", Product),
    "16": Route(thin(Product, "product_id"), "created", Product),
    "24": Route(_fbt_inventory, "updated", InventoryLevel),
}
"""TikTok Shop webhook type -> entity builder and event action; see the module docstring."""


def normalize(delivery: Verified) -> Sequence[CanonicalEvent]:
    """Normalize one verified TikTok Shop delivery into its canonical events."""
    return dispatch(delivery, ROUTES, envelope=ENVELOPE)
