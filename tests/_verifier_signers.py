"""Signers written from each platform's specification, independently of ``verifiers/``."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import jwt as pyjwt
from _verifier_keys import (
    ADOBE_URL,
    EBAY_KID,
    EC_KEY,
    EC_OTHER,
    PAYPAL_CERT_URL,
    RSA_KEY,
    RSA_OTHER,
)
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa


@dataclass(frozen=True)
class Signed:
    """What a sender puts on the wire: headers, query string, and the body (usually as given)."""

    headers: dict[str, str]
    query: str = ""
    body: bytes | None = None


Signer = Callable[[bytes, str, int], Signed]
"""``sign(body, key, unix_time)``: ``key`` is the case's ``secret`` or ``other``."""


def hmac_hex(key: bytes, message: bytes, algorithm: str = "sha256") -> str:
    """Lower-case hex HMAC."""
    return hmac.new(key, message, algorithm).hexdigest()


def hmac_b64(key: bytes, message: bytes, algorithm: str = "sha256") -> str:
    """Base64 HMAC."""
    return base64.b64encode(hmac.new(key, message, algorithm).digest()).decode()


def one(header: str, value: Callable[[bytes, str], str]) -> Signer:
    return lambda body, key, _ts: Signed({header: value(body, key)})


def rsa_private(which: str) -> rsa.RSAPrivateKey:
    return RSA_KEY if which == "right" else RSA_OTHER


def rsa_sign(which: str, message: bytes) -> str:
    return base64.b64encode(
        rsa_private(which).sign(message, padding.PKCS1v15(), hashes.SHA256())
    ).decode()


def stripe_signer(body: bytes, key: str, ts: int) -> Signed:
    signature = hmac_hex(key.encode(), f"{ts}.".encode() + body)
    return Signed({"stripe-signature": f"t={ts},v1={signature}"})


def walmart_seller_signer(body: bytes, key: str, ts: int) -> Signed:
    digest = hashlib.sha256(body).hexdigest()
    message = f"POST\n/webhooks/src\n{ts}\n{digest}".encode()
    return Signed(
        {"wm_sec.signature": hmac_b64(key.encode(), message), "wm_sec.timestamp": str(ts)}
    )


def adyen_item_signer(body: bytes, key: str, ts: int) -> Signed:
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


def ecwid_signer(body: bytes, key: str, ts: int) -> Signed:
    del body
    document = {"eventId": "ev-1", "eventCreated": ts, "storeId": 42, "eventType": "order.created"}
    signature = hmac_b64(key.encode(), f"{ts}.ev-1".encode())
    return Signed({"x-ecwid-webhook-signature": signature}, body=json.dumps(document).encode())


def adobe_io_signer(body: bytes, key: str, ts: int) -> Signed:
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


def ebay_signer(body: bytes, key: str, ts: int) -> Signed:
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


def paypal_signed(body: bytes, key: str, ts: int) -> Signed:
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


def wix_signer(body: bytes, key: str, ts: int) -> Signed:
    envelope = {
        "eventType": "OrderCreated",
        "instanceId": "inst-1",
        "data": json.dumps({"id": "e1"}),
    }
    claims = {"data": json.dumps(envelope), "iat": ts, "exp": ts + 600, "body": body.decode()}
    token = pyjwt.encode(claims, rsa_private(key), algorithm="RS256")
    return Signed({}, body=token.encode())


def jwt_hs_signer(body: bytes, key: str, ts: int) -> Signed:
    del body
    token = pyjwt.encode({"exp": ts + 600, "jti": "j1"}, key, algorithm="HS256")
    return Signed({"authorization": f"Bearer {token}"})


def basic_signer(body: bytes, key: str, ts: int) -> Signed:
    del body, ts
    return Signed({"authorization": "Basic " + base64.b64encode(key.encode()).decode()})


def json_tamper(body: bytes) -> bytes:
    return body.replace(b"psp-1", b"psp-2").replace(b"ev-1", b"ev-2")
