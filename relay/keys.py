"""The key provider: public keys and certificates that platforms publish, fetched and cached.

Verifiers stay pure: they ask ``KeyStore.key(url)`` synchronously and get the cached bytes or a
``KeyUnavailableError``. The receiver then awaits ``KeyStore.fetch(url)`` and verifies again
(``relay.webhooks``), so the first delivery signed with a new key costs one fetch, not a
rejection. When the key host fails for now the receiver answers 503 + ``Retry-After`` and the
platform retries; when the host has no such key the delivery is refused (401).

- Fetches go only to hosts a configured verifier pinned (``key_hosts()``: Adobe's
  ``static.adobeioevents.com``, eBay's API host, PayPal's API hosts, a JWT source's JWKS host),
  over https, without redirects, bounded in time and size.
- Entries expire after ``ttl_seconds`` (cachetools ``TTLCache``); concurrent fetches of one URL
  share one request. A URL that failed is not fetched again for ``failure_ttl_seconds``, and at
  most ``max_fetches_per_minute`` fetches start per minute: a forger sending made-up key paths
  or ids cannot turn relay into a request amplifier.
- A PayPal certificate is cached only once its chain verifies to a trusted root (certifi's
  bundle by default) for its ``*.paypal.com`` name.
- eBay's key API needs an OAuth application token: a source whose options carry
  ``oauth_client_id`` and ``oauth_client_secret`` (a secret reference) gets client-credentials
  tokens for its key hosts, cached until shortly before they expire.
- Air-gapped installs list ``key_files`` on a source (URL -> local file): those URLs are served
  from the files, read at start-up, and never fetched.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import logging
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import certifi
import httpx
from cachetools import TTLCache
from cryptography import x509
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509 import DNSName
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from relay.errors import ConfigError, RelayError
from relay.secrets import resolve_secret
from verifiers import KeyUnavailableError, Secret

__all__ = ["ClientCredentials", "KeyFetchError", "KeyStore", "paypal_chain_ok", "register_source"]

logger = logging.getLogger(__name__)

_MAX_BYTES: Final = 256 * 1024
_PAYPAL_HOSTS: Final = frozenset(
    {"api.paypal.com", "api-m.paypal.com", "api.sandbox.paypal.com", "api-m.sandbox.paypal.com"}
)
_EBAY_SCOPE: Final = "https://api.ebay.com/oauth/api_scope"


class KeyFetchError(RelayError):
    """A published key could not be had.

    ``retryable``: a passing failure (network, the host's 5xx or 429, the fetch budget): the
    receiver answers 503 so the platform retries. Otherwise the key does not exist or was
    refused (404, a PayPal chain that does not verify): the delivery cannot be genuine -> 401.
    """

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


def paypal_chain_ok(pem: bytes, store: Store) -> bool:
    """Return whether the leaf of ``pem`` chains to ``store`` for its ``*.paypal.com`` name."""
    try:
        chain = x509.load_pem_x509_certificates(pem)
    except ValueError:
        return False
    names = chain[0].subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    name = str(names[0].value) if names else ""
    if not name.endswith(".paypal.com"):
        return False
    try:
        PolicyBuilder().store(store).build_server_verifier(DNSName(name)).verify(
            chain[0], chain[1:]
        )
    except (VerificationError, ValueError):
        return False
    return True


def _certifi_store() -> Store:
    """The system-independent root bundle (certifi); one old root has a negative serial."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return Store(x509.load_pem_x509_certificates(Path(certifi.where()).read_bytes()))


@dataclass(slots=True)
class ClientCredentials:
    """An OAuth client-credentials grant (eBay's application token), cached until near expiry."""

    token_url: str
    client_id: str
    client_secret: Secret
    scope: str = _EBAY_SCOPE
    clock: Callable[[], float] = time.monotonic
    _token: str | None = field(default=None, repr=False)
    _expires: float = 0.0

    async def header(self, client: httpx.AsyncClient) -> str:
        """Return ``Bearer <token>``, asking for a new token when the cached one is near expiry."""
        if self._token is None or self.clock() >= self._expires:
            basic = base64.b64encode(f"{self.client_id}:{self.client_secret.value}".encode())
            response = await client.post(
                self.token_url,
                data={"grant_type": "client_credentials", "scope": self.scope},
                headers={"authorization": "Basic " + basic.decode()},
            )
            document = response.json() if response.status_code == httpx.codes.OK else {}
            token, lifetime = document.get("access_token"), document.get("expires_in", 0)
            if not isinstance(token, str) or not isinstance(lifetime, int):
                raise KeyFetchError("the OAuth token request failed")
            self._token, self._expires = token, self.clock() + max(lifetime - 60, 0)
        return f"Bearer {self._token}"


class KeyStore:
    """``verifiers.KeyProvider`` over a TTL cache, filled by ``fetch`` from pinned hosts only."""

    def __init__(
        self,
        *,
        ttl_seconds: float = 24 * 3600,
        max_entries: int = 512,
        timeout_seconds: float = 5.0,
        files: Mapping[str, bytes] | None = None,
        trust: Store | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        failure_ttl_seconds: float = 60,
        max_fetches_per_minute: int = 30,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cache: TTLCache[str, bytes] = TTLCache(max_entries, ttl_seconds, timer=clock)
        self._failed: TTLCache[str, KeyFetchError] = TTLCache(
            max_entries, failure_ttl_seconds, timer=clock
        )
        self._started: TTLCache[int, bool] = TTLCache(max_fetches_per_minute, 60, timer=clock)
        self._fetch_ids = itertools.count()
        self._max_fetches = max_fetches_per_minute
        self._files = dict(files or {})
        self._hosts: set[str] = set()
        self._credentials: dict[str, ClientCredentials] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._timeout = timeout_seconds
        self._trust = trust
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    def pin(self, hosts: Iterable[str]) -> None:
        """Allow fetches from ``hosts`` (a configured verifier's key hosts)."""
        self._hosts.update(host.lower() for host in hosts)

    def authorize(self, hosts: Iterable[str], credentials: ClientCredentials) -> None:
        """Send ``credentials``' bearer token with every fetch from ``hosts``."""
        for host in hosts:
            self._credentials[host.lower()] = credentials

    def add_files(self, files: Mapping[str, str], key: str) -> None:
        """Serve each URL of ``files`` from its local file; ``key`` names the setting in errors.

        Raises:
            ConfigError: a file cannot be read.
        """
        for url, path in files.items():
            try:
                self._files[url] = Path(path).read_bytes()
            except OSError as exc:
                raise ConfigError(
                    f"{key}.key_files", f"cannot read {path}: {exc.strerror}"
                ) from exc

    def key(self, url: str) -> bytes:
        """Return the bytes published at ``url`` from a local file or the cache.

        Raises:
            KeyUnavailableError: not cached (or expired): ``fetch`` it.
        """
        if url in self._files:
            return self._files[url]
        cached = self._cache.get(url)
        if cached is None:
            raise KeyUnavailableError(url)
        return cached

    async def fetch(self, url: str) -> None:
        """Fetch ``url`` into the cache (one request however many callers wait for it).

        Raises:
            KeyFetchError: the host is not pinned, or the fetch failed or was refused.
        """
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme != "https" or host not in self._hosts or parts.port is not None:
            raise KeyFetchError("the key URL is not on a pinned host", retryable=False)
        lock = self._locks.setdefault(url, asyncio.Lock())
        try:
            async with lock:
                if url in self._cache:
                    return
                self._admit(url)
                try:
                    self._cache[url] = await self._checked_download(url, host)
                except KeyFetchError as exc:
                    self._failed[url] = exc
                    raise
        finally:
            if not lock.locked():
                self._locks.pop(url, None)

    def _admit(self, url: str) -> None:
        """Refuse a URL that failed recently, or any fetch beyond the per-minute budget."""
        failed = self._failed.get(url)
        if failed is not None:
            raise KeyFetchError("the key URL failed recently", retryable=failed.retryable)
        if len(self._started) >= self._max_fetches:
            raise KeyFetchError("too many key fetches this minute")
        self._started[next(self._fetch_ids)] = True

    async def _checked_download(self, url: str, host: str) -> bytes:
        content = await self._download(url, host)
        if host in _PAYPAL_HOSTS and not paypal_chain_ok(content, self._trusted()):
            raise KeyFetchError("PayPal's certificate chain does not verify", retryable=False)
        return content

    async def _download(self, url: str, host: str) -> bytes:
        client = self._http()
        try:
            headers = {"accept": "application/json, application/x-pem-file, */*"}
            if host in self._credentials:
                headers["authorization"] = await self._credentials[host].header(client)
            response = await client.get(url, headers=headers)
        except httpx.HTTPError as exc:
            logger.warning("key fetch failed", extra={"host": host, "error": type(exc).__name__})
            raise KeyFetchError("the key fetch failed") from exc
        status = response.status_code
        if status != httpx.codes.OK or len(response.content) > _MAX_BYTES:
            logger.warning("key fetch refused", extra={"host": host, "status": status})
            transient = (
                status >= httpx.codes.INTERNAL_SERVER_ERROR
                or status == httpx.codes.TOO_MANY_REQUESTS
            )
            raise KeyFetchError("the key host did not serve a key", retryable=transient)
        return response.content

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=self._timeout, follow_redirects=False, transport=self._transport
            )
        return self._client

    def _trusted(self) -> Store:
        if self._trust is None:
            self._trust = _certifi_store()
        return self._trust

    async def aclose(self) -> None:
        """Close the HTTP client, if one was opened."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def register_source(
    store: KeyStore,
    verifier: object,
    options: Mapping[str, object],
    key_files: Mapping[str, str],
    where: str,
) -> bool:
    """Pin a built verifier's key hosts, load its key files and OAuth credentials.

    Returns whether the source uses published keys (the receiver then fetches for it).

    Raises:
        ConfigError: a key file or the OAuth secret reference cannot be read.
    """
    hosts = getattr(verifier, "key_hosts", None)
    pinned = frozenset(hosts()) if callable(hosts) else frozenset()
    store.pin(pinned)
    store.add_files(key_files, where)
    client_id, secret_ref = options.get("oauth_client_id"), options.get("oauth_client_secret")
    if pinned and isinstance(client_id, str) and isinstance(secret_ref, str):
        secret = resolve_secret(secret_ref, f"{where}.options.oauth_client_secret")
        for host in pinned:
            token_url = f"https://{host}/identity/v1/oauth2/token"
            store.authorize([host], ClientCredentials(token_url, client_id, secret))
    return bool(pinned or key_files)
