"""BigCommerce webhooks: Standard Webhooks keyed with the raw bytes of the app's client secret.

Documentation: https://developer.bigcommerce.com/docs/integrations/webhooks/https-webhook-overview

Rests on [doc] (relay's ``signatures.md`` 3.3, ``bigcommerce/docs``
``docs/integrations/webhooks/https-webhook-overview.mdx``): the official samples pass
``base64(client_secret)`` to the ``standardwebhooks`` library, which base64-decodes it again, so
the HMAC key is the UTF-8 client secret itself; headers, signed content ``id.timestamp.body``,
``v1,<base64>`` and the 5-minute window are the Standard Webhooks ones. No published test
vector exists; the tests cross-check against the ``standardwebhooks`` library as the docs use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from verifiers._base import Secret
from verifiers._standard_webhooks import SigningKey, StandardWebhooksScheme, utf8_signing_key

__all__ = ["BigCommerceVerifier"]


@dataclass(frozen=True, slots=True)
class BigCommerceVerifier(StandardWebhooksScheme):
    """Verifies BigCommerce deliveries; the secret is the app's client secret as issued."""

    platform: ClassVar[str] = "bigcommerce"

    def signing_key(self, secret: Secret) -> SigningKey:
        """Use the client secret's UTF-8 bytes as the HMAC key."""
        return utf8_signing_key(secret)
