"""Standard Webhooks: the scheme's matrix, its signature-list parsing, and the reference library.

``v1a`` (Ed25519) signatures are made with ``cryptography`` directly: the ``standardwebhooks``
package only implements ``v1``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given
from hypothesis import strategies as st
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
from verifiers.standard_webhooks import StandardWebhooksVerifier

Build = Callable[..., InboundRequest]

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
KEY = base64.b64decode(SECRET.removeprefix("whsec_"))
MSG_ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"
BODY = b'{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z","data":{"id":"1"}}'
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
TS = int(NOW.timestamp())
PRIVATE = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PUBLIC_SECRET = (
    "whpk_"
    + base64.b64encode(PRIVATE.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
)
VERIFIER = StandardWebhooksVerifier.from_options({})


def v1(key: bytes = KEY, msg_id: str = MSG_ID, ts: int = TS, body: bytes = BODY) -> str:
    """A ``v1`` entry: base64 HMAC-SHA256 of ``id.timestamp.body``."""
    digest = hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def v1a(
    private: Ed25519PrivateKey = PRIVATE, msg_id: str = MSG_ID, ts: int = TS, body: bytes = BODY
) -> str:
    """A ``v1a`` entry: base64 Ed25519 signature of ``id.timestamp.body``."""
    signature = private.sign(f"{msg_id}.{ts}.".encode() + body)
    return "v1a," + base64.b64encode(signature).decode()


def headers(signature: str, msg_id: str = MSG_ID, ts: int | str = TS) -> dict[str, str]:
    """The three Standard Webhooks headers."""
    return {"webhook-id": msg_id, "webhook-timestamp": str(ts), "webhook-signature": signature}


def test_valid_v1(make_request: Build) -> None:
    """A v1 HMAC signature verifies; id, signed time and headers come from the headers."""
    request = make_request(headers(v1()), BODY)
    verified = VERIFIER.verify(request, [Secret(SECRET)], now=NOW)
    assert verified.request is request
    assert verified.platform == "standard_webhooks"
    assert verified.delivery_id == MSG_ID
    assert verified.topic == ""
    assert verified.store_id is None
    assert verified.occurred_at == NOW
    assert verified.headers == (("webhook-id", MSG_ID), ("webhook-timestamp", str(TS)))


def test_valid_v1a(make_request: Build) -> None:
    """A v1a Ed25519 signature verifies with the whpk_ public key as the secret."""
    verified = VERIFIER.verify(make_request(headers(v1a()), BODY), [Secret(PUBLIC_SECRET)], now=NOW)
    assert verified.delivery_id == MSG_ID


@pytest.mark.parametrize(
    "signature",
    [
        f"v1,{'A' * 44} {v1()}",
        f"{v1(b'old-key')} {v1()}",
        f"v2,{v1()[3:]} {v1()}",
        f"nocomma {v1()}",
        f"{v1a()} {v1()}",
        f"  {v1()}\t",
    ],
    ids=["bad-first", "old-key-first", "unknown-version", "no-comma", "v1a-without-key", "spaces"],
)
def test_any_entry_may_match(make_request: Build, signature: str) -> None:
    """In a space-separated list, unusable or non-matching entries are skipped."""
    assert VERIFIER.verify(make_request(headers(signature), BODY), [Secret(SECRET)], now=NOW)


def test_mixed_keys(make_request: Build) -> None:
    """A source may hold a whpk_ and a whsec_ secret; each signs its own entry kind."""
    secrets = [Secret(PUBLIC_SECRET), Secret(SECRET)]
    assert VERIFIER.verify(make_request(headers(v1()), BODY), secrets, now=NOW)
    assert VERIFIER.verify(make_request(headers(v1a()), BODY), secrets, now=NOW)


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_missing_header(make_request: Build, missing: str) -> None:
    """Each of the three headers is required."""
    present = {k: v for k, v in headers(v1()).items() if k != missing}
    with pytest.raises(MissingSignatureError, match=missing):
        VERIFIER.verify(make_request(present, BODY), [Secret(SECRET)], now=NOW)


def test_wrong_secret(make_request: Build) -> None:
    """A signature made with another key is a SignatureMismatchError."""
    other = "whsec_" + base64.b64encode(b"another-key-of-24-bytes!").decode()
    with pytest.raises(SignatureMismatchError):
        VERIFIER.verify(make_request(headers(v1()), BODY), [Secret(other)], now=NOW)


@pytest.mark.parametrize(
    ("signed_id", "signed_ts", "sent_body"),
    [(MSG_ID, TS, BODY + b" "), ("msg_other", TS, BODY), (MSG_ID, TS + 1, BODY)],
    ids=["body", "id", "timestamp"],
)
def test_tampered(make_request: Build, signed_id: str, signed_ts: int, sent_body: bytes) -> None:
    """Changing the body, the id or the timestamp after signing breaks the signature."""
    request = make_request(headers(v1(msg_id=signed_id, ts=signed_ts)), sent_body)
    with pytest.raises(SignatureMismatchError):
        VERIFIER.verify(request, [Secret(SECRET)], now=NOW)


def test_tampered_v1a(make_request: Build) -> None:
    """A v1a signature over another body, or by another key, is a SignatureMismatchError."""
    other = Ed25519PrivateKey.from_private_bytes(b"\x01" * 32)
    for signature in (v1a(body=b"other"), v1a(private=other)):
        with pytest.raises(SignatureMismatchError):
            VERIFIER.verify(
                make_request(headers(signature), BODY), [Secret(PUBLIC_SECRET)], now=NOW
            )


@pytest.mark.parametrize(
    "offset", [-301, 301, -100_000, 10**12], ids=["stale", "future", "old", "far"]
)
def test_timestamp_out_of_tolerance(make_request: Build, offset: int) -> None:
    """A signed timestamp more than 300 s before or after now is refused, even if genuine."""
    signature = v1(ts=TS + offset)
    with pytest.raises(TimestampOutOfToleranceError):
        VERIFIER.verify(
            make_request(headers(signature, ts=TS + offset), BODY), [Secret(SECRET)], now=NOW
        )


@pytest.mark.parametrize("offset", [-300, 300])
def test_timestamp_at_tolerance_edge(make_request: Build, offset: int) -> None:
    """Exactly 300 s either side of now is still accepted, as in the reference library."""
    request = make_request(headers(v1(ts=TS + offset), ts=TS + offset), BODY)
    assert VERIFIER.verify(request, [Secret(SECRET)], now=NOW).occurred_at == NOW + timedelta(
        seconds=offset
    )


def test_tolerance_option(make_request: Build) -> None:
    """Option tolerance_seconds widens (or narrows) the window."""
    request = make_request(headers(v1(ts=TS - 500), ts=TS - 500), BODY)
    wide = StandardWebhooksVerifier.from_options({"tolerance_seconds": 600})
    assert wide.verify(request, [Secret(SECRET)], now=NOW)
    narrow = StandardWebhooksVerifier.from_options({"tolerance_seconds": 60})
    with pytest.raises(TimestampOutOfToleranceError):
        narrow.verify(
            make_request(headers(v1(ts=TS - 61), ts=TS - 61), BODY), [Secret(SECRET)], now=NOW
        )


@pytest.mark.parametrize("timestamp", ["abc", "-5", "1.5e9", f"{TS}.0", f" {TS}", "1" * 20, "0x10"])
def test_malformed_timestamp(make_request: Build, timestamp: str) -> None:
    """A webhook-timestamp that is not plain integer seconds is a MalformedSignatureError."""
    with pytest.raises(MalformedSignatureError, match="webhook-timestamp"):
        VERIFIER.verify(make_request(headers(v1(), ts=timestamp), BODY), [Secret(SECRET)], now=NOW)


@pytest.mark.parametrize(
    "signature",
    [
        "v1",
        "v1,",
        "v1,%%%%",
        v1()[3:],
        v1().replace(",", ";"),
        "v2," + v1()[3:],
        "v1a," + base64.b64encode(b"\x00" * 32).decode(),
        "v1," + v1()[3:].rstrip("="),
        ",,,",
    ],
    ids=[
        "version-only",
        "empty-signature",
        "bad-base64",
        "bare",
        "semicolon",
        "unknown-version",
        "short-v1a",
        "unpadded",
        "commas",
    ],
)
def test_malformed_signature(make_request: Build, signature: str) -> None:
    """A header without any usable entry is a MalformedSignatureError, never a crash."""
    with pytest.raises(MalformedSignatureError, match="webhook-signature"):
        VERIFIER.verify(make_request(headers(signature), BODY), [Secret(SECRET)], now=NOW)


@pytest.mark.parametrize("name", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_non_ascii_header(make_request: Build, name: str) -> None:
    """A non-ASCII value in any of the three headers is a MalformedSignatureError."""
    sent = {**headers(v1()), name: headers(v1())[name] + "é"}
    with pytest.raises(MalformedSignatureError, match=name):
        VERIFIER.verify(make_request(sent, BODY), [Secret(SECRET)], now=NOW)


def test_rotated_secret(make_request: Build) -> None:
    """A delivery signed with the second of two secrets verifies."""
    old = "whsec_" + base64.b64encode(b"the-old-key-24-bytes-lon").decode()
    assert VERIFIER.verify(
        make_request(headers(v1()), BODY), [Secret(old), Secret(SECRET)], now=NOW
    )


def test_unusable_secret_is_skipped(make_request: Build) -> None:
    """A secret that check_secret would refuse matches nothing but does not break the others."""
    secrets = [Secret("not-a-whsec"), Secret("whsec_%%"), Secret(SECRET)]
    assert VERIFIER.verify(make_request(headers(v1()), BODY), secrets, now=NOW)


def test_no_secrets(make_request: Build) -> None:
    """Without secrets nothing verifies."""
    with pytest.raises(SignatureMismatchError):
        VERIFIER.verify(make_request(headers(v1()), BODY), [], now=NOW)


@pytest.mark.parametrize(
    "secret",
    [SECRET, "whsec_" + base64.b64encode(b"k" * 32).decode().rstrip("="), PUBLIC_SECRET],
    ids=["whsec", "whsec-unpadded", "whpk"],
)
def test_check_secret_accepts(secret: str) -> None:
    """whsec_ secrets (padding optional) and whpk_ Ed25519 public keys are accepted."""
    VERIFIER.check_secret(Secret(secret))


@pytest.mark.parametrize(
    "secret",
    [
        "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "whsec_",
        "whsec_%%%%",
        "whsec_é",
        "whpk_" + base64.b64encode(b"k" * 16).decode(),
        "whpk_!!",
        "",
    ],
    ids=[
        "no-prefix",
        "empty-key",
        "bad-base64",
        "non-ascii",
        "short-public-key",
        "bad-whpk",
        "empty",
    ],
)
def test_check_secret_refuses(secret: str) -> None:
    """Secrets without the spec's prefix or with an unusable key are refused, not echoed."""
    with pytest.raises(VerifierConfigError) as caught:
        VERIFIER.check_secret(Secret(secret))
    assert caught.value.key == "secrets"


