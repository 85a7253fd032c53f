"""Where public-key verifiers get the keys a platform publishes, without doing I/O.

A verifier of a public-key platform is given a ``KeyProvider`` at construction and asks it,
synchronously, for the bytes (PEM key, certificate, JSON) published at a URL. The provider
answers from its cache or raises ``KeyUnavailableError(url)``; the receiver (``relay.keys``)
then fetches that URL, only when its host is pinned for the platform, and verifies again.
The verifier checks the host against its own pins before it asks, so a URL taken from a
header can never make relay fetch from anywhere else.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from verifiers._errors import KeyUnavailableError, MalformedSignatureError

__all__ = ["KeyProvider", "StaticKeys", "pinned_url"]


class KeyProvider(Protocol):
    """Answers a verifier's request for the published key material at a URL."""

    def key(self, url: str) -> bytes:
        """Return the cached bytes published at ``url``.

        Raises:
            KeyUnavailableError: not cached (or expired); the receiver fetches it.
        """
        ...


@dataclass(frozen=True, slots=True)
class StaticKeys:
    """A provider over a fixed mapping of URL to bytes (tests, and keys loaded from files)."""

    keys: Mapping[str, bytes] = field(default_factory=dict)

    def key(self, url: str) -> bytes:
        """Return the bytes for ``url``, or raise ``KeyUnavailableError``."""
        try:
            return self.keys[url]
        except KeyError:
            raise KeyUnavailableError(url) from None


def pinned_url(url: str, hosts: Collection[str], *, what: str) -> str:
    """Return ``url`` when it is ``https`` on one of ``hosts`` with no credentials or port.

    Raises:
        MalformedSignatureError: any other URL; ``what`` names where it came from.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise MalformedSignatureError(f"{what} is not a URL") from None
    pinned = (
        parts.scheme == "https"
        and parts.hostname in hosts
        and port is None
        and parts.username is None
        and parts.password is None
    )
    if not pinned:
        raise MalformedSignatureError(f"{what} is not on a pinned key host")
    return url
