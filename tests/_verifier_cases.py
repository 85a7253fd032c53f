"""How each platform signs, written independently of ``verifiers/`` from the platforms' specs.

Shared by the STYLE.md matrix (``tests/verifiers/test_matrix.py``) and the Hypothesis
sign-and-mutate property. Each ``Case`` signs a body as the platform would, with its "right" or
an "other" key, at a given Unix time. Keys and the key provider are in ``_verifier_keys``.
"""

from __future__ import annotations

import base64
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from _verifier_keys import (
    ADOBE_URL,
    EBAY_URL,
    EC_KEY,
    KEYS,
    NOW,
    OPTIONS,
    PAYPAL_CERT_URL,
    RSA_KEY,
    RSA_OTHER,
    TS,
    build,
    certificate,
    public_pem,
)
from _verifier_signers import (
    Signed,
    Signer,
    adobe_io_signer,
    adyen_item_signer,
    basic_signer,
    ebay_signer,
    ecwid_signer,
    hmac_b64,
    hmac_hex,
    json_tamper,
    jwt_hs_signer,
    one,
    paypal_signed,
    rsa_sign,
    stripe_signer,
    walmart_seller_signer,
    wix_signer,
)

from verifiers import Verifier

__all__ = [
    "ADOBE_URL",
    "BODY",
    "CASES",
    "EBAY_URL",
    "EC_KEY",
    "HMAC_CASES",
    "KEYS",
    "NOW",
    "OPTIONS",
    "PAYPAL_CERT_URL",
    "RSA_KEY",
    "TS",
    "Case",
    "Signed",
    "build",
    "certificate",
    "paypal_signed",
    "public_pem",
    "rsa_sign",
]

BODY = b'{"id":"evt_1","type":"order.created","data":{"amount":1250}}'


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


_RIGHT_PEM, _OTHER_PEM = public_pem(RSA_KEY), public_pem(RSA_OTHER)
_HEX_KEY, _HEX_OTHER = "5f" * 32, "a0" * 32

