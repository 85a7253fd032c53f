"""AfterShip webhooks: base64 HMAC-SHA256 of the raw body, in one of three product headers.

Documentation: https://www.aftership.com/docs/tracking/webhook/webhook-signature and
https://www.aftership.com/docs/returns/2025-04/webhook/signature

Rests on [doc] (relay's ``signatures.md`` 3.31; the tracking and returns pages read directly):
``base64(HMAC-SHA256(utf8(secret), raw body))``; Tracking sends ``aftership-hmac-sha256``,
Returns and Warranty ``as-signature-hmac-sha256``, Shipping (Postmen) and Returns
organisations created before 2022-10-25 ``am-webhook-signature: hmac-sha256=<base64>``. The
first of these headers present is checked. Each product has its own secret. No timestamp.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Final

from verifiers._base import InboundRequest, Secret, Verified
from verifiers._describe import Description
from verifiers._errors import MissingSignatureError
from verifiers._hmac_platform import HmacPlatform
from verifiers._hmac_scheme import HmacScheme

__all__ = ["AfterShipVerifier"]

_SCHEMES: Final = (
    HmacScheme(header="aftership-hmac-sha256", encoding="base64"),
    HmacScheme(header="as-signature-hmac-sha256", encoding="base64"),
    HmacScheme(header="am-webhook-signature", encoding="base64", prefix="hmac-sha256="),
)


@dataclass(frozen=True, slots=True)
class AfterShipVerifier(HmacPlatform):
    """Verifies AfterShip deliveries with the product's webhook secret. Takes no options."""

    platform: ClassVar[str] = "aftership"
    description: ClassVar[Description] = Description(
        delivery_id=(("event_id",),), topic=(("event",),)
    )

    @classmethod
    def build_scheme(cls, options: Mapping[str, object]) -> HmacScheme:
        """The Tracking scheme; ``verify`` picks the one whose header is present."""
        del options
        return _SCHEMES[0]

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        """Check the first AfterShip signature header present."""
        scheme = next((s for s in _SCHEMES if request.header(s.header)), None)
        if scheme is None:
            raise MissingSignatureError("no AfterShip signature header is present")
        scheme.check(request, secrets, now=now)
        return self.description.verified(request, self.platform)
