"""TikTok Shop webhooks: hex HMAC-SHA256 of ``app_key + body`` in ``Authorization``.

Documentation: https://partner.tiktokshop.com/docv2/page/tts-webhooks-overview

Rests on [doc-mirror] (``lazykern/ecommerce-api-docs`` configuration guide: the signature is
in ``Authorization``; reply 200 with an empty body within 3 s; 4 retries) and [2nd] for the
algorithm (hookdeck ``tiktok-shop-webhooks`` and ``easycb/easycb-go`` ``tiktok/sign.go``,
independent and in agreement): ``hex(HMAC-SHA256(app_secret, app_key + raw body))`` (relay's
``signatures.md`` 3.8). Option ``app_key`` (required). No timestamp; duplicates share
``tts_notification_id``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from verifiers._base import PlatformReply
from verifiers._describe import Description
from verifiers._hmac_platform import HmacPlatform
from verifiers._hmac_scheme import HmacScheme
from verifiers._options import required_str_option
from verifiers._signed_bytes import BODY

__all__ = ["TikTokShopVerifier"]


@dataclass(frozen=True, slots=True)
class TikTokShopVerifier(HmacPlatform):
    """Verifies TikTok Shop deliveries with the app secret; option ``app_key``."""

    platform: ClassVar[str] = "tiktok_shop"
    acknowledgement: ClassVar[PlatformReply | None] = PlatformReply(status=200, body=b"")
    options: ClassVar[tuple[str, ...]] = ("app_key",)
    description: ClassVar[Description] = Description(
        delivery_id=(("tts_notification_id",),), topic=(("type",),), store_id=(("shop_id",),)
    )

    @classmethod
    def build_scheme(cls, options: Mapping[str, object]) -> HmacScheme:
        """Sign ``app_key + body``, lower-case hex."""
        app_key = required_str_option(options, "app_key", "the app key TikTok Shop signs with")
        return HmacScheme(header="authorization", template=(app_key.encode(), BODY))
