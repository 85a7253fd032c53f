"""Ecwid (Lightspeed E-Series) webhooks: base64 HMAC-SHA256 of ``eventCreated + "." + eventId``.

Documentation: https://api-docs.ecwid.com/reference/webhook-handling

Rests on [doc] for delivery (response codes, timeouts, resends) and [2nd] for the signature,
whose doc code sample is truncated (relay's ``signatures.md`` 3.16; several independent PHP
implementations use ``hash_hmac("sha256", "$eventCreated.$eventId", $client_secret, true)``):
``X-Ecwid-Webhook-Signature = base64(HMAC-SHA256(client_secret, eventCreated + "." + eventId))``
with both values read from the JSON body. **The rest of the body is not signed**, so every
verified delivery is marked ``authenticity: limited``: treat ``data`` as a hint and re-read the
entity from the REST API. Duplicates share ``eventId``.
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
from verifiers._json import json_text, parse_object

__all__ = ["EcwidVerifier"]


@dataclass(frozen=True, slots=True)
class EcwidVerifier(HmacPlatform):
    """Verifies Ecwid deliveries with the app's client secret. Takes no options."""

    platform: ClassVar[str] = "ecwid"
    description: ClassVar[Description] = Description(
        delivery_id=(("eventId",),),
        topic=(("eventType",),),
        store_id=(("storeId",),),
        authenticity="limited",
    )

    @classmethod
    def build_scheme(cls, options: Mapping[str, object]) -> HmacScheme:
        """Base64 HMAC; the signed bytes are derived from the body in ``verify``."""
        del options
        return HmacScheme(header="x-ecwid-webhook-signature", encoding="base64")

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        """Check the HMAC of ``eventCreated.eventId``; the delivery is authenticity-limited."""
        body = parse_object(request.body)
        created, event_id = json_text(body, "eventCreated"), json_text(body, "eventId")
        if created is None or event_id is None:
            raise MalformedSignatureError("the body lacks eventCreated or eventId")
        message = f"{created}.{event_id}".encode()
        self.scheme.check(request, secrets, now=now, message=message)
        return self.description.verified(request, self.platform)
