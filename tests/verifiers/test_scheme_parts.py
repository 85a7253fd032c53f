"""The shared parts of the new schemes: options, templates, keys, tokens, JSON and public keys."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

import pytest
from _verifier_cases import EC_KEY, NOW, RSA_KEY, public_pem
from cryptography.hazmat.primitives import hashes

from verifiers import (
    InboundRequest,
    KeyUnavailableError,
    MalformedSignatureError,
    MissingSignatureError,
    Secret,
    SignatureMismatchError,
    StaticKeys,
    VerifierConfigError,
)
from verifiers._hmac_scheme import HmacScheme, decode_signature, derive_key
from verifiers._json import json_text, parse_object
from verifiers._keys import pinned_url
from verifiers._options import (
    bool_option,
    prefix_option,
    str_list_option,
    str_option,
    url_option,
)
from verifiers._public_key import (
    ecdsa_verifies,
    load_certificate,
    load_public_key,
    rsa_verifies,
    secret_public_key,
)
from verifiers._signed_bytes import compile_template, render
from verifiers._token import credential_matches, query_value
from verifiers.generic_hmac import GenericHmacVerifier

Build = Callable[..., InboundRequest]


def _request(
    query: str = "", headers: dict[str, str] | None = None, body: bytes = b"b"
) -> InboundRequest:
    return InboundRequest(
        method="POST",
        path="/webhooks/src",
        query=query,
        headers=headers or {},
        body=body,
        source_id="src",
        received_at=NOW,
    )


@pytest.mark.parametrize(
    ("function", "value"),
    [
        (lambda o: str_option(o, "x"), 5),
        (lambda o: str_option(o, "x"), ""),
        (lambda o: bool_option(o, "x", default=False), "yes"),
        (lambda o: url_option(o, "x", "a URL"), "ftp://host/x"),
        (lambda o: url_option(o, "x", "a URL"), "/relative"),
        (lambda o: str_list_option(o, "x", default=()), "RS256"),
        (lambda o: str_list_option(o, "x", default=()), ["RS256", ""]),
    ],
    ids=["str-int", "str-empty", "bool", "url-scheme", "url-relative", "list-str", "list-empty"],
)
def test_option_readers_refuse_bad_values(
    function: Callable[[dict[str, object]], object], value: object
) -> None:
    """Every option reader names the option when its value has the wrong type or form."""
    with pytest.raises(VerifierConfigError) as caught:
        function({"x": value})
    assert caught.value.key == "options.x"


def test_prefix_option() -> None:
    """A prefix may be empty (the default) but must be text."""
    assert prefix_option({}) == ""
    assert prefix_option({"prefix": "sha256="}) == "sha256="
    with pytest.raises(VerifierConfigError) as caught:
        prefix_option({"prefix": 1})
    assert caught.value.key == "options.prefix"


def test_template_tokens_and_literals() -> None:
    """Every token renders its part of the request; braces and {url} become literals."""
    parts = compile_template(
        "{{{method}}} {path} {query} {path_query} {header:X-Id} {url} {body_sha256} {body}",
        url="https://u.example/h",
        key="options.signed",
    )
    request = _request(query="a=1", headers={"x-id": "7"}, body=b"hi")
    digest = hashlib.sha256(b"hi").hexdigest()
    expected = f"{{POST}} /webhooks/src a=1 /webhooks/src?a=1 7 https://u.example/h {digest} hi"
    assert render(parts, request) == expected.encode()
    assert (
        render(compile_template("{path_query}", url=None, key="k"), _request()) == b"/webhooks/src"
    )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{url}{body}", "{url} needs the url option"),
        ("{nope}", "unknown template token"),
        ("{body", "unknown template token"),
        ("constant", "must contain a request token"),
        ("{header}", "unknown template token"),
    ],
)
def test_bad_templates(template: str, message: str) -> None:
    """An unusable template is a VerifierConfigError naming the option."""
    with pytest.raises(VerifierConfigError, match=message) as caught:
        compile_template(template, url=None, key="options.signed")
    assert caught.value.key == "options.signed"


def test_template_header_must_be_present() -> None:
    """A signed header that is absent makes the delivery unverifiable (MissingSignatureError)."""
    with pytest.raises(MissingSignatureError):
        render(compile_template("{header:x-ts}.{body}", url=None, key="k"), _request())


@pytest.mark.parametrize(("secret", "encoding"), [("zz", "hex"), ("é", "base64"), ("%%", "base64")])
def test_derive_key_refuses_undecodable(secret: str, encoding: str) -> None:
    """A secret that is not valid in its key encoding is refused at start-up."""
    with pytest.raises(VerifierConfigError, match=encoding):
        derive_key(Secret(secret), encoding)  # type: ignore[arg-type]


def test_decode_signature_encodings() -> None:
    """hex_any_case takes either case; hex_or_base64 yields every reading; junk is malformed."""
    assert decode_signature("ABcd", "hex_any_case", what="h") == (b"\xab\xcd",)
    assert len(decode_signature("abcd", "hex_or_base64", what="h")) == 2
    for value, encoding in (("xyz", "hex_any_case"), ("!!", "hex_or_base64")):
        with pytest.raises(MalformedSignatureError):
            decode_signature(value, encoding, what="h")  # type: ignore[arg-type]


def test_unusable_secret_is_skipped_not_fatal() -> None:
    """A secret the scheme cannot use is skipped in verify; a good one still matches."""
    scheme = HmacScheme(header="x-sig", key_encoding="hex")
    signature = hmac.new(b"\x01", b"b", "sha256").hexdigest()
    request = _request(headers={"x-sig": signature})
    assert scheme.check(request, [Secret("not-hex"), Secret("01")], now=NOW) is None
    with pytest.raises(SignatureMismatchError):
        scheme.check(request, [Secret("not-hex")], now=NOW)


def test_generic_hmac_options_and_metadata(make_request: Build) -> None:
    """Generic HMAC reads its delivery id and topic headers and a url-bound template."""
    verifier = GenericHmacVerifier.from_options(
        {
            "header": "X-Sig",
            "url": "https://relay.example.com/in",
            "signed": "{url}|{body}",
            "encoding": "hex_any_case",
            "repeated": True,
            "prefix": "",
            "delivery_id_header": "X-Delivery",
            "topic_header": "X-Topic",
        }
    )
    digest = hmac.new(b"k", b"https://relay.example.com/in|b", "sha256").hexdigest().upper()
    headers = {"x-sig": f"junk, {digest}", "x-delivery": "d-1", "x-topic": "t"}
    verified = verifier.verify(make_request(headers, b"b"), [Secret("k")], now=NOW)
    assert (verified.delivery_id, verified.topic) == ("d-1", "t")
    assert verifier.handshake(make_request({}, b""), []) is None
    with pytest.raises(VerifierConfigError):
        verifier.check_secret(Secret(""))
    assert GenericHmacVerifier.from_options({"header": "h", "prefix": "v1="}).scheme.prefix == "v1="


def test_json_helpers() -> None:
    """JSON fields read as text only when they are strings or integers; bodies must be objects."""
    document = {"a": {"b": 1}, "c": [1], "d": True, "e": "x"}
    assert json_text(document, "a", "b") == "1"
    assert json_text(document, "e") == "x"
    assert json_text(document, "c") is None
    assert json_text(document, "d") is None
    assert json_text(document, "e", "f") is None
    for body in (b"[1]", b"\xff", b"{" * 100_000):
        with pytest.raises(MalformedSignatureError):
            parse_object(body)


def test_tokens() -> None:
    """Tokens compare in constant time; a repeated query parameter is malformed."""
    assert credential_matches(b"t", [Secret("\ud800"), Secret("t")])
    assert not credential_matches(b"t", [Secret("u")])
    with pytest.raises(MalformedSignatureError):
        query_value(_request(query="token=a&token=b"), "token")
    with pytest.raises(MissingSignatureError):
        query_value(_request(query="token="), "token")


def test_static_keys_and_pinned_urls() -> None:
    """StaticKeys raises KeyUnavailableError for unknown URLs; only pinned https URLs pass."""
    with pytest.raises(KeyUnavailableError):
        StaticKeys().key("https://a.example/k")
    assert pinned_url("https://a.example/k", {"a.example"}, what="u") == "https://a.example/k"
    for url in ("https://a.example:99999/k", "https://user@a.example/k", "http://a.example/k"):
        with pytest.raises(MalformedSignatureError):
            pinned_url(url, {"a.example"}, what="u")


def test_public_key_helpers() -> None:
    """PEM keys load (also on one line); junk is malformed; wrong key types never verify."""
    pem = public_pem(RSA_KEY)
    one_line = "".join(pem.splitlines()).encode()
    assert load_public_key(one_line, what="k") is not None
    with pytest.raises(MalformedSignatureError):
        load_public_key(b"-----BEGIN PUBLIC KEY-----AAAA-----END PUBLIC KEY-----", what="k")
    with pytest.raises(VerifierConfigError):
        secret_public_key(Secret("not a key"))
    with pytest.raises(MalformedSignatureError):
        load_certificate(b"junk", what="c")
    ec_key = load_public_key(public_pem(EC_KEY).encode(), what="k")
    rsa_key = load_public_key(pem.encode(), what="k")
    assert not rsa_verifies(ec_key, b"sig", b"m")
    assert not ecdsa_verifies(rsa_key, b"sig", b"m", hashes.SHA256())
    assert not ecdsa_verifies(ec_key, b"\x30\x00", b"m", hashes.SHA256())