@pytest.mark.parametrize("secret", ["whsec_TopSecret!", "whpk_TopSecret!", "TopSecret!"])
def test_check_secret_does_not_echo(secret: str) -> None:
    """A refused secret never appears in the error."""
    with pytest.raises(VerifierConfigError) as caught:
        VERIFIER.check_secret(Secret(secret))
    assert "TopSecret" not in str(caught.value)


def test_from_options_default() -> None:
    """Without options the tolerance is 300 s."""
    assert StandardWebhooksVerifier.from_options({}).tolerance_seconds == 300


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"tolerance_seconds": 0}, "options.tolerance_seconds"),
        ({"tolerance_seconds": 86_401}, "options.tolerance_seconds"),
        ({"tolerance_seconds": True}, "options.tolerance_seconds"),
        ({"tolerance_seconds": "300"}, "options.tolerance_seconds"),
        ({"tolerance": 300}, "options.tolerance"),
    ],
)
def test_from_options_refuses(options: dict[str, object], key: str) -> None:
    """Bad or unknown options are VerifierConfigErrors naming the key."""
    with pytest.raises(VerifierConfigError) as caught:
        StandardWebhooksVerifier.from_options(options)
    assert caught.value.key == key


def test_no_handshake(make_request: Build) -> None:
    """Standard Webhooks defines no endpoint check, and relay's default answer is fine."""
    assert VERIFIER.handshake(make_request(headers(v1()), BODY), [Secret(SECRET)]) is None
    assert StandardWebhooksVerifier.acknowledgement is None


