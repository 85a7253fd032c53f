"""Cross-checks against the platforms' own SDKs (test-only dependencies).

For each SDK: a request it signs (or, where it has no signer, one it accepts) verifies with
relay's verifier, and relay rejects what the SDK rejects: Hypothesis draws bodies, secrets and
one-character mutations and both must agree on every example.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime

import jwt as pyjwt
import pytest
import stripe
from Adyen import util as adyen_util
from easypost.errors import SignatureVerificationError as EasyPostError
from easypost.util import validate_webhook
from hypothesis import given, settings
from hypothesis import strategies as st
from square.utils.webhooks_helper import verify_signature as square_verify

from verifiers import InboundRequest, Secret, VerificationError
from verifiers.adyen import AdyenVerifier
from verifiers.easypost import EasyPostVerifier
from verifiers.jwt import JwtVerifier
from verifiers.square import SquareVerifier
from verifiers.stripe import StripeVerifier

Build = Callable[..., InboundRequest]

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
TS = int(NOW.timestamp())
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80)
_SECRETS = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(
    str.strip  # the Stripe SDK refuses a blank secret outright
)


def _mutate(value: str, data: st.DataObject) -> str:
    """Return ``value`` with one character replaced, or unchanged (drawn)."""
    if not data.draw(st.booleans(), label="mutate"):
        return value
    at = data.draw(st.integers(0, len(value) - 1), label="at")
    new = data.draw(st.characters(min_codepoint=33, max_codepoint=126), label="char")
    return value[:at] + new + value[at + 1 :]


def _accepts(verify: Callable[[], object]) -> bool:
    try:
        verify()
    except VerificationError:
        return False
    return True


@settings(max_examples=400)
@given(body=_TEXT, secret=_SECRETS, data=st.data())
def test_stripe_agrees(make_request: Build, body: str, secret: str, data: st.DataObject) -> None:
    """stripe.WebhookSignature signs; both accept or both reject every (mutated) header."""
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=TS)
    header = _mutate(header, data)
    sent = _mutate(body, data)
    try:
        sdk = stripe.WebhookSignature.verify_header(sent, header, secret, tolerance=None)
    except stripe.SignatureVerificationError:
        sdk = False
    request = make_request({"stripe-signature": header}, sent.encode())
    verifier = StripeVerifier()
    ours = _accepts(lambda: verifier.verify(request, [Secret(secret)], now=NOW))
    assert ours == bool(sdk)


def test_stripe_sdk_tolerance_and_ours(make_request: Build) -> None:
    """A header 400 s old is rejected by the SDK (tolerance 300) and by relay; 100 s old passes."""
    now = datetime.now(UTC)
    for age, expected in ((400, False), (100, True)):
        ts = int(time.time()) - age
        header = stripe.WebhookSignature.generate_signature_header("{}", "whsec_x", timestamp=ts)
        try:
            sdk = stripe.WebhookSignature.verify_header("{}", header, "whsec_x", tolerance=300)
        except stripe.SignatureVerificationError:
            sdk = False
        request = make_request({"stripe-signature": header}, b"{}")
        ours = _accepts(lambda r=request: StripeVerifier().verify(r, [Secret("whsec_x")], now=now))
        assert bool(sdk) == ours == expected


@settings(max_examples=150)
@given(body=_TEXT, secret=_SECRETS, data=st.data())
def test_square_agrees(make_request: Build, body: str, secret: str, data: st.DataObject) -> None:
    """Square's verify_signature and relay agree on every (mutated) signature."""
    url = "https://relay.example.com/webhooks/square"
    signature = base64.b64encode(
        hmac.new(secret.encode(), (url + body).encode(), "sha256").digest()
    ).decode()
    assert square_verify(
        request_body=body, signature_header=signature, signature_key=secret, notification_url=url
    )
    signature = _mutate(signature, data)
    sdk = square_verify(
        request_body=body, signature_header=signature, signature_key=secret, notification_url=url
    )
    verifier = SquareVerifier.from_options({"notification_url": url})
    request = make_request({"x-square-hmacsha256-signature": signature}, body.encode())
    assert _accepts(lambda: verifier.verify(request, [Secret(secret)], now=NOW)) == sdk


_HEX_KEYS = st.binary(min_size=16, max_size=32).map(lambda raw: raw.hex().upper())
_FIELD = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), max_size=20)


