"""The order entity, modelled on API2Cart's unified order."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from normalizers.schema._model import Component, CurrencyCode, Entity, UtcDatetime
from normalizers.schema.address import Address
from normalizers.schema.custom_field import CustomField
from normalizers.schema.order_item import OrderItem
from normalizers.schema.order_methods import PaymentMethod, ShippingMethod
from normalizers.schema.order_status import OrderRefund, OrderStatus
from normalizers.schema.order_totals import Discount, OrderTotal, OrderTotals

__all__ = ["Order", "OrderCustomer"]


class OrderCustomer(Component):
    """The buyer as the order records them; ``id`` is unset for a guest checkout."""

    id: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None


class Order(Entity):
    """An order. Every field but ``id`` is optional: a reference event carries only the id.

    In a reference (``hydrated=False``) an empty list means "not sent", not "none".

    ``order_id`` is the number people see (Shopify's name ``#1001``, WooCommerce's
    number); ``id`` is the platform's internal id. ``store_id`` repeats the envelope's
    ``storeid`` so the entity stands on its own once stored.
    """

    entity_type: ClassVar[str] = "order"
    topic: ClassVar[str] = "orders"
    actions: ClassVar[tuple[str, ...]] = (
        "created",
        "updated",
        "paid",
        "cancelled",
        "fulfilled",
        "partially_fulfilled",
        "edited",
        "refunded",
        "archived",
        "deleted",
        "restored",
    )

    order_id: str | None = Field(default=None, description="The human order number.")
    customer: OrderCustomer | None = None
    create_at: UtcDatetime | None = None
    modified_at: UtcDatetime | None = None
    finished_time: UtcDatetime | None = Field(default=None, description="Completed or closed.")
    currency: CurrencyCode | None = Field(default=None, description="Currency of the amounts.")
    shipping_address: Address | None = None
    billing_address: Address | None = None
    payment_method: PaymentMethod | None = None
    shipping_methods: list[ShippingMethod] = Field(default_factory=list)
    status: OrderStatus | None = None
    totals: OrderTotals | None = None
    total: OrderTotal | None = None
    discounts: list[Discount] = Field(default_factory=list)
    order_products: list[OrderItem] = Field(default_factory=list)
    bundles: list[OrderItem] = Field(default_factory=list)
    comment: str | None = Field(default=None, description="The customer's note on the order.")
    store_id: str | None = None
    warehouses_ids: list[str] = Field(default_factory=list)
    refunds: list[OrderRefund] = Field(default_factory=list)
    gift_message: str | None = None
    order_details_url: str | None = Field(default=None, description="Order status page.")
    custom_fields: list[CustomField] = Field(default_factory=list)
