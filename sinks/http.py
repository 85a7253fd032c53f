"""The ``http`` sink: POST each event (structured CloudEvent JSON) signed with Standard Webhooks.

Headers: ``content-type: application/cloudevents+json``, ``webhook-id`` = the event id (the
receiver deduplicates on it), ``webhook-timestamp``, ``webhook-signature: v1,<base64>``
(https://github.com/standard-webhooks/standard-webhooks). Answers: 2xx delivered; a redirect
is a failure (never followed); 408, 425, 429 and 5xx are retried (``Retry-After`` honoured, up
to ``retry.wait_max_seconds``); 410 Gone stops the sink; any other answer is permanent (DLQ).
Targets on loopback, private, link-local or otherwise reserved addresses are refused unless
``allow_private_networks: true``. The check runs on the addresses the host resolves to before
each request; a DNS answer that changes between the check and the connection is not caught.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urlsplit

import aiohttp
from pydantic import AnyHttpUrl, Field

from sinks._base import SinkContext
from sinks._common import SecretRef, SinkSettings
from sinks._errors import DeliveryError, SinkConfigError, SinkGoneError
from sinks.event import SinkEvent
from verifiers import Secret, VerifierConfigError
from verifiers._standard_webhooks import sign_v1, whsec_signing_key

__all__ = ["HttpSink", "HttpSinkConfig", "check_address"]

_RETRIED = frozenset({408, 425, 429})
_GONE = 410


class HttpSinkConfig(SinkSettings):
    """POST every event to ``url``."""

    type: Literal["http"] = "http"
    url: AnyHttpUrl
    secret: SecretRef | None = Field(
        default=None, description="A `whsec_...` signing secret; without it nothing is signed."
    )
    timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    headers: dict[str, str] = Field(default_factory=dict, description="Extra request headers.")
    allow_private_networks: bool = Field(
        default=False, description="Allow loopback/private/link-local targets (development)."
    )


def check_address(address: str) -> None:
    """Raise a permanent ``DeliveryError`` when ``address`` is not a public unicast address."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if not ip.is_global or ip.is_multicast:
        raise DeliveryError(
            "private_address",
            "the target resolves to a non-public address (set allow_private_networks)",
            retriable=False,
        )


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((moment - datetime.now(UTC)).total_seconds(), 0.0)


class HttpSink:
    """Delivers events as signed HTTP POSTs."""

    def __init__(self, config: HttpSinkConfig, context: SinkContext) -> None:
        self._config = config
        self._key: bytes | None = None
        if config.secret is not None:
            secret: Secret = context.resolve_secret(config.secret, f"sinks[{config.name}].secret")
            try:
                key = whsec_signing_key(secret)
            except VerifierConfigError as exc:
                raise SinkConfigError(f"sinks[{config.name}].secret", exc.message) from exc
            if not isinstance(key, bytes):
                raise SinkConfigError(f"sinks[{config.name}].secret", "signing needs a whsec_ key")
            self._key = key
        self._url = str(config.url)
        self._host = urlsplit(self._url).hostname or ""
        self._headers = {
            **config.headers,
            "content-type": "application/cloudevents+json; charset=utf-8",
        }
        self._session: aiohttp.ClientSession | None = None
        self._checked: tuple[float, str] | None = None

    async def start(self) -> None:
        """Create the keep-alive connection pool (``max_in_flight`` connections)."""
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=self._config.max_in_flight),
            timeout=aiohttp.ClientTimeout(total=self._config.timeout_seconds),
            auto_decompress=False,
        )

    async def deliver(self, event: SinkEvent) -> None:
        """POST ``event``; map the answer to success, retry, dead letter or stop."""
        session = self._session
        if session is None:
            raise RuntimeError("http sink not started")
        await self._guard(self._host)
        headers = {**self._headers, "webhook-id": event.id}
        if self._key is not None:
            timestamp = int(time.time())
            headers["webhook-timestamp"] = str(timestamp)
            headers["webhook-signature"] = sign_v1(self._key, event.id, timestamp, event.body)
        try:
            async with session.post(
                self._url, data=event.body, headers=headers, allow_redirects=False
            ) as response:
                status = response.status
                retry_after = response.headers.get("retry-after")
                await response.read()  # drained, the connection is reused
        except TimeoutError:
            raise DeliveryError("http_timeout", "no answer in time", retriable=True) from None
        except aiohttp.ClientError as exc:
            raise DeliveryError("http_connect", exc.__class__.__name__, retriable=True) from None
        if 200 <= status < 300:  # noqa: PLR2004 (the 2xx range)
            return
        if status == _GONE:
            raise SinkGoneError(f"{self._config.name}: the target answered 410 Gone; fix the url")
        if status in _RETRIED or status >= 500:  # noqa: PLR2004 (server errors)
            raise DeliveryError(
                f"http_{status}",
                f"the target answered {status}",
                retriable=True,
                retry_after=_retry_after(retry_after),
            )
        raise DeliveryError(f"http_{status}", f"the target answered {status}", retriable=False)

    async def _guard(self, host: str) -> None:
        if self._config.allow_private_networks:
            return
        now = time.monotonic()
        if self._checked is not None and self._checked[1] == host and now - self._checked[0] < 60:  # noqa: PLR2004 (re-check each minute)
            return
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, None, type=socket.SOCK_STREAM
            )
        except socket.gaierror:
            raise DeliveryError(
                "http_dns", "the target host does not resolve", retriable=True
            ) from None
        for info in infos:
            check_address(str(info[4][0]))
        self._checked = (now, host)

    async def aclose(self) -> None:
        """Close the connection pool."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()
