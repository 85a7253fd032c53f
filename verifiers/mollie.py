"""Mollie next-gen webhooks: ``X-Mollie-Signature: sha256=<hex>``, possibly several.

Documentation: https://docs.mollie.com/reference/webhooks-new

Rests on [code] ``mollie/mollie-api-typescript`` ``src/utils/webhooks/signature_validator.ts``
(relay's ``signatures.md`` 3.26): ``hex(HMAC-SHA256(utf8(secret), raw body))``, optional
``sha256=`` prefix, several secrets and several header values accepted (during a rotation the
header is sent twice for 24 h [2nd]; the receiver joins repeats with ``", "``). Classic Mollie
webhooks (an unsigned ``id=tr_...`` form post) are not signed and are not this scheme.
Retry policy UNCONFIRMED.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from verifiers._describe import Description
from verifiers._hmac_platform import HmacPlatform
from verifiers._hmac_scheme import HmacScheme

__all__ = ["MollieVerifier"]


@dataclass(frozen=True, slots=True)
class MollieVerifier(HmacPlatform):
    """Verifies Mollie next-gen deliveries with the webhook's signing secret(s). No options."""

    platform: ClassVar[str] = "mollie"
    description: ClassVar[Description] = Description(delivery_id=(("id",),), topic=(("type",),))

    @classmethod
    def build_scheme(cls, options: Mapping[str, object]) -> HmacScheme:
        """Hex HMAC of the body, ``sha256=`` prefix, repeated values allowed."""
        del options
        return HmacScheme(header="x-mollie-signature", prefix="sha256=", repeated=True)
