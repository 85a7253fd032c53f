"""The receiver with real platform verifiers: platform answers, challenges and key fetching.

The publisher records instead of sending to Kafka; key hosts are an ``httpx.MockTransport``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence

import httpx
import pytest
from _verifier_cases import ADOBE_URL, NOW, RSA_KEY, public_pem, rsa_sign
from _verifier_keys import ADOBE_OTHER_URL, RSA_OTHER

from normalizers.generic import GenericNormalizer
from relay.dedup import InProcessDedup
from relay.keys import KeyStore
from relay.metrics import RelayMetrics
from relay.publisher import Record
from relay.records import RecordBuilder
from relay.webhooks import SourceRuntime, WebhookReceiver
from verifiers import VERIFIERS, Secret


class Recorder:
    """A publisher that keeps the records."""

    def __init__(self) -> None:
        self.published: list[Record] = []

    async def publish(self, records: Sequence[Record], *, max_wait: float | None = None) -> None:
        del max_wait
        self.published.extend(records)


def _client(
    slug: str,
    options: Mapping[str, object],
    secrets: Sequence[str],
    publisher: Recorder,
    keys: KeyStore | None = None,
) -> httpx.AsyncClient:
    store = keys or KeyStore()
    verifier = VERIFIERS[slug].from_options(options, keys=store)
    store.pin(getattr(verifier, "key_hosts", frozenset)())
    source = SourceRuntime(
        id="src",
        platform=slug,
        verifier=verifier,
        secrets=tuple(Secret(s) for s in secrets),
        normalizer=GenericNormalizer(),
        keys=store if keys is not None else None,
    )
    receiver = WebhookReceiver(
        sources={"src": source},
        publisher=publisher,
        builder=RecordBuilder("commerce"),
        dedup=InProcessDedup(ttl_seconds=60, max_entries=100),
        metrics=RelayMetrics(),
        max_body_bytes=100_000,
        retry_after_seconds=7,
        clock=lambda: NOW,
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver), base_url="http://t")


@pytest.mark.anyio
async def test_adyen_batch_is_answered_accepted() -> None:
    """A verified Adyen notification is published and answered ``[accepted]``."""
    key = "5f" * 32
    item = {"pspReference": "p1", "eventCode": "AUTHORISATION", "success": "true"}
    message = b"p1:::::" + b":AUTHORISATION:true"
    signature = base64.b64encode(hmac.new(bytes.fromhex(key), message, "sha256").digest())
    item["additionalData"] = {"hmacSignature": signature.decode()}  # type: ignore[assignment]
    body = json.dumps({"notificationItems": [{"NotificationRequestItem": item}]}).encode()
    publisher = Recorder()
    async with _client("adyen", {}, [key], publisher) as client:
        response = await client.post("/webhooks/src", content=body)
    assert (response.status_code, response.content) == (200, b"[accepted]")
    assert response.headers["content-type"] == "text/plain"
    assert publisher.published[0].value == body


@pytest.mark.anyio
async def test_shopee_is_answered_with_an_empty_body() -> None:
    """Shopee needs a 2xx with an empty body."""
    url = "https://relay.example.com/webhooks/shopee"
    body = b'{"code":3,"shop_id":1}'
    signature = hmac.new(b"partner-key", url.encode() + b"|" + body, hashlib.sha256).hexdigest()
    async with _client("shopee", {"callback_url": url}, ["partner-key"], Recorder()) as client:
        response = await client.post(
            "/webhooks/src", content=body, headers={"authorization": signature}
        )
    assert (response.status_code, response.content) == (200, b"")


@pytest.mark.anyio
async def test_ebay_challenge_is_answered() -> None:
    """The GET challenge of eBay gets the SHA-256 challengeResponse of code, token and endpoint."""
    endpoint = "https://relay.example.com/webhooks/ebay"
    async with _client("ebay", {"endpoint_url": endpoint}, ["token-1"], Recorder()) as client:
        response = await client.get("/webhooks/src", params={"challenge_code": "abc"})
    expected = hashlib.sha256(b"abc" + b"token-1" + endpoint.encode()).hexdigest()
    assert response.status_code == 200
    assert response.json() == {"challengeResponse": expected}


@pytest.mark.anyio
async def test_adobe_challenge_is_echoed() -> None:
    """Adobe I/O Events' registration GET gets its challenge back."""
    async with _client("adobe_io_events", {"client_id": "c"}, [], Recorder()) as client:
        response = await client.get("/webhooks/src", params={"challenge": "xyz"})
    assert (response.status_code, response.json()) == (200, {"challenge": "xyz"})


