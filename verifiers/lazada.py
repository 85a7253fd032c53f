"""Lazada push (LPM): hex HMAC-SHA256 of ``app_key + body`` in ``Authorization``.

Documentation: https://open.lazada.com/apps/doc/doc?nodeId=29526&docId=120168

Rests on [doc-mirror] ``lazykern/ecommerce-api-docs``
``lazada/.../lazada-push-mechanism.md`` (relay's ``signatures.md`` 3.10):
``Authorization = HEX(HMAC-SHA256(key=app_secret, msg=app_key + raw body))``; the sample is
Java ``getBytes()`` (taken as UTF-8). The doc writes ``HEX``, so either letter case is accepted.
Option ``app_key`` (required). No timestamp; Lazada needs 200 within 500 ms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from verifiers._describe import Description
from verifiers._hmac_platform import HmacPlatform
from verifiers._hmac_scheme import HmacScheme
from verifiers._options import required_str_option
from verifiers._signed_bytes import BODY

__all__ = ["LazadaVerifier"]


@dataclass(frozen=True, slots=True)
class LazadaVerifier(HmacPlatform):
    """Verifies Lazada pushes with the app secret; option ``app_key`` is the app's key."""

    platform: ClassVar[str] = "lazada"
    options: ClassVar[tuple[str, ...]] = ("app_key",)
    description: ClassVar[Description] = Description(
        topic=(("message_type",),), store_id=(("seller_id",),)
    )

    @classmethod
    def build_scheme(cls, options: Mapping[str, object]) -> HmacScheme:
        """Sign ``app_key + body``, hex of either case."""
        app_key = required_str_option(options, "app_key", "the app key Lazada signs with")
        return HmacScheme(
            header="authorization", encoding="hex_any_case", template=(app_key.encode(), BODY)
        )
