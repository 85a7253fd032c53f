"""Keys, certificates and the key provider the verifier tests share, made once per session.

Public keys the platforms publish are served by a ``StaticKeys`` provider, as relay's key
provider would serve them after fetching from the platforms' pinned hosts.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from verifiers import VERIFIERS, StaticKeys, Verifier

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
TS = int(NOW.timestamp())


def public_pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_OTHER = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
EC_OTHER = ec.generate_private_key(ec.SECP256R1())


def certificate(key: rsa.RSAPrivateKey, common_name: str) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - timedelta(days=30))
        .not_valid_after(NOW + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM)


ADOBE_URL = "https://static.adobeioevents.com/prod/keys/pub-key-test.pem"
ADOBE_OTHER_URL = "https://static.adobeioevents.com/prod/keys/pub-key-other.pem"
EBAY_KID = "9936261a-7d7b-4621-a0f1-96ccb428af49"
EBAY_URL = f"https://api.ebay.com/commerce/notification/v1/public_key/{EBAY_KID}"
PAYPAL_CERT_URL = "https://api.paypal.com/v1/notifications/certs/CERT-test"
KEYS = StaticKeys(
    {
        ADOBE_URL: public_pem(RSA_KEY).encode(),
        ADOBE_OTHER_URL: public_pem(RSA_OTHER).encode(),
        EBAY_URL: json.dumps({"key": "".join(public_pem(EC_KEY).splitlines())}).encode(),
        PAYPAL_CERT_URL: certificate(RSA_KEY, "messageverificationcerts.paypal.com"),
    }
)

OPTIONS: Mapping[str, Mapping[str, object]] = {
    "adobe_io_events": {"client_id": "client-1"},
    "ebay": {"endpoint_url": "https://relay.example.com/webhooks/ebay"},
    "generic_hmac": {"header": "x-signature"},
    "jwt": {"algorithms": ["HS256"]},
    "lazada": {"app_key": "100100"},
    "paypal": {"webhook_id": "WH-ID-1"},
    "shopee": {"callback_url": "https://relay.example.com/webhooks/shopee"},
    "square": {"notification_url": "https://relay.example.com/webhooks/square"},
    "tiktok_shop": {"app_key": "app-key-1"},
}
"""The options each platform needs at least (the others build from ``{}``)."""


def build(slug: str, options: Mapping[str, object] | None = None) -> Verifier:
    """Return ``slug``'s verifier built from ``options`` (default: its minimal options)."""
    chosen = OPTIONS.get(slug, {}) if options is None else options
    return VERIFIERS[slug].from_options(chosen, keys=KEYS)
