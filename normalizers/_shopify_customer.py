"""Shopify's customer and address objects to ``Customer`` and ``Address``.

| canonical | Shopify |
|---|---|
| ``email``, ``first_name``, ``last_name``, ``phone`` | same names |
| ``status`` | ``state`` (disabled, invited, enabled, declined) |
| ``create_at``, ``modified_at`` | ``created_at``, ``updated_at`` |
| ``default_address``, ``address_book`` | ``default_address``, ``addresses`` |
| ``orders_count``, ``last_order_id``, ``total_spent``, ``currency`` | same names |
| address ``postcode``, ``state``, ``state_code`` | ``zip``, ``province``, ``province_code`` |
"""

from __future__ import annotations

from normalizers._fields import Fields
from normalizers.schema import Address, Customer
from verifiers import Verified

__all__ = ["address", "customer"]


def customer(fields: Fields, _delivery: Verified) -> Customer:
    """Map a Shopify customer object."""
    default_address = fields.take_object("default_address")
    return Customer(
        id=fields.take_required_id("id"),
        email=fields.take_text("email"),
        first_name=fields.take_text("first_name"),
        last_name=fields.take_text("last_name"),
        phone=fields.take_text("phone"),
        status=fields.take_text("state"),
        create_at=fields.take_time("created_at"),
        modified_at=fields.take_time("updated_at"),
        default_address=None if default_address is None else address(default_address),
        address_book=[address(entry) for entry in fields.take_objects("addresses")],
        orders_count=fields.take_int("orders_count"),
        last_order_id=fields.take_id("last_order_id"),
        total_spent=fields.take_decimal("total_spent"),
        currency=fields.take_currency("currency"),
        additional_fields=fields.rest(),
    )


def address(fields: Fields) -> Address:
    """Map a Shopify address (an order's, or one of a customer's)."""
    return Address(
        id=fields.take_id("id"),
        first_name=fields.take_text("first_name"),
        last_name=fields.take_text("last_name"),
        company=fields.take_text("company"),
        address1=fields.take_text("address1"),
        address2=fields.take_text("address2"),
        city=fields.take_text("city"),
        postcode=fields.take_text("zip"),
        state=fields.take_text("province"),
        state_code=fields.take_text("province_code"),
        country=fields.take_text("country"),
        country_code=fields.take_text("country_code"),
        phone=fields.take_text("phone"),
        default=fields.take_bool("default"),
        additional_fields=fields.rest(),
    )
