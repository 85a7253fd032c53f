"""Adyen webhooks: HMAC over joined fields of every notification item, or over the raw body.

Documentation: https://docs.adyen.com/development-resources/webhooks/secure-webhooks/verify-hmac-signatures

Rests on [code] ``Adyen/adyen-python-api-library`` ``Adyen/util.py`` and ``test/UtilTest.py``
(relay's ``signatures.md`` 3.25), the key being the **hex-decoded** HMAC key:

- Classic (Payments) webhooks: per ``NotificationRequestItem``, ``additionalData.hmacSignature
  = base64(HMAC-SHA256(key, "pspReference:originalReference:merchantAccountCode:
  merchantReference:amount.value:amount.currency:eventCode:success"))``, a missing field being
  empty and values used as decoded from JSON (not escaped). The SDK checks only the first item
  of a batch; relay checks **every** item and refuses the batch if any fails. A body that is one
  bare item (as the SDK's tests pass it) is a batch of one.
- Balance Platform and Management API webhooks: header ``HmacSignature = base64(HMAC-SHA256(key,
  raw body))``.

Adyen wants any 2xx within 10 s; relay answers ``[accepted]`` as Adyen's guide shows. No
timestamp is signed; duplicates share ``pspReference`` + ``eventCode``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Final

from verifiers._base import InboundRequest, PlatformReply, Secret, Verified, body_digest_id
from verifiers._describe import Description
from verifiers._encoding import decode_base64
from verifiers._errors import MalformedSignatureError, MissingSignatureError, SignatureMismatchError
from verifiers._hmac import matches_any
from verifiers._hmac_platform import HmacPlatform
from verifiers._hmac_scheme import HmacScheme
from verifiers._json import json_text, parse_object

__all__ = ["AdyenVerifier", "signing_string"]

_PAYLOAD_HEADER: Final = "hmacsignature"
_FIELDS: Final = ("pspReference", "originalReference", "merchantAccountCode", "merchantReference")
_MAX_ITEMS: Final = 1000


def _text(value: object) -> str:
    """Return a field as Adyen joins it: missing is empty, booleans are lower-case."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def signing_string(item: Mapping[str, object]) -> str:
    """Return the colon-joined fields a classic notification item's HMAC covers."""
    amount = item.get("amount")
    amount = amount if isinstance(amount, Mapping) else {}
    values = [item.get(name) for name in _FIELDS]
    values += [
        amount.get("value"),
        amount.get("currency"),
        item.get("eventCode"),
        item.get("success"),
    ]
    return ":".join(_text(value) for value in values)


def _items(body: Mapping[str, object]) -> list[Mapping[str, object]]:
    """Return the notification items of a classic body (a bare item is a batch of one)."""
    wrapped = body.get("notificationItems")
    if wrapped is None:
        return [body]
    if not isinstance(wrapped, list) or not 0 < len(wrapped) <= _MAX_ITEMS:
        raise MalformedSignatureError("notificationItems is not a non-empty list")
    items = [entry.get("NotificationRequestItem") for entry in wrapped if isinstance(entry, dict)]
    if len(items) != len(wrapped) or not all(isinstance(item, dict) for item in items):
        raise MalformedSignatureError("a notification item is not an object")
    return items  # type: ignore[return-value]  # every entry checked to be a dict above


@dataclass(frozen=True, slots=True)
class AdyenVerifier(HmacPlatform):
    """Verifies Adyen webhooks with the hex HMAC key(s). Takes no options."""

    platform: ClassVar[str] = "adyen"
    acknowledgement: ClassVar[PlatformReply | None] = PlatformReply(
        status=200, body=b"[accepted]", content_type="text/plain"
    )
    description: ClassVar[Description] = Description(topic=(("type",),))

    @classmethod
    def build_scheme(cls, options: Mapping[str, object]) -> HmacScheme:
        """The payload scheme: base64 HMAC of the body in ``HmacSignature``, hex key."""
        del options
        return HmacScheme(header=_PAYLOAD_HEADER, encoding="base64", key_encoding="hex")

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        """Check the payload HMAC when the header is there, else every item's HMAC."""
        if request.header(_PAYLOAD_HEADER):
            return HmacPlatform.verify(self, request, secrets, now=now)
        items = _items(parse_object(request.body))
        keys = self.scheme.keys(secrets)
        for item in items:
            additional = item.get("additionalData")
            signature = (
                json_text(additional, "hmacSignature") if isinstance(additional, Mapping) else None
            )
            if signature is None:
                raise MissingSignatureError("a notification item has no hmacSignature")
            digest = decode_base64(signature, what="hmacSignature")
            if not matches_any(digest, signing_string(item).encode(), keys):
                raise SignatureMismatchError("an item's hmacSignature matches no HMAC key")
        ids = [
            f"{_text(item.get('pspReference'))}:{_text(item.get('eventCode'))}" for item in items
        ]
        return Verified(
            request=request,
            platform=self.platform,
            delivery_id=ids[0] if len(ids) == 1 else body_digest_id(request.body),
            topic=_text(items[0].get("eventCode")),
            store_id=json_text(items[0], "merchantAccountCode"),
        )
