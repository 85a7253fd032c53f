"""Generic JWT: a delivery authenticated by a JSON Web Token (RFC 7519), keyed or via JWKS.

For senders that put a signed JWT in ``Authorization: Bearer``, in another header, or send
the JWT as the whole body. Documentation: https://www.rfc-editor.org/rfc/rfc7519 and
https://pyjwt.readthedocs.io/

Rests on PyJWT (``verifiers._jwt``): the algorithm is pinned by option, ``exp``/``nbf`` are
checked against the injected clock. Keys are the source's secrets (an HMAC secret for
``HS*``, a PEM public key otherwise) or, with ``jwks_url``, the JWKS published there, fetched
by relay's key provider (host pinned to the configured URL's host) and selected by ``kid``.

Options: ``algorithms`` (required list, e.g. ``[RS256]``), ``location`` (``authorization``:
``Bearer`` token, the default; ``header``; ``body``), ``header`` (for ``location: header``),
``audience``, ``issuer``, ``leeway_seconds`` (60), ``required_claims`` (``[exp]``),
``jwks_url``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Final, Literal, Self
from urllib.parse import urlsplit

from verifiers._base import (
    InboundRequest,
    NoHandshake,
    PlatformReply,
    Secret,
    Verified,
    body_digest_id,
)
from verifiers._encoding import require_header
from verifiers._errors import MalformedSignatureError, VerifierConfigError
from verifiers._jwt import (
    JWT_ALGORITHMS,
    JwtKey,
    JwtScheme,
    claim_text,
    issued_at,
    jwks_keys,
    secret_key,
    secret_keys,
)
from verifiers._keys import KeyProvider, pinned_url
from verifiers._options import (
    choice_option,
    int_option,
    reject_unknown,
    str_list_option,
    str_option,
    url_option,
)

__all__ = ["JwtVerifier"]

Location = Literal["authorization", "header", "body"]
_LOCATIONS: Final[tuple[Location, ...]] = ("authorization", "header", "body")
_OPTIONS: Final = (
    "algorithms",
    "location",
    "header",
    "audience",
    "issuer",
    "leeway_seconds",
    "required_claims",
    "jwks_url",
)
_BEARER: Final = "bearer "


@dataclass(frozen=True, slots=True)
class JwtVerifier(NoHandshake):
    """Verifies a JWT-authenticated delivery."""

    platform: ClassVar[str] = "jwt"
    acknowledgement: ClassVar[PlatformReply | None] = None

    scheme: JwtScheme
    location: Location = "authorization"
    header: str = "authorization"
    jwks_url: str | None = None
    keys: KeyProvider | None = None

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], *, keys: KeyProvider | None = None
    ) -> Self:
        """Build the verifier; ``algorithms`` is required, and ``jwks_url`` needs ``keys``."""
        reject_unknown(options, _OPTIONS)
        algorithms = str_list_option(options, "algorithms", default=())
        if not algorithms or not set(algorithms) <= set(JWT_ALGORITHMS):
            raise VerifierConfigError(
                "options.algorithms", f"list one or more of: {', '.join(JWT_ALGORITHMS)}"
            )
        jwks_url = url_option(options, "jwks_url", "the JWKS") if "jwks_url" in options else None
        if jwks_url is not None and (urlsplit(jwks_url).scheme != "https" or keys is None):
            raise VerifierConfigError("options.jwks_url", "must be https, served by relay's keys")
        location = choice_option(options, "location", choices=_LOCATIONS, default="authorization")
        return cls(
            scheme=JwtScheme(
                algorithms=algorithms,
                audience=str_option(options, "audience"),
                issuer=str_option(options, "issuer"),
                leeway_seconds=int_option(
                    options, "leeway_seconds", default=60, minimum=0, maximum=3600
                ),
                required_claims=str_list_option(options, "required_claims", default=("exp",)),
            ),
            location=location,
            header=str_option(options, "header", default="authorization").lower(),
            jwks_url=jwks_url,
            keys=keys,
        )

    def key_hosts(self) -> frozenset[str]:
        """The hosts relay may fetch keys from for this source: the JWKS URL's host."""
        host = urlsplit(self.jwks_url).hostname if self.jwks_url else None
        return frozenset({host} if host else ())

    def check_secret(self, secret: Secret) -> None:
        """Refuse a secret that cannot be a key for the configured algorithms."""
        secret_key(secret, self.scheme.algorithms)

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        """Read the token, check it with the keys, and use ``jti`` as the delivery id."""
        token = self._token(request)
        claims = self.scheme.check(token, self._keys(token, secrets), now=now)
        return Verified(
            request=request,
            platform=self.platform,
            delivery_id=claim_text(claims, "jti") or body_digest_id(request.body),
            topic="",
            occurred_at=issued_at(claims),
        )

    def _token(self, request: InboundRequest) -> str:
        if self.location == "body":
            try:
                return request.body.decode("ascii").strip()
            except UnicodeDecodeError:
                raise MalformedSignatureError("the body is not a compact JWT") from None
        value = require_header(request, self.header)
        if self.location == "header":
            return value
        if not value.lower().startswith(_BEARER):
            raise MalformedSignatureError(f"{self.header} is not a Bearer token")
        return value[len(_BEARER) :].strip()

    def _keys(self, token: str, secrets: Sequence[Secret]) -> list[JwtKey]:
        if self.jwks_url is not None and self.keys is not None:
            url = pinned_url(self.jwks_url, self.key_hosts(), what="jwks_url")
            kid = self.scheme.header(token).get("kid")
            return jwks_keys(self.keys.key(url), kid if isinstance(kid, str) else None)
        return secret_keys(secrets, self.scheme.algorithms)
