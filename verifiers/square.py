"""Square webhooks: base64 HMAC-SHA256 of the notification URL followed by the raw body.

Documentation: https://developer.squareup.com/docs/webhooks/step3validate

Rests on [code] ``square/square-python-sdk`` ``src/square/utils/webhooks_helper.py``
(``verify_signature``) and its tests (relay's ``signatures.md`` 3.22):
``x-square-hmacsha256-signature = base64(HMAC-SHA256(utf8(signature key),
utf8(notification URL + body)))``; an empty body never verifies. The URL is the subscription's
notification URL byte for byte, so it is option ``notification_url`` (required), never the
request's ``Host``. No timestamp is signed; duplicates share ``event_id``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from verifiers._base import InboundRequest, Secret, Verified
from verifiers._describe import Description
from verifiers._errors import MalformedSignatureError
from verifiers._hmac_platform import HmacPlatform
from verifiers._hmac_scheme import HmacScheme
from verifiers._options import url_option
from verifiers._signed_bytes import BODY

__all__ = ["SquareVerifier"]


@dataclass(frozen=True, slots=True)
class SquareVerifier(HmacPlatform):
    """Verifies Square deliveries; option ``notification_url`` is the subscription's URL."""

    platform: ClassVar[str] = "square"
    options: ClassVar[tuple[str, ...]] = ("notification_url",)
    description: ClassVar[Description] = Description(
        delivery_id=(("event_id",),),
        topic=(("type",),),
        store_id=(("merchant_id",),),
        forwarded=("square-environment", "square-retry-number", "square-retry-reason"),
    )

    @classmethod
    def build_scheme(cls, options: Mapping[str, object]) -> HmacScheme:
        """Sign ``notification_url + body``, base64."""
        url = url_option(options, "notification_url", "the subscription's notification URL")
        return HmacScheme(
            header="x-square-hmacsha256-signature",
            encoding="base64",
            template=(url.encode(), BODY),
        )

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        """Refuse an empty body (as the SDK does), then check the HMAC."""
        if not request.body:
            raise MalformedSignatureError("Square signs a non-empty body; this one is empty")
        return HmacPlatform.verify(self, request, secrets, now=now)
