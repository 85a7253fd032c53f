"""An order's money summary, and the discounts applied to it."""

from __future__ import annotations

from pydantic import Field

from normalizers.schema._model import Component, CurrencyCode, Money

__all__ = ["Discount", "OrderTotal", "OrderTotals"]


class OrderTotals(Component):
    """The order's totals as the platform states them (API2Cart's ``totals``)."""

    subtotal: Money | None = Field(default=None, description="Items, before shipping and tax.")
    shipping: Money | None = None
    tax: Money | None = None
    discount: Money | None = None
    total: Money | None = Field(default=None, description="What the customer is charged.")
    currency: CurrencyCode | None = None


class OrderTotal(Component):
    """The order's totals split by tax treatment (API2Cart's ``total``).

    An ``*_ex_tax`` amount is set only when the platform says whether its prices include
    tax; relay never computes tax out of a tax-inclusive price.
    """

    subtotal_ex_tax: Money | None = None
    shipping_ex_tax: Money | None = None
    total_discount: Money | None = None
    total_tax: Money | None = None
    total: Money | None = None
    currency: CurrencyCode | None = None


class Discount(Component):
    """A discount (coupon, code, automatic rule) applied to the order."""

    id: str | None = None
    code: str | None = None
    value: Money | None = Field(default=None, description="The amount taken off.")
    type: str | None = Field(default=None, description="The platform's kind: fixed_amount, ...")
    currency: CurrencyCode | None = None
