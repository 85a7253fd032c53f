"""Shared-token schemes (static token, HTTP Basic): constant-time comparison of credentials.

Both sides are hashed with SHA-256 before ``hmac.compare_digest``, so neither the content nor
the length of a secret shows in the comparison time.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs

from verifiers._base import InboundRequest, Secret
from verifiers._encoding import require_header
from verifiers._errors import MalformedSignatureError, MissingSignatureError, SignatureMismatchError
from verifiers._options import check_secret_text, prefix_option, str_option

__all__ = ["TokenScheme", "credential_matches", "query_value", "token_scheme_from_options"]


def credential_matches(candidate: bytes, secrets: Iterable[Secret]) -> bool:
    """Return whether ``candidate`` equals one of ``secrets`` (UTF-8), in constant time each."""
    digest = hashlib.sha256(candidate).digest()
    matched = False
    for secret in secrets:
        try:
            expected = hashlib.sha256(secret.utf8()).digest()
        except UnicodeEncodeError:
            continue
        matched |= hmac.compare_digest(digest, expected)
    return matched


def query_value(request: InboundRequest, name: str) -> str:
    """Return query parameter ``name``, which must appear exactly once.

    Raises:
        MissingSignatureError: absent or empty.
        MalformedSignatureError: given more than once.
    """
    values = parse_qs(request.query, keep_blank_values=True).get(name, [])
    if len(values) > 1:
        raise MalformedSignatureError(f"query parameter {name} is given more than once")
    if not values or not values[0]:
        raise MissingSignatureError(f"query parameter {name} is missing")
    return values[0]


@dataclass(frozen=True, slots=True)
class TokenScheme:
    """A secret token sent in a header (after ``prefix``) or in query parameter ``query_param``."""

    header: str = "authorization"
    prefix: str = ""
    query_param: str | None = None

    def where(self) -> str:
        """Name where the token travels, for messages."""
        return f"query parameter {self.query_param}" if self.query_param else self.header

    def check(self, request: InboundRequest, secrets: Sequence[Secret]) -> None:
        """Raise unless the token equals one of ``secrets``.

        Raises:
            MissingSignatureError: no token.
            MalformedSignatureError: the header lacks the prefix, or is not ASCII.
            SignatureMismatchError: the token is none of the secrets.
        """
        if self.query_param is not None:
            token = query_value(request, self.query_param)
        else:
            value = require_header(request, self.header)
            if not value.startswith(self.prefix):
                raise MalformedSignatureError(f"{self.header} does not start with the prefix")
            token = value.removeprefix(self.prefix)
        if not credential_matches(token.encode("utf-8", "replace"), secrets):
            raise SignatureMismatchError(f"{self.where()} matches none of the source's secrets")

    @staticmethod
    def check_secret(secret: Secret) -> None:
        """Refuse an empty or non-UTF-8 token."""
        check_secret_text(secret)


def token_scheme_from_options(
    options: Mapping[str, object], *, query_param: str | None = None
) -> TokenScheme:
    """Read ``header``, ``prefix`` and ``query_param`` options into a ``TokenScheme``.

    Raises:
        VerifierConfigError: keyed by the offending option.
    """
    return TokenScheme(
        header=str_option(options, "header", default="authorization").lower(),
        prefix=prefix_option(options),
        query_param=str_option(options, "query_param") or query_param,
    )
