"""The Standard Webhooks scheme, written once for every platform that signs with it.

Specification: https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md

What this rests on (relay's ``signatures.md`` 3.32), [code] and [doc] at
``standard-webhooks/standard-webhooks@b2fa7b8719fb``:

- headers ``webhook-id``, ``webhook-timestamp`` (integer Unix seconds of this attempt) and
  ``webhook-signature``: a space-separated list of ``v1,<base64>`` (HMAC-SHA256) and
  ``v1a,<base64>`` (Ed25519) entries; any entry that verifies is enough (rotation in-band);
- signed content ``{webhook-id}.{webhook-timestamp}.{raw body}``;
- secrets ``whsec_<base64 key>`` (HMAC) and ``whpk_<base64 32-byte public key>`` (Ed25519);
- the timestamp must lie within a tolerance on both sides of now (the libraries use 5 minutes).

The reference Python library raises ``ValueError`` on an entry without a comma and decodes
base64 loosely; here an unusable entry simply matches nothing, and a header with no usable
entry at all is ``MalformedSignatureError``. Platforms that derive the key differently
(BigCommerce: the raw client secret) override ``signing_key``.
"""

from __future__ import annotations

import base64
import hmac
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar, Final, Self

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from verifiers._base import InboundRequest, NoHandshake, PlatformReply, Secret, Verified
from verifiers._encoding import decode_base64, require_header
from verifiers._errors import (
    MalformedSignatureError,
    SignatureMismatchError,
    TimestampOutOfToleranceError,
    VerifierConfigError,
)
from verifiers._hmac import hmac_digest
from verifiers._keys import KeyProvider
from verifiers._options import check_secret_text, int_option, reject_unknown

__all__ = [
    "DEFAULT_TOLERANCE_SECONDS",
    "SigningKey",
    "StandardWebhooksScheme",
    "sign_v1",
    "utf8_signing_key",
    "whsec_signing_key",
]

DEFAULT_TOLERANCE_SECONDS: Final = 300
_MAX_TOLERANCE_SECONDS: Final = 86_400
_TIMESTAMP: Final = re.compile(r"[0-9]{1,19}")
_ED25519_SIGNATURE_BYTES: Final = 64

SigningKey = bytes | Ed25519PublicKey
"""An HMAC key (``v1`` signatures) or an Ed25519 public key (``v1a`` signatures)."""


def whsec_signing_key(secret: Secret) -> SigningKey:
    """Derive the key the specification defines: ``whsec_`` + base64, or ``whpk_`` + base64.

    Raises:
        VerifierConfigError: keyed ``secrets``; the prefix is missing or the rest unusable.
    """
    value = secret.value
    if value.startswith("whsec_"):
        return _decode_key_base64(value.removeprefix("whsec_"), "whsec_")
    if value.startswith("whpk_"):
        raw = _decode_key_base64(value.removeprefix("whpk_"), "whpk_")
        try:
            return Ed25519PublicKey.from_public_bytes(raw)
        except ValueError:
            raise VerifierConfigError(
                "secrets", "a whpk_ secret must hold a 32-byte Ed25519 public key"
            ) from None
    raise VerifierConfigError("secrets", "a secret must start with whsec_ or whpk_")


def utf8_signing_key(secret: Secret) -> SigningKey:
    """Derive the key as the raw UTF-8 bytes of the secret (BigCommerce's client secret).

    Raises:
        VerifierConfigError: keyed ``secrets``; the secret is empty.
    """
    check_secret_text(secret)
    return secret.utf8()


def _decode_key_base64(value: str, prefix: str) -> bytes:
    """Decode a key's base64 (padding optional, as the reference libraries accept)."""
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except ValueError:  # binascii.Error, and ValueError for non-ASCII text
        raise VerifierConfigError("secrets", f"a {prefix} secret is not valid base64") from None
    if not raw:
        raise VerifierConfigError("secrets", f"a {prefix} secret is empty")
    return raw


