"""HMAC digests and constant-time matching against several keys (secret rotation)."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from typing import Final, Literal

from verifiers._encoding import decode_base64
from verifiers._errors import SignatureMismatchError

__all__ = [
    "HASH_ALGORITHMS",
    "HashAlgorithm",
    "check_base64_hmac",
    "hmac_digest",
    "matches_any",
]

HashAlgorithm = Literal["sha1", "sha256", "sha384", "sha512"]
"""The ``hashlib`` names of the digests platforms sign with."""

HASH_ALGORITHMS: Final[tuple[HashAlgorithm, ...]] = ("sha1", "sha256", "sha384", "sha512")


def hmac_digest(key: bytes, message: bytes, algorithm: HashAlgorithm = "sha256") -> bytes:
    """Return the raw HMAC of ``message`` under ``key`` with the named digest."""
    return hmac.digest(key, message, algorithm)


def matches_any(
    signature: bytes,
    message: bytes,
    keys: Iterable[bytes],
    algorithm: HashAlgorithm = "sha256",
) -> bool:
    """Return whether ``signature`` is the HMAC of ``message`` under any of ``keys``.

    Each comparison is ``hmac.compare_digest`` on bytes; a key that does not match costs the
    same time whatever the signature holds.
    """
    return any(hmac.compare_digest(hmac_digest(key, message, algorithm), signature) for key in keys)


def check_base64_hmac(
    header: str,
    value: str,
    message: bytes,
    keys: Iterable[bytes],
    algorithm: HashAlgorithm = "sha256",
) -> None:
    """Check that ``value`` (header ``header``) is the base64 HMAC of ``message`` under a key.

    Raises:
        MalformedSignatureError: ``value`` is not canonical base64.
        SignatureMismatchError: no key produces it.
    """
    signature = decode_base64(value, what=header)
    if not matches_any(signature, message, keys, algorithm):
        raise SignatureMismatchError(f"{header} matches none of the source's secrets")
