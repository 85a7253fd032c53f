"""Lemon Squeezy webhooks: hex HMAC-SHA256 of the raw body in ``X-Signature``.

Documentation: https://docs.lemonsqueezy.com/help/webhooks/signing-requests

Rests on [2nd] only: public receivers (``remorses/lemonsqueezy-webhooks``, the
``pockethost`` pull request citing Lemon Squeezy's docs, gists reproducing its signing) hash
the raw body with HMAC-SHA256 under the webhook's signing secret and compare the hex digest
with ``X-Signature``; the event name is in ``X-Event-Name`` and ``meta.event_name``. Lemon
Squeezy's own page was not in the searched corpus, so the scheme and the retry policy are
UNCONFIRMED against a primary source. No timestamp is signed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from verifiers._describe import Description
from verifiers._hmac_platform import HmacPlatform
from verifiers._hmac_scheme import HmacScheme

__all__ = ["LemonSqueezyVerifier"]


@dataclass(frozen=True, slots=True)
class LemonSqueezyVerifier(HmacPlatform):
    """Verifies Lemon Squeezy deliveries with the webhook's signing secret. No options."""

    platform: ClassVar[str] = "lemonsqueezy"
    description: ClassVar[Description] = Description(
        topic=("x-event-name", ("meta", "event_name")),
        store_id=(("data", "attributes", "store_id"),),
        forwarded=("x-event-name",),
    )

    @classmethod
    def build_scheme(cls, options: Mapping[str, object]) -> HmacScheme:
        """Lower-case hex HMAC of the body."""
        del options
        return HmacScheme(header="x-signature")
