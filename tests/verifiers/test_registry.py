from __future__ import annotations

import pkgutil

import pytest

import verifiers
from verifiers import VERIFIERS, PlatformReply, Verifier


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
def test_default_options_build(slug: str, verifier: type[Verifier]) -> None:
    """Each verifier builds from empty options and declares its acknowledgement."""
    assert verifier.from_options({}).platform == slug
    assert verifier.acknowledgement is None or isinstance(verifier.acknowledgement, PlatformReply)
