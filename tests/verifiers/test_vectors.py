"""Every saved vector, verified with the vector's own clock (``verify_at_unix``).

The JSON files in ``vectors/`` are copied verbatim from the shared research (each names its
``source``); a vector without ``verify_at_unix`` signs no timestamp, so any clock will do, except
PayPal's, whose certificate is checked at its transmission time. What a vector leaves to the
receiver's configuration (the signed URL, a client or webhook id, the published public key) is
given here, from the vector's own fields.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from verifiers import VERIFIERS, InboundRequest, Secret, StaticKeys, VerificationError
from verifiers.shopware import ShopwareVerifier

Build = Callable[..., InboundRequest]

VECTORS = sorted((Path(__file__).parent / "vectors").glob("*.json"))
_ADOBE_KEY_HOST = "https://static.adobeioevents.com"


def test_vectors_are_present() -> None:
    """All 26 shared vectors are here."""
    assert len(VECTORS) == 26
    assert {path.stem.rsplit("-", 1)[0] for path in VECTORS} == {
        "adobe-io-events",
        "adyen",
        "easypost",
        "ebay",
        "github",
        "paypal",
        "shopify",
        "shopware",
        "square",
        "standard-webhooks",
        "stripe",
        "woocommerce",
    }


def _setup(vector: Mapping[str, Any]) -> tuple[str, dict[str, object], dict[str, str], StaticKeys]:
    """Return the slug, options, extra headers and keys the vector's platform is run with."""
    platform = vector["platform"]
    if platform == "github":  # GitHub is verified with the generic HMAC scheme
        return (
            "generic_hmac",
            {"header": "X-Hub-Signature-256", "prefix": "sha256="},
            {},
            StaticKeys(),
        )
    if platform == "square":
        return "square", {"notification_url": vector["url"]}, {}, StaticKeys()
    if platform == "adobe-io-events":
        # The SDK test serves the PEM for its mocked key URLs; in production the paths arrive in
        # x-adobe-public-key{1,2}-path and are fetched from Adobe's pinned host.
        paths = ["/" + url.rsplit("/", 1)[1] for url in vector["public_key_urls"]]
        pem = vector["public_key_pem"].encode()
        headers = {f"x-adobe-public-key{i}-path": p for i, p in enumerate(paths, start=1)}
        keys = StaticKeys({_ADOBE_KEY_HOST + p: pem for p in paths})
        return "adobe_io_events", {"client_id": vector["recipient_client_id"]}, headers, keys
    if platform == "ebay":
        header = json.loads(base64.b64decode(vector["headers"]["x-ebay-signature"]))
        url = f"https://api.ebay.com/commerce/notification/v1/public_key/{header['kid']}"
        keys = StaticKeys({url: json.dumps(vector["public_key_response"]).encode()})
        return "ebay", {"endpoint_url": "https://relay.example.com/webhooks/ebay"}, {}, keys
    if platform == "paypal":
        url = vector["headers"]["PAYPAL-CERT-URL"]
        keys = StaticKeys({url: vector["cert_pem"].encode()})
        return "paypal", {"webhook_id": vector["webhook_id"]}, {}, keys
    return platform.replace("-", "_"), {}, {}, StaticKeys()


def _clock(vector: Mapping[str, Any]) -> datetime:
    if "verify_at_unix" in vector:
        return datetime.fromtimestamp(vector["verify_at_unix"], UTC)
    if vector["platform"] == "paypal":  # the sandbox certificate was valid 2015-03..2017-03
        return datetime.fromisoformat(vector["headers"]["PAYPAL-TRANSMISSION-TIME"])
    return datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("path", VECTORS, ids=[path.stem for path in VECTORS])
def test_vector(make_request: Build, path: Path) -> None:
    """The vector verifies exactly when it says it is valid."""
    vector = json.loads(path.read_text(encoding="utf-8"))
    assert vector["source"]
    slug, options, extra, keys = _setup(vector)
    now = _clock(vector)
    request = make_request({**vector["headers"], **extra}, vector["body"].encode(), received_at=now)
    secrets = [Secret(vector["secret"])] if vector["secret"] is not None else []
    if "shopware-app-signature" in request.headers:  # the app-registration GET, not a webhook
        query = vector["url"].split("?", 1)[1]
        registration = InboundRequest(
            method="GET",
            path="/register",
            query=query,
            headers=request.headers,
            body=b"",
            source_id="src",
            received_at=now,
        )
        ShopwareVerifier.verify_registration(registration, secrets, now=now)
        assert vector["expected_valid"]
        return
    verifier = VERIFIERS[slug].from_options(options, keys=keys)
    if vector["expected_valid"]:
        assert verifier.verify(request, secrets, now=now).platform == slug
    else:
        with pytest.raises(VerificationError):
            verifier.verify(request, secrets, now=now)
