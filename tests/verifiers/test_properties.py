"""Hypothesis properties over every signature scheme in ``verifiers/``.

1. Sign a body, then change one byte of the body or one character of the signature header:
   the verifier rejects it with a ``VerificationError``.
2. Whatever the headers, body, method and secrets, ``handshake`` and ``verify`` only ever return
   or raise a ``VerificationError`` subclass.

The ``v1a`` (Ed25519) scheme is signed with ``cryptography`` directly.
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from _verifier_cases import BODY, HMAC_CASES, Case, build
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given, settings
from hypothesis import strategies as st

from verifiers import (
    VERIFIERS,
    InboundRequest,
    PlatformReply,
    Secret,
    VerificationError,
    Verified,
    Verifier,
)
from verifiers.bigcommerce import BigCommerceVerifier
from verifiers.etsy import EtsyVerifier
from verifiers.shopify import ShopifyVerifier
from verifiers.standard_webhooks import StandardWebhooksVerifier
from verifiers.woocommerce import WooCommerceVerifier

Build = Callable[..., InboundRequest]

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
TS = str(int(NOW.timestamp()))
MSG_ID = "msg_property"
WHSEC_KEY = b"property-test-key-24-byt"
WHSEC = "whsec_" + base64.b64encode(WHSEC_KEY).decode()
PRIVATE = Ed25519PrivateKey.from_private_bytes(b"\x07" * 32)
WHPK = (
    "whpk_"
    + base64.b64encode(PRIVATE.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
)


def _b64_hmac(key: bytes, message: bytes, algorithm: str = "sha256") -> str:
    return base64.b64encode(hmac.new(key, message, algorithm).digest()).decode()


def _standard(signature: str) -> dict[str, str]:
    return {"webhook-id": MSG_ID, "webhook-timestamp": TS, "webhook-signature": signature}


def _content(body: bytes) -> bytes:
    return f"{MSG_ID}.{TS}.".encode() + body


@dataclass(frozen=True)
class Scheme:
    """One way of signing: the verifier, its secret, and how a sender signs a body."""

    name: str
    verifier: Verifier
    secret: str
    header: str
    sign: Callable[[bytes], dict[str, str]]


SCHEMES = [
    Scheme(
        "shopify",
        ShopifyVerifier(),
        "shpss_secret",
        "x-shopify-hmac-sha256",
        lambda body: {"x-shopify-hmac-sha256": _b64_hmac(b"shpss_secret", body)},
    ),
    Scheme(
        "shopify-events",
        ShopifyVerifier(),
        "shpss_secret",
        "shopify-hmac-sha256",
        lambda body: {"shopify-hmac-sha256": _b64_hmac(b"shpss_secret", body)},
    ),
    Scheme(
        "woocommerce-sha256",
        WooCommerceVerifier(),
        "w&amp;c",
        "x-wc-webhook-signature",
        lambda body: {"x-wc-webhook-signature": _b64_hmac(b"w&c", body)},
    ),
    Scheme(
        "woocommerce-sha1",
        WooCommerceVerifier(hash_algorithm="sha1"),
        "wc",
        "x-wc-webhook-signature",
        lambda body: {"x-wc-webhook-signature": _b64_hmac(b"wc", body, "sha1")},
    ),
    Scheme(
        "standard-webhooks-v1",
        StandardWebhooksVerifier(),
        WHSEC,
        "webhook-signature",
        lambda body: _standard("v1," + _b64_hmac(WHSEC_KEY, _content(body))),
    ),
    Scheme(
        "standard-webhooks-v1a",
        StandardWebhooksVerifier(),
        WHPK,
        "webhook-signature",
        lambda body: _standard("v1a," + base64.b64encode(PRIVATE.sign(_content(body))).decode()),
    ),
    Scheme(
        "bigcommerce",
        BigCommerceVerifier(),
        "bc-client-secret",
        "webhook-signature",
        lambda body: _standard("v1," + _b64_hmac(b"bc-client-secret", _content(body))),
    ),
    Scheme(
        "etsy-v1",
        EtsyVerifier(),
        WHSEC,
        "webhook-signature",
        lambda body: _standard("v1," + _b64_hmac(WHSEC_KEY, _content(body))),
    ),
    Scheme(
        "etsy-bare",
        EtsyVerifier(),
        WHSEC,
        "webhook-signature",
        lambda body: _standard(_b64_hmac(WHSEC_KEY, _content(body))),
    ),
]


def _case_scheme(case: Case) -> Scheme:
    def sign(body: bytes) -> dict[str, str]:
        return case.sign(body, case.secret, int(NOW.timestamp())).headers

    return Scheme(case.name, case.verifier(), case.secret, case.header or "", sign)


SCHEMES += [_case_scheme(case) for case in HMAC_CASES]
_CASE_INSENSITIVE = {case.name for case in HMAC_CASES if case.slug == "lazada"}


def _differs(scheme: Scheme, old: str) -> st.SearchStrategy[str]:
    """A character that changes the signature (for case-insensitive hex: not just its case)."""
    if scheme.name in _CASE_INSENSITIVE:
        return st.characters().filter(lambda c: c.lower() != old.lower())
    return st.characters().filter(lambda c: c != old)


@pytest.mark.parametrize("scheme", SCHEMES, ids=[scheme.name for scheme in SCHEMES])
def test_every_scheme_signs_correctly(make_request: Build, scheme: Scheme) -> None:
    """The property's signers produce deliveries each verifier accepts (no vacuous property)."""
    body = BODY
    request = make_request(scheme.sign(body), body)
    assert scheme.verifier.verify(request, [Secret(scheme.secret)], now=NOW)


