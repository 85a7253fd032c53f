"""The inventory entity: the stock of one item (product, variant, SKU) at one location."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from normalizers.schema._model import Entity, Quantity, UtcDatetime

__all__ = ["InventoryLevel"]


class InventoryLevel(Entity):
    """Stock of one item, at one location where the platform has locations.

    ``id`` is the platform's id of the stocked item (Shopify's inventory item, a
    BigCommerce product or SKU, a Square catalog object). Quantities are what the platform
    states; ``adjustment`` is a relative change where the platform sends one instead of a
    level (``method`` then says ``relative``).
    """

    entity_type: ClassVar[str] = "inventory"
    topic: ClassVar[str] = "inventory"
    actions: ClassVar[tuple[str, ...]] = ("updated",)

    product_id: str | None = None
    variant_id: str | None = None
    sku: str | None = None
    location_id: str | None = Field(default=None, description="Warehouse or location id.")
    available: Quantity | None = Field(default=None, description="Sellable quantity.")
    on_hand: Quantity | None = Field(default=None, description="Physically in stock.")
    reserved: Quantity | None = Field(default=None, description="Held for open orders.")
    adjustment: Quantity | None = Field(default=None, description="A relative change.")
    method: str | None = Field(default=None, description="absolute or relative, as sent.")
    modified_at: UtcDatetime | None = None
