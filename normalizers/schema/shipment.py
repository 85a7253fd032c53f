"""The shipment entity (a fulfillment): what left for the customer, with which carrier."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from normalizers.schema._model import Component, Entity, Quantity, UtcDatetime
from normalizers.schema.address import Address

__all__ = ["Shipment", "ShipmentItem"]


class ShipmentItem(Component):
    """One order line (or part of one) in a shipment."""

    order_item_id: str | None = Field(default=None, description="The order line's id.")
    product_id: str | None = None
    variant_id: str | None = None
    sku: str | None = None
    name: str | None = None
    quantity: Quantity | None = None


class Shipment(Entity):
    """A shipment or fulfillment of (part of) an order, or a tracked parcel.

    ``tracking_numbers`` and ``tracking_urls`` are lists: a fulfillment may travel in
    several parcels. ``status`` is the platform's or carrier's state (``success``,
    ``DELIVERED``, ``TRANSIT``).
    """

    entity_type: ClassVar[str] = "shipment"
    topic: ClassVar[str] = "shipments"
    actions: ClassVar[tuple[str, ...]] = ("created", "updated", "deleted")

    order_id: str | None = None
    status: str | None = None
    carrier: str | None = Field(default=None, description="Carrier name, e.g. UPS.")
    service: str | None = Field(default=None, description="Service level, e.g. Ground.")
    tracking_numbers: list[str] = Field(default_factory=list)
    tracking_urls: list[str] = Field(default_factory=list)
    items: list[ShipmentItem] = Field(default_factory=list)
    location_id: str | None = Field(default=None, description="Where it shipped from.")
    shipping_address: Address | None = None
    create_at: UtcDatetime | None = None
    modified_at: UtcDatetime | None = None
