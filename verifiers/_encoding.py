"""Strict reading of header values and signature encodings.

Every parse failure raises ``MalformedSignatureError`` (an absent header ``MissingSignatureError``):
``ValueError``, ``binascii.Error`` and ``UnicodeError`` never escape. Messages name the header,
never its value.
"""

from __future__ import annotations

import base64
import re
from typing import Final

from verifiers._base import InboundRequest
from verifiers._errors import MalformedSignatureError, MissingSignatureError

__all__ = ["ascii_header", "decode_base64", "decode_hex", "require_header"]

_LOWER_HEX: Final = re.compile(r"(?:[0-9a-f]{2})+")


def ascii_header(request: InboundRequest, name: str) -> str | None:
    """Return header ``name`` when present and non-empty, else ``None``.

    Raises:
        MalformedSignatureError: the value holds a non-ASCII character.
    """
    value = request.header(name)
    if not value:
        return None
    if not value.isascii():
        raise MalformedSignatureError(f"{name} has non-ASCII characters")
    return value


def require_header(request: InboundRequest, name: str) -> str:
    """Return header ``name``, which the scheme needs.

    Raises:
        MissingSignatureError: the header is absent or empty.
        MalformedSignatureError: the value holds a non-ASCII character.
    """
    value = ascii_header(request, name)
    if value is None:
        raise MissingSignatureError(f"{name} is missing")
    return value


def decode_base64(value: str, *, what: str) -> bytes:
    """Decode standard, padded, canonical base64 (the only form a signer produces).

    A non-canonical spelling (stray bits in the last character, missing or extra padding) is
    refused, so every distinct string is a distinct signature.

    Raises:
        MalformedSignatureError: ``value`` is empty, not base64 or not canonical; ``what``
            names it in the message.
    """
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError:  # binascii.Error, and ValueError for non-ASCII text
        raise MalformedSignatureError(f"{what} is not valid base64") from None
    if not raw:
        raise MalformedSignatureError(f"{what} is empty")
    if base64.b64encode(raw).decode("ascii") != value:
        raise MalformedSignatureError(f"{what} is not canonical base64")
    return raw


def decode_hex(value: str, *, what: str) -> bytes:
    """Decode lower-case hex of whole bytes, the form every hex-signing platform sends.

    Raises:
        MalformedSignatureError: ``value`` is empty, of odd length or not lower-case hex.
    """
    if _LOWER_HEX.fullmatch(value) is None:
        raise MalformedSignatureError(f"{what} is not lower-case hex")
    return bytes.fromhex(value)
