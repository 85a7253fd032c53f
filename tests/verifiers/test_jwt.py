"""The generic JWT verifier and the JWT core Wix shares: JWKS, locations, claims, options."""

from __future__ import annotations

import json
from collections.abc import Callable

import jwt as pyjwt
import pytest
from _verifier_cases import KEYS, NOW, RSA_KEY, TS, public_pem
from jwt.utils import to_base64url_uint

from verifiers import (
    InboundRequest,
    MalformedSignatureError,
    Secret,
    SignatureMismatchError,
    StaticKeys,
    TimestampOutOfToleranceError,
    UnauthorizedRecipientError,
    VerifierConfigError,
)
from verifiers._jwt import decode_json_text, issued_at
from verifiers.jwt import JwtVerifier

Build = Callable[..., InboundRequest]

_JWKS_URL = "https://auth.example.com/.well-known/jwks.json"


def _jwks() -> bytes:
    numbers = RSA_KEY.public_key().public_numbers()
    key = {"kty": "RSA", "kid": "k1", "n": to_base64url_uint(numbers.n).decode(), "e": "AQAB"}
    return json.dumps({"keys": [key]}).encode()


def _rs256(claims: dict[str, object], kid: str = "k1") -> str:
    return pyjwt.encode(claims, RSA_KEY, algorithm="RS256", headers={"kid": kid})


def test_jwt_with_jwks(make_request: Build) -> None:
    """A JWKS source verifies RS256 tokens by kid; its host is the only key host."""
    keys = StaticKeys({_JWKS_URL: _jwks()})
    options = {
        "algorithms": ["RS256"],
        "jwks_url": _JWKS_URL,
        "location": "header",
        "header": "X-Token",
    }
    verifier = JwtVerifier.from_options(options, keys=keys)
    assert verifier.key_hosts() == {"auth.example.com"}
    token = _rs256({"exp": TS + 60, "iat": TS})
    verified = verifier.verify(make_request({"x-token": token}, b"{}"), [], now=NOW)
    assert verified.occurred_at == NOW
    with pytest.raises(SignatureMismatchError):
        verifier.verify(
            make_request({"x-token": _rs256({"exp": TS + 60}, "k2")}, b"{}"), [], now=NOW
        )
    empty = JwtVerifier.from_options({"algorithms": ["RS256"]})
    assert empty.key_hosts() == frozenset()


def test_jwt_body_location(make_request: Build) -> None:
    """With location body, the whole body is the token; a non-ASCII body is malformed."""
    verifier = JwtVerifier.from_options({"algorithms": ["RS256"], "location": "body"})
    token = _rs256({"exp": TS + 60})
    secrets = [Secret(public_pem(RSA_KEY))]
    assert verifier.verify(make_request({}, token.encode()), secrets, now=NOW)
    with pytest.raises(MalformedSignatureError):
        verifier.verify(make_request({}, "é".encode()), secrets, now=NOW)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"algorithms": ["none"]},
        {"algorithms": ["RS256"], "jwks_url": "http://auth.example.com/jwks"},
        {"algorithms": ["RS256"], "location": "cookie"},
    ],
    ids=["no-algorithms", "none", "http-jwks", "location"],
)
def test_jwt_bad_options(options: dict[str, object]) -> None:
    """Missing or unsafe JWT options are refused at start-up."""
    with pytest.raises(VerifierConfigError):
        JwtVerifier.from_options(options, keys=KEYS)


def test_jwt_jwks_needs_a_key_provider() -> None:
    """A JWKS URL without relay's key provider cannot work."""
    with pytest.raises(VerifierConfigError, match="jwks_url"):
        JwtVerifier.from_options({"algorithms": ["RS256"], "jwks_url": _JWKS_URL})


_SECRET = "a-jwt-secret-of-thirty-two-bytes!"


def _bearer(claims: dict[str, object], algorithm: str = "HS256") -> dict[str, str]:
    key = _SECRET if algorithm == "HS256" else _SECRET * 2
    return {"authorization": "Bearer " + pyjwt.encode(claims, key, algorithm=algorithm)}


@pytest.mark.parametrize(
    ("headers", "error"),
    [
        (_bearer({"exp": TS + 60, "aud": "other"}), UnauthorizedRecipientError),
        (_bearer({"aud": "relay"}), MalformedSignatureError),
        (_bearer({"exp": TS + 60, "aud": "relay", "nbf": TS + 120}), TimestampOutOfToleranceError),
        (_bearer({"exp": TS - 61, "aud": "relay"}), TimestampOutOfToleranceError),
        (_bearer({"exp": "soon", "aud": "relay"}), MalformedSignatureError),
        (_bearer({"exp": TS + 60, "aud": "relay"}, "HS384"), MalformedSignatureError),
        ({"authorization": "Basic abc"}, MalformedSignatureError),
        ({"authorization": "Bearer not.a.jwt"}, MalformedSignatureError),
    ],
    ids=["audience", "no-exp", "not-yet", "expired", "exp-text", "algorithm", "basic", "junk"],
)
def test_jwt_claims(make_request: Build, headers: dict[str, str], error: type[Exception]) -> None:
    """Audience, required claims, nbf/exp with leeway and the pinned algorithm are enforced."""
    verifier = JwtVerifier.from_options({"algorithms": ["HS256"], "audience": "relay"})
    with pytest.raises(error):
        verifier.verify(make_request(headers, b"{}"), [Secret(_SECRET)], now=NOW)


def test_jwt_signed_payload_that_is_not_json(make_request: Build) -> None:
    """A correctly signed token whose payload is not JSON claims verifies nothing."""
    token = pyjwt.api_jws.encode(b"not json", _SECRET, algorithm="HS256")
    verifier = JwtVerifier.from_options({"algorithms": ["HS256"]})
    with pytest.raises(SignatureMismatchError):
        verifier.verify(
            make_request({"authorization": f"Bearer {token}"}, b""), [Secret(_SECRET)], now=NOW
        )


def test_jwt_secret_must_be_pem_for_rs256() -> None:
    """An RS256 source refuses a secret that is not a PEM public key."""
    verifier = JwtVerifier.from_options({"algorithms": ["RS256"]})
    with pytest.raises(VerifierConfigError):
        verifier.check_secret(Secret("plain"))
    assert verifier.handshake(InboundRequest("GET", "/", "", {}, b"", "s", NOW), []) is None


def test_jwt_helpers() -> None:
    """An iat outside the representable range and non-JSON data strings read as absent."""
    assert issued_at({"iat": 10**20}) is None
    assert issued_at({"iat": True}) is None
    assert decode_json_text("{not json") == {}
    assert decode_json_text(["a"]) == {}


def test_jwks_document_must_be_usable(make_request: Build) -> None:
    """A JWKS that is not JSON keys is a MalformedSignatureError, not a crash."""
    keys = StaticKeys({_JWKS_URL: b"{not json"})
    verifier = JwtVerifier.from_options({"algorithms": ["RS256"], "jwks_url": _JWKS_URL}, keys=keys)
    token = _rs256({"exp": TS + 60})
    with pytest.raises(MalformedSignatureError):
        verifier.verify(make_request({"authorization": f"Bearer {token}"}, b"{}"), [], now=NOW)