@settings(max_examples=150)
@given(key=_HEX_KEYS, psp=_FIELD, reference=_FIELD, value=st.integers(0, 10**9), data=st.data())
def test_adyen_classic_agrees(
    make_request: Build, key: str, psp: str, reference: str, value: int, data: st.DataObject
) -> None:
    """Adyen.util signs an item; relay verifies it, and both reject a mutated signature."""
    item: dict[str, object] = {
        "pspReference": psp,
        "merchantReference": reference,
        "merchantAccountCode": "Acme",
        "amount": {"value": value, "currency": "EUR"},
        "eventCode": "AUTHORISATION",
        "success": "true",
    }
    signature = adyen_util.generate_notification_sig(item, key).decode()
    signature = _mutate(signature, data)
    item["additionalData"] = {"hmacSignature": signature}
    sdk = adyen_util.is_valid_hmac_notification(item, key)
    body = json.dumps({"notificationItems": [{"NotificationRequestItem": item}]})
    request = make_request({}, body.encode())
    ours = _accepts(lambda: AdyenVerifier.from_options({}).verify(request, [Secret(key)], now=NOW))
    assert ours == sdk


@settings(max_examples=100)
@given(key=_HEX_KEYS, body=st.binary(min_size=1, max_size=120), data=st.data())
def test_adyen_payload_agrees(
    make_request: Build, key: str, body: bytes, data: st.DataObject
) -> None:
    """Adyen.util's payload HMAC verifies with relay; both reject a mutated signature."""
    signature = _mutate(adyen_util.generate_payload_sig(body, key).decode(), data)
    sdk = adyen_util.is_valid_hmac_payload(signature, key, body)
    request = make_request({"HmacSignature": signature}, body)
    ours = _accepts(lambda: AdyenVerifier.from_options({}).verify(request, [Secret(key)], now=NOW))
    assert ours == sdk


def test_adyen_batch_is_checked_item_by_item(make_request: Build) -> None:
    """The SDK checks only item 0 of a batch; relay refuses a batch whose second item is forged."""
    key = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"
    items = []
    for n, forged in ((1, False), (2, True)):
        item: dict[str, object] = {
            "pspReference": f"p{n}",
            "amount": {"value": n, "currency": "EUR"},
        }
        signature = adyen_util.generate_notification_sig(item, key).decode()
        item["additionalData"] = {"hmacSignature": "A" * 43 + "=" if forged else signature}
        items.append({"NotificationRequestItem": item})
    document = {"notificationItems": items}
    assert adyen_util.is_valid_hmac_notification(document, key)
    request = make_request({}, json.dumps(document).encode())
    with pytest.raises(VerificationError):
        AdyenVerifier.from_options({}).verify(request, [Secret(key)], now=NOW)


@settings(max_examples=150)
@given(body=st.binary(min_size=1, max_size=120), secret=_SECRETS, data=st.data())
def test_easypost_agrees(
    make_request: Build, body: bytes, secret: str, data: st.DataObject
) -> None:
    """easypost.util.validate_webhook and relay agree on every (mutated) signature."""
    key = unicodedata.normalize("NFKD", secret).encode()
    header = _mutate("hmac-sha256-hex=" + hmac.new(key, body, hashlib.sha256).hexdigest(), data)
    try:
        validate_webhook(body, {"X-Hmac-Signature": header}, secret)
        sdk = True
    except EasyPostError:
        sdk = False
    except ValueError:  # the SDK parses the body as JSON once the signature matched
        sdk = True
    request = make_request({"X-Hmac-Signature": header}, body)
    verifier = EasyPostVerifier.from_options({})
    assert _accepts(lambda: verifier.verify(request, [Secret(secret)], now=NOW)) == sdk


_JWT_SECRET = "a-jwt-secret-of-thirty-two-bytes!"


@settings(max_examples=100)
@given(
    exp_offset=st.integers(-3600, 3600),
    audience=st.sampled_from(["relay", "someone-else"]),
    data=st.data(),
)
def test_pyjwt_agrees(
    make_request: Build, exp_offset: int, audience: str, data: st.DataObject
) -> None:
    """PyJWT-signed tokens: relay accepts exactly what PyJWT's own decode accepts at that time."""
    claims = {"exp": TS + exp_offset, "aud": audience, "jti": "j"}
    token = _mutate(pyjwt.encode(claims, _JWT_SECRET, algorithm="HS256"), data)
    try:  # PyJWT judges signature and audience; its exp rule is applied at relay's clock
        pyjwt.decode(
            token,
            _JWT_SECRET,
            algorithms=["HS256"],
            audience="relay",
            options={"verify_exp": False},
        )
        sdk = claims["exp"] > TS - 60  # PyJWT: expired when exp <= now - leeway
    except pyjwt.PyJWTError:
        sdk = False
    verifier = JwtVerifier.from_options({"algorithms": ["HS256"], "audience": "relay"})
    request = make_request({"authorization": f"Bearer {token}"}, b"{}")
    assert _accepts(lambda: verifier.verify(request, [Secret(_JWT_SECRET)], now=NOW)) == sdk
