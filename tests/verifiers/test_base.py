from __future__ import annotations

import hashlib
from collections.abc import Callable

from verifiers import InboundRequest, Secret, body_digest_id

Build = Callable[..., InboundRequest]


def test_secret_never_shows_its_value() -> None:
    """Neither str() nor repr() of a Secret contains its value."""
    secret = Secret("hunter2-value")
    assert "hunter2" not in str(secret)
    assert "hunter2" not in repr(secret)


def test_secret_utf8() -> None:
    """A secret's key bytes are its UTF-8 encoding."""
    assert Secret("sécret").utf8() == "sécret".encode()


def test_header_lookup(make_request: Build) -> None:
    """header() finds lower-cased names and returns None for absent ones."""
    request = make_request({"X-Thing": "1"}, b"")
    assert request.header("x-thing") == "1"
    assert request.header("x-other") is None


def test_body_digest_id() -> None:
    """The fallback delivery id is the labelled SHA-256 of the body."""
    assert body_digest_id(b"abc") == "sha256:" + hashlib.sha256(b"abc").hexdigest()
