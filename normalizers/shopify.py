"""Shopify webhooks to canonical events.

The topic is the ``X-Shopify-Topic`` header (``delivery.topic``); the body is the REST
Admin API object of the resource (https://shopify.dev/docs/api/webhooks). Topic to type:

| Shopify topic | canonical type | data |
|---|---|---|
| orders/create | commerce.order.created.v1 | Order |
| orders/updated | commerce.order.updated.v1 | Order |
| orders/paid | commerce.order.paid.v1 | Order |
| orders/cancelled | commerce.order.cancelled.v1 | Order |
| orders/fulfilled | commerce.order.fulfilled.v1 | Order |
| orders/partially_fulfilled | commerce.order.partially_fulfilled.v1 | Order |
| orders/edited | commerce.order.edited.v1 | Order reference (1) |
| orders/delete | commerce.order.deleted.v1 | Order reference |
| products/create | commerce.product.created.v1 | Product |
| products/update | commerce.product.updated.v1 | Product |
| products/delete | commerce.product.deleted.v1 | Product reference |
| customers/create | commerce.customer.created.v1 | Customer |
| customers/update | commerce.customer.updated.v1 | Customer |
| customers/delete | commerce.customer.deleted.v1 | Customer reference |
| refunds/create | commerce.refund.created.v1 | Refund |
| returns/request | commerce.return.requested.v1 | Return |
| fulfillments/create | commerce.shipment.created.v1 | Shipment |
| fulfillments/update | commerce.shipment.updated.v1 | Shipment |
| fulfillment_events/create | commerce.shipment.updated.v1 | Shipment reference (status) |
| inventory_levels/update | commerce.inventory.updated.v1 | InventoryLevel |
| order_transactions/create | commerce.payment.created.v1 | Payment |
| checkouts/create | commerce.cart.created.v1 | Cart |
| checkouts/update | commerce.cart.updated.v1 | Cart |
| checkouts/delete | commerce.cart.deleted.v1 | Cart reference |
| app/uninstalled | commerce.app.uninstalled.v1 | AppLifecycle (the shop) |
| any other topic | commerce.platform_event.received.v1 | PlatformEvent (the whole body) |

A reference has ``hydrated=False``: the id and, in ``additional_fields``, whatever else the
body holds. (1) The body is ``{"order_edit": {...}}``: the id is ``order_edit.order_id``
and the ``order_edit`` object is kept in ``additional_fields``.
Field mappings: ``_shopify_order``, ``_shopify_product``, ``_shopify_customer``,
``_shopify_events``. (``draft_orders/*`` and ``inventory_items/*`` stay PlatformEvents: a
draft is no order yet, an inventory item holds no quantity.) A body that
is not a JSON object raises ``MalformedPayloadError``, whatever the topic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from normalizers import _shopify_events as events
from normalizers._dispatch import Route, dispatch, reference
from normalizers._fields import Fields
from normalizers._shopify_customer import customer
from normalizers._shopify_order import order
from normalizers._shopify_product import product
from normalizers.schema import (
    AppLifecycle,
    CanonicalEvent,
    Cart,
    Customer,
    InventoryLevel,
    Order,
    Payment,
    Product,
    Refund,
    Return,
    Shipment,
)
from verifiers import Verified

__all__ = ["ROUTES", "normalize"]


def _order_edit(fields: Fields, _delivery: Verified) -> Order:
    """An ``orders/edited`` body: ``{"order_edit": {..., "order_id": ...}}``."""
    edit = Fields.of(fields.peek("order_edit"), "body.order_edit")
    return Order(
        id=edit.peek_required_id("order_id"), hydrated=False, additional_fields=fields.rest()
    )


ROUTES: Mapping[str, Route] = {
    "orders/create": Route(order, "created", Order),
    "orders/updated": Route(order, "updated", Order),
    "orders/paid": Route(order, "paid", Order),
    "orders/cancelled": Route(order, "cancelled", Order),
    "orders/fulfilled": Route(order, "fulfilled", Order),
    "orders/partially_fulfilled": Route(order, "partially_fulfilled", Order),
    "orders/edited": Route(_order_edit, "edited", Order),
    "orders/delete": Route(reference(Order), "deleted", Order),
    "products/create": Route(product, "created", Product),
    "products/update": Route(product, "updated", Product),
    "products/delete": Route(reference(Product), "deleted", Product),
    "customers/create": Route(customer, "created", Customer),
    "customers/update": Route(customer, "updated", Customer),
    "customers/delete": Route(reference(Customer), "deleted", Customer),
    "refunds/create": Route(events.refund, "created", Refund),
    "returns/request": Route(events.return_request, "requested", Return),
    "fulfillments/create": Route(events.fulfillment, "created", Shipment),
    "fulfillments/update": Route(events.fulfillment, "updated", Shipment),
    "fulfillment_events/create": Route(events.fulfillment_event, "updated", Shipment),
    "inventory_levels/update": Route(events.inventory_level, "updated", InventoryLevel),
    "order_transactions/create": Route(events.transaction, "created", Payment),
    "checkouts/create": Route(events.checkout, "created", Cart),
    "checkouts/update": Route(events.checkout, "updated", Cart),
    "checkouts/delete": Route(reference(Cart), "deleted", Cart),
    "app/uninstalled": Route(events.app_uninstalled, "uninstalled", AppLifecycle),
}
"""Shopify topic -> entity builder and event action; see the module docstring."""


def normalize(delivery: Verified) -> Sequence[CanonicalEvent]:
    """Normalize one verified Shopify delivery into one canonical event."""
    return dispatch(delivery, ROUTES)
