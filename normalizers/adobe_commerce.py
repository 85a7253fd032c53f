"""Adobe Commerce (Magento) events, delivered by Adobe I/O Events, to canonical events.

The body is a CloudEvents 1.0 envelope ``{"specversion", "id", "type":
"com.adobe.commerce.<event code>", "time", "data": {"key", "value": {...}, "source",
"_metadata"}}`` (https://developer.adobe.com/commerce/extensibility/events/). The topic is
the body's ``type`` (``delivery.topic`` first), the time ``time``, the store
``data._metadata.storeId`` stays in ``additional_fields``. Topic to type (event codes with
or without the ``com.adobe.commerce.`` prefix):

| event code | type (commerce.*.v1) | data |
|---|---|---|
| observer.catalog_product_save_after, ..._save_commit_after | product.updated (1) | Product |
| observer.catalog_product_delete_after, ..._delete_commit_after | product.deleted | Product |
| observer.sales_order_place_after (2) | order.created | Order |
| observer.sales_order_save_after, ..._save_commit_after (2) | order.updated | Order |
| any other (invoices, customers, ...) | platform_event.received | PlatformEvent |

(1) Magento's save events do not say whether the product is new. Product: entity_id (id;
the sku when a field-filtered payload has no entity_id), sku, name, type_id, status,
price, stock_data.qty (quantity), category_ids, created_at and updated_at (Magento stores
them in UTC, without an offset). (2) No complete public sample; from the documented order
model: entity_id, increment_id, state, status, order_currency_code, grand_total,
subtotal, tax_amount, shipping_amount, discount_amount, customer_email,
customer_firstname, customer_lastname, created_at, updated_at.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from normalizers._dispatch import BodyEnvelope, Route, dispatch
from normalizers._fields import Fields
from normalizers._thin import nested, optional
from normalizers.schema import (
    CanonicalEvent,
    Order,
    OrderCustomer,
    OrderStatus,
    OrderTotals,
    Product,
    Term,
)
from verifiers import Verified

__all__ = ["ROUTES", "normalize"]

ENVELOPE = BodyEnvelope(topic="type", time="time", iso_time=True)
_PREFIX = "com.adobe.commerce."


def _product(fields: Fields, _delivery: Verified) -> Product:
    value = nested(fields, ("data", "value"))
    stock = optional(value, "stock_data")
    sku = value.take_text("sku")
    product_id = value.take_id("entity_id") or sku
    if product_id is None:
        value.take_required_id("entity_id")  # raises, naming the field
    return Product(
        id=str(product_id),
        sku=sku,
        name=value.take_text("name"),
        type=value.take_text("type_id"),
        status=value.take_text("status"),
        price=value.take_decimal("price"),
        quantity=stock.take_decimal("qty") if stock else None,
        categories=[Term(id=term) for term in value.take_strings("category_ids")],
        create_at=value.take_time("created_at", naive_is_utc=True),
        modified_at=value.take_time("updated_at", naive_is_utc=True),
        additional_fields=fields.rest(),
    )


def _order(fields: Fields, _delivery: Verified) -> Order:
    value = nested(fields, ("data", "value"))
    currency = value.take_currency("order_currency_code")
    return Order(
        id=value.take_required_id("entity_id"),
        order_id=value.take_id("increment_id"),
        customer=OrderCustomer(
            id=value.take_id("customer_id"),
            email=value.take_text("customer_email"),
            first_name=value.take_text("customer_firstname"),
            last_name=value.take_text("customer_lastname"),
        ),
        status=OrderStatus(id=value.take_text("status"), name=value.take_text("state")),
        currency=currency,
        totals=OrderTotals(
            subtotal=value.take_decimal("subtotal"),
            shipping=value.take_decimal("shipping_amount"),
            tax=value.take_decimal("tax_amount"),
            discount=value.take_decimal("discount_amount"),
            total=value.take_decimal("grand_total"),
            currency=currency,
        ),
        create_at=value.take_time("created_at", naive_is_utc=True),
        modified_at=value.take_time("updated_at", naive_is_utc=True),
        additional_fields=fields.rest(),
    )


ROUTES: Mapping[str, Route] = {
    "observer.catalog_product_save_after": Route(_product, "updated", Product),
    "observer.catalog_product_save_commit_after": Route(_product, "updated", Product),
    "observer.catalog_product_delete_after": Route(_product, "deleted", Product),
    "observer.catalog_product_delete_commit_after": Route(_product, "deleted", Product),
    "observer.sales_order_place_after": Route(_order, "created", Order),
    "observer.sales_order_save_after": Route(_order, "updated", Order),
    "observer.sales_order_save_commit_after": Route(_order, "updated", Order),
}
"""Adobe Commerce event code -> entity builder and event action; see the module docstring."""


def route_key(event_type: str) -> str:
    """Map ``com.adobe.commerce.observer.x`` (the CloudEvents type) to its event code."""
    return event_type.removeprefix(_PREFIX)


def normalize(delivery: Verified) -> Sequence[CanonicalEvent]:
    """Normalize one verified Adobe Commerce event into one canonical event."""
    return dispatch(delivery, ROUTES, envelope=ENVELOPE, route_key=route_key)
