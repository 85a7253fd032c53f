"""eBay notifications: ECDSA signature header, key by id from eBay's API, and the GET challenge.

Documentation: https://developer.ebay.com/api-docs/commerce/notification/overview.html and
https://developer.ebay.com/marketplace-account-deletion

Rests on [code] ``eBay/event-notification-nodejs-sdk`` ``lib/validator.js``,
``lib/constants.js``, ``lib/index.js``, tests ``test/test.json`` (relay's ``signatures.md``
3.13; vectors ``ebay-1``..``3``) and the Java SDK's ``SHA1withECDSA``:

- ``x-ebay-signature`` is base64 of JSON ``{alg: "ecdsa", kid, signature: <base64 DER>,
  digest: "SHA1"}``; the key is ``GET https://api.ebay.com/commerce/notification/v1/public_key/{kid}``
  (``api.sandbox.ebay.com`` with option ``environment: sandbox``), served by the key provider,
  which authenticates with the app's OAuth client credentials (options ``oauth_client_id`` and
  ``oauth_client_secret``, an ``env:``/``file:`` reference); its ``key`` is a one-line PEM.
- The SDKs verify over a compact re-serialisation of the parsed message; relay verifies the raw
  body first and then that compact form (``JSON.stringify`` order and escaping).
- Endpoint validation: ``GET ?challenge_code=X`` is answered ``200 {"challengeResponse":
  hex(SHA256(X + verification token + endpoint URL))}``; the token is the source's first secret,
  the URL option ``endpoint_url`` (required; never the request's ``Host``).
- Success is answered 204 (the SDK's answer). Retry policy UNCONFIRMED.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Final, Self

from cryptography.hazmat.primitives import hashes

from verifiers._base import InboundRequest, PlatformReply, Secret, Verified
from verifiers._describe import Description
from verifiers._encoding import decode_base64, require_header
from verifiers._errors import (
    MalformedSignatureError,
    SignatureMismatchError,
    VerificationError,
    VerifierConfigError,
)
from verifiers._json import json_text, parse_object
from verifiers._keys import KeyProvider, pinned_url
from verifiers._options import (
    check_secret_text,
    choice_option,
    reject_unknown,
    str_option,
    url_option,
)
from verifiers._public_key import ecdsa_verifies, load_public_key
from verifiers._token import query_value

__all__ = ["KEY_HOSTS", "EbayVerifier"]

KEY_HOSTS: Final = {"production": "api.ebay.com", "sandbox": "api.sandbox.ebay.com"}
_HEADER: Final = "x-ebay-signature"
_KID: Final = re.compile(r"[A-Za-z0-9-]{1,64}")
_OPTIONS: Final = ("endpoint_url", "environment", "oauth_client_id", "oauth_client_secret")


def challenge_response(code: str, token: str, endpoint_url: str) -> str:
    """Return eBay's expected ``challengeResponse``: hex SHA-256 of code, token and URL."""
    return hashlib.sha256((code + token + endpoint_url).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class EbayVerifier:
    """Verifies eBay notifications and answers eBay's endpoint challenge."""

    platform: ClassVar[str] = "ebay"
    acknowledgement: ClassVar[PlatformReply | None] = PlatformReply(status=204)
    description: ClassVar[Description] = Description(
        delivery_id=(("notification", "notificationId"),),
        topic=(("metadata", "topic"),),
    )

    endpoint_url: str
    key_host: str
    keys: KeyProvider

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], *, keys: KeyProvider | None = None
    ) -> Self:
        """Build the verifier; needs ``endpoint_url`` and a key provider."""
        reject_unknown(options, _OPTIONS)
        environment = choice_option(
            options, "environment", choices=("production", "sandbox"), default="production"
        )
        str_option(options, "oauth_client_id")  # read by relay's key provider
        str_option(options, "oauth_client_secret")
        endpoint_url = url_option(options, "endpoint_url", "the endpoint URL registered at eBay")
        if keys is None:
            raise VerifierConfigError("platform", "ebay needs relay's key provider")
        return cls(endpoint_url=endpoint_url, key_host=KEY_HOSTS[environment], keys=keys)

    def key_hosts(self) -> frozenset[str]:
        """EBay serves notification keys from its API host only."""
        return frozenset({self.key_host})

    def check_secret(self, secret: Secret) -> None:
        """The secret is the verification token: refuse an empty or non-UTF-8 one."""
        check_secret_text(secret)

    def handshake(self, request: InboundRequest, secrets: Sequence[Secret]) -> PlatformReply | None:
        """Answer ``GET ?challenge_code=...`` with the SHA-256 ``challengeResponse``."""
        if request.method != "GET" or not secrets:
            return None
        try:
            code = query_value(request, "challenge_code")
        except VerificationError:  # absent or repeated: not eBay's challenge
            return None
        answer = challenge_response(code, secrets[0].value, self.endpoint_url)
        body = json.dumps({"challengeResponse": answer}).encode()
        return PlatformReply(status=200, body=body, content_type="application/json")

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        """Check the ECDSA signature over the raw body, then over its compact JSON form."""
        del secrets, now  # eBay's key signs; no timestamp is signed
        kid, signature = _parse_header(require_header(request, _HEADER))
        url = f"https://{self.key_host}/commerce/notification/v1/public_key/{kid}"
        key = load_public_key(
            _pem(self.keys.key(pinned_url(url, self.key_hosts(), what="the key URL"))),
            what="eBay's public key",
        )
        for message in (request.body, _compact(request.body)):
            if message is not None and ecdsa_verifies(
                key,
                signature,
                message,
                hashes.SHA1(),  # noqa: S303 (eBay signs with SHA-1)
            ):
                return self.description.verified(request, self.platform)
        raise SignatureMismatchError(f"{_HEADER} does not verify with eBay's key")


def _parse_header(value: str) -> tuple[str, bytes]:
    """Return the key id and DER signature in ``x-ebay-signature``."""
    document = parse_object(decode_base64(value, what=_HEADER), what=_HEADER)
    kid, signature = json_text(document, "kid"), json_text(document, "signature")
    if json_text(document, "alg") not in {"ecdsa", "ECDSA"} or kid is None or signature is None:
        raise MalformedSignatureError(f"{_HEADER} is not an eBay ECDSA signature")
    if _KID.fullmatch(kid) is None:
        raise MalformedSignatureError(f"{_HEADER} has an unusable key id")
    try:
        return kid, base64.b64decode(signature, validate=True)
    except binascii.Error:
        raise MalformedSignatureError(f"{_HEADER} signature is not base64") from None


def _pem(served: bytes) -> bytes:
    """Return the PEM of eBay's key response ``{"key": ...}`` (or of a plain PEM file)."""
    if served.lstrip().startswith(b"{"):
        key = json_text(parse_object(served, what="eBay's key response"), "key")
        return key.encode() if key else b""
    return served


def _compact(body: bytes) -> bytes | None:
    """Return ``JSON.stringify(JSON.parse(body))``, or ``None`` when the body is not JSON."""
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return None
    compact = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    return None if compact == body else compact
