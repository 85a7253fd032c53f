from __future__ import annotations

from collections.abc import Callable

import pytest

from verifiers import InboundRequest, MalformedSignatureError, MissingSignatureError
from verifiers._encoding import ascii_header, decode_base64, decode_hex, require_header

Build = Callable[..., InboundRequest]


def test_ascii_header_returns_present_value(make_request: Build) -> None:
    """A present ASCII header value is returned as is."""
    assert ascii_header(make_request({"x-sig": "abc="}, b""), "x-sig") == "abc="


@pytest.mark.parametrize("headers", [{}, {"x-sig": ""}])
def test_ascii_header_absent_or_empty_is_none(make_request: Build, headers: dict[str, str]) -> None:
    """An absent or empty header reads as None."""
    assert ascii_header(make_request(headers, b""), "x-sig") is None


def test_ascii_header_non_ascii_is_malformed(make_request: Build) -> None:
    """A non-ASCII header value is a MalformedSignatureError naming the header, not the value."""
    with pytest.raises(MalformedSignatureError, match="x-sig") as caught:
        ascii_header(make_request({"x-sig": "abcé"}, b""), "x-sig")
    assert "abcé" not in str(caught.value)


def test_require_header_absent_is_missing(make_request: Build) -> None:
    """A required header that is absent is a MissingSignatureError."""
    with pytest.raises(MissingSignatureError, match="x-sig"):
        require_header(make_request({}, b""), "x-sig")


def test_require_header_returns_value(make_request: Build) -> None:
    """A required header that is present is returned."""
    assert require_header(make_request({"x-sig": "v"}, b""), "x-sig") == "v"


def test_decode_base64_valid() -> None:
    """Canonical padded base64 decodes to its bytes."""
    assert decode_base64("aGVsbG8=", what="sig") == b"hello"


@pytest.mark.parametrize(
    "value",
    [
        "aGVsbG8",  # padding missing
        "aGVsbG8==",  # padding extra
        "aGVsbG9=",  # stray bits in the last character
        "aGVs bG8=",  # whitespace
        "aGVsbG8=\n",  # trailing newline
        "aGV_bG8=",  # URL-safe alphabet
        "aGVsbGé=",  # non-ASCII
        "",  # empty
        "====",  # only padding
    ],
)
def test_decode_base64_refuses_non_canonical(value: str) -> None:
    """Anything but non-empty canonical standard base64 is a MalformedSignatureError."""
    with pytest.raises(MalformedSignatureError, match="sig"):
        decode_base64(value, what="sig")


def test_decode_hex_valid() -> None:
    """Lower-case hex of whole bytes decodes."""
    assert decode_hex("00ff10", what="sig") == b"\x00\xff\x10"


@pytest.mark.parametrize("value", ["", "0", "00FF", "0g", "00 ff", "\uff10\uff10"])
def test_decode_hex_refuses_anything_else(value: str) -> None:
    """Empty, odd-length, upper-case, non-hex or non-ASCII hex is a MalformedSignatureError."""
    with pytest.raises(MalformedSignatureError, match="sig"):
        decode_hex(value, what="sig")
