"""The test-delivery signers agree with the verifiers (integration aid, not verifier proof)."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources

import pytest

from relay.signing import SIGNERS, sample_body, sample_topics, sign
from verifiers import VERIFIERS, InboundRequest, Secret

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SECRETS = {
    "shopify": "shpss_test",
    "woocommerce": "wc-test",
    "bigcommerce": "bc-client-secret",
    "etsy": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "standard_webhooks": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
}


def test_every_signer_is_a_registered_platform() -> None:
    """Signers exist only for platforms relay verifies."""
    assert set(SIGNERS) <= set(VERIFIERS)
    assert set(SECRETS) == set(SIGNERS)


@pytest.mark.parametrize("platform", sorted(SIGNERS))
def test_signed_delivery_verifies(platform: str) -> None:
    """What `relay sign` produces is accepted by the platform's verifier."""
    body = b'{"id": 1, "type": "order.created"}'
    secret = Secret(SECRETS[platform])
    headers = sign(platform, body, secret, "orders/create", NOW)
    request = InboundRequest(
        method="POST",
        path="/webhooks/s",
        query="",
        headers={k.lower(): v for k, v in headers.items()},
        body=body,
        source_id="s",
        received_at=NOW,
    )
    verifier = VERIFIERS[platform].from_options({})
    delivery = verifier.verify(request, [secret], now=NOW)
    assert delivery.platform == platform


@pytest.mark.parametrize("platform", ["shopify", "woocommerce", "bigcommerce"])
def test_samples_ship_with_their_source(platform: str) -> None:
    """Every shipped sample is JSON and has its source beside it."""
    folder = resources.files("relay") / "samples" / platform
    for topic in sample_topics(platform):
        assert sample_body(platform, topic).lstrip().startswith(b"{")
        stem = topic.replace("/", ".")
        assert "source_url" in (folder / f"{stem}.source.txt").read_text()
