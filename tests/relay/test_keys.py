"""The key provider: pinned hosts, TTL cache, local files, PayPal chains, eBay OAuth tokens.

Unit tests: the platforms' key hosts are stood in for by an ``httpx.MockTransport``.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from _pki import make_ca, make_leaf
from cryptography.x509.verification import Store

from relay.errors import ConfigError
from relay.keys import ClientCredentials, KeyFetchError, KeyStore, paypal_chain_ok, register_source
from verifiers import KeyUnavailableError, Secret
from verifiers.adobe_io_events import AdobeIoEventsVerifier

ADOBE = "https://static.adobeioevents.com/prod/keys/pub-key-1.pem"
PEM = b"-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n"


class Clock:
    """A settable monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _served(responses: dict[str, httpx.Response], seen: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return responses.get(str(request.url), httpx.Response(404))

    return httpx.MockTransport(handler)


@pytest.mark.anyio
async def test_fetch_then_cached_until_ttl() -> None:
    """A fetched key is served from the cache, refetched only after its TTL."""
    seen: list[httpx.Request] = []
    clock = Clock()
    store = KeyStore(
        ttl_seconds=60,
        transport=_served({ADOBE: httpx.Response(200, content=PEM)}, seen),
        clock=clock,
    )
    store.pin(["static.adobeioevents.com"])
    with pytest.raises(KeyUnavailableError) as caught:
        store.key(ADOBE)
    assert caught.value.url == ADOBE
    await store.fetch(ADOBE)
    await store.fetch(ADOBE)  # cached: no second request
    assert store.key(ADOBE) == PEM
    assert len(seen) == 1
    clock.now += 61
    with pytest.raises(KeyUnavailableError):
        store.key(ADOBE)
    await store.fetch(ADOBE)
    assert len(seen) == 2
    await store.aclose()
    await store.aclose()  # closing twice is harmless


@pytest.mark.anyio
@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/key.pem",
        "http://static.adobeioevents.com/key.pem",
        "https://static.adobeioevents.com:8443/key.pem",
    ],
    ids=["other-host", "plain-http", "port"],
)
async def test_unpinned_urls_are_never_fetched(url: str) -> None:
    """Only https URLs on a pinned host, without a port, are fetched."""
    seen: list[httpx.Request] = []
    store = KeyStore(transport=_served({}, seen))
    store.pin(["static.adobeioevents.com"])
    with pytest.raises(KeyFetchError, match="pinned"):
        await store.fetch(url)
    assert seen == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("response", "retryable"),
    [
        (httpx.Response(404), False),
        (httpx.Response(200, content=b"x" * (256 * 1024 + 1)), False),
        (httpx.Response(503), True),
        (httpx.Response(429), True),
    ],
    ids=["404", "too-large", "503", "429"],
)
async def test_refused_fetches(response: httpx.Response, retryable: bool) -> None:
    """A non-200 or oversized answer is a KeyFetchError; only the host's 5xx/429 is retryable."""
    store = KeyStore(transport=_served({ADOBE: response}, []))
    store.pin(["static.adobeioevents.com"])
    with pytest.raises(KeyFetchError) as caught:
        await store.fetch(ADOBE)
    assert caught.value.retryable is retryable
    with pytest.raises(KeyFetchError) as again:  # remembered, with the same verdict
        await store.fetch(ADOBE)
    assert again.value.retryable is retryable
    with pytest.raises(KeyUnavailableError):
        store.key(ADOBE)


@pytest.mark.anyio
async def test_failed_url_is_not_refetched_until_its_failure_expires() -> None:
    """A URL that failed is refused without a request for a minute, then tried again."""
    seen: list[httpx.Request] = []
    clock = Clock()
    store = KeyStore(transport=_served({}, seen), clock=clock)
    store.pin(["static.adobeioevents.com"])
    with pytest.raises(KeyFetchError, match="did not serve"):
        await store.fetch(ADOBE)
    with pytest.raises(KeyFetchError, match="recently"):
        await store.fetch(ADOBE)
    assert len(seen) == 1
    clock.now += 61
    with pytest.raises(KeyFetchError, match="did not serve"):
        await store.fetch(ADOBE)
    assert len(seen) == 2


@pytest.mark.anyio
async def test_fetch_budget_per_minute() -> None:
    """Made-up key URLs cannot make relay fetch more than the per-minute budget."""
    seen: list[httpx.Request] = []
    clock = Clock()
    store = KeyStore(transport=_served({}, seen), max_fetches_per_minute=3, clock=clock)
    store.pin(["static.adobeioevents.com"])
    for n in range(5):
        with pytest.raises(KeyFetchError):
            await store.fetch(f"{ADOBE}?n={n}")
    assert len(seen) == 3
    clock.now += 61
    with pytest.raises(KeyFetchError, match="did not serve"):
        await store.fetch(f"{ADOBE}?n=9")
    assert len(seen) == 4


@pytest.mark.anyio
async def test_network_error_is_key_fetch_error() -> None:
    """A connection failure is a KeyFetchError."""

    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    store = KeyStore(transport=httpx.MockTransport(fail))
    store.pin(["static.adobeioevents.com"])
    with pytest.raises(KeyFetchError):
        await store.fetch(ADOBE)


