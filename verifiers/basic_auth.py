"""HTTP Basic authentication (RFC 7617): ``Authorization: Basic base64(user:password)``.

For senders that authenticate with Basic credentials (Adyen's optional endpoint credentials,
Walmart's ``BASIC_AUTH`` subscriptions, BigCommerce custom headers, in-house systems).
Documentation: https://www.rfc-editor.org/rfc/rfc7617

Rests on RFC 7617: the scheme name is case-insensitive; the credentials are canonical base64
of ``user-id ":" password`` in UTF-8. Each secret is one ``user:password`` string; the decoded
credentials are compared with every secret in constant time. Option ``header`` (default
``authorization``) reads another header (Walmart's ``authHeaderName``), where the
``Basic`` word is optional.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Final, Self

from verifiers._base import (
    InboundRequest,
    NoHandshake,
    PlatformReply,
    Secret,
    Verified,
    body_digest_id,
)
from verifiers._encoding import decode_base64, require_header
from verifiers._errors import MalformedSignatureError, SignatureMismatchError, VerifierConfigError
from verifiers._keys import KeyProvider
from verifiers._options import check_secret_text, reject_unknown, str_option
from verifiers._token import credential_matches

__all__ = ["BasicAuthVerifier"]

_BASIC: Final = re.compile(r"(?:[Bb][Aa][Ss][Ii][Cc] +)?(\S+)")


@dataclass(frozen=True, slots=True)
class BasicAuthVerifier(NoHandshake):
    """Verifies HTTP Basic credentials against the source's ``user:password`` secrets."""

    platform: ClassVar[str] = "basic_auth"
    acknowledgement: ClassVar[PlatformReply | None] = None

    header: str = "authorization"

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], *, keys: KeyProvider | None = None
    ) -> Self:
        """Build the verifier from ``{"header": ...}``."""
        del keys  # credentials need no public keys
        reject_unknown(options, ("header",))
        return cls(header=str_option(options, "header", default="authorization").lower())

    def check_secret(self, secret: Secret) -> None:
        """Refuse a secret that is not ``user:password``."""
        check_secret_text(secret)
        if ":" not in secret.value:
            raise VerifierConfigError("secrets", "a basic_auth secret must be user:password")

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        """Check the credentials; the delivery id is a digest of the body."""
        del now  # nothing is signed
        match = _BASIC.fullmatch(require_header(request, self.header))
        if match is None:
            raise MalformedSignatureError(f"{self.header} is not Basic credentials")
        credentials = decode_base64(match.group(1), what=self.header)
        if b":" not in credentials:
            raise MalformedSignatureError(f"{self.header} credentials lack a colon")
        if not credential_matches(credentials, secrets):
            raise SignatureMismatchError(f"{self.header} matches none of the source's secrets")
        return Verified(
            request=request,
            platform=self.platform,
            delivery_id=body_digest_id(request.body),
            topic="",
        )
