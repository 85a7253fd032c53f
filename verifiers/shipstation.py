"""ShipStation webhooks (V1 API): unsigned, authenticated by a secret token in the URL's query.

Documentation: https://www.shipstation.com/docs/api/webhooks/ and, for V2,
https://docs.shipstation.com/apis/docs/guides/webhooks-validation

Rests on [2nd] for V1 (relay's ``signatures.md`` 3.28; hookdeck ``shipstation-webhooks``):
V1 deliveries carry no signature, only ``resource_url`` and ``resource_type``, so the webhook
URL you register carries a secret token (query parameter ``token`` by default, option
``query_param``), compared in constant time; fetch ``resource_url`` with your API key (host
``ssapi*.shipstation.com`` only) for the data. V2 (formerly ShipEngine) signs with RSA-SHA256
(headers ``x-shipengine-rsa-sha256-key-id``, ``-signature``, ``x-shipengine-timestamp`` [doc]),
but the signed string and the key location are **UNCONFIRMED** (not in the pages read), so V2
signature checking is not implemented. Retry policy UNCONFIRMED.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from verifiers._describe import Description
from verifiers.static_token import StaticTokenVerifier

__all__ = ["ShipStationVerifier"]


@dataclass(frozen=True, slots=True)
class ShipStationVerifier(StaticTokenVerifier):
    """Verifies the URL token of ShipStation V1 deliveries."""

    platform: ClassVar[str] = "shipstation"
    default_query_param: ClassVar[str | None] = "token"
    description: ClassVar[Description] = Description(topic=(("resource_type",),))
