"""Commerce Layer webhooks to canonical events.

The topic is the ``X-CommerceLayer-Topic`` header (``orders.create``); the body is the
JSON:API document of the resource (https://docs.commercelayer.io/core/real-time-webhooks).
Amounts: the ``*_amount_cents`` integers in ``currency_code`` (the ``_float`` and
``formatted_`` twins stay in ``additional_fields``). Topic to type:

| Commerce Layer topic | type (commerce.*.v1) | data |
|---|---|---|
| orders.create | order.created | Order (status draft until placed) |
| orders.place, orders.approve, orders.update | order.updated | Order |
| orders.cancel | order.cancelled | Order |
| orders.fulfill | order.fulfilled | Order |
| orders.refund | order.refunded | Order |
| customers.create, customers.update, customers.destroy | customer.* | Customer |
| any other (skus.*, shipments.*, ...) | platform_event.received | PlatformEvent |

Order: number (order_id), status, payment_status, fulfillment_status, customer_email,
currency_code, subtotal/shipping/total_tax/discount/total ``_amount_cents`` (totals),
created_at, updated_at (placed_at stays in ``additional_fields``). Customer:
email, status, created_at, updated_at. Only orders.create and customers.create have public
samples; the other topics carry the same resource (the docs say so).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from normalizers._dispatch import Route, dispatch
from normalizers._fields import Fields
from normalizers._jsonapi import resource
from normalizers._money import take_minor_money
from normalizers.schema import (
    CanonicalEvent,
    Customer,
    Order,
    OrderCustomer,
    OrderStatus,
    OrderTotals,
)
from verifiers import Verified

__all__ = ["ROUTES", "normalize"]


def _order(order_id: str, attributes: Fields) -> Order:
    currency = attributes.take_currency("currency_code")
    email = attributes.take_text("customer_email")
    return Order(
        id=order_id,
        order_id=attributes.take_id("number"),
        customer=OrderCustomer(email=email) if email else None,
        status=OrderStatus(
            id=attributes.take_text("status"),
            financial_status=attributes.take_text("payment_status"),
            fulfillment_status=attributes.take_text("fulfillment_status"),
        ),
        currency=currency,
        totals=OrderTotals(
            subtotal=take_minor_money(attributes, "subtotal_amount_cents", currency),
            shipping=take_minor_money(attributes, "shipping_amount_cents", currency),
            tax=take_minor_money(attributes, "total_tax_amount_cents", currency),
            discount=take_minor_money(attributes, "discount_amount_cents", currency),
            total=take_minor_money(attributes, "total_amount_cents", currency),
            currency=currency,
        ),
        create_at=attributes.take_time("created_at"),
        modified_at=attributes.take_time("updated_at"),
    )


def _customer(customer_id: str, attributes: Fields) -> Customer:
    return Customer(
        id=customer_id,
        email=attributes.take_text("email"),
        status=attributes.take_text("status"),
        create_at=attributes.take_time("created_at"),
        modified_at=attributes.take_time("updated_at"),
    )


_ORDER = resource(_order)
_CUSTOMER = resource(_customer)

ROUTES: Mapping[str, Route] = {
    "orders.create": Route(_ORDER, "created", Order),
    "orders.place": Route(_ORDER, "updated", Order),
    "orders.approve": Route(_ORDER, "updated", Order),
    "orders.update": Route(_ORDER, "updated", Order),
    "orders.cancel": Route(_ORDER, "cancelled", Order),
    "orders.fulfill": Route(_ORDER, "fulfilled", Order),
    "orders.refund": Route(_ORDER, "refunded", Order),
    "customers.create": Route(_CUSTOMER, "created", Customer),
    "customers.update": Route(_CUSTOMER, "updated", Customer),
    "customers.destroy": Route(_CUSTOMER, "deleted", Customer),
}
"""Commerce Layer topic -> entity builder and event action; see the module docstring."""


def normalize(delivery: Verified) -> Sequence[CanonicalEvent]:
    """Normalize one verified Commerce Layer delivery into one canonical event."""
    return dispatch(delivery, ROUTES)