@dataclass(frozen=True, slots=True)
class StandardWebhooksScheme(NoHandshake):
    """A Standard Webhooks verifier; branded subclasses set ``platform`` and the key derivation.

    Option ``tolerance_seconds`` (default 300, at most 86400): how far ``webhook-timestamp`` may
    lie from now, in either direction.
    """

    platform: ClassVar[str]
    acknowledgement: ClassVar[PlatformReply | None] = None
    accept_bare_signature: ClassVar[bool] = False
    """Also accept a header that is one bare ``<base64>`` HMAC (no ``v1,``), as Etsy may send."""

    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], *, keys: KeyProvider | None = None
    ) -> Self:
        """Build the verifier from ``{"tolerance_seconds": ...}``."""
        del keys  # no public keys
        reject_unknown(options, ("tolerance_seconds",))
        return cls(
            tolerance_seconds=int_option(
                options,
                "tolerance_seconds",
                default=DEFAULT_TOLERANCE_SECONDS,
                minimum=1,
                maximum=_MAX_TOLERANCE_SECONDS,
            )
        )

    def signing_key(self, secret: Secret) -> SigningKey:
        """Derive the verification key from ``secret``; ``whsec_``/``whpk_`` per the spec."""
        return whsec_signing_key(secret)

    def check_secret(self, secret: Secret) -> None:
        """Raise ``VerifierConfigError`` when ``secret`` yields no key."""
        self.signing_key(secret)

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        """Check the timestamp window, then every signature entry against every secret."""
        msg_id = require_header(request, "webhook-id")
        timestamp = require_header(request, "webhook-timestamp")
        signatures = require_header(request, "webhook-signature")
        if _TIMESTAMP.fullmatch(timestamp) is None:
            raise MalformedSignatureError("webhook-timestamp is not integer Unix seconds")
        if abs(now.timestamp() - int(timestamp)) > self.tolerance_seconds:
            raise TimestampOutOfToleranceError("webhook-timestamp is outside the tolerance")
        content = f"{msg_id}.{timestamp}.".encode("ascii") + request.body
        self._check_signatures(signatures, content, secrets)
        return Verified(
            request=request,
            platform=self.platform,
            delivery_id=msg_id,
            topic="",
            occurred_at=datetime.fromtimestamp(int(timestamp), UTC),
            headers=(("webhook-id", msg_id), ("webhook-timestamp", timestamp)),
        )

    def _check_signatures(self, header: str, content: bytes, secrets: Sequence[Secret]) -> None:
        """Raise unless one entry of ``header`` verifies ``content`` under one secret's key."""
        entries = _usable_entries(header, accept_bare=self.accept_bare_signature)
        if not entries:
            raise MalformedSignatureError("webhook-signature holds no usable v1 or v1a entry")
        keys = list(self._usable_keys(secrets))
        for version, signature in entries:
            if any(_verifies(key, version, signature, content) for key in keys):
                return
        raise SignatureMismatchError("webhook-signature matches none of the source's secrets")

    def _usable_keys(self, secrets: Sequence[Secret]) -> Iterator[SigningKey]:
        """Yield the key of every secret that has one (``check_secret`` reported the others)."""
        for secret in secrets:
            try:
                yield self.signing_key(secret)
            except VerifierConfigError:
                continue


def _usable_entries(header: str, *, accept_bare: bool) -> list[tuple[str, bytes]]:
    """Return the ``(version, signature)`` entries of ``header`` that could verify anything.

    An entry without a comma, with bad base64, of an unknown version or (``v1a``) of the wrong
    length can match nothing and is left out. With ``accept_bare``, a header that is one
    entry without a comma is read as ``v1,<entry>``.
    """
    parts = header.split()
    if accept_bare and len(parts) == 1 and "," not in parts[0]:
        parts = [f"v1,{parts[0]}"]
    entries: list[tuple[str, bytes]] = []
    for part in parts:
        version, _, encoded = part.partition(",")
        try:
            signature = decode_base64(encoded, what="a webhook-signature entry")
        except MalformedSignatureError:
            continue
        if version == "v1" or (version == "v1a" and len(signature) == _ED25519_SIGNATURE_BYTES):
            entries.append((version, signature))
    return entries


def _verifies(key: SigningKey, version: str, signature: bytes, content: bytes) -> bool:
    """Return whether ``signature`` of scheme ``version`` is ``key``'s signature of ``content``."""
    if isinstance(key, bytes):
        return version == "v1" and hmac.compare_digest(hmac_digest(key, content), signature)
    if version != "v1a":
        return False
    try:
        key.verify(signature, content)
    except InvalidSignature:
        return False
    return True


def sign_v1(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """Return the ``webhook-signature`` value (``v1,<base64 HMAC-SHA256>``) a sender sends."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac_digest(key, content)).decode()
