"""The registry of platform normalizers: one explicit line per platform slug.

A platform with a module here (``shopify``, ``woocommerce``) maps to its ``normalize``;
the others map to a ``GenericNormalizer``, which passes every delivery on whole as a
``PlatformEvent`` until the platform gets a mapping of its own.
"""

from __future__ import annotations

from collections.abc import Mapping

from normalizers import shopify, woocommerce
from normalizers._base import Normalizer
from normalizers.generic import GenericNormalizer

__all__ = ["NORMALIZERS"]

NORMALIZERS: Mapping[str, Normalizer] = {
    "bigcommerce": GenericNormalizer(topic_field="scope"),
    "etsy": GenericNormalizer(),
    "shopify": shopify.normalize,
    "standard_webhooks": GenericNormalizer(topic_field="type"),
    "woocommerce": woocommerce.normalize,
}
