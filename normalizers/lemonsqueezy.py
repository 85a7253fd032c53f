"""Lemon Squeezy webhooks to canonical events.

The topic is the ``X-Event-Name`` header, else the body's ``meta.event_name``; the body is
``{"meta": {...}, "data": <JSON:API resource>}`` (https://docs.lemonsqueezy.com/help/
webhooks). Amounts are integer cents in ``currency``. Topic to type:

| Lemon Squeezy event | type (commerce.*.v1) | data |
|---|---|---|
| order_created | order.created | Order |
| order_refunded | order.refunded | Order |
| any other (subscription_*, license_key_*, ...) | platform_event.received | PlatformEvent |

Order: order_number (order_id), customer_id, user_email, status (status.id and, being a
merchant of record's payment state, financial_status), currency, subtotal, discount_total,
tax, total (totals), first_order_item (the line: product and variant ids and names, price;
quantity 1, as Lemon Squeezy sells one item per order), urls.receipt (order_details_url),
created_at, updated_at. ``user_name`` stays in ``additional_fields`` (one string, not
split into names). Only order_created has a public sample; order_refunded carries the
same order resource.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from normalizers._dispatch import BodyEnvelope, Route, dispatch
from normalizers._fields import Fields
from normalizers._jsonapi import resource
from normalizers._money import take_minor_money
from normalizers._thin import optional
from normalizers.schema import (
    CanonicalEvent,
    Order,
    OrderCustomer,
    OrderItem,
    OrderStatus,
    OrderTotals,
)
from verifiers import Verified

__all__ = ["ROUTES", "normalize"]

ENVELOPE = BodyEnvelope(topic="meta.event_name")


def _order(order_id: str, attributes: Fields) -> Order:
    currency = attributes.take_currency("currency")
    status = attributes.take_text("status")
    item = attributes.take_object("first_order_item")
    urls = optional(attributes, "urls")
    return Order(
        id=order_id,
        order_id=attributes.take_id("order_number"),
        customer=OrderCustomer(
            id=attributes.take_id("customer_id"), email=attributes.take_text("user_email")
        ),
        status=OrderStatus(id=status, financial_status=status),
        currency=currency,
        totals=OrderTotals(
            subtotal=take_minor_money(attributes, "subtotal", currency),
            discount=take_minor_money(attributes, "discount_total", currency),
            tax=take_minor_money(attributes, "tax", currency),
            total=take_minor_money(attributes, "total", currency),
            currency=currency,
        ),
        order_products=[_item(item, currency)] if item else [],
        order_details_url=urls.take_text("receipt") if urls else None,
        create_at=attributes.take_time("created_at"),
        modified_at=attributes.take_time("updated_at"),
    )


def _item(item: Fields, currency: str | None) -> OrderItem:
    price = take_minor_money(item, "price", currency)
    return OrderItem(
        id=item.take_id("id"),
        product_id=item.take_id("product_id"),
        variant_id=item.take_id("variant_id"),
        name=item.take_text("product_name"),
        variant_name=item.take_text("variant_name"),
        quantity=Decimal(1),
        price=price,
        subtotal=price,
        currency=currency,
        additional_fields=item.rest(),
    )


_ORDER = resource(_order)

ROUTES: Mapping[str, Route] = {
    "order_created": Route(_ORDER, "created", Order),
    "order_refunded": Route(_ORDER, "refunded", Order),
}
"""Lemon Squeezy event name -> entity builder and event action; see the module docstring."""


def normalize(delivery: Verified) -> Sequence[CanonicalEvent]:
    """Normalize one verified Lemon Squeezy delivery into one canonical event."""
    return dispatch(delivery, ROUTES, envelope=ENVELOPE)
