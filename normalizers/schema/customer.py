"""The customer entity: a shopper's account on a store."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from normalizers.schema._model import CurrencyCode, Entity, Money, UtcDatetime
from normalizers.schema.address import Address
from normalizers.schema.custom_field import CustomField

__all__ = ["Customer"]


class Customer(Entity):
    """A customer account, modelled on API2Cart's customer.

    Times use the names of the order and the product (``create_at``, ``modified_at``) so
    every entity reads the same.
    """

    entity_type: ClassVar[str] = "customer"
    topic: ClassVar[str] = "customers"
    actions: ClassVar[tuple[str, ...]] = ("created", "updated", "deleted", "restored")

    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    login: str | None = Field(default=None, description="The account's user name.")
    status: str | None = Field(default=None, description="Account state as the platform names it.")
    create_at: UtcDatetime | None = None
    modified_at: UtcDatetime | None = None
    default_address: Address | None = None
    address_book: list[Address] = Field(default_factory=list)
    orders_count: int | None = None
    last_order_id: str | None = None
    total_spent: Money | None = None
    currency: CurrencyCode | None = Field(
        default=None, description="Currency of total_spent (and the customer's own, if any)."
    )
    custom_fields: list[CustomField] = Field(default_factory=list)
