"""The exceptions a verifier raises.

Tree (every name ends in ``Error``)::

    VerificationError                 the delivery is not proven genuine -> HTTP 401
    ├── MissingSignatureError         a required header or signature is absent
    ├── MalformedSignatureError       a header or signature cannot be parsed (base64, non-ASCII)
    ├── SignatureMismatchError        well-formed, but no configured secret produces it
    ├── TimestampOutOfToleranceError  the signed timestamp is too old or too far in the future
    ├── UnauthorizedRecipientError    genuine, but addressed to someone else (e.g. a client id)
    └── KeyUnavailableError           the public key it needs is not cached yet -> the receiver
                                      fetches it and verifies again, else 503 (retryable)
    VerifierConfigError               a source's secrets or options cannot work (found at start-up)

``reason`` is a short, fixed slug used as a metric label and in logs; it never contains
request data, so it can be shown to operators without leaking anything.
"""

from __future__ import annotations

__all__ = [
    "KeyUnavailableError",
    "MalformedSignatureError",
    "MissingSignatureError",
    "SignatureMismatchError",
    "TimestampOutOfToleranceError",
    "UnauthorizedRecipientError",
    "VerificationError",
    "VerifierConfigError",
]


class VerificationError(Exception):
    """A delivery could not be proven genuine; the receiver answers 401."""

    reason = "invalid"


class MissingSignatureError(VerificationError):
    """A header the scheme requires is absent or empty."""

    reason = "missing_signature"


class MalformedSignatureError(VerificationError):
    """A header, signature or signed field cannot be parsed."""

    reason = "malformed_signature"


class SignatureMismatchError(VerificationError):
    """The signature is well-formed but matches none of the source's secrets."""

    reason = "signature_mismatch"


class TimestampOutOfToleranceError(VerificationError):
    """The signed timestamp lies outside the accepted window (too old or in the future)."""

    reason = "timestamp_out_of_tolerance"


class UnauthorizedRecipientError(VerificationError):
    """The delivery is signed but addressed to another recipient."""

    reason = "unauthorized_recipient"


class KeyUnavailableError(VerificationError):
    """The platform's public key at ``url`` is not in the key provider's cache (yet).

    Not a forgery: the receiver fetches ``url`` (from a pinned host only) and verifies again;
    when the key cannot be had it answers 503 so that the platform retries.
    """

    reason = "key_unavailable"

    def __init__(self, url: str) -> None:
        super().__init__("the public key is not available yet")
        self.url = url


class VerifierConfigError(Exception):
    """A source's secrets or options are unusable for its platform's scheme.

    ``key`` names the offending option (``"options.tolerance_seconds"``, ``"secrets[1]"``) so
    ``relay check-config`` can point at it. The message never contains a secret value.
    """

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message
