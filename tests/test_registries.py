"""The platform registries agree: every verifier slug has a normalizer, and no more."""

from __future__ import annotations

from normalizers import NORMALIZERS
from verifiers import VERIFIERS


def test_every_verified_platform_has_a_normalizer() -> None:
    """A source of any platform that verifies also normalizes (nothing is dropped)."""
    assert set(NORMALIZERS) == set(VERIFIERS)
