"""The registry matches the platform modules: one entry per module, generic for the rest.

Every public module in ``normalizers/`` is a platform (its name is the registry slug) except
``generic`` (the normalizer for platforms without a module) and the ``schema`` package.
"""

from __future__ import annotations

import importlib
import pkgutil

import normalizers
from normalizers import NORMALIZERS
from normalizers.generic import GenericNormalizer

NOT_PLATFORMS = {"generic", "schema"}


def platform_modules() -> set[str]:
    """The public module names in ``normalizers/`` that are platforms."""
    names = {info.name for info in pkgutil.iter_modules(normalizers.__path__)}
    return {name for name in names if not name.startswith("_")} - NOT_PLATFORMS


PLATFORM_MODULES = {
    "adobe_commerce",
    "adyen",
    "aftership",
    "bigcommerce",
    "commercelayer",
    "easypost",
    "ecwid",
    "lazada",
    "lemonsqueezy",
    "mollie",
    "paypal",
    "shippo",
    "shopee",
    "shopify",
    "square",
    "squarespace",
    "stripe",
    "tiktok_shop",
    "woocommerce",
}

# Every slug a verifier exists for (or is being written for): each must have a normalizer.
SLUGS = {
    "adobe_commerce", "adobe_io_events", "adyen", "aftership", "basic_auth", "bigcommerce",
    "commercelayer", "easypost", "ebay", "ecwid", "etsy", "generic_hmac", "jwt", "klarna",
    "lazada", "lemonsqueezy", "mollie", "paypal", "shipstation", "shippo", "shopee", "shopify",
    "shopline", "shopware", "square", "squarespace", "standard_webhooks", "static_token",
    "stripe", "tiktok_shop", "walmart", "wix", "woocommerce",
}  # fmt: skip

# The body field a generic platform names its event in (None: only a header, or in a list).
TOPIC_FIELDS = {
    "adobe_io_events": "type",
    "basic_auth": None,
    "ebay": "metadata.topic",
    "etsy": None,
    "generic_hmac": None,
    "jwt": None,
    "klarna": "event_type",
    "shipstation": "resource_type",
    "shopline": None,
    "shopware": "data.event",
    "standard_webhooks": "type",
    "static_token": None,
    "walmart": "source.eventType",
    "wix": None,
}


def test_every_slug_has_a_normalizer() -> None:
    """The registry holds exactly the platform slugs, so no verified delivery lacks one."""
    assert set(NORMALIZERS) == SLUGS


def test_every_platform_module_is_registered_with_its_normalize() -> None:
    """Each platform module's ``normalize`` is registered under the module's name."""
    assert platform_modules() == PLATFORM_MODULES
    for name in platform_modules():
        module = importlib.import_module(f"normalizers.{name}")
        assert NORMALIZERS[name] is module.normalize


def test_every_other_slug_uses_the_generic_normalizer_with_its_topic_field() -> None:
    """A slug without a module maps to a GenericNormalizer reading the platform's topic field."""
    others = set(NORMALIZERS) - platform_modules()
    assert others == set(TOPIC_FIELDS)
    for slug in others:
        assert NORMALIZERS[slug] == GenericNormalizer(topic_field=TOPIC_FIELDS[slug]), slug
