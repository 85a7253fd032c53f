"""EasyPost webhooks: ``X-Hmac-Signature: hmac-sha256-hex=<hex>``, keyed with the NFKD secret.

Documentation: https://docs.easypost.com/guides/webhooks-guide#hmac-validation

Rests on [code] ``EasyPost/easypost-python`` ``easypost/util.py`` ``validate_webhook`` and
``tests/test_webhook.py`` (relay's ``signatures.md`` 3.30): the key is the UTF-8 of the
webhook secret after ``unicodedata.normalize("NFKD", ...)``, the message the raw body, the
value lower-case hex after the ``hmac-sha256-hex=`` prefix. No timestamp is signed.
Vector ``easypost-1`` (secret ``sécret``) fails without the NFKD step. Retry policy UNCONFIRMED.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from verifiers._describe import Description
from verifiers._hmac_platform import HmacPlatform
from verifiers._hmac_scheme import HmacScheme

__all__ = ["EasyPostVerifier"]


@dataclass(frozen=True, slots=True)
class EasyPostVerifier(HmacPlatform):
    """Verifies EasyPost deliveries with the webhook secret. Takes no options."""

    platform: ClassVar[str] = "easypost"
    description: ClassVar[Description] = Description(
        delivery_id=(("id",),), topic=(("description",),), store_id=(("user_id",),)
    )

    @classmethod
    def build_scheme(cls, options: Mapping[str, object]) -> HmacScheme:
        """Hex HMAC of the body with the ``hmac-sha256-hex=`` prefix, NFKD key."""
        del options
        return HmacScheme(header="x-hmac-signature", prefix="hmac-sha256-hex=", key_encoding="nfkd")