CASES: list[Case] = [
    Case(
        "generic_hmac-github",
        "generic_hmac",
        one("x-hub-signature-256", lambda b, k: "sha256=" + hmac_hex(k.encode(), b)),
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
        stripe_signer,
        secret="whsec_right",
        header="stripe-signature",
        timestamped=True,
    ),
    Case(
        "square",
        "square",
        one(
            "x-square-hmacsha256-signature",
            lambda b, k: hmac_b64(k.encode(), b"https://relay.example.com/webhooks/square" + b),
        ),
        header="x-square-hmacsha256-signature",
    ),
    Case(
        "adyen-payload",
        "adyen",
        one("hmacsignature", lambda b, k: hmac_b64(bytes.fromhex(k), b)),
        secret=_HEX_KEY,
        other=_HEX_OTHER,
        header="hmacsignature",
    ),
    Case(
        "adyen-classic",
        "adyen",
        adyen_item_signer,
        secret=_HEX_KEY,
        other=_HEX_OTHER,
        body_signed=False,
        tamper=json_tamper,
    ),
    Case(
        "easypost",
        "easypost",
        one(
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
        one(
            "authorization",
            lambda b, k: hmac_hex(k.encode(), b"https://relay.example.com/webhooks/shopee|" + b),
        ),
        header="authorization",
    ),
    Case(
        "lazada",
        "lazada",
        one("authorization", lambda b, k: hmac_hex(k.encode(), b"100100" + b).upper()),
        header="authorization",
    ),
    Case(
        "tiktok_shop",
        "tiktok_shop",
        one("authorization", lambda b, k: hmac_hex(k.encode(), b"app-key-1" + b)),
        header="authorization",
    ),
    Case(
        "shopline-hex",
        "shopline",
        one("x-shopline-hmac-sha256", lambda b, k: hmac_hex(k.encode(), b)),
        header="x-shopline-hmac-sha256",
    ),
    Case(
        "shopline-base64",
        "shopline",
        one("x-shopline-hmac-sha256", lambda b, k: hmac_b64(k.encode(), b)),
        header="x-shopline-hmac-sha256",
    ),
    Case(
        "shopware",
        "shopware",
        one("shopware-shop-signature", lambda b, k: hmac_hex(k.encode(), b)),
        header="shopware-shop-signature",
    ),
    Case(
        "squarespace",
        "squarespace",
        one("squarespace-signature", lambda b, k: hmac_hex(bytes.fromhex(k), b)),
        secret=_HEX_KEY,
        other=_HEX_OTHER,
        header="squarespace-signature",
    ),
    Case(
        "ecwid",
        "ecwid",
        ecwid_signer,
        header="x-ecwid-webhook-signature",
        body_signed=False,
        tamper=json_tamper,
    ),
    Case(
        "mollie",
        "mollie",
        one("x-mollie-signature", lambda b, k: "sha256=" + hmac_hex(k.encode(), b)),
        header="x-mollie-signature",
    ),
    Case(
        "klarna",
        "klarna",
        one("klarna-signature", lambda b, k: hmac_b64(k.encode(), b)),
        header="klarna-signature",
    ),
    Case(
        "aftership-tracking",
        "aftership",
        one("aftership-hmac-sha256", lambda b, k: hmac_b64(k.encode(), b)),
        header="aftership-hmac-sha256",
    ),
    Case(
        "aftership-returns",
        "aftership",
        one("as-signature-hmac-sha256", lambda b, k: hmac_b64(k.encode(), b)),
        header="as-signature-hmac-sha256",
    ),
    Case(
        "aftership-legacy",
        "aftership",
        one("am-webhook-signature", lambda b, k: "hmac-sha256=" + hmac_b64(k.encode(), b)),
        header="am-webhook-signature",
    ),
    Case(
        "walmart-notifications",
        "walmart",
        one("wm-auth", lambda b, k: hmac_hex(k.encode(), b)),
        header="wm-auth",
        options={"header": "WM-Auth"},
    ),
    Case(
        "walmart-seller-performance",
        "walmart",
        walmart_seller_signer,
        header="wm_sec.signature",
        options={"scheme": "seller_performance"},
        timestamped=True,
    ),
    Case(
        "commercelayer",
        "commercelayer",
        one("x-commercelayer-signature", lambda b, k: hmac_b64(k.encode(), b)),
        header="x-commercelayer-signature",
    ),
    Case(
        "lemonsqueezy",
        "lemonsqueezy",
        one("x-signature", lambda b, k: hmac_hex(k.encode(), b)),
        header="x-signature",
    ),
    Case(
        "static_token-bearer",
        "static_token",
        one("authorization", lambda _b, k: f"Bearer {k}"),
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
        basic_signer,
        secret="relay:pa55",
        other="relay:other",
        header="authorization",
        body_signed=False,
    ),
    Case(
        "jwt-hs256",
        "jwt",
        jwt_hs_signer,
        secret="right-secret-of-at-least-32-bytes!",
        other="other-secret-of-at-least-32-bytes!",
        header="authorization",
        body_signed=False,
    ),
    Case(
        "adobe_commerce",
        "adobe_commerce",
        one(
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
        adobe_io_signer,
        secret="right",
        other="other",
        header="x-adobe-digital-signature-1",
        secrets_used=False,
    ),
    Case(
        "ebay",
        "ebay",
        ebay_signer,
        secret="right",
        other="other",
        header="x-ebay-signature",
        secrets_used=False,
    ),
    Case(
        "paypal",
        "paypal",
        paypal_signed,
        secret="right",
        other="other",
        header="paypal-transmission-sig",
        secrets_used=False,
    ),
    Case(
        "wix",
        "wix",
        lambda b, k, ts: wix_signer(b, "right" if k == _RIGHT_PEM else "other", ts),
        secret=_RIGHT_PEM,
        other=_OTHER_PEM,
        tamper=lambda token: token[:30] + (b"B" if token[30:31] == b"A" else b"A") + token[31:],
    ),
]
"""Every scheme the matrix covers beyond the foundation's own (Shopify, WooCommerce, SW)."""

_PUBLIC_KEY = {"adobe_commerce", "adobe_io_events", "ebay", "paypal", "wix"}
HMAC_CASES = [c for c in CASES if c.body_signed and c.header and c.slug not in _PUBLIC_KEY]
"""The HMAC schemes whose every body byte and signature character is significant."""
