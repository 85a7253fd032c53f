"""Shopee Open Platform push: hex HMAC-SHA256 of ``callback URL + "|" + body``; empty 2xx reply.

Documentation: https://open.shopee.com/developer-guide/17 (Push Mechanism)

Rests on [doc-mirror] ``lazykern/ecommerce-api-docs`` ``shopee/.../push-mechanism-notifications.md``
(relay's ``signatures.md`` 3.9; the official Python, Go and Java samples):
``Authorization = hex(HMAC-SHA256(utf8(partner_key), utf8(callback_url + "|" + body)))``,
lower-case (Go ``%x``). The callback URL is option ``callback_url`` (required), never the
request's ``Host``. Shopee needs a 2xx **with an empty body**. No timestamp is signed. The
push-specific retry counts and the timeout are UNCONFIRMED.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from verifiers._base import PlatformReply
from verifiers._describe import Description
from verifiers._hmac_platform import HmacPlatform
from verifiers._hmac_scheme import HmacScheme
from verifiers._options import url_option
from verifiers._signed_bytes import BODY

__all__ = ["ShopeeVerifier"]


@dataclass(frozen=True, slots=True)
class ShopeeVerifier(HmacPlatform):
    """Verifies Shopee pushes; option ``callback_url`` is the URL set in the console."""

    platform: ClassVar[str] = "shopee"
    acknowledgement: ClassVar[PlatformReply | None] = PlatformReply(status=200, body=b"")
    options: ClassVar[tuple[str, ...]] = ("callback_url",)
    description: ClassVar[Description] = Description(topic=(("code",),), store_id=(("shop_id",),))

    @classmethod
    def build_scheme(cls, options: Mapping[str, object]) -> HmacScheme:
        """Sign ``callback_url|body``, lower-case hex, in ``Authorization``."""
        url = url_option(options, "callback_url", "the push callback URL set in Shopee's console")
        return HmacScheme(header="authorization", template=(f"{url}|".encode(), BODY))
