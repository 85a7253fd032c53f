"""Square's objects (Payment, Refund, Customer, InventoryCount) to canonical entities.

Money is a ``Money`` object ``{"amount": <minor units>, "currency": "USD"}``; times are
RFC 3339. What is not listed stays in ``additional_fields``.

| canonical | Square |
|---|---|
| Payment | id, order_id, customer_id, status, source_type (method), total_money (amount), |
| | created_at, updated_at |
| Refund | id, order_id, payment_id, status, reason, amount_money (total), created_at, |
| | updated_at |
| Customer | id, email_address, given_name, family_name, phone_number, address, created_at, |
| | updated_at |
| InventoryLevel | catalog_object_id (id; variant_id too for an ITEM_VARIATION), location_id, |
| | quantity (available, when state is IN_STOCK), calculated_at |
"""

from __future__ import annotations

from decimal import Decimal

from normalizers._fields import Fields
from normalizers._money import take_minor_money
from normalizers.schema import Address, Customer, InventoryLevel, Payment, Refund

__all__ = ["customer", "inventory_count", "money", "payment", "refund"]


def money(fields: Fields, key: str) -> tuple[Decimal | None, str | None]:
    """Take a ``Money`` object: the decimal amount and its currency."""
    value = fields.take_object(key)
    if value is None:
        return None, None
    currency = value.take_currency("currency")
    return take_minor_money(value, "amount", currency), currency


def payment(fields: Fields) -> Payment:
    """Map a Square Payment."""
    amount, currency = money(fields, "total_money")
    return Payment(
        id=fields.take_required_id("id"),
        order_id=fields.take_id("order_id"),
        customer_id=fields.take_id("customer_id"),
        status=fields.take_text("status"),
        method=fields.take_text("source_type"),
        gateway="square",
        amount=amount,
        currency=currency,
        create_at=fields.take_time("created_at"),
        modified_at=fields.take_time("updated_at"),
        additional_fields=fields.rest(),
    )


def refund(fields: Fields) -> Refund:
    """Map a Square PaymentRefund."""
    amount, currency = money(fields, "amount_money")
    return Refund(
        id=fields.take_required_id("id"),
        order_id=fields.take_id("order_id"),
        payment_id=fields.take_id("payment_id"),
        status=fields.take_text("status"),
        reason=fields.take_text("reason"),
        total=amount,
        currency=currency,
        create_at=fields.take_time("created_at"),
        modified_at=fields.take_time("updated_at"),
        additional_fields=fields.rest(),
    )


def _address(fields: Fields | None) -> Address | None:
    if fields is None:
        return None
    return Address(
        first_name=fields.take_text("first_name"),
        last_name=fields.take_text("last_name"),
        address1=fields.take_text("address_line_1"),
        address2=fields.take_text("address_line_2"),
        city=fields.take_text("locality"),
        state=fields.take_text("administrative_district_level_1"),
        postcode=fields.take_text("postal_code"),
        country_code=fields.take_text("country"),
        additional_fields=fields.rest(),
    )


def customer(fields: Fields) -> Customer:
    """Map a Square Customer."""
    address = _address(fields.take_object("address"))
    return Customer(
        id=fields.take_required_id("id"),
        email=fields.take_text("email_address"),
        first_name=fields.take_text("given_name"),
        last_name=fields.take_text("family_name"),
        phone=fields.take_text("phone_number"),
        create_at=fields.take_time("created_at"),
        modified_at=fields.take_time("updated_at"),
        default_address=address,
        address_book=[address] if address else [],
        additional_fields=fields.rest(),
    )


def inventory_count(fields: Fields) -> InventoryLevel:
    """Map a Square InventoryCount: the quantity of one catalog object in one ``state``.

    Only ``IN_STOCK`` is sellable stock (``available``); a count in another state (``SOLD``,
    ``WASTE``, ...) keeps its quantity and state in ``additional_fields``.
    """
    object_id = fields.take_required_id("catalog_object_id")
    variation = fields.peek("catalog_object_type") == "ITEM_VARIATION"
    in_stock = fields.peek("state") == "IN_STOCK"
    return InventoryLevel(
        id=object_id,
        variant_id=object_id if variation else None,
        location_id=fields.take_id("location_id"),
        available=fields.take_decimal("quantity") if in_stock else None,
        modified_at=fields.take_time("calculated_at"),
        additional_fields=fields.rest(),
    )
