"""Webhook signature verification, one module per platform scheme.

Pure and synchronous: a verifier is a function of the request, the source's secrets and an
injected clock. ``VERIFIERS`` maps each platform slug to its verifier class.
"""

from verifiers._base import (
    Authenticity,
    InboundRequest,
    PlatformReply,
    Secret,
    Verified,
    Verifier,
    body_digest_id,
)
from verifiers._errors import (
    KeyUnavailableError,
    MalformedSignatureError,
    MissingSignatureError,
    SignatureMismatchError,
    TimestampOutOfToleranceError,
    UnauthorizedRecipientError,
    VerificationError,
    VerifierConfigError,
)
from verifiers._keys import KeyProvider, StaticKeys
from verifiers._registry import VERIFIERS

__all__ = [
    "VERIFIERS",
    "Authenticity",
    "InboundRequest",
    "KeyProvider",
    "KeyUnavailableError",
    "MalformedSignatureError",
    "MissingSignatureError",
    "PlatformReply",
    "Secret",
    "SignatureMismatchError",
    "StaticKeys",
    "TimestampOutOfToleranceError",
    "UnauthorizedRecipientError",
    "VerificationError",
    "Verified",
    "Verifier",
    "VerifierConfigError",
    "body_digest_id",
]
