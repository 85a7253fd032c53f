"""How each platform signs, written independently of ``verifiers/`` from the platforms' specs.

Shared by the STYLE.md matrix (``tests/verifiers/test_matrix.py``) and the Hypothesis
sign-and-mutate property. Each ``Case`` signs a body as the platform would, with its "right" or
an "other" key, at a given Unix time. Public keys the platforms publish are served by a
``StaticKeys`` provider, as relay's key provider would serve them after fetching.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import unicodedata
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import jwt as pyjwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from verifiers import VERIFIERS, StaticKeys, Verifier

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
TS = int(NOW.timestamp())
BODY = b'{"id":"evt_1","type":"order.created","data":{"amount":1250}}'


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


def _certificate(key: rsa.RSAPrivateKey, common_name: str) -> bytes:
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
        PAYPAL_CERT_URL: _certificate(RSA_KEY, "messageverificationcerts.paypal.com"),
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


@dataclass(frozen=True)
class Signed:
    """What a sender puts on the wire: headers, query string, and the body (usually as given)."""

    headers: dict[str, str]
    query: str = ""
    body: bytes | None = None


Signer = Callable[[bytes, str, int], Signed]
"""``sign(body, key, unix_time)``: ``key`` is the case's ``secret`` or ``other``."""


@dataclass(frozen=True)
class Case:
    """One platform scheme, as the matrix and the property exercise it."""

    name: str
    slug: str
    sign: Signer
    secret: str = "right-secret"
    other: str = "other-secret"
    header: str | None = None
    """Where the signature travels; ``None`` when it is in the query or the body."""
    options: Mapping[str, object] | None = None
    timestamped: bool = False
    body_signed: bool = True
    """False when the signature covers only fields (Adyen classic, Ecwid) or nothing (tokens)."""
    tamper: Callable[[bytes], bytes] = field(default=lambda body: body.replace(b"1250", b"1251"))
    secrets_used: bool = True
    """False for public-key platforms whose keys come from the provider, not the secrets."""

    def verifier(self) -> Verifier:
        """The case's verifier."""
        return build(self.slug, self.options)


def hmac_hex(key: bytes, message: bytes, algorithm: str = "sha256") -> str:
    """Lower-case hex HMAC."""
    return hmac.new(key, message, algorithm).hexdigest()


def hmac_b64(key: bytes, message: bytes, algorithm: str = "sha256") -> str:
    """Base64 HMAC."""
    return base64.b64encode(hmac.new(key, message, algorithm).digest()).decode()


def _one(header: str, value: Callable[[bytes, str], str]) -> Signer:
    return lambda body, key, _ts: Signed({header: value(body, key)})


def _rsa(which: str) -> rsa.RSAPrivateKey:
    return RSA_KEY if which == "right" else RSA_OTHER


