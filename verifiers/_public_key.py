"""Public keys and certificates a platform publishes, and the signature checks over them.

Parsing never raises anything but ``MalformedSignatureError`` (a key fetched for a request)
or ``VerifierConfigError`` (a key configured as a secret); a signature that does not verify,
or a key of the wrong type, is simply ``False``.
"""

from __future__ import annotations

import re
from typing import Final

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

from verifiers._base import Secret
from verifiers._errors import MalformedSignatureError, VerifierConfigError

__all__ = [
    "ecdsa_verifies",
    "load_certificate",
    "load_public_key",
    "rsa_verifies",
    "secret_public_key",
]

_PEM_BODY: Final = re.compile(
    rb"-----BEGIN PUBLIC KEY-----\s*([A-Za-z0-9+/=\s]+?)\s*-----END PUBLIC KEY-----"
)


def load_public_key(data: bytes, *, what: str) -> PublicKeyTypes:
    """Return the PEM public key in ``data``; one written on a single line is accepted too.

    Raises:
        MalformedSignatureError: ``data`` holds no readable PEM public key.
    """
    match = _PEM_BODY.search(data)
    if match is not None:  # eBay serves the PEM without line breaks
        body = b"".join(match.group(1).split())
        lines = [body[i : i + 64] for i in range(0, len(body), 64)]
        data = b"\n".join([b"-----BEGIN PUBLIC KEY-----", *lines, b"-----END PUBLIC KEY-----"])
    try:
        return serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise MalformedSignatureError(f"{what} is not a PEM public key") from None


def secret_public_key(secret: Secret) -> PublicKeyTypes:
    """Return the PEM public key a source configures as a secret.

    Raises:
        VerifierConfigError: keyed ``secrets``; not a PEM public key.
    """
    try:
        return load_public_key(secret.value.encode("utf-8", "replace"), what="a secret")
    except MalformedSignatureError:
        raise VerifierConfigError("secrets", "a secret must be a PEM public key") from None


def load_certificate(data: bytes, *, what: str) -> x509.Certificate:
    """Return the first PEM certificate in ``data`` (the leaf of a served chain).

    Raises:
        MalformedSignatureError: ``data`` holds no readable PEM certificate.
    """
    try:
        certificates = x509.load_pem_x509_certificates(data)
    except ValueError:
        raise MalformedSignatureError(f"{what} is not a PEM certificate") from None
    return certificates[0]


def rsa_verifies(
    key: PublicKeyTypes,
    signature: bytes,
    message: bytes,
    algorithm: hashes.HashAlgorithm | None = None,
) -> bool:
    """Return whether ``signature`` is ``key``'s RSA PKCS#1 v1.5 signature (SHA-256 default)."""
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        key.verify(signature, message, padding.PKCS1v15(), algorithm or hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def ecdsa_verifies(
    key: PublicKeyTypes, signature: bytes, message: bytes, algorithm: hashes.HashAlgorithm
) -> bool:
    """Return whether DER ``signature`` is ``key``'s ECDSA signature of ``message``."""
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return False
    try:
        key.verify(signature, message, ec.ECDSA(algorithm))
    except InvalidSignature:
        return False
    return True
