"""Klarna webhooks: HMAC-SHA256 of the raw body in ``Klarna-Signature``.

Documentation: https://docs.klarna.com/platform-solutions/webhooks/setup-your-webhooks/

Rests on [doc] (relay's ``signatures.md`` 3.27): every notification carries
``Klarna-Signature`` and ``Klarna-Signing-Key-Id``; it is the HMAC-SHA256 of the raw JSON
body under the signing key that id names. The **output encoding is UNCONFIRMED**, so hex and
base64 are both accepted. The source lists the signing keys as its secrets and any of them may
match (the key id is forwarded, not used to pick the key). Klarna accepts 200, 201, 202 or 204.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from verifiers._describe import Description
from verifiers._hmac_platform import HmacPlatform
from verifiers._hmac_scheme import HmacScheme

__all__ = ["KlarnaVerifier"]


@dataclass(frozen=True, slots=True)
class KlarnaVerifier(HmacPlatform):
    """Verifies Klarna notifications with the account's signing keys. No options."""

    platform: ClassVar[str] = "klarna"
    description: ClassVar[Description] = Description(
        delivery_id=(("metadata", "event_id"), ("event_id",)),
        topic=(("metadata", "event_type"), ("event_type",)),
        forwarded=("klarna-signing-key-id",),
    )

    @classmethod
    def build_scheme(cls, options: Mapping[str, object]) -> HmacScheme:
        """HMAC of the body, hex or base64."""
        del options
        return HmacScheme(header="klarna-signature", encoding="hex_or_base64")
