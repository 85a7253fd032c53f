"""The registry of platform normalizers: one explicit line per platform slug.

A platform with a module here maps to its ``normalize``; the others map to a
``GenericNormalizer``, which passes every delivery on whole as a ``PlatformEvent`` until
the platform gets a mapping of its own. ``topic_field`` names the body field that holds
the platform's event name (a dotted path when nested), for when the verifier found none
in a header (``None``: the name is only in a header, inside a list, or nowhere).
"""

from __future__ import annotations

from collections.abc import Mapping

from normalizers import (
    adobe_commerce,
    adyen,
    aftership,
    bigcommerce,
    commercelayer,
    easypost,
    ecwid,
    lazada,
    lemonsqueezy,
    mollie,
    paypal,
    shippo,
    shopee,
    shopify,
    square,
    squarespace,
    stripe,
    tiktok_shop,
    woocommerce,
)
from normalizers._base import Normalizer
from normalizers.generic import GenericNormalizer

__all__ = ["NORMALIZERS"]

NORMALIZERS: Mapping[str, Normalizer] = {
    "adobe_commerce": adobe_commerce.normalize,
    "adobe_io_events": GenericNormalizer(topic_field="type"),  # CloudEvents "type"
    "adyen": adyen.normalize,
    "aftership": aftership.normalize,
    "basic_auth": GenericNormalizer(),
    "bigcommerce": bigcommerce.normalize,
    "commercelayer": commercelayer.normalize,
    "easypost": easypost.normalize,
    "ebay": GenericNormalizer(topic_field="metadata.topic"),
    "ecwid": ecwid.normalize,
    "etsy": GenericNormalizer(),
    "generic_hmac": GenericNormalizer(),
    "jwt": GenericNormalizer(),
    "klarna": GenericNormalizer(topic_field="event_type"),
    "lazada": lazada.normalize,
    "lemonsqueezy": lemonsqueezy.normalize,
    "mollie": mollie.normalize,
    "paypal": paypal.normalize,
    "shipstation": GenericNormalizer(topic_field="resource_type"),  # ORDER_NOTIFY, SHIP_NOTIFY
    "shippo": shippo.normalize,
    "shopee": shopee.normalize,
    "shopify": shopify.normalize,
    "shopline": GenericNormalizer(),  # X-Shopline-Topic header only
    "shopware": GenericNormalizer(topic_field="data.event"),  # app system webhooks
    "square": square.normalize,
    "squarespace": squarespace.normalize,
    "standard_webhooks": GenericNormalizer(topic_field="type"),
    "static_token": GenericNormalizer(),
    "stripe": stripe.normalize,
    "tiktok_shop": tiktok_shop.normalize,
    "walmart": GenericNormalizer(topic_field="source.eventType"),
    "wix": GenericNormalizer(),  # the JWT's data.eventType
    "woocommerce": woocommerce.normalize,
}
