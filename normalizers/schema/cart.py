"""The cart entity: a cart or checkout that is not (yet) an order, e.g. an abandoned one."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from normalizers.schema._model import CurrencyCode, Entity, UtcDatetime
from normalizers.schema.address import Address
from normalizers.schema.order import OrderCustomer
from normalizers.schema.order_item import OrderItem
from normalizers.schema.order_totals import OrderTotals

__all__ = ["Cart"]


class Cart(Entity):
    """A cart or checkout. ``order_id`` is set once it converted into an order."""

    entity_type: ClassVar[str] = "cart"
    topic: ClassVar[str] = "carts"
    actions: ClassVar[tuple[str, ...]] = (
        "created",
        "updated",
        "abandoned",
        "converted",
        "completed",
        "deleted",
    )

    order_id: str | None = None
    status: str | None = None
    customer: OrderCustomer | None = None
    currency: CurrencyCode | None = None
    items: list[OrderItem] = Field(default_factory=list)
    totals: OrderTotals | None = None
    shipping_address: Address | None = None
    billing_address: Address | None = None
    recovery_url: str | None = Field(default=None, description="Abandoned checkout link.")
    create_at: UtcDatetime | None = None
    modified_at: UtcDatetime | None = None
