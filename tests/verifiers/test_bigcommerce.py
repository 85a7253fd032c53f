"""BigCommerce: Standard Webhooks keyed with the raw client secret, cross-checked as its docs do.

BigCommerce's samples pass ``base64(client_secret)`` to the ``standardwebhooks`` library; the
cross-checks below do exactly that.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from verifiers import (
    InboundRequest,
    MalformedSignatureError,
    MissingSignatureError,
    Secret,
    SignatureMismatchError,
    TimestampOutOfToleranceError,
    VerificationError,
    VerifierConfigError,
)
from verifiers.bigcommerce import BigCommerceVerifier

Build = Callable[..., InboundRequest]

CLIENT_SECRET = "c9f6b1d3e7a24f0b8e5d2c1a9f3b7e6d"
MSG_ID = "6b0d8d8e-3b7a-4d8a-9a57-8b1f0c2e4d11"
BODY = (
    b'{"created_at":1561479335,"store_id":"1025646","producer":"stores/abc123",'
    b'"scope":"store/order/created","hash":"3f9ea420af83450d7ef9f78b08c8af25b2213637",'
    b'"data":{"type":"order","id":250}}'
)
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
TS = int(NOW.timestamp())
VERIFIER = BigCommerceVerifier.from_options({})


def sign(secret: str = CLIENT_SECRET, ts: int = TS, body: bytes = BODY) -> dict[str, str]:
    """Headers of a delivery signed with HMAC-SHA256 keyed by the UTF-8 client secret."""
    digest = hmac.new(secret.encode(), f"{MSG_ID}.{ts}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": MSG_ID,
        "webhook-timestamp": str(ts),
        "webhook-signature": "v1," + base64.b64encode(digest).decode(),
    }


def library(client_secret: str) -> Webhook:
    """The reference library set up as BigCommerce's Python sample does."""
    return Webhook(base64.b64encode(client_secret.encode()).decode())


def test_valid(make_request: Build) -> None:
    """A delivery signed with the client secret verifies as bigcommerce."""
    verified = VERIFIER.verify(make_request(sign(), BODY), [Secret(CLIENT_SECRET)], now=NOW)
    assert verified.platform == "bigcommerce"
    assert verified.delivery_id == MSG_ID
    assert verified.topic == ""
    assert verified.occurred_at == NOW


def test_library_signed_verifies(make_request: Build) -> None:
    """What the library signs with base64(client_secret) verifies with the raw client secret."""
    now = datetime.now(UTC)
    signature = library(CLIENT_SECRET).sign(MSG_ID, now, BODY.decode())
    sent = {
        "webhook-id": MSG_ID,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
    }
    assert VERIFIER.verify(make_request(sent, BODY), [Secret(CLIENT_SECRET)], now=now)


def test_library_verifies_ours() -> None:
    """The library, set up as BigCommerce documents, accepts a delivery signed our way."""
    now = datetime.now(UTC)
    library(CLIENT_SECRET).verify(BODY, sign(ts=int(now.timestamp())), json_parse=False)


@pytest.mark.parametrize("case", ["tampered", "wrong-secret", "stale", "future"])
def test_library_rejects_so_do_we(make_request: Build, case: str) -> None:
    """What the library rejects, relay's BigCommerce verifier rejects too."""
    now = datetime.now(UTC)
    offset = {"stale": -400, "future": 400}.get(case, 0)
    sent = sign(ts=int(now.timestamp()) + offset)
    body = BODY.replace(b"250", b"251") if case == "tampered" else BODY
    secret = "another-client-secret" if case == "wrong-secret" else CLIENT_SECRET
    with pytest.raises(WebhookVerificationError):
        library(secret).verify(body, sent, json_parse=False)
    with pytest.raises(VerificationError):
        VERIFIER.verify(make_request(sent, body), [Secret(secret)], now=now)


def test_whsec_looking_secret_is_used_raw(make_request: Build) -> None:
    """The client secret is never base64-decoded, even when it looks like a whsec_ secret."""
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    assert VERIFIER.verify(make_request(sign(secret), BODY), [Secret(secret)], now=NOW)


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_missing_header(make_request: Build, missing: str) -> None:
    """Each Standard Webhooks header is required."""
    sent = {k: v for k, v in sign().items() if k != missing}
    with pytest.raises(MissingSignatureError):
        VERIFIER.verify(make_request(sent, BODY), [Secret(CLIENT_SECRET)], now=NOW)


def test_wrong_secret(make_request: Build) -> None:
    """Another app's client secret does not verify."""
    with pytest.raises(SignatureMismatchError):
        VERIFIER.verify(make_request(sign(), BODY), [Secret("other")], now=NOW)


def test_tampered_body(make_request: Build) -> None:
    """A body changed after signing does not verify."""
    with pytest.raises(SignatureMismatchError):
        VERIFIER.verify(make_request(sign(), BODY + b"\n"), [Secret(CLIENT_SECRET)], now=NOW)


@pytest.mark.parametrize("offset", [-301, 301], ids=["stale", "future"])
def test_timestamp_out_of_tolerance(make_request: Build, offset: int) -> None:
    """A genuine delivery signed more than 5 minutes from now is refused."""
    with pytest.raises(TimestampOutOfToleranceError):
        VERIFIER.verify(make_request(sign(ts=TS + offset), BODY), [Secret(CLIENT_SECRET)], now=NOW)


@pytest.mark.parametrize(
    ("name", "value"),
    [("webhook-signature", "v1;abc"), ("webhook-timestamp", "soon"), ("webhook-signature", "v1,ñ")],
    ids=["malformed-signature", "malformed-timestamp", "non-ascii"],
)
def test_malformed_headers(make_request: Build, name: str, value: str) -> None:
    """Malformed or non-ASCII header values are MalformedSignatureErrors."""
    sent = {**sign(), name: value}
    with pytest.raises(MalformedSignatureError):
        VERIFIER.verify(make_request(sent, BODY), [Secret(CLIENT_SECRET)], now=NOW)


def test_rotated_secret(make_request: Build) -> None:
    """A delivery signed with the second of two client secrets verifies."""
    secrets = [Secret("old-client-secret"), Secret(CLIENT_SECRET)]
    assert VERIFIER.verify(make_request(sign(), BODY), secrets, now=NOW)


def test_check_secret() -> None:
    """Any non-empty client secret is accepted; an empty one is refused."""
    VERIFIER.check_secret(Secret("not base64 at all!"))
    with pytest.raises(VerifierConfigError) as caught:
        VERIFIER.check_secret(Secret(""))
    assert caught.value.key == "secrets"


def test_empty_secret_never_matches(make_request: Build) -> None:
    """An empty client secret (refused at start-up) verifies nothing, even a matching HMAC."""
    with pytest.raises(SignatureMismatchError):
        VERIFIER.verify(make_request(sign(""), BODY), [Secret("")], now=NOW)


def test_tolerance_option(make_request: Build) -> None:
    """tolerance_seconds applies to BigCommerce as to any Standard Webhooks sender."""
    verifier = BigCommerceVerifier.from_options({"tolerance_seconds": 900})
    assert verifier.verify(make_request(sign(ts=TS - 600), BODY), [Secret(CLIENT_SECRET)], now=NOW)
