"""The refund and return entities: money given back, goods sent back."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from normalizers.schema._model import Component, CurrencyCode, Entity, Money, Quantity, UtcDatetime

__all__ = ["Refund", "RefundItem", "Return"]


class RefundItem(Component):
    """One order line refunded or returned, in some quantity."""

    order_item_id: str | None = Field(default=None, description="The order line's id.")
    product_id: str | None = None
    variant_id: str | None = None
    sku: str | None = None
    quantity: Quantity | None = None
    amount: Money | None = Field(default=None, description="Refunded for this line.")
    reason: str | None = None


class Refund(Entity):
    """A refund on an order or a payment. ``total`` is positive: the amount given back."""

    entity_type: ClassVar[str] = "refund"
    topic: ClassVar[str] = "refunds"
    actions: ClassVar[tuple[str, ...]] = ("created", "updated")

    order_id: str | None = None
    payment_id: str | None = Field(default=None, description="The payment refunded.")
    status: str | None = None
    total: Money | None = None
    currency: CurrencyCode | None = None
    reason: str | None = None
    items: list[RefundItem] = Field(default_factory=list)
    create_at: UtcDatetime | None = None
    modified_at: UtcDatetime | None = None


class Return(Entity):
    """A return (RMA, reverse order): goods the customer sends back."""

    entity_type: ClassVar[str] = "return"
    topic: ClassVar[str] = "returns"
    actions: ClassVar[tuple[str, ...]] = ("requested", "updated")

    order_id: str | None = None
    status: str | None = None
    reason: str | None = None
    items: list[RefundItem] = Field(default_factory=list)
    create_at: UtcDatetime | None = None
    modified_at: UtcDatetime | None = None