def test_local_files_override(tmp_path: Path) -> None:
    """A key file serves its URL without any fetch (air-gapped installs)."""
    path = tmp_path / "adobe.pem"
    path.write_bytes(PEM)
    store = KeyStore()
    store.add_files({ADOBE: str(path)}, "sources[0]")
    assert store.key(ADOBE) == PEM
    with pytest.raises(ConfigError) as caught:
        store.add_files({ADOBE: str(tmp_path / "missing.pem")}, "sources[1]")
    assert caught.value.key == "sources[1].key_files"


def test_paypal_chain() -> None:
    """A PayPal leaf verifies to its root; another root, a non-PayPal name or junk does not."""
    ca_key, ca = make_ca()
    _, leaf = make_leaf(ca_key, ca, "messageverificationcerts.paypal.com")
    _, other = make_ca("Other Root")
    _, impostor = make_leaf(ca_key, ca, "paypal.example.com")
    assert paypal_chain_ok(leaf, Store([ca]))
    assert not paypal_chain_ok(leaf, Store([other]))
    assert not paypal_chain_ok(impostor, Store([ca]))
    assert not paypal_chain_ok(b"not a certificate", Store([ca]))


@pytest.mark.anyio
async def test_paypal_certificate_is_cached_only_when_its_chain_verifies() -> None:
    """The store refuses a PayPal certificate that does not chain to its trust store."""
    ca_key, ca = make_ca()
    _, leaf = make_leaf(ca_key, ca, "messageverificationcerts.paypal.com")
    url = "https://api.paypal.com/v1/notifications/certs/CERT-1"
    served = {url: httpx.Response(200, content=leaf)}
    trusted = KeyStore(trust=Store([ca]), transport=_served(served, []))
    trusted.pin(["api.paypal.com"])
    await trusted.fetch(url)
    assert trusted.key(url) == leaf
    untrusted = KeyStore(transport=_served(served, []))  # certifi's roots: no test CA
    untrusted.pin(["api.paypal.com"])
    with pytest.raises(KeyFetchError, match="chain"):
        await untrusted.fetch(url)


@pytest.mark.anyio
async def test_ebay_oauth_token_is_sent_and_cached() -> None:
    """Fetches from an authorized host carry a client-credentials token, reused until expiry."""
    seen: list[httpx.Request] = []
    key_url = "https://api.ebay.com/commerce/notification/v1/public_key/k1"
    token_url = "https://api.ebay.com/identity/v1/oauth2/token"
    key_doc = json.dumps({"key": "PEM"}).encode()
    served = {
        token_url: httpx.Response(200, json={"access_token": "tok", "expires_in": 7200}),
        key_url: httpx.Response(200, content=key_doc),
        key_url + "2": httpx.Response(200, content=key_doc),
    }
    clock = Clock()
    store = KeyStore(transport=_served(served, seen))
    store.pin(["api.ebay.com"])
    store.authorize(
        ["api.ebay.com"], ClientCredentials(token_url, "app", Secret("s3"), clock=clock)
    )
    await store.fetch(key_url)
    await store.fetch(key_url + "2")
    assert [r.url.path for r in seen] == [
        "/identity/v1/oauth2/token",
        "/commerce/notification/v1/public_key/k1",
        "/commerce/notification/v1/public_key/k12",
    ]
    assert seen[0].headers["authorization"] == "Basic YXBwOnMz"
    assert seen[1].headers["authorization"] == "Bearer tok"
    assert store.key(key_url) == key_doc


@pytest.mark.anyio
async def test_ebay_oauth_failure_is_key_fetch_error() -> None:
    """A refused token request is a KeyFetchError, and the key is not requested."""
    seen: list[httpx.Request] = []
    token_url = "https://api.ebay.com/identity/v1/oauth2/token"
    store = KeyStore(transport=_served({token_url: httpx.Response(401)}, seen))
    store.pin(["api.ebay.com"])
    store.authorize(["api.ebay.com"], ClientCredentials(token_url, "app", Secret("s")))
    with pytest.raises(KeyFetchError, match="OAuth"):
        await store.fetch("https://api.ebay.com/commerce/notification/v1/public_key/k")
    assert len(seen) == 1


def test_register_source_pins_hosts_and_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """A verifier's key hosts are pinned; OAuth options become credentials; HMAC sources: none."""
    monkeypatch.setenv("EBAY_SECRET", "s")
    store = KeyStore()
    verifier = AdobeIoEventsVerifier(client_id="c", keys=store)
    assert register_source(store, verifier, {}, {}, "sources[0]")
    assert store._hosts == {"static.adobeioevents.com"}
    options = {"oauth_client_id": "app", "oauth_client_secret": "env:EBAY_SECRET"}
    assert register_source(store, verifier, options, {}, "sources[1]")
    assert set(store._credentials) == {"static.adobeioevents.com"}
    assert not register_source(KeyStore(), object(), options, {}, "sources[2]")
