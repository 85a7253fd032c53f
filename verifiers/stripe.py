"""Stripe webhooks: ``Stripe-Signature: t=<unix>,v1=<hex>[,v1=...]``, keyed with the whole secret.

Documentation: https://docs.stripe.com/webhooks#verify-manually

Rests on [code] ``stripe/stripe-python`` ``stripe/_webhook.py`` (``WebhookSignature``, relay's
``signatures.md`` 3.23): the header is comma-separated ``k=v`` pairs; ``t`` is the timestamp,
every ``v1`` is a candidate (several while a secret rolls), ``v0`` and unknown schemes are
ignored; ``v1 = hex(HMAC-SHA256(utf8(endpoint secret, "whsec_" included), "{t}." + body))``.
The SDK rejects only timestamps older than its tolerance (300 s); relay rejects both too old and
too far in the future (option ``tolerance_seconds``, default 300), so it refuses everything the
SDK refuses. Vector ``stripe-1`` (stripe-dotnet) verifies at its own clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Final, Self

from verifiers._base import InboundRequest, NoHandshake, PlatformReply, Secret, Verified
from verifiers._describe import Description
from verifiers._encoding import decode_hex, require_header
from verifiers._errors import (
    MalformedSignatureError,
    SignatureMismatchError,
    VerifierConfigError,
)
from verifiers._hmac import matches_any
from verifiers._keys import KeyProvider
from verifiers._options import check_secret_text, int_option, reject_unknown
from verifiers._timestamps import (
    DEFAULT_TOLERANCE_SECONDS,
    MAX_TOLERANCE_SECONDS,
    check_window,
    unix_seconds,
)

__all__ = ["StripeVerifier"]

_HEADER: Final = "stripe-signature"
_DESCRIPTION: Final = Description(
    delivery_id=(("id",),), topic=(("type",),), store_id=(("account",),)
)


@dataclass(frozen=True, slots=True)
class StripeVerifier(NoHandshake):
    """Verifies Stripe deliveries with the endpoint's ``whsec_`` secret(s)."""

    platform: ClassVar[str] = "stripe"
    acknowledgement: ClassVar[PlatformReply | None] = None

    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], *, keys: KeyProvider | None = None
    ) -> Self:
        """Build the verifier from ``{"tolerance_seconds": ...}``."""
        del keys  # HMAC needs no public keys.
        reject_unknown(options, ("tolerance_seconds",))
        return cls(
            tolerance_seconds=int_option(
                options,
                "tolerance_seconds",
                default=DEFAULT_TOLERANCE_SECONDS,
                minimum=1,
                maximum=MAX_TOLERANCE_SECONDS,
            )
        )

    def check_secret(self, secret: Secret) -> None:
        """Refuse an empty or non-UTF-8 secret (the whole ``whsec_...`` string is the key)."""
        check_secret_text(secret)

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        """Check the timestamp window and every ``v1`` against every secret."""
        timestamp, signatures = _parse(require_header(request, _HEADER))
        signed_at = check_window(
            unix_seconds(timestamp, what="Stripe-Signature t"),
            now,
            self.tolerance_seconds,
            what="Stripe-Signature t",
        )
        message = f"{timestamp}.".encode() + request.body
        keys = [secret.utf8() for secret in secrets if _usable(secret)]
        if not any(matches_any(signature, message, keys) for signature in signatures):
            raise SignatureMismatchError("Stripe-Signature matches none of the source's secrets")
        return _DESCRIPTION.verified(request, self.platform, signed_at)


def _usable(secret: Secret) -> bool:
    try:
        check_secret_text(secret)
    except VerifierConfigError:
        return False
    return True


def _parse(header: str) -> tuple[str, list[bytes]]:
    """Return the ``t`` value and the readable ``v1`` digests of ``Stripe-Signature``."""
    timestamps: list[str] = []
    signatures: list[bytes] = []
    for item in header.split(","):
        name, sep, value = item.strip().partition("=")
        if not sep:
            continue
        if name == "t":
            timestamps.append(value)
        elif name == "v1":
            try:
                signatures.append(decode_hex(value, what="a Stripe-Signature v1"))
            except MalformedSignatureError:
                continue
    if len(timestamps) != 1:
        raise MalformedSignatureError("Stripe-Signature needs exactly one t=")
    if not signatures:
        raise MalformedSignatureError("Stripe-Signature holds no readable v1 signature")
    return timestamps[0], signatures
