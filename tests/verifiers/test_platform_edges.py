"""Platform quirks beyond the matrix: JWT/JWKS, Adyen batches, eBay headers, PayPal certificates."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from _verifier_cases import (
    ADOBE_URL,
    EBAY_URL,
    NOW,
    PAYPAL_CERT_URL,
    RSA_KEY,
    TS,
    Case,
    build,
    public_pem,
    rsa_sign,
)

from verifiers import (
    InboundRequest,
    KeyUnavailableError,
    MalformedSignatureError,
    MissingSignatureError,
    Secret,
    SignatureMismatchError,
    StaticKeys,
    TimestampOutOfToleranceError,
    UnauthorizedRecipientError,
    VerifierConfigError,
)
from verifiers.adyen import AdyenVerifier
from verifiers.ebay import EbayVerifier
from verifiers.paypal import PayPalVerifier
from verifiers.shopware import ShopwareVerifier
from verifiers.stripe import StripeVerifier
from verifiers.walmart import WalmartVerifier

Build = Callable[..., InboundRequest]

_ADYEN_KEY = "5f" * 32


@pytest.mark.parametrize(
    "body",
    [
        b'{"notificationItems": []}',
        b'{"notificationItems": [1]}',
        b'{"notificationItems": [{"NotificationRequestItem": 1}]}',
        b'{"notificationItems": [{"NotificationRequestItem": {"additionalData": {}}}]}',
        b'{"notificationItems": [{"NotificationRequestItem": {"amount": 5}}]}',
    ],
    ids=["empty", "not-object", "item-not-object", "no-signature", "amount-not-object"],
)
def test_adyen_malformed_batches(make_request: Build, body: bytes) -> None:
    """A batch that is empty, mis-shaped or unsigned is refused."""
    with pytest.raises((MalformedSignatureError, MissingSignatureError)):
        AdyenVerifier.from_options({}).verify(make_request({}, body), [Secret(_ADYEN_KEY)], now=NOW)


def test_adyen_boolean_success_and_batch_id(make_request: Build) -> None:
    """A JSON boolean joins as true/false; a batch of two is identified by its body digest."""
    items = []
    for n in (1, 2):
        message = f"p{n}:::::::{'true' if n == 1 else 'false'}".encode()
        signature = base64.b64encode(
            hmac.new(bytes.fromhex(_ADYEN_KEY), message, "sha256").digest()
        )
        item = {
            "pspReference": f"p{n}",
            "success": n == 1,
            "additionalData": {"hmacSignature": signature.decode()},
        }
        items.append({"NotificationRequestItem": item})
    body = json.dumps({"notificationItems": items}).encode()
    verified = AdyenVerifier.from_options({}).verify(
        make_request({}, body), [Secret(_ADYEN_KEY)], now=NOW
    )
    assert verified.delivery_id.startswith("sha256:")


def _ebay_header(document: dict[str, object]) -> dict[str, str]:
    return {"x-ebay-signature": base64.b64encode(json.dumps(document).encode()).decode()}


@pytest.mark.parametrize(
    "document",
    [
        {"alg": "rsa", "kid": "k", "signature": "AA=="},
        {"alg": "ecdsa", "kid": "../x", "signature": "AA=="},
        {"alg": "ecdsa", "kid": "k", "signature": "%%"},
        {"alg": "ecdsa", "signature": "AA=="},
    ],
    ids=["alg", "kid", "signature", "no-kid"],
)
def test_ebay_malformed_headers(make_request: Build, document: dict[str, object]) -> None:
    """An eBay header with another algorithm, an unusable kid or bad base64 is malformed."""
    with pytest.raises(MalformedSignatureError):
        build("ebay").verify(make_request(_ebay_header(document), b"{}"), [], now=NOW)


def test_ebay_key_forms_and_missing_key(make_request: Build) -> None:
    """A plain PEM serves as the key; a response without one is malformed; an unknown kid waits."""
    kid = EBAY_URL.rsplit("/", 1)[1]
    header = _ebay_header({"alg": "ecdsa", "kid": kid, "signature": "MAA="})
    for served, error in (
        (public_pem(RSA_KEY).encode(), SignatureMismatchError),
        (b'{"x": 1}', MalformedSignatureError),
    ):
        verifier = EbayVerifier.from_options(
            {"endpoint_url": "https://r.example/e"}, keys=StaticKeys({EBAY_URL: served})
        )
        with pytest.raises(error):
            verifier.verify(make_request(header, b"not json"), [], now=NOW)
    unknown = _ebay_header({"alg": "ecdsa", "kid": "other-kid", "signature": "MAA="})
    with pytest.raises(KeyUnavailableError):
        build("ebay").verify(make_request(unknown, b"{}"), [], now=NOW)


def test_ebay_handshake_needs_a_get_with_one_code(make_request: Build) -> None:
    """Only a GET with exactly one challenge_code, on a source with a token, is the challenge."""
    verifier = build("ebay", {"endpoint_url": "https://r.example/e", "environment": "sandbox"})
    assert verifier.key_hosts() == {"api.sandbox.ebay.com"}  # type: ignore[attr-defined]
    get = InboundRequest("GET", "/w", "challenge_code=a&challenge_code=b", {}, b"", "s", NOW)
    assert verifier.handshake(get, [Secret("t")]) is None
    assert verifier.handshake(make_request({}, b""), [Secret("t")]) is None
    assert (
        verifier.handshake(InboundRequest("GET", "/w", "challenge_code=a", {}, b"", "s", NOW), [])
        is None
    )


def _paypal_headers(**changes: str) -> dict[str, str]:
    from _verifier_cases import paypal_signed  # noqa: PLC0415 (the matrix signer)

    return {**paypal_signed(b"{}", "right", TS).headers, **changes}


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"paypal-auth-algo": "SHA1withRSA"}, MalformedSignatureError),
        ({"paypal-cert-url": "https://evil.example.com/cert"}, MalformedSignatureError),
        ({"paypal-transmission-id": "tx-2"}, SignatureMismatchError),
    ],
    ids=["algorithm", "cert-host", "tampered-id"],
)
def test_paypal_header_checks(
    make_request: Build, changes: dict[str, str], error: type[Exception]
) -> None:
    """The algorithm, the certificate host and every signed header value are enforced."""
    with pytest.raises(error):
        build("paypal").verify(make_request(_paypal_headers(**changes), b"{}"), [], now=NOW)


def test_paypal_certificate_checks(make_request: Build) -> None:
    """An expired certificate or one not issued to paypal.com is refused."""
    from _verifier_cases import certificate  # noqa: PLC0415

    verifier = build("paypal")
    assert verifier.key_hosts() >= {"api.paypal.com"}  # type: ignore[attr-defined]
    request = make_request(_paypal_headers(), b"{}")
    with pytest.raises(TimestampOutOfToleranceError):
        verifier.verify(request, [], now=NOW + timedelta(days=60))
    impostor = PayPalVerifier.from_options(
        {"webhook_id": "WH-ID-1"},
        keys=StaticKeys({PAYPAL_CERT_URL: certificate(RSA_KEY, "paypal.example.com")}),
    )
    with pytest.raises(SignatureMismatchError, match=r"paypal\.com"):
        impostor.verify(request, [], now=NOW)


def test_adobe_io_events_checks(make_request: Build) -> None:
    """A bad key path is malformed; another recipient is unauthorized; a missing key waits."""
    body = json.dumps({"recipient_client_id": "someone-else"}).encode()
    path = ADOBE_URL.removeprefix("https://static.adobeioevents.com")
    signed = {
        "x-adobe-digital-signature-1": rsa_sign("right", body),
        "x-adobe-public-key1-path": path,
    }
    verifier = build("adobe_io_events")
    with pytest.raises(UnauthorizedRecipientError):
        verifier.verify(make_request(signed, body), [], now=NOW)
    with pytest.raises(MalformedSignatureError):
        verifier.verify(
            make_request({**signed, "x-adobe-public-key1-path": "/../k"}, body), [], now=NOW
        )
    missing = {**signed, "x-adobe-public-key1-path": "/prod/keys/unknown.pem"}
    with pytest.raises(KeyUnavailableError):
        verifier.verify(make_request(missing, body), [], now=NOW)
    verifier.check_secret(Secret("unused"))
    assert verifier.handshake(make_request({}, b""), []) is None


def test_adobe_commerce_skips_unusable_secrets(make_request: Build) -> None:
    """A secret that is not a PEM key is skipped; the right key still verifies."""
    body = b'{"eventName":"observer.x"}'
    headers = {"x-adobe-commerce-webhook-signature": rsa_sign("right", base64.b64encode(body))}
    secrets = [Secret("junk"), Secret(public_pem(RSA_KEY))]
    assert (
        build("adobe_commerce").verify(make_request(headers, body), secrets, now=NOW).topic
        == "observer.x"
    )


def test_basic_auth_edges(make_request: Build) -> None:
    """A secret without a colon is refused; credentials without one are malformed."""
    verifier = build("basic_auth", {"header": "X-Auth"})
    with pytest.raises(VerifierConfigError):
        verifier.check_secret(Secret("nocolon"))
    value = base64.b64encode(b"nocolon").decode()
    with pytest.raises(MalformedSignatureError):
        verifier.verify(make_request({"x-auth": value}, b""), [Secret("a:b")], now=NOW)
    with pytest.raises(MalformedSignatureError):
        verifier.verify(make_request({"x-auth": "Basic a b"}, b""), [Secret("a:b")], now=NOW)


def test_stripe_edges(make_request: Build) -> None:
    """Stripe ignores v0 and unknown entries, needs one t=, and skips an empty secret."""
    digest = hmac.new(b"whsec_x", f"{TS}.".encode() + b"{}", hashlib.sha256).hexdigest()
    verifier = StripeVerifier.from_options({"tolerance_seconds": 600})
    good = f"t={TS},v0=00,junk,v1=zz,v1={digest}"
    assert verifier.verify(
        make_request({"stripe-signature": good}, b"{}"), [Secret(""), Secret("whsec_x")], now=NOW
    )
    for header in (f"t={TS},t={TS},v1={digest}", f"v1={digest}", f"t={TS},v0=00"):
        with pytest.raises(MalformedSignatureError):
            verifier.verify(
                make_request({"stripe-signature": header}, b"{}"), [Secret("whsec_x")], now=NOW
            )


def test_walmart_signs_path_and_query(make_request: Build) -> None:
    """Walmart's seller-performance signature covers the method, path, query, time and digest."""
    verifier = WalmartVerifier.from_options(
        {"scheme": "seller_performance", "tolerance_seconds": 60}
    )
    body = b'{"eventType":"X"}'
    message = f"POST\n/webhooks/src?a=1\n{TS}\n{hashlib.sha256(body).hexdigest()}".encode()
    signature = base64.b64encode(hmac.new(b"s", message, hashlib.sha256).digest()).decode()
    headers = {"wm_sec.signature": signature, "wm_sec.timestamp": str(TS)}
    request = InboundRequest("POST", "/webhooks/src", "a=1", headers, body, "src", NOW)
    assert verifier.verify(request, [Secret("s")], now=NOW).topic == "X"
    moved = InboundRequest("POST", "/webhooks/src", "a=2", headers, body, "src", NOW)
    with pytest.raises(SignatureMismatchError):
        verifier.verify(moved, [Secret("s")], now=NOW)


