from __future__ import annotations

import base64
import hmac
from collections.abc import Callable
from datetime import datetime

import pytest

from verifiers import (
    InboundRequest,
    MalformedSignatureError,
    MissingSignatureError,
    PlatformReply,
    Secret,
    SignatureMismatchError,
    VerifierConfigError,
    body_digest_id,
)
from verifiers._hmac import HASH_ALGORITHMS, HashAlgorithm
from verifiers.woocommerce import WooCommerceVerifier, wp_specialchars_decode

Build = Callable[..., InboundRequest]

SECRET = "wc-secret-6c1e"
BODY = b'{"id":727,"status":"processing","currency":"USD","total":"29.35"}'
VERIFIER = WooCommerceVerifier.from_options({})


def sign(body: bytes, key: str = SECRET, algorithm: str = "sha256") -> str:
    """WooCommerce's signature: base64 of the raw HMAC of the body with the decoded secret."""
    return base64.b64encode(hmac.new(key.encode(), body, algorithm).digest()).decode()


def delivery_headers(body: bytes = BODY, key: str = SECRET) -> dict[str, str]:
    """The headers WC_Webhook::deliver() sends."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "WooCommerce/9.4.0 Hookshot (WordPress/6.7)",
        "X-WC-Webhook-Source": "https://shop.example.com/",
        "X-WC-Webhook-Topic": "order.updated",
        "X-WC-Webhook-Resource": "order",
        "X-WC-Webhook-Event": "updated",
        "X-WC-Webhook-Signature": sign(body, key),
        "X-WC-Webhook-ID": "12",
        "X-WC-Webhook-Delivery-ID": "5f1f3a4d2c0e8a9b7d6c5b4a3f2e1d0c",
    }


def test_valid_delivery(make_request: Build, now: datetime) -> None:
    """A correctly signed delivery verifies with its delivery id, topic and store URL."""
    request = make_request(delivery_headers(), BODY)
    verified = VERIFIER.verify(request, [Secret(SECRET)], now=now)
    assert verified.request is request
    assert verified.platform == "woocommerce"
    assert verified.delivery_id == "5f1f3a4d2c0e8a9b7d6c5b4a3f2e1d0c"
    assert verified.topic == "order.updated"
    assert verified.store_id == "https://shop.example.com/"
    assert verified.occurred_at is None
    assert dict(verified.headers) == {
        "x-wc-webhook-source": "https://shop.example.com/",
        "x-wc-webhook-topic": "order.updated",
        "x-wc-webhook-resource": "order",
        "x-wc-webhook-event": "updated",
        "x-wc-webhook-id": "12",
        "x-wc-webhook-delivery-id": "5f1f3a4d2c0e8a9b7d6c5b4a3f2e1d0c",
    }


def test_only_signature_header(make_request: Build, now: datetime) -> None:
    """With only the signature, the delivery id is the body digest and the rest is empty."""
    request = make_request({"x-wc-webhook-signature": sign(BODY)}, BODY)
    verified = VERIFIER.verify(request, [Secret(SECRET)], now=now)
    assert verified.delivery_id == body_digest_id(BODY)
    assert verified.topic == ""
    assert verified.store_id is None
    assert verified.headers == ()


def test_secret_is_entity_decoded(make_request: Build, now: datetime) -> None:
    """A secret stored with HTML entities signs with its wp_specialchars_decode()d form."""
    stored = "a&amp;b&lt;c&gt;d&quot;e&#039;f"
    request = make_request(delivery_headers(key="a&b<c>d\"e'f"), BODY)
    assert VERIFIER.verify(request, [Secret(stored)], now=now).platform == "woocommerce"


@pytest.mark.parametrize("algorithm", HASH_ALGORITHMS)
def test_hash_algorithm_option(
    make_request: Build, now: datetime, algorithm: HashAlgorithm
) -> None:
    """With option hash_algorithm, the HMAC uses that digest."""
    verifier = WooCommerceVerifier.from_options({"hash_algorithm": algorithm})
    headers = {**delivery_headers(), "X-WC-Webhook-Signature": sign(BODY, algorithm=algorithm)}
    assert verifier.verify(make_request(headers, BODY), [Secret(SECRET)], now=now)


def test_algorithm_mismatch(make_request: Build, now: datetime) -> None:
    """A SHA-1 signature does not verify under the default SHA-256."""
    headers = {**delivery_headers(), "X-WC-Webhook-Signature": sign(BODY, algorithm="sha1")}
    with pytest.raises(SignatureMismatchError):
        VERIFIER.verify(make_request(headers, BODY), [Secret(SECRET)], now=now)


@pytest.mark.parametrize("value", ["md5", "SHA256", 256])
def test_hash_algorithm_option_refused(value: object) -> None:
    """An unsupported hash_algorithm is a VerifierConfigError naming the option."""
    with pytest.raises(VerifierConfigError) as caught:
        WooCommerceVerifier.from_options({"hash_algorithm": value})
    assert caught.value.key == "options.hash_algorithm"


def test_unknown_option_refused() -> None:
    """An unknown option is a VerifierConfigError naming it."""
    with pytest.raises(VerifierConfigError) as caught:
        WooCommerceVerifier.from_options({"algorithm": "sha256"})
    assert caught.value.key == "options.algorithm"


@pytest.mark.parametrize("value", [None, ""], ids=["absent", "empty"])
def test_missing_signature(make_request: Build, now: datetime, value: str | None) -> None:
    """A delivery without a signature (that is not a ping) is a MissingSignatureError."""
    headers = delivery_headers()
    del headers["X-WC-Webhook-Signature"]
    if value is not None:
        headers["X-WC-Webhook-Signature"] = value
    with pytest.raises(MissingSignatureError):
        VERIFIER.verify(make_request(headers, BODY), [Secret(SECRET)], now=now)


def test_wrong_secret(make_request: Build, now: datetime) -> None:
    """A delivery signed with another secret is a SignatureMismatchError."""
    with pytest.raises(SignatureMismatchError):
        VERIFIER.verify(make_request(delivery_headers(), BODY), [Secret("other")], now=now)


def test_tampered_body(make_request: Build, now: datetime) -> None:
    """A body changed after signing is a SignatureMismatchError."""
    request = make_request(delivery_headers(), BODY.replace(b"29.35", b"0.01"))
    with pytest.raises(SignatureMismatchError):
        VERIFIER.verify(request, [Secret(SECRET)], now=now)


@pytest.mark.parametrize(
    "value", ["%%%", sign(BODY)[:-1], "é" + sign(BODY)[1:]], ids=["garbage", "cut", "non-ascii"]
)
def test_malformed_signature(make_request: Build, now: datetime, value: str) -> None:
    """A signature that is not canonical ASCII base64 is a MalformedSignatureError."""
    headers = {**delivery_headers(), "X-WC-Webhook-Signature": value}
    with pytest.raises(MalformedSignatureError):
        VERIFIER.verify(make_request(headers, BODY), [Secret(SECRET)], now=now)


def test_rotated_secret(make_request: Build, now: datetime) -> None:
    """A delivery signed with the second of two secrets verifies."""
    request = make_request(delivery_headers(key="new"), BODY)
    assert VERIFIER.verify(request, [Secret("old"), Secret("new")], now=now)


def test_ping_is_answered_200(make_request: Build) -> None:
    """The activation ping (unsigned form body webhook_id=<id>) is answered with exactly 200."""
    ping = make_request(
        {
            "User-Agent": "WooCommerce/9.4.0 Hookshot (WordPress/6.7)",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        b"webhook_id=12",
    )
    reply = VERIFIER.handshake(ping, [Secret(SECRET)])
    assert reply == PlatformReply(status=200)


def test_ping_is_not_an_event(make_request: Build, now: datetime) -> None:
    """Sent to verify, the ping is not a delivery: it has no signature."""
    with pytest.raises(MissingSignatureError, match="not a ping"):
        VERIFIER.verify(make_request({}, b"webhook_id=12"), [Secret(SECRET)], now=now)


@pytest.mark.parametrize(
    ("method", "body"),
    [
        ("POST", b"webhook_id="),
        ("POST", b"webhook_id=12&x=1"),
        ("POST", b"webhook_id=abc"),
        ("POST", b"webhook_id=12\n"),
        ("POST", b"webhook_id=\xd9\xa1"),  # Arabic-Indic digit one
        ("POST", b'{"webhook_id":12}'),
        ("GET", b"webhook_id=12"),
    ],
)
def test_ping_lookalike_is_not_answered(
    make_request: Build, now: datetime, method: str, body: bytes
) -> None:
    """A request resembling the ping with a bad body or method gets no reply and fails verify."""
    request = make_request({}, body, method=method)
    assert VERIFIER.handshake(request, [Secret(SECRET)]) is None
    with pytest.raises(MissingSignatureError):
        VERIFIER.verify(request, [Secret(SECRET)], now=now)


def test_signed_ping_body_is_a_delivery(make_request: Build) -> None:
    """A ping-shaped body carrying a signature is not a ping: it goes to verify."""
    body = b"webhook_id=12"
    request = make_request({"x-wc-webhook-signature": sign(body)}, body)
    assert VERIFIER.handshake(request, [Secret(SECRET)]) is None


def test_check_secret() -> None:
    """A non-empty secret passes the start-up check; an empty one does not."""
    VERIFIER.check_secret(Secret(SECRET))
    with pytest.raises(VerifierConfigError):
        VERIFIER.check_secret(Secret(""))


def test_acknowledgement_is_relay_default() -> None:
    """WooCommerce accepts relay's default success answer (any 2xx-302)."""
    assert WooCommerceVerifier.acknowledgement is None


@pytest.mark.parametrize(
    ("stored", "decoded"),
    [
        ("", ""),
        ("plain", "plain"),
        ("a&amp;b", "a&b"),
        ("&lt;&gt;&quot;&#039;", "<>\"'"),
        ("&#39;&#0039;&#x27;&#X27;&#x027;", "'''''"),
        ("&#34;&#034;&#x22;&#X0022;", '""""'),
        ("&#60;&#060;&#62;&#062;", "<<>>"),
        ("&#38;&#038;&#0038;&#x26;&#X26;", "&&&&&"),
        ("&amp;lt;", "&lt;"),  # one strtr() pass: no double decoding
        ("&amp;amp;", "&amp;"),
        ("&apos;&nbsp;&#65;&QUOT;&AMP;", "&apos;&nbsp;&#65;&QUOT;&AMP;"),  # not in the table
        ("&#x27", "&#x27"),  # no semicolon
        ("& amp;", "& amp;"),
        ("é&amp;ü", "é&ü"),
    ],
)
def testwp_specialchars_decode_matches_wordpress(stored: str, decoded: str) -> None:
    """The key is wp_specialchars_decode(secret, ENT_QUOTES) exactly as WordPress computes it."""
    assert wp_specialchars_decode(stored) == decoded
