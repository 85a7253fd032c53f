"""The product entity: a catalog item with its variants, options, images and terms."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from normalizers.schema._model import Component, CurrencyCode, Entity, Money, Quantity, UtcDatetime
from normalizers.schema.custom_field import CustomField
from normalizers.schema.option import SelectedOption

__all__ = ["Product", "ProductImage", "ProductOption", "ProductVariant", "Term"]


class ProductOption(Component):
    """An option the product comes in (Size) and the values it offers (S, M)."""

    id: str | None = None
    name: str | None = None
    position: int | None = None
    values: list[str] = Field(default_factory=list)


class ProductImage(Component):
    """An image of the product."""

    id: str | None = None
    url: str | None = None
    alt: str | None = None
    position: int | None = None


class Term(Component):
    """A category or a tag of the product."""

    id: str | None = None
    name: str | None = None
    slug: str | None = None


class ProductVariant(Component):
    """A purchasable variant with its own options, prices and stock.

    A platform that lists only its variants' ids (WooCommerce ``variations``) yields
    variants with just the ``id``.
    """

    id: str
    sku: str | None = None
    name: str | None = None
    barcode: str | None = None
    position: int | None = None
    price: Money | None = None
    compare_at_price: Money | None = Field(default=None, description="Regular price, if on sale.")
    currency: CurrencyCode | None = None
    quantity: Quantity | None = Field(default=None, description="Stock on hand.")
    options: list[SelectedOption] = Field(default_factory=list)
    create_at: UtcDatetime | None = None
    modified_at: UtcDatetime | None = None


class Product(Entity):
    """A product, modelled on API2Cart's product.

    ``price`` and ``compare_at_price`` (the regular price a sale price is compared with)
    are the product's own where the platform prices products; where it prices only
    variants (Shopify) they stay unset and each variant carries its price.
    """

    entity_type: ClassVar[str] = "product"
    topic: ClassVar[str] = "products"
    actions: ClassVar[tuple[str, ...]] = ("created", "updated", "deleted", "restored")

    name: str | None = None
    sku: str | None = None
    type: str | None = Field(
        default=None, description="simple, variable, ... as the platform says."
    )
    status: str | None = None
    description: str | None = None
    short_description: str | None = None
    brand: str | None = None
    url: str | None = None
    price: Money | None = None
    compare_at_price: Money | None = None
    currency: CurrencyCode | None = None
    quantity: Quantity | None = Field(default=None, description="Stock on hand, all variants.")
    variants: list[ProductVariant] = Field(default_factory=list)
    options: list[ProductOption] = Field(default_factory=list)
    images: list[ProductImage] = Field(default_factory=list)
    categories: list[Term] = Field(default_factory=list)
    tags: list[Term] = Field(default_factory=list)
    create_at: UtcDatetime | None = None
    modified_at: UtcDatetime | None = None
    custom_fields: list[CustomField] = Field(default_factory=list)
