"""Commerce Layer webhooks: base64 HMAC-SHA256 of the raw body in ``X-CommerceLayer-Signature``.

Documentation: https://docs.commercelayer.io/core/callbacks-security

Rests on [2nd] only: hookdeck ``webhook-skills`` ``commercelayer-webhooks`` ("signs the raw
request body with HMAC-SHA256 keyed on the webhook's shared_secret and sends the digest as
base64 in the X-CommerceLayer-Signature header; the topic is in X-CommerceLayer-Topic") and
the ``atoms-studio/commercelayer-webhooks`` npm verifier. Commerce Layer's own page was not
in the searched corpus: the header, base64 output and UTF-8 key are UNCONFIRMED against a
primary source, as is the retry policy. No timestamp is signed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from verifiers._describe import Description
from verifiers._hmac_platform import HmacPlatform
from verifiers._hmac_scheme import HmacScheme

__all__ = ["CommerceLayerVerifier"]


@dataclass(frozen=True, slots=True)
class CommerceLayerVerifier(HmacPlatform):
    """Verifies Commerce Layer callbacks with the webhook's shared secret. No options."""

    platform: ClassVar[str] = "commercelayer"
    description: ClassVar[Description] = Description(
        topic=("x-commercelayer-topic",), forwarded=("x-commercelayer-topic",)
    )

    @classmethod
    def build_scheme(cls, options: Mapping[str, object]) -> HmacScheme:
        """Base64 HMAC of the body."""
        del options
        return HmacScheme(header="x-commercelayer-signature", encoding="base64")
