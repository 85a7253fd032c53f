from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from verifiers import (
    InboundRequest,
    MalformedSignatureError,
    MissingSignatureError,
    Secret,
    SignatureMismatchError,
    VerifierConfigError,
    body_digest_id,
)
from verifiers.shopify import ShopifyVerifier

Build = Callable[..., InboundRequest]

SECRET = "shpss_client_secret"
BODY = b'{"id":820982911946154508,"email":"jon@example.com"}'
VERIFIER = ShopifyVerifier.from_options({})


def sign(body: bytes, secret: str = SECRET) -> str:
    """Shopify's signature: base64 HMAC-SHA256 of the body keyed with the client secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def webhook_headers(body: bytes = BODY, secret: str = SECRET) -> dict[str, str]:
    """The headers of a classic Shopify webhook delivery."""
    return {
        "X-Shopify-Hmac-Sha256": sign(body, secret),
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Shop-Domain": "acme.myshopify.com",
        "X-Shopify-API-Version": "2025-01",
        "X-Shopify-Webhook-Id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        "X-Shopify-Event-Id": "98880550-7158-44d4-b7cd-2c97c8a091b5",
        "X-Shopify-Triggered-At": "2024-08-07T22:57:57.290670248Z",
        "X-Shopify-Test": "false",
        "X-Shopify-Name": "my-subscription",
        "Content-Type": "application/json",
    }


def test_valid_webhook(make_request: Build, now: datetime) -> None:
    """A correctly signed delivery verifies, with ids, topic, shop and time from its headers."""
    request = make_request(webhook_headers(), BODY)
    verified = VERIFIER.verify(request, [Secret(SECRET)], now=now)
    assert verified.request is request
    assert verified.platform == "shopify"
    assert verified.delivery_id == "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"
    assert verified.topic == "orders/create"
    assert verified.store_id == "acme.myshopify.com"
    assert verified.occurred_at == datetime(2024, 8, 7, 22, 57, 57, 290670, tzinfo=UTC)
    assert verified.authenticity == "verified"


def test_forwarded_headers_exclude_the_signature(make_request: Build, now: datetime) -> None:
    """The metadata headers are forwarded; the HMAC and unrelated headers are not."""
    verified = VERIFIER.verify(make_request(webhook_headers(), BODY), [Secret(SECRET)], now=now)
    assert dict(verified.headers) == {
        "x-shopify-topic": "orders/create",
        "x-shopify-shop-domain": "acme.myshopify.com",
        "x-shopify-api-version": "2025-01",
        "x-shopify-webhook-id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        "x-shopify-event-id": "98880550-7158-44d4-b7cd-2c97c8a091b5",
        "x-shopify-triggered-at": "2024-08-07T22:57:57.290670248Z",
        "x-shopify-test": "false",
        "x-shopify-name": "my-subscription",
    }


def test_valid_events_delivery(make_request: Build, now: datetime) -> None:
    """A Shopify Events delivery (lower-case shopify-* headers) verifies and reads them."""
    headers = {
        "shopify-hmac-sha256": sign(BODY),
        "shopify-topic": "orders/create",
        "shopify-shop-domain": "acme.myshopify.com",
        "shopify-api-version": "unstable",
        "shopify-event-id": "evt-1",
        "shopify-handle": "orders",
        "shopify-triggered-at": "2024-08-07T22:57:57Z",
    }
    verified = VERIFIER.verify(make_request(headers, BODY), [Secret(SECRET)], now=now)
    assert verified.delivery_id == "evt-1"
    assert verified.topic == "orders/create"
    assert verified.store_id == "acme.myshopify.com"
    assert verified.occurred_at == datetime(2024, 8, 7, 22, 57, 57, tzinfo=UTC)
    assert ("shopify-handle", "orders") in verified.headers
    assert "shopify-hmac-sha256" not in dict(verified.headers)


def test_events_delivery_prefers_events_signature(make_request: Build, now: datetime) -> None:
    """With both HMAC headers, the shopify-hmac-sha256 one is checked (as the SDK does)."""
    headers = {
        "shopify-hmac-sha256": sign(BODY),
        "x-shopify-hmac-sha256": sign(BODY, "other"),
        "shopify-webhook-id": "wh-1",
        "x-shopify-topic": "orders/create",
    }
    verified = VERIFIER.verify(make_request(headers, BODY), [Secret(SECRET)], now=now)
    assert verified.delivery_id == "wh-1"
    assert verified.topic == "orders/create"


def test_delivery_id_falls_back_to_event_id(make_request: Build, now: datetime) -> None:
    """Without a webhook id, the event id identifies the delivery."""
    headers = webhook_headers()
    del headers["X-Shopify-Webhook-Id"]
    verified = VERIFIER.verify(make_request(headers, BODY), [Secret(SECRET)], now=now)
    assert verified.delivery_id == "98880550-7158-44d4-b7cd-2c97c8a091b5"


def test_only_signature_header(make_request: Build, now: datetime) -> None:
    """With only the HMAC header, the delivery id is the body digest and the rest is empty."""
    request = make_request({"x-shopify-hmac-sha256": sign(BODY)}, BODY)
    verified = VERIFIER.verify(request, [Secret(SECRET)], now=now)
    assert verified.delivery_id == body_digest_id(BODY)
    assert verified.topic == ""
    assert verified.store_id is None
    assert verified.occurred_at is None
    assert verified.headers == ()


@pytest.mark.parametrize(
    "value",
    ["yesterday", "2024-08-07T22:57:57", "2024-13-07T22:57:57Z", "0001-01-01T00:00:00+01:00"],
    ids=["text", "no-zone", "bad-month", "overflow"],
)
def test_bad_triggered_at_is_none(make_request: Build, now: datetime, value: str) -> None:
    """An unreadable or zone-less X-Shopify-Triggered-At leaves occurred_at None, still verified."""
    headers = {**webhook_headers(), "X-Shopify-Triggered-At": value}
    verified = VERIFIER.verify(make_request(headers, BODY), [Secret(SECRET)], now=now)
    assert verified.occurred_at is None


def test_triggered_at_with_offset_is_utc(make_request: Build, now: datetime) -> None:
    """A triggered-at with an offset is converted to UTC."""
    headers = {**webhook_headers(), "X-Shopify-Triggered-At": "2024-08-08T00:57:57+02:00"}
    verified = VERIFIER.verify(make_request(headers, BODY), [Secret(SECRET)], now=now)
    assert verified.occurred_at == datetime(2024, 8, 7, 22, 57, 57, tzinfo=UTC)


def test_old_triggered_at_is_not_a_tolerance(make_request: Build) -> None:
    """Shopify signs no timestamp: a delivery triggered years before now still verifies."""
    verified = VERIFIER.verify(
        make_request(webhook_headers(), BODY),
        [Secret(SECRET)],
        now=datetime(2031, 1, 1, tzinfo=UTC),
    )
    assert verified.occurred_at is not None


@pytest.mark.parametrize("value", [None, ""], ids=["absent", "empty"])
def test_missing_signature(make_request: Build, now: datetime, value: str | None) -> None:
    """An absent or empty HMAC header is a MissingSignatureError."""
    headers = webhook_headers()
    del headers["X-Shopify-Hmac-Sha256"]
    if value is not None:
        headers["X-Shopify-Hmac-Sha256"] = value
    with pytest.raises(MissingSignatureError):
        VERIFIER.verify(make_request(headers, BODY), [Secret(SECRET)], now=now)


def test_empty_body_is_refused(make_request: Build, now: datetime) -> None:
    """An empty body is refused even when its HMAC is right, as the SDK does."""
    request = make_request({"x-shopify-hmac-sha256": sign(b"")}, b"")
    with pytest.raises(MalformedSignatureError, match="empty"):
        VERIFIER.verify(request, [Secret(SECRET)], now=now)


def test_wrong_secret(make_request: Build, now: datetime) -> None:
    """A delivery signed with another secret is a SignatureMismatchError."""
    with pytest.raises(SignatureMismatchError):
        VERIFIER.verify(make_request(webhook_headers(), BODY), [Secret("wrong")], now=now)


def test_no_secrets(make_request: Build, now: datetime) -> None:
    """A source without secrets verifies nothing."""
    with pytest.raises(SignatureMismatchError):
        VERIFIER.verify(make_request(webhook_headers(), BODY), [], now=now)


def test_tampered_body(make_request: Build, now: datetime) -> None:
    """A body changed after signing is a SignatureMismatchError."""
    request = make_request(webhook_headers(), BODY.replace(b"jon", b"eve"))
    with pytest.raises(SignatureMismatchError):
        VERIFIER.verify(request, [Secret(SECRET)], now=now)


@pytest.mark.parametrize(
    "value",
    ["not base64!", sign(BODY).rstrip("="), sign(BODY) + ", " + sign(BODY)],
    ids=["garbage", "unpadded", "repeated"],
)
def test_malformed_signature(make_request: Build, now: datetime, value: str) -> None:
    """A header that is not one canonical base64 value is a MalformedSignatureError."""
    headers = {**webhook_headers(), "X-Shopify-Hmac-Sha256": value}
    with pytest.raises(MalformedSignatureError):
        VERIFIER.verify(make_request(headers, BODY), [Secret(SECRET)], now=now)


def test_case_changed_signature(make_request: Build, now: datetime) -> None:
    """Base64 is case-sensitive: a lower-cased HMAC is well-formed but matches nothing."""
    headers = {**webhook_headers(), "X-Shopify-Hmac-Sha256": sign(BODY).lower()}
    with pytest.raises(SignatureMismatchError):
        VERIFIER.verify(make_request(headers, BODY), [Secret(SECRET)], now=now)


def test_non_ascii_signature(make_request: Build, now: datetime) -> None:
    """A non-ASCII HMAC header is a MalformedSignatureError."""
    headers = {**webhook_headers(), "X-Shopify-Hmac-Sha256": "é" + sign(BODY)[1:]}
    with pytest.raises(MalformedSignatureError):
        VERIFIER.verify(make_request(headers, BODY), [Secret(SECRET)], now=now)


def test_non_ascii_metadata_is_forwarded(make_request: Build, now: datetime) -> None:
    """Unsigned metadata with non-ASCII text does not fail a genuine delivery."""
    headers = {**webhook_headers(), "X-Shopify-Shop-Domain": "bücher.myshopify.com"}
    verified = VERIFIER.verify(make_request(headers, BODY), [Secret(SECRET)], now=now)
    assert verified.store_id == "bücher.myshopify.com"


def test_rotated_secret(make_request: Build, now: datetime) -> None:
    """During a rotation, a delivery signed with the second of two secrets verifies."""
    request = make_request(webhook_headers(secret="new-secret"), BODY)
    verified = VERIFIER.verify(request, [Secret("old-secret"), Secret("new-secret")], now=now)
    assert verified.platform == "shopify"


def test_from_options_refuses_any_option() -> None:
    """Shopify has no options: any option is a VerifierConfigError naming it."""
    with pytest.raises(VerifierConfigError) as caught:
        ShopifyVerifier.from_options({"tolerance_seconds": 300})
    assert caught.value.key == "options.tolerance_seconds"


def test_check_secret() -> None:
    """A non-empty secret passes the start-up check; an empty one does not."""
    VERIFIER.check_secret(Secret(SECRET))
    with pytest.raises(VerifierConfigError):
        VERIFIER.check_secret(Secret(""))


def test_no_handshake(make_request: Build) -> None:
    """Shopify sends no endpoint check."""
    assert VERIFIER.handshake(make_request(webhook_headers(), BODY), [Secret(SECRET)]) is None


def test_acknowledgement_is_relay_default() -> None:
    """Shopify needs no special success answer."""
    assert ShopifyVerifier.acknowledgement is None
