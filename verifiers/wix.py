"""Wix webhooks: the body is a JWT signed RS256 with the app's public key.

Documentation: https://dev.wix.com/docs/rest/articles/get-started/about-webhooks and
https://dev.wix.com/docs/rest/articles/get-started/webhook-structure

Rests on [doc] (relay's ``signatures.md`` 3.7): "event data is sent as a JSON web token (JWT)
in the body"; verify it with the app's PEM public key (app dashboard, Webhooks, "Get Public
Key"; one key per app, no JWKS), configured as the source's secret, with the algorithm
**pinned to RS256**. The payload ``{data, iat, exp}`` carries ``data`` as a JSON *string* of
``{eventType, instanceId, data, identity}`` whose own ``data`` string holds the event ``id``
(the dedup key). Whether Wix always sets ``exp`` is UNCONFIRMED, so ``exp``/``nbf`` are checked
when present (option ``leeway_seconds``, default 60) but not required.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Self

from verifiers._base import (
    InboundRequest,
    NoHandshake,
    PlatformReply,
    Secret,
    Verified,
    body_digest_id,
)
from verifiers._errors import MalformedSignatureError
from verifiers._jwt import (
    JwtScheme,
    claim_text,
    decode_json_text,
    issued_at,
    secret_key,
    secret_keys,
)
from verifiers._keys import KeyProvider
from verifiers._options import int_option, reject_unknown

__all__ = ["WixVerifier"]


@dataclass(frozen=True, slots=True)
class WixVerifier(NoHandshake):
    """Verifies Wix webhooks with the app's PEM public key(s)."""

    platform: ClassVar[str] = "wix"
    acknowledgement: ClassVar[PlatformReply | None] = None

    scheme: JwtScheme

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], *, keys: KeyProvider | None = None
    ) -> Self:
        """Build the verifier from ``{"leeway_seconds": ...}``; the key is a secret."""
        del keys
        reject_unknown(options, ("leeway_seconds",))
        leeway = int_option(options, "leeway_seconds", default=60, minimum=0, maximum=3600)
        return cls(JwtScheme(algorithms=("RS256",), leeway_seconds=leeway, required_claims=()))

    def check_secret(self, secret: Secret) -> None:
        """Refuse a secret that is not a PEM public key."""
        secret_key(secret, self.scheme.algorithms)

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        """Verify the body's JWT, then read the event id, type and instance from its data."""
        try:
            token = request.body.decode("ascii").strip()
        except UnicodeDecodeError:
            raise MalformedSignatureError("the body is not a compact JWT") from None
        keys = secret_keys(secrets, self.scheme.algorithms)
        claims = self.scheme.check(token, keys, now=now)
        envelope = decode_json_text(claims.get("data"))
        event = decode_json_text(envelope.get("data"))
        return Verified(
            request=request,
            platform=self.platform,
            delivery_id=claim_text(event, "id") or body_digest_id(request.body),
            topic=claim_text(envelope, "eventType") or "",
            store_id=claim_text(envelope, "instanceId"),
            occurred_at=issued_at(claims),
        )
