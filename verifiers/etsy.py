"""Etsy Open API v3 webhooks: Standard Webhooks with a ``whsec_`` signing secret.

Documentation: https://developers.etsy.com/documentation/essentials/webhooks

Rests on [doc] for the concepts (signing secrets, retries) and only [2nd] for the scheme
(relay's ``signatures.md`` 3.6: the ``api-evangelist/etsy`` AsyncAPI summary of Etsy's page):
``webhook-id``/``webhook-timestamp``/``webhook-signature``, signed content ``id.timestamp.body``,
key = base64-decode(secret without ``whsec_``), base64 HMAC-SHA256. Whether the header carries
the ``v1,`` prefix is UNCONFIRMED, so a header holding one bare ``<base64>`` HMAC is accepted
as well as the Standard Webhooks list. No published test vector exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from verifiers._standard_webhooks import StandardWebhooksScheme

__all__ = ["EtsyVerifier"]


@dataclass(frozen=True, slots=True)
class EtsyVerifier(StandardWebhooksScheme):
    """Verifies Etsy deliveries with the endpoint's ``whsec_`` signing secret."""

    platform: ClassVar[str] = "etsy"
    accept_bare_signature: ClassVar[bool] = True
