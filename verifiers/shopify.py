"""Shopify webhooks: base64 HMAC-SHA256 of the raw body, keyed with the app's client secret.

Documentation: https://shopify.dev/docs/apps/build/webhooks/verify-deliveries

What this rests on (relay's ``signatures.md`` 3.1):

- [code] ``Shopify/shopify-app-js`` ``lib/utils/hmac-validator.ts``: ``X-Shopify-Hmac-Sha256 =
  base64(HMAC-SHA256(utf8(client secret), raw body))``, an empty body is refused;
  ``lib/webhooks/validate.ts`` and ``header-names.ts``: a delivery carrying the lower-case
  ``shopify-hmac-sha256`` is a Shopify Events delivery, whose metadata headers are
  ``shopify-*`` (it may carry the ``x-shopify-*`` ones too).
- [doc] No timestamp is signed, so there is no tolerance window; duplicates are recognised by
  ``X-Shopify-Webhook-Id`` (or ``X-Shopify-Event-Id``); after a client-secret rotation Shopify
  may sign with the old secret for up to an hour, so a source lists both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import ClassVar, Final, Self

from verifiers._base import (
    InboundRequest,
    NoHandshake,
    PlatformReply,
    Secret,
    Verified,
    body_digest_id,
)
from verifiers._encoding import require_header
from verifiers._errors import MalformedSignatureError
from verifiers._hmac import check_base64_hmac
from verifiers._keys import KeyProvider
from verifiers._options import check_secret_text, reject_unknown

__all__ = ["ShopifyVerifier"]

_WEBHOOKS_PREFIX: Final = "x-shopify-"
_EVENTS_PREFIX: Final = "shopify-"
_FORWARDED: Final = tuple(
    prefix + name
    for prefix in (_WEBHOOKS_PREFIX, _EVENTS_PREFIX)
    for name in (
        "topic",
        "sub-topic",
        "shop-domain",
        "api-version",
        "webhook-id",
        "event-id",
        "triggered-at",
        "test",
        "name",
        "handle",
        "action",
        "resource-id",
    )
)
"""Headers copied onto the raw record when present; never the HMAC."""


@dataclass(frozen=True, slots=True)
class ShopifyVerifier(NoHandshake):
    """Verifies Shopify webhook and Shopify Events deliveries. Takes no options."""

    platform: ClassVar[str] = "shopify"
    acknowledgement: ClassVar[PlatformReply | None] = None

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], *, keys: KeyProvider | None = None
    ) -> Self:
        """Build the verifier; Shopify has no options, so any option is refused."""
        del keys  # no public keys
        reject_unknown(options, ())
        return cls()

    def check_secret(self, secret: Secret) -> None:
        """Refuse an empty or non-UTF-8 client secret."""
        check_secret_text(secret)

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        """Check the body HMAC against every secret; see the module docstring for the scheme."""
        del now  # Shopify signs no timestamp.
        events = bool(request.header(_EVENTS_PREFIX + "hmac-sha256"))
        prefixes = (_EVENTS_PREFIX, _WEBHOOKS_PREFIX) if events else (_WEBHOOKS_PREFIX,)
        if not request.body:
            raise MalformedSignatureError("Shopify signs a non-empty body; this one is empty")
        header = prefixes[0] + "hmac-sha256"
        signature = require_header(request, header)
        check_base64_hmac(header, signature, request.body, (s.utf8() for s in secrets))
        metadata = partial(_metadata, request, prefixes)
        return Verified(
            request=request,
            platform=self.platform,
            delivery_id=metadata("webhook-id")
            or metadata("event-id")
            or body_digest_id(request.body),
            topic=metadata("topic") or "",
            store_id=metadata("shop-domain"),
            occurred_at=_parse_triggered_at(metadata("triggered-at")),
            headers=_forwarded(request.headers),
        )


def _forwarded(headers: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    get = headers.get
    return tuple((name, value) for name in _FORWARDED if (value := get(name)))


def _metadata(request: InboundRequest, prefixes: tuple[str, ...], name: str) -> str | None:
    """Return the first non-empty ``<prefix><name>`` header, in the order of ``prefixes``."""
    return next((value for prefix in prefixes if (value := request.header(prefix + name))), None)


def _parse_triggered_at(value: str | None) -> datetime | None:
    """Return ``X-Shopify-Triggered-At`` in UTC, or ``None`` when absent or unreadable.

    Shopify sends nanoseconds (``2024-08-07T22:57:57.290670248Z``); Python keeps microseconds.
    The header is not signed, so a bad value never fails verification.
    """
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
        return parsed.astimezone(UTC) if parsed.tzinfo is not None else None
    except (ValueError, OverflowError):
        return None
