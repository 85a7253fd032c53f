"""JSON Web Tokens (RFC 7519) checked with PyJWT, with the clock injected.

PyJWT checks the signature (with ``algorithms`` pinned: a token naming another algorithm,
``none`` included, never verifies), audience, issuer and required claims; ``exp`` and ``nbf``
are checked here against the injected ``now`` with a leeway. Every PyJWT error becomes a
``VerificationError``: signature failures a mismatch, claim failures their own kind.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import jwt
from jwt import PyJWK, PyJWKSet

from verifiers._base import Secret
from verifiers._errors import (
    MalformedSignatureError,
    SignatureMismatchError,
    TimestampOutOfToleranceError,
    UnauthorizedRecipientError,
    VerifierConfigError,
)
from verifiers._options import check_secret_text

__all__ = [
    "ASYMMETRIC",
    "JWT_ALGORITHMS",
    "JwtKey",
    "JwtScheme",
    "claim_text",
    "decode_json_text",
    "issued_at",
    "jwks_keys",
    "secret_key",
    "secret_keys",
]

JWT_ALGORITHMS: Final = (
    "HS256",
    "HS384",
    "HS512",
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
)
ASYMMETRIC: Final = frozenset(JWT_ALGORITHMS[3:])

JwtKey = bytes | PyJWK
"""An HMAC secret or PEM public key (bytes), or one key of a JWKS."""


def secret_key(secret: Secret, algorithms: Iterable[str]) -> bytes:
    """Return ``secret`` as a JWT key: a PEM public key for asymmetric algorithms, else UTF-8.

    Raises:
        VerifierConfigError: keyed ``secrets``; empty, or not a PEM key where one is needed.
    """
    check_secret_text(secret)
    key = secret.utf8()
    if ASYMMETRIC.intersection(algorithms) and b"-----BEGIN" not in key:
        raise VerifierConfigError(
            "secrets", "a secret must be a PEM public key for these algorithms"
        )
    return key


def secret_keys(secrets: Iterable[Secret], algorithms: Iterable[str]) -> list[JwtKey]:
    """Return the key of every secret that is one (``check_secret`` reported the others)."""
    algorithms = tuple(algorithms)
    keys: list[JwtKey] = []
    for secret in secrets:
        try:
            keys.append(secret_key(secret, algorithms))
        except VerifierConfigError:
            continue
    return keys


def jwks_keys(document: bytes, kid: str | None) -> list[JwtKey]:
    """Return the keys of JWKS ``document`` that ``kid`` selects (all when there is no kid).

    Raises:
        MalformedSignatureError: the document is not a usable JWKS.
    """
    try:
        keys = PyJWKSet.from_json(document.decode()).keys
    except (jwt.PyJWTError, ValueError, TypeError, KeyError, AttributeError):
        raise MalformedSignatureError("the JWKS is not usable") from None
    return [key for key in keys if kid is None or key.key_id == kid]


@dataclass(frozen=True, slots=True)
class JwtScheme:
    """What a token must satisfy besides its signature."""

    algorithms: tuple[str, ...]
    audience: str | None = None
    issuer: str | None = None
    leeway_seconds: int = 60
    required_claims: tuple[str, ...] = ("exp",)

    @staticmethod
    def header(token: str) -> Mapping[str, object]:
        """Return the token's unverified header.

        Raises:
            MalformedSignatureError: not a compact JWS.
        """
        try:
            return jwt.get_unverified_header(token)
        except (jwt.PyJWTError, ValueError, TypeError):
            raise MalformedSignatureError("the token is not a compact JWT") from None

    def check(self, token: str, keys: Sequence[JwtKey], *, now: datetime) -> Mapping[str, object]:
        """Return the claims of ``token`` once one of ``keys`` verifies it and the claims hold.

        Raises:
            MalformedSignatureError: unreadable token, unpinned algorithm, missing claim.
            SignatureMismatchError: no key verifies it.
            UnauthorizedRecipientError: wrong audience or issuer.
            TimestampOutOfToleranceError: expired, or not yet valid.
        """
        algorithm = self.header(token).get("alg")
        if algorithm not in self.algorithms:
            raise MalformedSignatureError("the token's algorithm is not one the source allows")
        for key in keys:
            claims = self._decode(token, key, str(algorithm))
            if claims is not None:
                self._check_times(claims, now)
                return claims
        raise SignatureMismatchError("the token matches none of the source's keys")

    def _decode(self, token: str, key: JwtKey, algorithm: str) -> Mapping[str, object] | None:
        """Return the claims when ``key`` verifies ``token``, ``None`` when it does not."""
        options: dict[str, object] = {
            "verify_exp": False,
            "verify_nbf": False,
            "verify_iat": False,
            "verify_aud": self.audience is not None,
            "verify_iss": self.issuer is not None,
            "require": list(self.required_claims),
        }
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self.audience,
                issuer=self.issuer,
                options=options,  # type: ignore[arg-type]
            )
        except (jwt.InvalidSignatureError, jwt.InvalidKeyError, jwt.InvalidAlgorithmError):
            return None
        except (jwt.InvalidAudienceError, jwt.InvalidIssuerError):
            raise UnauthorizedRecipientError(
                "the token is for another audience or issuer"
            ) from None
        except jwt.MissingRequiredClaimError:
            raise MalformedSignatureError("the token lacks a required claim") from None
        except (jwt.PyJWTError, ValueError, TypeError):  # e.g. a key PyJWT cannot load
            return None

    def _check_times(self, claims: Mapping[str, object], now: datetime) -> None:
        """Check ``exp`` and ``nbf`` against ``now``, with the leeway."""
        at = now.timestamp()
        expires, not_before = claims.get("exp"), claims.get("nbf")
        for name, value in (("exp", expires), ("nbf", not_before)):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)
            ):
                raise MalformedSignatureError(f"the token's {name} is not a number")
        if isinstance(expires, int | float) and at >= expires + self.leeway_seconds:  # as PyJWT
            raise TimestampOutOfToleranceError("the token has expired")
        if isinstance(not_before, int | float) and at < not_before - self.leeway_seconds:
            raise TimestampOutOfToleranceError("the token is not valid yet")


def issued_at(claims: Mapping[str, object]) -> datetime | None:
    """Return the ``iat`` claim as a UTC time, or ``None``."""
    value = claims.get("iat")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def claim_text(claims: Mapping[str, object], name: str) -> str | None:
    """Return claim ``name`` when it is a non-empty string."""
    value = claims.get(name)
    return value if isinstance(value, str) and value else None


def decode_json_text(value: object) -> Mapping[str, object]:
    """Return ``value`` (a JSON object, or a string holding one, as Wix nests) as a mapping."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, Mapping) else {}