def rsa_sign(which: str, message: bytes) -> str:
    return base64.b64encode(_rsa(which).sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def _stripe(body: bytes, key: str, ts: int) -> Signed:
    signature = hmac_hex(key.encode(), f"{ts}.".encode() + body)
    return Signed({"stripe-signature": f"t={ts},v1={signature}"})


def _walmart_seller(body: bytes, key: str, ts: int) -> Signed:
    digest = hashlib.sha256(body).hexdigest()
    message = f"POST\n/webhooks/src\n{ts}\n{digest}".encode()
    return Signed(
        {"wm_sec.signature": hmac_b64(key.encode(), message), "wm_sec.timestamp": str(ts)}
    )


def _adyen_item(body: bytes, key: str, ts: int) -> Signed:
    del body, ts
    item = {
        "pspReference": "psp-1",
        "merchantAccountCode": "Acme",
        "merchantReference": "order:1/a\\b",
        "amount": {"value": 1250, "currency": "EUR"},
        "eventCode": "AUTHORISATION",
        "success": "true",
    }
    message = b"psp-1::Acme:order:1/a\\b:1250:EUR:AUTHORISATION:true"
    item["additionalData"] = {"hmacSignature": hmac_b64(bytes.fromhex(key), message)}
    document = {"live": "false", "notificationItems": [{"NotificationRequestItem": item}]}
    return Signed({}, body=json.dumps(document).encode())


def _ecwid(body: bytes, key: str, ts: int) -> Signed:
    del body
    document = {"eventId": "ev-1", "eventCreated": ts, "storeId": 42, "eventType": "order.created"}
    signature = hmac_b64(key.encode(), f"{ts}.ev-1".encode())
    return Signed({"x-ecwid-webhook-signature": signature}, body=json.dumps(document).encode())


def _adobe_io(body: bytes, key: str, ts: int) -> Signed:
    del ts
    document = json.loads(body) | {"recipient_client_id": "client-1"}
    signed = json.dumps(document).encode()
    return Signed(
        {
            "x-adobe-digital-signature-1": rsa_sign(key, signed),
            "x-adobe-public-key1-path": ADOBE_URL.removeprefix("https://static.adobeioevents.com"),
        },
        body=signed,
    )


def _ebay(body: bytes, key: str, ts: int) -> Signed:
    del ts
    private = EC_KEY if key == "right" else EC_OTHER
    der = private.sign(body, ec.ECDSA(hashes.SHA1()))  # noqa: S303 (eBay's digest)
    document = {
        "alg": "ecdsa",
        "kid": EBAY_KID,
        "signature": base64.b64encode(der).decode(),
        "digest": "SHA1",
    }
    return Signed({"x-ebay-signature": base64.b64encode(json.dumps(document).encode()).decode()})


def _paypal(body: bytes, key: str, ts: int) -> Signed:
    del ts
    transmission = ("tx-1", "2026-11-27T12:00:00Z")
    message = f"{transmission[0]}|{transmission[1]}|WH-ID-1|{zlib.crc32(body)}".encode()
    return Signed(
        {
            "paypal-transmission-id": transmission[0],
            "paypal-transmission-time": transmission[1],
            "paypal-transmission-sig": rsa_sign(key, message),
            "paypal-cert-url": PAYPAL_CERT_URL,
            "paypal-auth-algo": "SHA256withRSA",
        }
    )


def _wix(body: bytes, key: str, ts: int) -> Signed:
    envelope = {
        "eventType": "OrderCreated",
        "instanceId": "inst-1",
        "data": json.dumps({"id": "e1"}),
    }
    claims = {"data": json.dumps(envelope), "iat": ts, "exp": ts + 600, "body": body.decode()}
    token = pyjwt.encode(claims, _rsa(key), algorithm="RS256")
    return Signed({}, body=token.encode())


def _jwt_hs(body: bytes, key: str, ts: int) -> Signed:
    del body
    token = pyjwt.encode({"exp": ts + 600, "jti": "j1"}, key, algorithm="HS256")
    return Signed({"authorization": f"Bearer {token}"})


def _basic(body: bytes, key: str, ts: int) -> Signed:
    del body, ts
    return Signed({"authorization": "Basic " + base64.b64encode(key.encode()).decode()})


def _json_tamper(body: bytes) -> bytes:
    return body.replace(b"psp-1", b"psp-2").replace(b"ev-1", b"ev-2")


_RIGHT_PEM, _OTHER_PEM = public_pem(RSA_KEY), public_pem(RSA_OTHER)
_HEX_KEY, _HEX_OTHER = "5f" * 32, "a0" * 32

CASES: list[Case] = [
    Case(
        "generic_hmac-github",
        "generic_hmac",
        _one("x-hub-signature-256", lambda b, k: "sha256=" + hmac_hex(k.encode(), b)),
        header="x-hub-signature-256",
        options={"header": "X-Hub-Signature-256", "prefix": "sha256="},
    ),
    Case(
        "generic_hmac-timestamped",
        "generic_hmac",
        lambda b, k, ts: Signed(
            {
                "x-sig": hmac_b64(base64.b64decode(k), f"{ts}:".encode() + b, "sha512"),
                "x-ts": str(ts),
            }
        ),
        secret=base64.b64encode(b"right-key").decode(),
        other=base64.b64encode(b"other-key").decode(),
        header="x-sig",
        options={
            "header": "x-sig",
            "algorithm": "sha512",
            "encoding": "base64",
            "key_encoding": "base64",
            "signed": "{header:x-ts}:{body}",
            "timestamp_header": "x-ts",
        },
        timestamped=True,
    ),
    Case(
        "stripe",
        "stripe",
        _stripe,
        secret="whsec_right",
        header="stripe-signature",
        timestamped=True,
    ),
    Case(
        "square",
        "square",
        _one(
            "x-square-hmacsha256-signature",
            lambda b, k: hmac_b64(k.encode(), b"https://relay.example.com/webhooks/square" + b),
        ),
        header="x-square-hmacsha256-signature",
    ),
    Case(
        "adyen-payload",
        "adyen",
        _one("hmacsignature", lambda b, k: hmac_b64(bytes.fromhex(k), b)),
        secret=_HEX_KEY,
        other=_HEX_OTHER,
        header="hmacsignature",
    ),
    Case(
        "adyen-classic",
        "adyen",
        _adyen_item,
        secret=_HEX_KEY,
        other=_HEX_OTHER,
        body_signed=False,
        tamper=_json_tamper,
    ),
    Case(
        "easypost",
        "easypost",
        _one(
            "x-hmac-signature",
            lambda b, k: (
                "hmac-sha256-hex=" + hmac_hex(unicodedata.normalize("NFKD", k).encode(), b)
            ),
        ),
        secret="sécret",
        header="x-hmac-signature",
    ),
    Case(
        "shopee",
        "shopee",
        _one(
            "authorization",
            lambda b, k: hmac_hex(k.encode(), b"https://relay.example.com/webhooks/shopee|" + b),
        ),
        header="authorization",
    ),
    Case(
        "lazada",
        "lazada",
        _one("authorization", lambda b, k: hmac_hex(k.encode(), b"100100" + b).upper()),
        header="authorization",
    ),
    Case(
        "tiktok_shop",
        "tiktok_shop",
        _one("authorization", lambda b, k: hmac_hex(k.encode(), b"app-key-1" + b)),
        header="authorization",
    ),
    Case(
        "shopline-hex",
        "shopline",
        _one("x-shopline-hmac-sha256", lambda b, k: hmac_hex(k.encode(), b)),
        header="x-shopline-hmac-sha256",
    ),
    Case(
        "shopline-base64",
        "shopline",
        _one("x-shopline-hmac-sha256", lambda b, k: hmac_b64(k.encode(), b)),
        header="x-shopline-hmac-sha256",
    ),
    Case(
        "shopware",
        "shopware",
        _one("shopware-shop-signature", lambda b, k: hmac_hex(k.encode(), b)),
        header="shopware-shop-signature",
    ),
    Case(
        "squarespace",
        "squarespace",
        _one("squarespace-signature", lambda b, k: hmac_hex(bytes.fromhex(k), b)),
        secret=_HEX_KEY,
        other=_HEX_OTHER,
        header="squarespace-signature",
    ),
    Case(
        "ecwid",
        "ecwid",
        _ecwid,
        header="x-ecwid-webhook-signature",
        body_signed=False,
        tamper=_json_tamper,
    ),
    Case(
        "mollie",
        "mollie",
        _one("x-mollie-signature", lambda b, k: "sha256=" + hmac_hex(k.encode(), b)),
        header="x-mollie-signature",
    ),
    Case(
        "klarna",
        "klarna",
        _one("klarna-signature", lambda b, k: hmac_b64(k.encode(), b)),
        header="klarna-signature",
    ),
    Case(
        "aftership-tracking",
        "aftership",
        _one("aftership-hmac-sha256", lambda b, k: hmac_b64(k.encode(), b)),
        header="aftership-hmac-sha256",
    ),
    Case(
        "aftership-returns",
        "aftership",
        _one("as-signature-hmac-sha256", lambda b, k: hmac_b64(k.encode(), b)),
        header="as-signature-hmac-sha256",
    ),
    Case(
        "aftership-legacy",
        "aftership",
        _one("am-webhook-signature", lambda b, k: "hmac-sha256=" + hmac_b64(k.encode(), b)),
        header="am-webhook-signature",
    ),
    Case(
        "walmart-notifications",
        "walmart",
        _one("wm-auth", lambda b, k: hmac_hex(k.encode(), b)),
        header="wm-auth",
        options={"header": "WM-Auth"},
    ),
    Case(
        "walmart-seller-performance",
        "walmart",
        _walmart_seller,
        header="wm_sec.signature",
        options={"scheme": "seller_performance"},
        timestamped=True,
    ),
    Case(
        "commercelayer",
        "commercelayer",
        _one("x-commercelayer-signature", lambda b, k: hmac_b64(k.encode(), b)),
        header="x-commercelayer-signature",
    ),
    Case(
        "lemonsqueezy",
        "lemonsqueezy",
        _one("x-signature", lambda b, k: hmac_hex(k.encode(), b)),
        header="x-signature",
    ),
    Case(
        "static_token-bearer",
        "static_token",
        _one("authorization", lambda _b, k: f"Bearer {k}"),
        header="authorization",
        options={"prefix": "Bearer "},
        body_signed=False,
    ),
    Case(
        "shippo",
        "shippo",
        lambda _b, k, _ts: Signed({}, query=f"token={k}"),
        body_signed=False,
    ),
    Case(
        "shipstation",
        "shipstation",
        lambda _b, k, _ts: Signed({}, query=f"a=1&token={k}"),
        body_signed=False,
    ),
    Case(
        "basic_auth",
        "basic_auth",
        _basic,
        secret="relay:pa55",
        other="relay:other",
        header="authorization",
        body_signed=False,
    ),
    Case(
        "jwt-hs256",
        "jwt",
        _jwt_hs,
        secret="right-secret-of-at-least-32-bytes!",
        other="other-secret-of-at-least-32-bytes!",
        header="authorization",
        body_signed=False,
    ),
    Case(
        "adobe_commerce",
        "adobe_commerce",
        _one(
            "x-adobe-commerce-webhook-signature",
            lambda b, k: rsa_sign("right" if k == _RIGHT_PEM else "other", base64.b64encode(b)),
        ),
        secret=_RIGHT_PEM,
        other=_OTHER_PEM,
        header="x-adobe-commerce-webhook-signature",
    ),
    Case(
        "adobe_io_events",
        "adobe_io_events",
        _adobe_io,
        secret="right",
        other="other",
        header="x-adobe-digital-signature-1",
        secrets_used=False,
    ),
    Case(
        "ebay",
        "ebay",
        _ebay,
        secret="right",
        other="other",
        header="x-ebay-signature",
        secrets_used=False,
    ),
    Case(
        "paypal",
        "paypal",
        _paypal,
        secret="right",
        other="other",
        header="paypal-transmission-sig",
        secrets_used=False,
    ),
    Case(
        "wix",
        "wix",
        lambda b, k, ts: _wix(b, "right" if k == _RIGHT_PEM else "other", ts),
        secret=_RIGHT_PEM,
        other=_OTHER_PEM,
        tamper=lambda token: token[:30] + (b"B" if token[30:31] == b"A" else b"A") + token[31:],
    ),
]
"""Every scheme the matrix covers beyond the foundation's own (Shopify, WooCommerce, SW)."""

_PUBLIC_KEY = {"adobe_commerce", "adobe_io_events", "ebay", "paypal", "wix"}
HMAC_CASES = [c for c in CASES if c.body_signed and c.header and c.slug not in _PUBLIC_KEY]
"""The HMAC schemes whose every body byte and signature character is significant."""
