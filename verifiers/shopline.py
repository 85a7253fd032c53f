"""SHOPLINE Open Platform webhooks: HMAC-SHA256 of the raw body in ``X-Shopline-Hmac-Sha256``.

Documentation: https://developer.shopline.com/docs/apps/webhooks/overview

Rests on [doc] (relay's ``signatures.md`` 3.21): headers ``X-Shopline-Topic``,
``-Hmac-Sha256``, ``-Shop-Domain``, ``-Shop-Id``, ``-Merchant-Id``, ``-API-Version``,
``-Webhook-Id`` (stable across resends); HMAC-SHA256 of the body keyed with the app secret.
The **output encoding is UNCONFIRMED**: the doc's example looks base64, implementations use
hex, so either spelling of the digest is accepted. No timestamp; retry policy UNCONFIRMED.
(The Taiwanese SHOPLINE Open API's ``?sign=`` scheme is a different product.)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Final

from verifiers._describe import Description
from verifiers._hmac_platform import HmacPlatform
from verifiers._hmac_scheme import HmacScheme

__all__ = ["ShoplineVerifier"]

_NAMES: Final = ("topic", "shop-domain", "shop-id", "merchant-id", "api-version", "webhook-id")


@dataclass(frozen=True, slots=True)
class ShoplineVerifier(HmacPlatform):
    """Verifies SHOPLINE deliveries with the app secret. Takes no options."""

    platform: ClassVar[str] = "shopline"
    description: ClassVar[Description] = Description(
        delivery_id=("x-shopline-webhook-id",),
        topic=("x-shopline-topic",),
        store_id=("x-shopline-shop-domain", "x-shopline-shop-id"),
        forwarded=tuple(f"x-shopline-{name}" for name in _NAMES),
    )

    @classmethod
    def build_scheme(cls, options: Mapping[str, object]) -> HmacScheme:
        """HMAC of the body, hex or base64."""
        del options
        return HmacScheme(header="x-shopline-hmac-sha256", encoding="hex_or_base64")
