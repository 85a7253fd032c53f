"""A line of an order: one product (variant) bought in some quantity."""

from __future__ import annotations

from pydantic import Field

from normalizers.schema._model import Component, CurrencyCode, Money, Quantity
from normalizers.schema.custom_field import CustomField
from normalizers.schema.option import SelectedOption

__all__ = ["OrderItem"]


class OrderItem(Component):
    """One order line, modelled on API2Cart's order item.

    Amounts: ``price`` is the unit price; ``subtotal`` the line before its discounts,
    ``discount`` the line's discounts, ``total`` the line after them (``subtotal -
    discount``), ``tax`` the line's tax. Whether tax is included follows the order.
    """

    id: str | None = Field(default=None, description="The platform's id of this order line.")
    product_id: str | None = None
    variant_id: str | None = None
    sku: str | None = None
    name: str | None = None
    variant_name: str | None = Field(default=None, description="e.g. Small / Red.")
    quantity: Quantity | None = None
    price: Money | None = None
    subtotal: Money | None = None
    discount: Money | None = None
    tax: Money | None = None
    total: Money | None = None
    currency: CurrencyCode | None = None
    options: list[SelectedOption] = Field(default_factory=list)
    custom_fields: list[CustomField] = Field(default_factory=list)
