"""PayPal webhooks: RSA-SHA256 over ``id|time|webhook_id|crc32(body)`` with PayPal's certificate.

Documentation: https://developer.paypal.com/api/rest/webhooks/rest/

Rests on [code] ``paypal/PayPal-Python-SDK`` ``paypalrestsdk/notifications.py``
(``_get_expected_sig``, ``_verify_certificate``, ``_verify_signature``) and the Node SDK's tests
(relay's ``signatures.md`` 3.24; vector ``paypal-1``): the signed string is
``PAYPAL-TRANSMISSION-ID|PAYPAL-TRANSMISSION-TIME|webhook_id|crc32(raw body)`` (unsigned
decimal), ``PAYPAL-AUTH-ALGO`` must be ``SHA256withRSA``, ``PAYPAL-TRANSMISSION-SIG`` is base64
RSA PKCS#1 v1.5. ``webhook_id`` is option ``webhook_id`` (your subscription's id; never taken
from the request). The certificate at ``PAYPAL-CERT-URL`` is used only when that URL is
``https`` on PayPal's pinned API hosts; the key provider fetches it and caches it only once its
chain verifies to a trusted root; here its validity period is checked against the injected
clock and its common name must end in ``.paypal.com`` (as the SDK checks). The transmission time
is signed but PayPal documents no window, so none is enforced. PayPal retries up to 25 times
over 3 days.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Final, Self

from cryptography.x509.oid import NameOID

from verifiers._base import InboundRequest, NoHandshake, PlatformReply, Secret, Verified
from verifiers._describe import Description
from verifiers._encoding import decode_base64, require_header
from verifiers._errors import (
    MalformedSignatureError,
    SignatureMismatchError,
    TimestampOutOfToleranceError,
    VerifierConfigError,
)
from verifiers._keys import KeyProvider, pinned_url
from verifiers._options import reject_unknown, required_str_option
from verifiers._public_key import load_certificate, rsa_verifies

__all__ = ["CERT_HOSTS", "PayPalVerifier", "signed_string"]

CERT_HOSTS: Final = frozenset(
    {"api.paypal.com", "api-m.paypal.com", "api.sandbox.paypal.com", "api-m.sandbox.paypal.com"}
)
_PREFIX: Final = "paypal-"


def signed_string(
    transmission_id: str, transmission_time: str, webhook_id: str, body: bytes
) -> str:
    """Return what PayPal signs: the ids, the time and the unsigned CRC-32 of the body."""
    return f"{transmission_id}|{transmission_time}|{webhook_id}|{zlib.crc32(body) & 0xFFFFFFFF}"


@dataclass(frozen=True, slots=True)
class PayPalVerifier(NoHandshake):
    """Verifies PayPal webhooks; option ``webhook_id``; certificates from the key provider."""

    platform: ClassVar[str] = "paypal"
    acknowledgement: ClassVar[PlatformReply | None] = None
    secrets_required: ClassVar[bool] = False
    description: ClassVar[Description] = Description(
        delivery_id=(("id",),),
        topic=(("event_type",),),
        forwarded=("paypal-transmission-id", "paypal-transmission-time"),
    )

    webhook_id: str
    keys: KeyProvider

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], *, keys: KeyProvider | None = None
    ) -> Self:
        """Build the verifier; needs option ``webhook_id`` and a key provider."""
        reject_unknown(options, ("webhook_id",))
        webhook_id = required_str_option(options, "webhook_id", "the id of your PayPal webhook")
        if keys is None:
            raise VerifierConfigError("platform", "paypal needs relay's key provider")
        return cls(webhook_id=webhook_id, keys=keys)

    @staticmethod
    def key_hosts() -> frozenset[str]:
        """PayPal serves its message-verification certificates from its API hosts."""
        return CERT_HOSTS

    def check_secret(self, secret: Secret) -> None:
        """Secrets are not used: PayPal signs with its certificate."""
        del secret

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        """Check the certificate (host, name, validity) and the RSA signature."""
        del secrets  # PayPal's certificate signs
        header = {
            name: require_header(request, _PREFIX + name)
            for name in ("transmission-id", "transmission-time", "transmission-sig", "cert-url")
        }
        if require_header(request, _PREFIX + "auth-algo") != "SHA256withRSA":
            raise MalformedSignatureError("PAYPAL-AUTH-ALGO is not SHA256withRSA")
        signature = decode_base64(header["transmission-sig"], what="PAYPAL-TRANSMISSION-SIG")
        url = pinned_url(header["cert-url"], CERT_HOSTS, what="PAYPAL-CERT-URL")
        certificate = load_certificate(self.keys.key(url), what="PayPal's certificate")
        if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
            raise TimestampOutOfToleranceError("PayPal's certificate is not valid now")
        names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        if not names or not str(names[0].value).endswith(".paypal.com"):
            raise SignatureMismatchError("PayPal's certificate is not issued to paypal.com")
        message = signed_string(
            header["transmission-id"], header["transmission-time"], self.webhook_id, request.body
        )
        if not rsa_verifies(certificate.public_key(), signature, message.encode()):
            raise SignatureMismatchError("PAYPAL-TRANSMISSION-SIG does not verify")
        return self.description.verified(request, self.platform)
