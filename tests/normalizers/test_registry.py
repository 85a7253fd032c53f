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


def test_every_platform_module_is_registered_with_its_normalize() -> None:
    """Each platform module's ``normalize`` is registered under the module's name."""
    assert platform_modules() == {"shopify", "woocommerce"}
    for name in platform_modules():
        module = importlib.import_module(f"normalizers.{name}")
        assert NORMALIZERS[name] is module.normalize


def test_every_other_slug_uses_the_generic_normalizer() -> None:
    """A registered slug without a module of its own maps to a GenericNormalizer."""
    others = set(NORMALIZERS) - platform_modules()
    assert others == {"bigcommerce", "etsy", "standard_webhooks"}
    for slug in others:
        assert isinstance(NORMALIZERS[slug], GenericNormalizer)


def test_topic_fields_of_the_generic_platforms() -> None:
    """Standard Webhooks names its topic in ``type``, BigCommerce in ``scope``, Etsy nowhere."""
    assert NORMALIZERS["standard_webhooks"] == GenericNormalizer(topic_field="type")
    assert NORMALIZERS["bigcommerce"] == GenericNormalizer(topic_field="scope")
    assert NORMALIZERS["etsy"] == GenericNormalizer()
