"""Adobe Commerce (Magento) webhooks: RSA-SHA256 over the base64 text of the JSON body.

Documentation: https://developer.adobe.com/commerce/extensibility/webhooks/signature-verification/

Rests on [doc] ``AdobeDocs/commerce-extensibility`` ``src/pages/webhooks/signature-verification.md``
and [code] ``Magento AdobeCommerceWebhooks Model/Signature/DigitalSignature::sign()`` (relay's
``signatures.md`` 3.4): ``x-adobe-commerce-webhook-signature = base64(openssl_sign(
Base64Json::serialize($payload), $privateKey, SHA256))``, i.e. RSA PKCS#1 v1.5 / SHA-256 over the
ASCII base64 of the body (the doc calls it "HMAC"; it is RSA). The key is the PEM public key
shown in the Admin after "Regenerate key pair", configured as the source's secret (no fetch:
regenerating invalidates the old key at once, so list both while you switch). Webhooks are
synchronous: relay answers ``{"op":"success"}``. No timestamp; no retries.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Final, Self

from verifiers._base import InboundRequest, NoHandshake, PlatformReply, Secret, Verified
from verifiers._describe import Description
from verifiers._encoding import decode_base64, require_header
from verifiers._errors import SignatureMismatchError, VerifierConfigError
from verifiers._keys import KeyProvider
from verifiers._options import reject_unknown
from verifiers._public_key import rsa_verifies, secret_public_key

__all__ = ["AdobeCommerceVerifier"]

_HEADER: Final = "x-adobe-commerce-webhook-signature"


@dataclass(frozen=True, slots=True)
class AdobeCommerceVerifier(NoHandshake):
    """Verifies Adobe Commerce webhooks with the Admin's PEM public key(s). No options."""

    platform: ClassVar[str] = "adobe_commerce"
    acknowledgement: ClassVar[PlatformReply | None] = PlatformReply(
        status=200, body=b'{"op":"success"}', content_type="application/json"
    )
    description: ClassVar[Description] = Description(topic=(("eventName",),))

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], *, keys: KeyProvider | None = None
    ) -> Self:
        """Build the verifier; the key is configured as a secret, so no options and no fetch."""
        del keys
        reject_unknown(options, ())
        return cls()

    def check_secret(self, secret: Secret) -> None:
        """Refuse a secret that is not a PEM public key."""
        secret_public_key(secret)

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        """Check the RSA signature of ``base64(body)`` against every configured key."""
        del now  # nothing time-bound is signed
        signature = decode_base64(require_header(request, _HEADER), what=_HEADER)
        message = base64.b64encode(request.body)
        for secret in secrets:
            try:
                key = secret_public_key(secret)
            except VerifierConfigError:
                continue
            if rsa_verifies(key, signature, message):
                return self.description.verified(request, self.platform)
        raise SignatureMismatchError(f"{_HEADER} matches none of the source's keys")
