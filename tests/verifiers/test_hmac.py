from __future__ import annotations

import base64

import pytest

from verifiers import MalformedSignatureError, SignatureMismatchError
from verifiers._hmac import (
    HASH_ALGORITHMS,
    HashAlgorithm,
    check_base64_hmac,
    hmac_digest,
    matches_any,
)

# RFC 2202 / RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
_JEFE = b"Jefe"
_WANT = b"what do ya want for nothing?"
_RFC_DIGESTS: dict[HashAlgorithm, str] = {
    "sha1": "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
    "sha256": "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    "sha384": (
        "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47"
        "e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649"
    ),
    "sha512": (
        "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
        "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
    ),
}


@pytest.mark.parametrize("algorithm", HASH_ALGORITHMS)
def test_hmac_digest_matches_rfc_vectors(algorithm: HashAlgorithm) -> None:
    """hmac_digest reproduces the RFC 2202/4231 test case 2 for every supported algorithm."""
    assert hmac_digest(_JEFE, _WANT, algorithm).hex() == _RFC_DIGESTS[algorithm]


def test_hmac_digest_defaults_to_sha256() -> None:
    """Without an algorithm, hmac_digest is HMAC-SHA256."""
    assert hmac_digest(_JEFE, _WANT).hex() == _RFC_DIGESTS["sha256"]


def test_matches_any_second_key() -> None:
    """A signature made with the second of two keys matches (rotation)."""
    signature = hmac_digest(b"new", b"msg")
    assert matches_any(signature, b"msg", [b"old", b"new"])


@pytest.mark.parametrize("keys", [[], [b"old"], [b"other", b"old"]])
def test_matches_any_no_key(keys: list[bytes]) -> None:
    """No key, or only wrong keys, match nothing."""
    assert not matches_any(hmac_digest(b"new", b"msg"), b"msg", keys)


def test_matches_any_truncated_signature() -> None:
    """A prefix of the right digest does not match."""
    assert not matches_any(hmac_digest(b"k", b"msg")[:16], b"msg", [b"k"])


def test_check_base64_hmac_accepts_valid() -> None:
    """A base64 HMAC made with one of the keys passes."""
    value = base64.b64encode(hmac_digest(b"k", b"msg", "sha512")).decode()
    check_base64_hmac("x-sig", value, b"msg", [b"x", b"k"], "sha512")


def test_check_base64_hmac_mismatch() -> None:
    """A well-formed HMAC under no key is a SignatureMismatchError."""
    value = base64.b64encode(hmac_digest(b"k", b"msg")).decode()
    with pytest.raises(SignatureMismatchError, match="x-sig"):
        check_base64_hmac("x-sig", value, b"other", [b"k"])


def test_check_base64_hmac_malformed() -> None:
    """A value that is not base64 is a MalformedSignatureError."""
    with pytest.raises(MalformedSignatureError, match="x-sig"):
        check_base64_hmac("x-sig", "not base64!", b"msg", [b"k"])