def test_shopware_registration(make_request: Build) -> None:
    """The app-registration GET is checked over the raw query with the app secret."""
    query = "shop-id=1&timestamp=2"
    signature = hmac.new(b"app", query.encode(), hashlib.sha256).hexdigest()
    request = InboundRequest(
        "GET", "/register", query, {"shopware-app-signature": signature}, b"", "s", NOW
    )
    ShopwareVerifier.verify_registration(request, [Secret("app")], now=NOW)
    with pytest.raises(SignatureMismatchError):
        ShopwareVerifier.verify_registration(request, [Secret("other")], now=NOW)


def test_square_refuses_an_empty_body(make_request: Build) -> None:
    """Square never signs an empty body (as its SDK): refused even with a matching HMAC."""
    url = b"https://relay.example.com/webhooks/square"
    signature = base64.b64encode(hmac.new(b"k", url, hashlib.sha256).digest()).decode()
    with pytest.raises(MalformedSignatureError):
        build("square").verify(
            make_request({"x-square-hmacsha256-signature": signature}, b""), [Secret("k")], now=NOW
        )


def test_ecwid_needs_its_signed_fields(make_request: Build) -> None:
    """An Ecwid body without eventCreated or eventId cannot be verified."""
    with pytest.raises(MalformedSignatureError):
        build("ecwid").verify(
            make_request({"x-ecwid-webhook-signature": "AA=="}, b'{"eventId":"e"}'),
            [Secret("k")],
            now=NOW,
        )


def test_verified_metadata(make_request: Build) -> None:
    """Platforms read their delivery id, topic and store from the documented places."""
    from _verifier_cases import CASES  # noqa: PLC0415

    by_name: dict[str, Case] = {case.name: case for case in CASES}
    ecwid = by_name["ecwid"]
    sent = ecwid.sign(b"", ecwid.secret, TS)
    request = InboundRequest("POST", "/w", "", sent.headers, sent.body or b"", "s", NOW)
    verified = ecwid.verifier().verify(request, [Secret(ecwid.secret)], now=NOW)
    assert (verified.delivery_id, verified.topic, verified.store_id) == (
        "ev-1",
        "order.created",
        "42",
    )
    assert verified.authenticity == "limited"


def test_wix_body_must_be_a_compact_jwt(make_request: Build) -> None:
    """A Wix body that is not ASCII cannot be a JWT."""
    verifier = build("wix", {"leeway_seconds": 0})
    with pytest.raises(MalformedSignatureError):
        verifier.verify(make_request({}, "é".encode()), [Secret(public_pem(RSA_KEY))], now=NOW)