def _adobe_delivery() -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"event_id": "e1", "recipient_client_id": "c"}).encode()
    headers = {
        "x-adobe-digital-signature-1": rsa_sign("right", body),
        "x-adobe-public-key1-path": ADOBE_URL.removeprefix("https://static.adobeioevents.com"),
    }
    return body, headers


@pytest.mark.anyio
async def test_uncached_key_is_fetched_then_verified() -> None:
    """The first delivery with a new key fetches it from Adobe's host, then verifies; once."""
    seen: list[str] = []

    def serve(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, content=public_pem(RSA_KEY).encode())

    keys = KeyStore(transport=httpx.MockTransport(serve))
    publisher = Recorder()
    body, headers = _adobe_delivery()
    async with _client("adobe_io_events", {"client_id": "c"}, [], publisher, keys) as client:
        first = await client.post("/webhooks/src", content=body, headers=headers)
        again = await client.post("/webhooks/src", content=body, headers=headers)
    assert (first.status_code, first.json()) == (200, {"status": "accepted"})
    assert again.json() == {"status": "duplicate"}
    assert seen == [ADOBE_URL]
    await keys.aclose()


@pytest.mark.anyio
async def test_both_adobe_keys_are_fetched_when_needed() -> None:
    """Signature 1 by a rotated-out key, signature 2 by the current one: both keys fetched."""
    served = {ADOBE_URL: public_pem(RSA_KEY), ADOBE_OTHER_URL: public_pem(RSA_OTHER)}
    seen: list[str] = []

    def serve(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, content=served[str(request.url)].encode())

    body, headers = _adobe_delivery()
    host = "https://static.adobeioevents.com"
    headers = {
        "x-adobe-digital-signature-1": rsa_sign("right", body),
        "x-adobe-public-key1-path": ADOBE_OTHER_URL.removeprefix(host),
        "x-adobe-digital-signature-2": rsa_sign("right", body),
        "x-adobe-public-key2-path": ADOBE_URL.removeprefix(host),
    }
    keys = KeyStore(transport=httpx.MockTransport(serve))
    async with _client("adobe_io_events", {"client_id": "c"}, [], Recorder(), keys) as client:
        response = await client.post("/webhooks/src", content=body, headers=headers)
    assert response.status_code == 200
    assert seen == [ADOBE_OTHER_URL, ADOBE_URL]
    await keys.aclose()


@pytest.mark.anyio
async def test_unavailable_key_is_503_with_retry_after() -> None:
    """When the key host fails, the platform is told to retry later, not that it forged."""
    keys = KeyStore(transport=httpx.MockTransport(lambda _request: httpx.Response(500)))
    publisher = Recorder()
    body, headers = _adobe_delivery()
    async with _client("adobe_io_events", {"client_id": "c"}, [], publisher, keys) as client:
        response = await client.post("/webhooks/src", content=body, headers=headers)
    assert response.status_code == 503
    assert response.headers["retry-after"] == "7"
    assert publisher.published == []
    await keys.aclose()


@pytest.mark.anyio
async def test_key_the_host_does_not_have_is_401() -> None:
    """A made-up key path (the host answers 404) cannot be genuine: 401, not a 5xx."""
    keys = KeyStore(transport=httpx.MockTransport(lambda _request: httpx.Response(404)))
    body, headers = _adobe_delivery()
    async with _client("adobe_io_events", {"client_id": "c"}, [], Recorder(), keys) as client:
        response = await client.post("/webhooks/src", content=body, headers=headers)
    assert response.status_code == 401
    await keys.aclose()


@pytest.mark.anyio
async def test_key_unavailable_without_a_store_is_401() -> None:
    """A verifier asking for a key on a source without a key store is refused, not a 5xx."""
    body, headers = _adobe_delivery()
    async with _client("adobe_io_events", {"client_id": "c"}, [], Recorder()) as client:
        response = await client.post("/webhooks/src", content=body, headers=headers)
    assert response.status_code == 401
