from __future__ import annotations

import pkgutil

import pytest
from _verifier_cases import OPTIONS, build

import verifiers
from verifiers import VERIFIERS, PlatformReply, Verifier, VerifierConfigError

SLUGS = [
    "adobe_commerce",
    "adobe_io_events",
    "adyen",
    "aftership",
    "basic_auth",
    "bigcommerce",
    "commercelayer",
    "easypost",
    "ebay",
    "ecwid",
    "etsy",
    "generic_hmac",
    "jwt",
    "klarna",
    "lazada",
    "lemonsqueezy",
    "mollie",
    "paypal",
    "shipstation",
    "shippo",
    "shopee",
    "shopify",
    "shopline",
    "shopware",
    "square",
    "squarespace",
    "standard_webhooks",
    "static_token",
    "stripe",
    "tiktok_shop",
    "walmart",
    "wix",
    "woocommerce",
]


def test_registry_has_every_agreed_slug() -> None:
    """The registry's slugs are exactly the ones agreed with the normalizers."""
    assert sorted(VERIFIERS) == sorted(SLUGS)


def test_modules_match_registry() -> None:
    """The public modules of verifiers/ are exactly the registry's platform slugs."""
    modules = {
        info.name
        for info in pkgutil.iter_modules(verifiers.__path__)
        if not info.name.startswith("_")
    }
    assert modules == set(VERIFIERS)


@pytest.mark.parametrize(("slug", "verifier"), sorted(VERIFIERS.items()))
def test_platform_is_the_slug(slug: str, verifier: type[Verifier]) -> None:
    """Each verifier's platform is its registry key, and it lives in the module of that name."""
    assert verifier.platform == slug
    assert verifier.__module__ == f"verifiers.{slug}"


@pytest.mark.parametrize(("slug", "verifier"), sorted(VERIFIERS.items()))
def test_minimal_options_build(slug: str, verifier: type[Verifier]) -> None:
    """Each verifier builds from its minimal options and declares its acknowledgement."""
    assert build(slug).platform == slug
    assert verifier.acknowledgement is None or isinstance(verifier.acknowledgement, PlatformReply)


@pytest.mark.parametrize("slug", sorted(OPTIONS))
def test_required_options_are_required(slug: str) -> None:
    """A platform that needs options refuses to build from none, naming what is missing."""
    with pytest.raises(VerifierConfigError) as caught:
        VERIFIERS[slug].from_options({})
    assert caught.value.key.startswith("options.")


@pytest.mark.parametrize("slug", sorted(VERIFIERS))
def test_unknown_option_is_refused(slug: str) -> None:
    """Every verifier refuses an option it does not read (a typo), naming it."""
    with pytest.raises(VerifierConfigError) as caught:
        build(slug, {**OPTIONS.get(slug, {}), "tolerance_secondz": 1})
    assert caught.value.key == "options.tolerance_secondz"


@pytest.mark.parametrize("slug", ["adobe_io_events", "ebay", "paypal"])
def test_public_key_platforms_need_a_key_provider(slug: str) -> None:
    """A platform whose keys are fetched refuses to build without relay's key provider."""
    with pytest.raises(VerifierConfigError, match="key provider"):
        VERIFIERS[slug].from_options(OPTIONS[slug])
