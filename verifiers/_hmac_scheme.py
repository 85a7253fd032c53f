"""One configurable HMAC scheme, written once for every platform that signs with an HMAC.

A scheme names the signature header, an optional prefix (``sha256=``), the output encoding,
the key encoding, the digest, the signed bytes (``verifiers._signed_bytes`` template), and
optionally a signed Unix-seconds timestamp header with its tolerance. Any secret may match
(rotation); with ``repeated`` the header may hold several comma-separated signatures (a header
sent twice arrives joined with ``", "``). Comparisons are ``hmac.compare_digest`` on bytes.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from verifiers._base import InboundRequest, Secret
from verifiers._encoding import decode_base64, decode_hex, require_header
from verifiers._errors import MalformedSignatureError, SignatureMismatchError, VerifierConfigError
from verifiers._hmac import HashAlgorithm, matches_any
from verifiers._options import check_secret_text
from verifiers._signed_bytes import BODY, Part, render
from verifiers._timestamps import DEFAULT_TOLERANCE_SECONDS, check_window, unix_seconds

__all__ = [
    "KEY_ENCODINGS",
    "OUTPUT_ENCODINGS",
    "HmacScheme",
    "KeyEncoding",
    "OutputEncoding",
    "derive_key",
]

OutputEncoding = Literal["hex", "hex_any_case", "base64", "hex_or_base64"]
"""``hex`` is lower-case only; ``hex_or_base64`` accepts either spelling of the same digest."""
KeyEncoding = Literal["utf8", "nfkd", "hex", "base64"]
"""How a secret's text becomes the HMAC key: UTF-8, NFKD-normalised UTF-8, hex or base64."""

OUTPUT_ENCODINGS: Final[tuple[OutputEncoding, ...]] = (
    "hex",
    "hex_any_case",
    "base64",
    "hex_or_base64",
)
KEY_ENCODINGS: Final[tuple[KeyEncoding, ...]] = ("utf8", "nfkd", "hex", "base64")
_ANY_CASE_HEX: Final = re.compile(r"(?:[0-9a-fA-F]{2})+")


def derive_key(secret: Secret, encoding: KeyEncoding) -> bytes:
    """Return the HMAC key ``secret`` stands for under ``encoding``.

    Raises:
        VerifierConfigError: keyed ``secrets``; empty, not UTF-8, or not valid hex/base64.
    """
    check_secret_text(secret)
    if encoding == "utf8":
        return secret.utf8()
    if encoding == "nfkd":
        return unicodedata.normalize("NFKD", secret.value).encode()
    try:
        if encoding == "hex":
            return binascii.a2b_hex(secret.value)
        return base64.b64decode(secret.value, validate=True)
    except ValueError:  # binascii.Error, and ValueError for non-ASCII text
        raise VerifierConfigError("secrets", f"a secret is not valid {encoding}") from None


def decode_signature(value: str, encoding: OutputEncoding, *, what: str) -> tuple[bytes, ...]:
    """Return the digest(s) ``value`` may spell under ``encoding``.

    Raises:
        MalformedSignatureError: ``value`` spells nothing in that encoding.
    """
    if encoding == "hex":
        return (decode_hex(value, what=what),)
    if encoding == "hex_any_case":
        if _ANY_CASE_HEX.fullmatch(value) is None:
            raise MalformedSignatureError(f"{what} is not hex")
        return (bytes.fromhex(value),)
    if encoding == "base64":
        return (decode_base64(value, what=what),)
    digests: list[bytes] = []
    for decode in (decode_hex, decode_base64):
        try:
            digests.append(decode(value, what=what))
        except MalformedSignatureError:
            continue
    if not digests:
        raise MalformedSignatureError(f"{what} is neither hex nor base64")
    return tuple(digests)


@dataclass(frozen=True, slots=True)
class HmacScheme:
    """How one platform (or one generic source) signs with an HMAC."""

    header: str
    encoding: OutputEncoding = "hex"
    key_encoding: KeyEncoding = "utf8"
    algorithm: HashAlgorithm = "sha256"
    prefix: str = ""
    template: tuple[Part, ...] = (BODY,)
    repeated: bool = False
    timestamp_header: str | None = None
    tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS

    def check_secret(self, secret: Secret) -> None:
        """Raise ``VerifierConfigError`` when ``secret`` yields no key."""
        derive_key(secret, self.key_encoding)

    def check(
        self,
        request: InboundRequest,
        secrets: Sequence[Secret],
        *,
        now: datetime,
        message: bytes | None = None,
    ) -> datetime | None:
        """Verify ``request``; return the signed time when the scheme signs one.

        ``message`` replaces the template's bytes for schemes that sign derived bytes (Ecwid).

        Raises:
            MissingSignatureError: the signature (or timestamp, or a signed header) is absent.
            MalformedSignatureError: a header cannot be read.
            TimestampOutOfToleranceError: the signed time lies outside the window.
            SignatureMismatchError: no secret produces any of the signatures.
        """
        signatures = self._signatures(require_header(request, self.header))
        signed_at = None
        if self.timestamp_header is not None:
            value = require_header(request, self.timestamp_header)
            seconds = unix_seconds(value, what=self.timestamp_header)
            signed_at = check_window(
                seconds, now, self.tolerance_seconds, what=self.timestamp_header
            )
        if message is None:
            message = render(self.template, request)
        keys = self.keys(secrets)
        if not any(matches_any(sig, message, keys, self.algorithm) for sig in signatures):
            raise SignatureMismatchError(f"{self.header} matches none of the source's secrets")
        return signed_at

    def _signatures(self, value: str) -> list[bytes]:
        """Return every digest the header spells; unreadable entries of a list are left out."""
        candidates = [part.strip() for part in value.split(",")] if self.repeated else [value]
        digests: list[bytes] = []
        for candidate in candidates:
            if not candidate.startswith(self.prefix):
                continue
            try:
                digests.extend(
                    decode_signature(
                        candidate.removeprefix(self.prefix), self.encoding, what=self.header
                    )
                )
            except MalformedSignatureError:
                continue
        if not digests:
            raise MalformedSignatureError(f"{self.header} holds no readable signature")
        return digests

    def keys(self, secrets: Sequence[Secret]) -> list[bytes]:
        """Return the key of every secret that has one (``check_secret`` reported the others)."""
        keys: list[bytes] = []
        for secret in secrets:
            try:
                keys.append(derive_key(secret, self.key_encoding))
            except VerifierConfigError:
                continue
        return keys
