"""Shopify's product (REST Admin API shape, as ``products/*`` webhooks send it) to ``Product``.

| canonical | Shopify |
|---|---|
| name, description, brand | title, body_html, vendor |
| status | status (active, archived, draft) |
| create_at, modified_at | created_at, updated_at |
| tags | tags split on commas |
| options | options (id, name, position, values) |
| variants | variants (see below) |
| images | images (id, src -> url, alt, position) |
| quantity | the sum of the variants' quantities, when every variant has one |

A variant: title -> ``name``; price, compare_at_price, sku, barcode, position and the times
by their names; inventory_quantity -> ``quantity``; option1..3 -> ``options``, named after
the product's options in order.

Shopify prices variants, not products: ``price`` and ``sku`` of the product stay unset, and
``currency`` too (product webhooks carry none; amounts are in the shop's currency).
"""

from __future__ import annotations

from decimal import Decimal

from normalizers._fields import Fields
from normalizers._mapping import total_of
from normalizers.schema import (
    Product,
    ProductImage,
    ProductOption,
    ProductVariant,
    SelectedOption,
    Term,
)
from verifiers import Verified

__all__ = ["product"]

_OPTION_KEYS = ("option1", "option2", "option3")


def product(fields: Fields, _delivery: Verified) -> Product:
    """Map a Shopify product object."""
    options = [_option(option) for option in fields.take_objects("options")]
    names = [option.name for option in options]
    variants = [_variant(variant, names) for variant in fields.take_objects("variants")]
    tags = fields.take_text("tags")
    return Product(
        id=fields.take_required_id("id"),
        name=fields.take_text("title"),
        description=fields.take_text("body_html"),
        status=fields.take_text("status"),
        brand=fields.take_text("vendor"),
        quantity=total_of(variant.quantity for variant in variants),
        variants=variants,
        options=options,
        images=[_image(image) for image in fields.take_objects("images")],
        tags=[] if tags is None else [Term(name=tag) for tag in _split_tags(tags)],
        create_at=fields.take_time("created_at"),
        modified_at=fields.take_time("updated_at"),
        additional_fields=fields.rest(),
    )


def _split_tags(tags: str) -> list[str]:
    return [tag for tag in (part.strip() for part in tags.split(",")) if tag]


def _option(option: Fields) -> ProductOption:
    return ProductOption(
        id=option.take_id("id"),
        name=option.take_text("name"),
        position=option.take_int("position"),
        values=option.take_strings("values"),
        additional_fields=option.rest(),
    )


def _variant(variant: Fields, option_names: list[str | None]) -> ProductVariant:
    chosen: list[SelectedOption] = []
    for index, key in enumerate(_OPTION_KEYS):
        value = variant.take_text(key)
        if value is not None:
            name = option_names[index] if index < len(option_names) else None
            chosen.append(SelectedOption(name=name, value=value))
    quantity = variant.take_int("inventory_quantity")
    return ProductVariant(
        id=variant.take_required_id("id"),
        sku=variant.take_text("sku"),
        name=variant.take_text("title"),
        barcode=variant.take_text("barcode"),
        position=variant.take_int("position"),
        price=variant.take_decimal("price"),
        compare_at_price=variant.take_decimal("compare_at_price"),
        quantity=None if quantity is None else Decimal(quantity),
        options=chosen,
        create_at=variant.take_time("created_at"),
        modified_at=variant.take_time("updated_at"),
        additional_fields=variant.rest(),
    )


def _image(image: Fields) -> ProductImage:
    return ProductImage(
        id=image.take_id("id"),
        url=image.take_text("src"),
        alt=image.take_text("alt"),
        position=image.take_int("position"),
        additional_fields=image.rest(),
    )
