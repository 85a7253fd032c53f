"""Etsy: Standard Webhooks with a whsec_ secret, also accepting one bare base64 signature."""

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
from verifiers.etsy import EtsyVerifier

Build = Callable[..., InboundRequest]

SECRET = "whsec_" + base64.b64encode(b"etsy-signing-secret-32-bytes-key").decode()
KEY = b"etsy-signing-secret-32-bytes-key"
MSG_ID = "msg_2vTKTzFh1yI2mX0CDCG7oWgWgWs"
BODY = b'{"event_type":"ORDER_PAID","resource_url":"https://openapi.etsy.com/v3/application/shops/1/receipts/2","shop_id":1}'
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
TS = int(NOW.timestamp())
VERIFIER = EtsyVerifier.from_options({})


def mac(key: bytes = KEY, ts: int = TS, body: bytes = BODY) -> str:
    """Base64 HMAC-SHA256 of ``id.timestamp.body``."""
    digest = hmac.new(key, f"{MSG_ID}.{ts}.".encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def sent(signature: str, ts: int = TS) -> dict[str, str]:
    """The Standard Webhooks headers."""
    return {"webhook-id": MSG_ID, "webhook-timestamp": str(ts), "webhook-signature": signature}


@pytest.mark.parametrize("prefix", ["v1,", ""], ids=["v1-list", "bare"])
def test_valid(make_request: Build, prefix: str) -> None:
    """Both the Standard Webhooks form and a bare base64 signature verify as etsy."""
    verified = VERIFIER.verify(make_request(sent(prefix + mac()), BODY), [Secret(SECRET)], now=NOW)
    assert verified.platform == "etsy"
    assert verified.delivery_id == MSG_ID
    assert verified.occurred_at == NOW


def test_bare_signature_only_alone(make_request: Build) -> None:
    """A bare signature is read as such only when it is the whole header."""
    with pytest.raises(MalformedSignatureError):
        VERIFIER.verify(make_request(sent(f"v1 {mac()}"), BODY), [Secret(SECRET)], now=NOW)


def test_library_signed_verifies(make_request: Build) -> None:
    """A message the reference library signs with the whsec_ secret verifies."""
    now = datetime.now(UTC)
    signature = Webhook(SECRET).sign(MSG_ID, now, BODY.decode())
    request = make_request(sent(signature, ts=int(now.timestamp())), BODY)
    assert VERIFIER.verify(request, [Secret(SECRET)], now=now)


@pytest.mark.parametrize("case", ["tampered", "wrong-secret", "stale"])
def test_library_rejects_so_do_we(make_request: Build, case: str) -> None:
    """What the reference library rejects, the Etsy verifier rejects too."""
    now = datetime.now(UTC)
    ts = int(now.timestamp()) - (600 if case == "stale" else 0)
    headers = sent("v1," + mac(ts=ts), ts=ts)
    body = BODY + b" " if case == "tampered" else BODY
    secret = "whsec_" + base64.b64encode(b"y" * 32).decode() if case == "wrong-secret" else SECRET
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, headers, json_parse=False)
    with pytest.raises(VerificationError):
        VERIFIER.verify(make_request(headers, body), [Secret(secret)], now=now)


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_missing_header(make_request: Build, missing: str) -> None:
    """Each Standard Webhooks header is required."""
    headers = {k: v for k, v in sent(mac()).items() if k != missing}
    with pytest.raises(MissingSignatureError):
        VERIFIER.verify(make_request(headers, BODY), [Secret(SECRET)], now=NOW)


def test_wrong_secret(make_request: Build) -> None:
    """A signature under another key does not verify."""
    other = "whsec_" + base64.b64encode(b"z" * 32).decode()
    with pytest.raises(SignatureMismatchError):
        VERIFIER.verify(make_request(sent(mac()), BODY), [Secret(other)], now=NOW)


def test_tampered_body(make_request: Build) -> None:
    """A body changed after signing does not verify."""
    with pytest.raises(SignatureMismatchError):
        VERIFIER.verify(make_request(sent(mac()), BODY[:-1]), [Secret(SECRET)], now=NOW)


@pytest.mark.parametrize("offset", [-301, 301], ids=["stale", "future"])
def test_timestamp_out_of_tolerance(make_request: Build, offset: int) -> None:
    """A genuine delivery signed more than 5 minutes from now is refused."""
    headers = sent(mac(ts=TS + offset), ts=TS + offset)
    with pytest.raises(TimestampOutOfToleranceError):
        VERIFIER.verify(make_request(headers, BODY), [Secret(SECRET)], now=NOW)


@pytest.mark.parametrize(
    "signature",
    ["%%%", mac()[:-2], "v1," + mac() + "é", "ü" + mac()[1:]],
    ids=["garbage", "cut", "non-ascii-list", "non-ascii-bare"],
)
def test_malformed_signature(make_request: Build, signature: str) -> None:
    """Unparseable or non-ASCII signatures are MalformedSignatureErrors."""
    with pytest.raises(MalformedSignatureError):
        VERIFIER.verify(make_request(sent(signature), BODY), [Secret(SECRET)], now=NOW)


def test_rotated_secret(make_request: Build) -> None:
    """A delivery signed with the second of two secrets verifies."""
    old = "whsec_" + base64.b64encode(b"o" * 32).decode()
    assert VERIFIER.verify(make_request(sent(mac()), BODY), [Secret(old), Secret(SECRET)], now=NOW)


def test_check_secret() -> None:
    """Etsy secrets are whsec_ base64 keys; a raw string is refused at start-up."""
    VERIFIER.check_secret(Secret(SECRET))
    with pytest.raises(VerifierConfigError) as caught:
        VERIFIER.check_secret(Secret("etsy-signing-secret"))
    assert caught.value.key == "secrets"
