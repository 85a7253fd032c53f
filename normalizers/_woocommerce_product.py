"""WooCommerce's product (REST API v3 shape, as ``product.*`` webhooks send it) to ``Product``.

| canonical | WooCommerce (REST API v3) |
|---|---|
| name, sku, type, status | same names (type: simple, variable, grouped, external, ...) |
| description, short_description | same names |
| url | permalink |
| price, compare_at_price | price, regular_price (sale_price stays in additional_fields) |
| quantity | stock_quantity |
| variants | variations: a list of ids, so variants with only an ``id`` |
| options | attributes (options -> ``values``; id ``0``, a custom attribute, -> unset) |
| images | images (id, src -> url, alt, position) |
| categories, tags | same names (id, name, slug) |
| create_at, modified_at | date_created_gmt, date_modified_gmt (UTC, without an offset) |
| custom_fields | meta_data |

Product webhooks carry no currency (it is a store setting), so ``currency`` stays unset.
"""

from __future__ import annotations

from decimal import Decimal

from normalizers._errors import MalformedPayloadError
from normalizers._fields import Fields
from normalizers._mapping import custom_fields
from normalizers._woocommerce_customer import optional_ref
from normalizers.schema import Product, ProductImage, ProductOption, ProductVariant, Term
from verifiers import Verified

__all__ = ["product"]


def product(fields: Fields, _delivery: Verified) -> Product:
    """Map a WooCommerce product object."""
    stock = fields.take_int("stock_quantity")
    return Product(
        id=fields.take_required_id("id"),
        name=fields.take_text("name"),
        sku=fields.take_text("sku"),
        type=fields.take_text("type"),
        status=fields.take_text("status"),
        description=fields.take_text("description"),
        short_description=fields.take_text("short_description"),
        url=fields.take_text("permalink"),
        price=fields.take_decimal("price"),
        compare_at_price=fields.take_decimal("regular_price"),
        quantity=None if stock is None else Decimal(stock),
        variants=_variations(fields),
        options=[_attribute(attribute) for attribute in fields.take_objects("attributes")],
        images=[_image(image) for image in fields.take_objects("images")],
        categories=[_term(term) for term in fields.take_objects("categories")],
        tags=[_term(term) for term in fields.take_objects("tags")],
        create_at=fields.take_time("date_created_gmt", naive_is_utc=True),
        modified_at=fields.take_time("date_modified_gmt", naive_is_utc=True),
        custom_fields=custom_fields(fields.take_objects("meta_data"), "key"),
        additional_fields=fields.rest(),
    )


def _variations(fields: Fields) -> list[ProductVariant]:
    ids = fields.take("variations")
    if ids is None:
        return []
    if not isinstance(ids, list) or not all(
        isinstance(variation, int) and not isinstance(variation, bool) for variation in ids
    ):
        raise MalformedPayloadError("body.variations: expected a list of integer ids")
    return [ProductVariant(id=str(variation)) for variation in ids]


def _attribute(attribute: Fields) -> ProductOption:
    return ProductOption(
        id=optional_ref(attribute, "id"),
        name=attribute.take_text("name"),
        position=attribute.take_int("position"),
        values=attribute.take_strings("options"),
        additional_fields=attribute.rest(),
    )


def _image(image: Fields) -> ProductImage:
    return ProductImage(
        id=image.take_id("id"),
        url=image.take_text("src"),
        alt=image.take_text("alt"),
        position=image.take_int("position"),
        additional_fields=image.rest(),
    )


def _term(term: Fields) -> Term:
    return Term(
        id=term.take_id("id"),
        name=term.take_text("name"),
        slug=term.take_text("slug"),
        additional_fields=term.rest(),
    )
