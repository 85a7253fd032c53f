"""Squarespace Commerce webhooks: hex HMAC-SHA256 of the body, keyed with the hex-decoded secret.

Documentation: https://developers.squarespace.com/webhooks/verifying-notifications

Rests on [doc] (relay's ``signatures.md`` 3.17): the Node sample keys the HMAC with
``Buffer.from(secret, "hex")`` and compares ``.digest("hex")`` with ``Squarespace-Signature``.
The secret is the hex string returned on create or rotate (rotation invalidates the old one at
once). No timestamp; duplicates share the notification ``id``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from verifiers._describe import Description
from verifiers._hmac_platform import HmacPlatform
from verifiers._hmac_scheme import HmacScheme

__all__ = ["SquarespaceVerifier"]


@dataclass(frozen=True, slots=True)
class SquarespaceVerifier(HmacPlatform):
    """Verifies Squarespace notifications with the subscription's hex secret. No options."""

    platform: ClassVar[str] = "squarespace"
    description: ClassVar[Description] = Description(
        delivery_id=(("id",),), topic=(("topic",),), store_id=(("websiteId",),)
    )

    @classmethod
    def build_scheme(cls, options: Mapping[str, object]) -> HmacScheme:
        """Hex HMAC of the body under the hex-decoded secret."""
        del options
        return HmacScheme(header="squarespace-signature", key_encoding="hex")