# --- cross-checks against the `standardwebhooks` reference library (real clock) ---------------


def _library_message(secret: str, body: str, sent_at: datetime) -> dict[str, str]:
    """Headers the reference library produces for ``body`` sent at ``sent_at``."""
    return headers(Webhook(secret).sign(MSG_ID, sent_at, body), ts=int(sent_at.timestamp()))


def test_library_signed_verifies(make_request: Build) -> None:
    """A message signed by the reference library verifies with relay's verifier."""
    now = datetime.now(UTC)
    sent = _library_message(SECRET, BODY.decode(), now)
    Webhook(SECRET).verify(BODY, sent, json_parse=False)
    assert VERIFIER.verify(make_request(sent, BODY), [Secret(SECRET)], now=now)


@pytest.mark.parametrize("case", ["tampered", "wrong-secret", "stale", "future"])
def test_library_rejects_so_do_we(make_request: Build, case: str) -> None:
    """What the reference library rejects, relay's verifier rejects too."""
    now = datetime.now(UTC)
    sent_at = {"stale": now - timedelta(minutes=6), "future": now + timedelta(minutes=6)}.get(
        case, now
    )
    sent = _library_message(SECRET, BODY.decode(), sent_at)
    body = BODY + b"!" if case == "tampered" else BODY
    secret = "whsec_" + base64.b64encode(b"x" * 24).decode() if case == "wrong-secret" else SECRET
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, sent, json_parse=False)
    with pytest.raises(VerificationError):
        VERIFIER.verify(make_request(sent, body), [Secret(secret)], now=now)


@given(
    msg_id=st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", min_size=1
    ),
    body=st.text(),
    key=st.binary(min_size=24, max_size=64),
)
def test_library_signed_property(make_request: Build, msg_id: str, body: str, key: bytes) -> None:
    """For any id, text body and key, the library's signature verifies with ours."""
    secret = "whsec_" + base64.b64encode(key).decode()
    signature = Webhook(secret).sign(msg_id, NOW, body)
    request = make_request(headers(signature, msg_id=msg_id), body.encode())
    assert VERIFIER.verify(request, [Secret(secret)], now=NOW).delivery_id == msg_id
