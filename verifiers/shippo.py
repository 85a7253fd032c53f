"""Shippo webhooks: the self-generated ``?token=`` you add to the webhook URL.

Documentation: https://docs.goshippo.com/docs/tracking/webhooksecurity

Rests on [doc]: Shippo offers an IP allowlist, a self-generated token in the URL's query
(``https://myurl.com/?token=123abc``, echoed on every POST), or "HMAC security" set up through
the account manager. Only the token is documented well enough to implement: the token is the
source's secret, compared in constant time (query parameter ``token``, option ``query_param``
to change it). The HMAC variant's header, signed bytes and encoding are **UNCONFIRMED** (not in
the public page); once known, configure it with relay's ``generic_hmac`` platform. The IP
allowlist belongs in front of relay. Retry policy UNCONFIRMED. Payload ``{event, test, data}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from verifiers._describe import Description
from verifiers.static_token import StaticTokenVerifier

__all__ = ["ShippoVerifier"]


@dataclass(frozen=True, slots=True)
class ShippoVerifier(StaticTokenVerifier):
    """Verifies the URL token of Shippo deliveries."""

    platform: ClassVar[str] = "shippo"
    default_query_param: ClassVar[str | None] = "token"
    description: ClassVar[Description] = Description(topic=(("event",),))
