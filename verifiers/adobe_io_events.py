"""Adobe I/O Events webhooks: two RSA-SHA256 signatures of the body, keys on Adobe's pinned host.

Documentation: https://developer.adobe.com/events/docs/guides/sdk/sdk-signature-verification

Rests on [code] ``adobe/aio-lib-events`` ``src/signatureUtils.js`` (``verifyDigitalSignature``,
``isTargetRecipient``) and its tests (relay's ``signatures.md`` 3.5; vector ``adobe-io-events-1``):
for i in 1, 2, the key is the PEM at ``https://static.adobeioevents.com`` + header
``x-adobe-public-key{i}-path`` and the signature ``x-adobe-digital-signature-{i}`` (base64,
RSA PKCS#1 v1.5, SHA-256 over the raw body); **either** verifying is enough (key rotation).
Then ``recipient_client_id`` in the body must be option ``client_id`` (required), else
``UnauthorizedRecipientError``. Keys come from the key provider (only from the pinned host; the
path is validated, never a URL from a header). The registration ``challenge`` GET is answered by
echoing the challenge as JSON ({"challenge": ...}): [2nd], UNCONFIRMED in relay's research.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Final, Self
from urllib.parse import parse_qs

from verifiers._base import InboundRequest, PlatformReply, Secret, Verified
from verifiers._describe import Description
from verifiers._encoding import ascii_header, decode_base64
from verifiers._errors import (
    KeyUnavailableError,
    MalformedSignatureError,
    MissingSignatureError,
    SignatureMismatchError,
    UnauthorizedRecipientError,
    VerifierConfigError,
)
from verifiers._json import json_text, parse_object
from verifiers._keys import KeyProvider, pinned_url
from verifiers._options import reject_unknown, required_str_option
from verifiers._public_key import load_public_key, rsa_verifies

__all__ = ["KEY_HOST", "AdobeIoEventsVerifier"]

KEY_HOST: Final = "static.adobeioevents.com"
_PATH: Final = re.compile(r"/[A-Za-z0-9._/-]{1,200}")
_MAX_CHALLENGE: Final = 512


@dataclass(frozen=True, slots=True)
class AdobeIoEventsVerifier:
    """Verifies Adobe I/O Events deliveries; option ``client_id``; keys from the provider."""

    platform: ClassVar[str] = "adobe_io_events"
    acknowledgement: ClassVar[PlatformReply | None] = None
    secrets_required: ClassVar[bool] = False
    description: ClassVar[Description] = Description(
        delivery_id=(("event_id",),),
        topic=(("event", "type"), ("type",)),
        forwarded=("x-adobe-retry-count", "x-adobe-event-id", "x-adobe-event-code"),
    )

    client_id: str
    keys: KeyProvider

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], *, keys: KeyProvider | None = None
    ) -> Self:
        """Build the verifier; needs option ``client_id`` and a key provider."""
        reject_unknown(options, ("client_id",))
        client_id = required_str_option(options, "client_id", "your Adobe project's client id")
        if keys is None:
            raise VerifierConfigError("platform", "adobe_io_events needs relay's key provider")
        return cls(client_id=client_id, keys=keys)

    @staticmethod
    def key_hosts() -> frozenset[str]:
        """Adobe publishes its event-signing keys on this host only."""
        return frozenset({KEY_HOST})

    def check_secret(self, secret: Secret) -> None:
        """Secrets are not used: the keys are Adobe's published ones."""
        del secret

    def handshake(self, request: InboundRequest, secrets: Sequence[Secret]) -> PlatformReply | None:
        """Echo the ``challenge`` of Adobe's registration GET."""
        del secrets
        challenges = parse_qs(request.query).get("challenge", [])
        if request.method != "GET" or len(challenges) != 1 or len(challenges[0]) > _MAX_CHALLENGE:
            return None
        body = json.dumps({"challenge": challenges[0]}).encode()
        return PlatformReply(status=200, body=body, content_type="application/json")

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        """Check either signature with Adobe's key, then the recipient client id."""
        del secrets, now  # Adobe's keys sign; no timestamp is signed
        pairs = [
            (
                ascii_header(request, f"x-adobe-digital-signature-{i}"),
                ascii_header(request, f"x-adobe-public-key{i}-path"),
            )
            for i in (1, 2)
        ]
        usable = [(sig, path) for sig, path in pairs if sig and path]
        if not usable:
            raise MissingSignatureError("no x-adobe-digital-signature with its key path")
        unavailable: KeyUnavailableError | None = None
        for signature, path in usable:
            try:
                if self._verifies(signature, path, request.body):
                    return self._recipient_checked(request)
            except KeyUnavailableError as exc:
                unavailable = unavailable or exc
        if unavailable is not None:
            raise unavailable
        raise SignatureMismatchError("no x-adobe-digital-signature verifies with Adobe's keys")

    def _verifies(self, signature: str, path: str, body: bytes) -> bool:
        if _PATH.fullmatch(path) is None or ".." in path:
            raise MalformedSignatureError("an x-adobe-public-key path is not a key path")
        url = pinned_url(f"https://{KEY_HOST}{path}", self.key_hosts(), what="the key path")
        key = load_public_key(self.keys.key(url), what="Adobe's public key")
        return rsa_verifies(key, decode_base64(signature, what="x-adobe-digital-signature"), body)

    def _recipient_checked(self, request: InboundRequest) -> Verified:
        if json_text(parse_object(request.body), "recipient_client_id") != self.client_id:
            raise UnauthorizedRecipientError("recipient_client_id is not this source's client id")
        return self.description.verified(request, self.platform)
