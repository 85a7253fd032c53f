"""The values and the protocol every platform verifier shares.

Verifiers are pure: a function of the inbound request, the source's secrets and an injected
clock. They do no I/O; whatever they need from outside (public keys, the URL a platform signs)
arrives through their options or a key provider given to them at construction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Literal, Protocol, Self

from verifiers._keys import KeyProvider

__all__ = [
    "Authenticity",
    "InboundRequest",
    "NoHandshake",
    "PlatformReply",
    "Secret",
    "Verified",
    "Verifier",
    "body_digest_id",
]

Authenticity = Literal["verified", "limited"]
"""``limited``: the signature covers only part of the delivery (Ecwid signs two body fields)."""


@dataclass(frozen=True, slots=True)
class Secret:
    """One secret of a source. Its value never appears in ``repr``, logs or errors."""

    value: str = field(repr=False)

    def __str__(self) -> str:
        return "Secret(**********)"

    def utf8(self) -> bytes:
        """Return the secret's UTF-8 bytes, the key encoding most platforms use."""
        return self.value.encode()


@dataclass(frozen=True, slots=True)
class InboundRequest:
    """One HTTP request as the receiver got it, before any parsing of the body.

    ``headers`` has lower-cased names; a header sent several times has its values joined
    with ``", "`` as HTTP allows. ``body`` is the exact bytes received: no platform signs
    re-serialized JSON.
    """

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes
    source_id: str
    received_at: datetime

    def header(self, name: str) -> str | None:
        """Return the value of header ``name`` (lower-case), or ``None`` when absent."""
        return self.headers.get(name)


@dataclass(frozen=True, slots=True)
class PlatformReply:
    """What the receiver answers a platform instead of its default JSON body."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = None


@dataclass(frozen=True, slots=True)
class Verified:
    """A delivery proven genuine, with what the rest of the pipeline needs to know about it.

    ``delivery_id`` identifies the delivery for deduplication: the platform's own delivery or
    event id where it sends one, else a digest of the body (``body_digest_id``).
    ``headers`` are the platform headers worth forwarding on the raw Kafka record (topic,
    shop, API version, ...); signature headers are never among them.
    """

    request: InboundRequest
    platform: str
    delivery_id: str
    topic: str
    store_id: str | None = None
    occurred_at: datetime | None = None
    authenticity: Authenticity = "verified"
    headers: tuple[tuple[str, str], ...] = ()


class NoHandshake:
    """For platforms that send no endpoint check (ping, challenge): every request is a delivery."""

    __slots__ = ()

    def handshake(self, request: InboundRequest, secrets: Sequence[Secret]) -> PlatformReply | None:
        """Answer nothing: this platform has no endpoint check."""
        del request, secrets
        return None


class Verifier(Protocol):
    """Proves that a request comes from the platform, for one source's options.

    Optional, outside the protocol (read with ``getattr``): ``secrets_required = False`` on a
    platform that verifies with published keys only (a source may then list no secrets), and
    ``key_hosts()``, the hosts relay's key provider may fetch that verifier's keys from.
    """

    platform: ClassVar[str]
    """The registry slug (``shopify``): also the metric label and the config value."""

    acknowledgement: ClassVar[PlatformReply | None]
    """The platform's required success answer (Shopee: empty body), or ``None`` for relay's."""

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], *, keys: KeyProvider | None = None
    ) -> Self:
        """Build a verifier from a source's ``options``; raise ``VerifierConfigError`` if bad.

        ``keys`` serves the public keys a platform publishes; only public-key platforms use it,
        and they refuse to build without one.
        """
        ...

    def check_secret(self, secret: Secret) -> None:
        """Raise ``VerifierConfigError`` when ``secret`` cannot be a key for this scheme."""
        ...

    def handshake(self, request: InboundRequest, secrets: Sequence[Secret]) -> PlatformReply | None:
        """Answer a platform's endpoint check (ping, challenge), or ``None`` if not one."""
        ...

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        """Return the verified delivery, or raise a ``VerificationError`` subclass.

        Any of ``secrets`` may match (rotation). Every malformed input raises a
        ``VerificationError``; nothing else escapes.
        """
        ...


def body_digest_id(body: bytes) -> str:
    """Return a delivery id derived from the body, for platforms that send no delivery id."""
    return "sha256:" + hashlib.sha256(body).hexdigest()
