"""How an order is paid and how it ships."""

from __future__ import annotations

from pydantic import Field

from normalizers.schema._model import Component, CurrencyCode, Money

__all__ = ["PaymentMethod", "ShippingMethod"]


class PaymentMethod(Component):
    """The payment method (gateway) of an order."""

    id: str | None = Field(default=None, description="The platform's code, e.g. bacs.")
    name: str | None = Field(default=None, description="Its display name.")


class ShippingMethod(Component):
    """One shipping line of an order: the method chosen and what it costs."""

    id: str | None = None
    name: str | None = Field(default=None, description="Display name, e.g. Flat Rate.")
    code: str | None = Field(default=None, description="The platform's or carrier's code.")
    price: Money | None = None
    tax: Money | None = None
    currency: CurrencyCode | None = None