@settings(max_examples=1200)  # about 40 schemes: some 30 examples each
@given(scheme=st.sampled_from(SCHEMES), body=st.binary(min_size=1, max_size=300), data=st.data())
def test_single_mutation_is_rejected(
    make_request: Build, scheme: Scheme, body: bytes, data: st.DataObject
) -> None:
    """Changing any one body byte or signature character makes verification fail."""
    headers = scheme.sign(body)
    if data.draw(st.booleans(), label="mutate the body"):
        at = data.draw(st.integers(0, len(body) - 1), label="byte")
        new = data.draw(st.integers(0, 255).filter(lambda b: b != body[at]), label="value")
        body = body[:at] + bytes([new]) + body[at + 1 :]
    else:
        signature = headers[scheme.header]
        at = data.draw(st.integers(0, len(signature) - 1), label="character")
        new_char = data.draw(_differs(scheme, signature[at]), label="value")
        headers = {**headers, scheme.header: signature[:at] + new_char + signature[at + 1 :]}
    with pytest.raises(VerificationError):
        scheme.verifier.verify(make_request(headers, body), [Secret(scheme.secret)], now=NOW)


_HEADER_NAMES = sorted(
    {
        "x-shopify-hmac-sha256",
        "shopify-hmac-sha256",
        "x-shopify-topic",
        "x-shopify-webhook-id",
        "shopify-event-id",
        "x-shopify-triggered-at",
        "shopify-triggered-at",
        "x-shopify-shop-domain",
        "x-wc-webhook-signature",
        "x-wc-webhook-delivery-id",
        "x-wc-webhook-source",
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
        "authorization",
        "stripe-signature",
        "hmacsignature",
        "x-adobe-digital-signature-1",
        "x-adobe-public-key1-path",
        "x-ebay-signature",
        "paypal-transmission-id",
        "paypal-transmission-time",
        "paypal-transmission-sig",
        "paypal-cert-url",
        "paypal-auth-algo",
        "wm_sec.timestamp",
        "wm_sec.signature",
        "x-mollie-signature",
        "am-webhook-signature",
        *(case.header for case in HMAC_CASES if case.header),
    }
)
_B64_32 = st.binary(min_size=32, max_size=32).map(lambda raw: base64.b64encode(raw).decode())
_B64_64 = st.binary(min_size=64, max_size=64).map(lambda raw: base64.b64encode(raw).decode())
_HEADER_VALUES = st.one_of(
    st.text(),
    st.just(TS),
    st.integers(-(10**20), 10**20).map(str),
    _B64_32,
    _B64_32.map(lambda sig: f"v1,{sig}"),
    _B64_64.map(lambda sig: f"v1a,{sig}"),
    st.lists(st.sampled_from(["v1", "v1a", ",", " ", "=", "A", "é"]), max_size=12).map("".join),
    st.sampled_from(
        [
            "2024-08-07T22:57:57.290670248Z",
            "0001-01-01T00:00:00+01:00",
            "SHA256withRSA",
            "/prod/keys/pub-key-test.pem",
            "https://api.paypal.com/v1/notifications/certs/CERT-test",
            "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln",
            "Basic cmVsYXk6cGE1NQ==",
            "t=1,v1=00",
            base64.b64encode(b'{"alg":"ecdsa","kid":"k","signature":"AA=="}').decode(),
        ]
    ),
)
_SECRETS = st.lists(
    st.one_of(st.text(), st.sampled_from([WHSEC, WHPK, "whsec_", "whpk_AAAA", "whsec_%%"])),
    max_size=3,
)


@settings(max_examples=1000)
@given(
    slug=st.sampled_from(sorted(VERIFIERS)),
    headers=st.dictionaries(st.sampled_from(_HEADER_NAMES), _HEADER_VALUES),
    body=st.one_of(
        st.binary(max_size=200),
        st.sampled_from(
            [
                b"webhook_id=12",
                BODY,
                b'{"notificationItems":[{"NotificationRequestItem":{"additionalData":{}}}]}',
                b'{"notificationItems":[1]}',
                b'{"eventCreated":1,"eventId":"e","recipient_client_id":"client-1"}',
                b"eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
                b"[]",
            ]
        ),
    ),
    method=st.sampled_from(["POST", "GET", "PUT"]),
    secrets=_SECRETS,
)
def test_arbitrary_input_only_raises_verification_errors(
    make_request: Build,
    slug: str,
    headers: dict[str, str],
    body: bytes,
    method: str,
    secrets: list[str],
) -> None:
    """Nothing a sender controls makes a verifier raise anything but a VerificationError."""
    verifier = build(slug)
    request = make_request(headers, body, method=method)
    keys = [Secret(secret) for secret in secrets]
    reply = verifier.handshake(request, keys)
    assert reply is None or isinstance(reply, PlatformReply)
    try:
        verified = verifier.verify(request, keys, now=NOW)
    except VerificationError:
        return
    assert isinstance(verified, Verified)
    assert verified.platform == slug
