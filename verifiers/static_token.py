"""Static token: a shared secret sent verbatim in a header or a query parameter.

For senders that authenticate with a fixed token (custom headers set on a BigCommerce or
Walmart subscription, URL tokens, in-house systems). No signature covers the body, so a
delivery is only as safe as the TLS channel that carries it.

Rests on the construction itself: the received token is compared with every secret in
constant time (``verifiers._token``). Options: ``header`` (default ``authorization``),
``prefix`` (e.g. ``"Bearer "``; default none), ``query_param`` (read the token from this query
parameter instead of a header).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Self

from verifiers._base import InboundRequest, NoHandshake, PlatformReply, Secret, Verified
from verifiers._describe import Description
from verifiers._keys import KeyProvider
from verifiers._options import reject_unknown
from verifiers._token import TokenScheme, token_scheme_from_options

__all__ = ["StaticTokenVerifier"]


@dataclass(frozen=True, slots=True)
class StaticTokenVerifier(NoHandshake):
    """Verifies that a delivery carries one of the source's tokens."""

    platform: ClassVar[str] = "static_token"
    acknowledgement: ClassVar[PlatformReply | None] = None
    default_query_param: ClassVar[str | None] = None
    description: ClassVar[Description] = Description()

    scheme: TokenScheme

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], *, keys: KeyProvider | None = None
    ) -> Self:
        """Build the verifier from ``header``, ``prefix`` and ``query_param``."""
        del keys  # a token needs no public keys
        reject_unknown(options, ("header", "prefix", "query_param"))
        return cls(token_scheme_from_options(options, query_param=cls.default_query_param))

    def check_secret(self, secret: Secret) -> None:
        """Refuse an empty or non-UTF-8 token."""
        self.scheme.check_secret(secret)

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        """Check the token; the delivery id is a digest of the body."""
        del now  # nothing is signed, least of all a time
        self.scheme.check(request, secrets)
        return self.description.verified(request, self.platform)
