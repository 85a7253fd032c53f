"""PayPal's resources (Orders v2, Payments v1/v2, Catalog products) to canonical entities.

Money is ``{"currency_code", "value"}`` (v2) or ``{"currency", "total"}`` (v1), with the
value a decimal string kept exactly; times are RFC 3339. What is not listed stays in
``additional_fields``.

| canonical | PayPal |
|---|---|
| Order (checkout-order) | id, status (status.id), payer (customer: email_address, name, |
| | payer_id), |
| | purchase_units[0].amount or gross_amount (totals.total), purchase_units[0].shipping |
| | (address, method), create_time, update_time |
| Payment (sale, capture) | id, state or status, amount, parent_payment (order_id), create_time, |
| | update_time |
| Payment (payment v1) | id, state, intent (kind), payer (method), transactions[0].amount |
| Product (catalog product) | id, name, description, type, category, image_url, home_url, times |
"""

from __future__ import annotations

from decimal import Decimal

from normalizers._fields import Fields
from normalizers._thin import optional
from normalizers.schema import (
    Address,
    Order,
    OrderCustomer,
    OrderStatus,
    OrderTotals,
    Payment,
    Product,
    ProductImage,
    ShippingMethod,
    Term,
)

__all__ = ["checkout_order", "payment", "payment_v1", "product"]


def _money(fields: Fields | None) -> tuple[Decimal | None, str | None]:
    """A v2 ``{"currency_code", "value"}`` or v1 ``{"currency", "total"}`` money object."""
    if fields is None:
        return None, None
    currency = fields.take_currency("currency_code") or fields.take_currency("currency")
    amount = fields.take_decimal("value")
    return (amount if amount is not None else fields.take_decimal("total")), currency


def _address(fields: Fields) -> Address:
    return Address(
        address1=fields.take_text("address_line_1"),
        address2=fields.take_text("address_line_2"),
        city=fields.take_text("admin_area_2"),
        state_code=fields.take_text("admin_area_1"),
        postcode=fields.take_text("postal_code"),
        country_code=fields.take_text("country_code"),
        additional_fields=fields.rest(),
    )


def _payer(fields: Fields) -> OrderCustomer | None:
    payer = optional(fields, "payer")
    if payer is None:
        return None
    name = optional(payer, "name")
    return OrderCustomer(
        id=payer.take_id("payer_id"),
        email=payer.take_text("email_address"),
        first_name=name.take_text("given_name") if name else None,
        last_name=name.take_text("surname") if name else None,
    )


def checkout_order(fields: Fields) -> Order:
    """Map an Orders v2 order: the first purchase unit's amount and shipping."""
    units = fields.objects("purchase_units", fields.peek("purchase_units"))
    unit = units[0] if units else Fields({}, f"{fields.path}.purchase_units[0]")
    amount, currency = _money(unit.take_object("amount") or fields.take_object("gross_amount"))
    shipping = optional(unit, "shipping")
    address = shipping.take_object("address") if shipping else None
    method = shipping.take_text("method") if shipping else None
    return Order(
        id=fields.take_required_id("id"),
        customer=_payer(fields),
        status=OrderStatus(id=fields.take_text("status")),
        currency=currency,
        totals=OrderTotals(total=amount, currency=currency),
        shipping_address=_address(address) if address else None,
        shipping_methods=[ShippingMethod(name=method)] if method else [],
        create_at=fields.take_time("create_time"),
        modified_at=fields.take_time("update_time"),
        additional_fields=fields.rest(),
    )


def payment(fields: Fields, kind: str) -> Payment:
    """Map a v1 sale or a v2 capture / authorization."""
    amount, currency = _money(fields.take_object("amount"))
    return Payment(
        id=fields.take_required_id("id"),
        order_id=fields.take_id("parent_payment"),
        kind=kind,
        status=fields.take_text("state") or fields.take_text("status"),
        amount=amount,
        currency=currency,
        gateway="paypal",
        create_at=fields.take_time("create_time"),
        modified_at=fields.take_time("update_time"),
        additional_fields=fields.rest(),
    )


def payment_v1(fields: Fields) -> Payment:
    """Map a v1 Payment (``PAYMENTS.PAYMENT.CREATED``): the first transaction's amount."""
    transactions = fields.objects("transactions", fields.peek("transactions"))
    first = transactions[0] if transactions else Fields({}, f"{fields.path}.transactions[0]")
    amount, currency = _money(first.take_object("amount"))
    payer = optional(fields, "payer")
    return Payment(
        id=fields.take_required_id("id"),
        kind=fields.take_text("intent"),
        status=fields.take_text("state"),
        amount=amount,
        currency=currency,
        gateway="paypal",
        method=payer.take_text("payment_method") if payer else None,
        create_at=fields.take_time("create_time"),
        modified_at=fields.take_time("update_time"),
        additional_fields=fields.rest(),
    )


def product(fields: Fields) -> Product:
    """Map a Catalog Products API product."""
    category = fields.take_text("category")
    image = fields.take_text("image_url")
    return Product(
        id=fields.take_required_id("id"),
        name=fields.take_text("name"),
        description=fields.take_text("description"),
        type=fields.take_text("type"),
        url=fields.take_text("home_url"),
        categories=[Term(name=category)] if category else [],
        images=[ProductImage(url=image)] if image else [],
        create_at=fields.take_time("create_time"),
        modified_at=fields.take_time("update_time"),
        additional_fields=fields.rest(),
    )
