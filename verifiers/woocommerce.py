"""WooCommerce webhooks: base64 HMAC of the body, keyed with the entity-decoded webhook secret.

Documentation: https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks and, for the
exact scheme, the source:
https://github.com/woocommerce/woocommerce/blob/trunk/plugins/woocommerce/includes/class-wc-webhook.php

What this rests on (relay's ``signatures.md`` 3.2), all [code] in ``class-wc-webhook.php``:

- ``generate_signature()``: ``X-WC-Webhook-Signature = base64(hash_hmac(algo, body,
  wp_specialchars_decode(secret, ENT_QUOTES), raw))``; ``algo`` is ``sha256`` unless the
  ``woocommerce_webhook_hash_algorithm`` filter changes it, hence option ``hash_algorithm``.
- ``deliver()``: headers ``X-WC-Webhook-Source``, ``-Topic``, ``-Resource``, ``-Event``, ``-ID``,
  ``-Delivery-ID``; no timestamp is signed, duplicates share the delivery id.
- ``deliver_ping()``: on activation WooCommerce POSTs the form body ``webhook_id=<id>`` with no
  ``X-WC-Webhook-*`` header and needs exactly HTTP 200; ``handshake`` answers it.
- ``wp_specialchars_decode`` as in WordPress ``wp-includes/formatting.php``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Final, Self

from verifiers._base import InboundRequest, PlatformReply, Secret, Verified, body_digest_id
from verifiers._encoding import ascii_header
from verifiers._errors import MissingSignatureError
from verifiers._hmac import HASH_ALGORITHMS, HashAlgorithm, check_base64_hmac
from verifiers._keys import KeyProvider
from verifiers._options import check_secret_text, choice_option, reject_unknown

__all__ = ["WooCommerceVerifier", "wp_specialchars_decode"]

_SIGNATURE: Final = "x-wc-webhook-signature"
_FORWARDED: Final = (
    "x-wc-webhook-source",
    "x-wc-webhook-topic",
    "x-wc-webhook-resource",
    "x-wc-webhook-event",
    "x-wc-webhook-id",
    "x-wc-webhook-delivery-id",
)
_PING_BODY: Final = re.compile(rb"webhook_id=[0-9]+")

# wp_specialchars_decode($text, ENT_QUOTES): first the zero-padded numeric entities are
# normalised (PHP preg_replace, in this order; ``/i`` only affects the ``x``), then a single
# non-recursive strtr() pass replaces exactly these entities.
_WP_ZERO_PADDING: Final = (
    (re.compile(r"&#0*39;"), "&#039;"),
    (re.compile(r"&#[xX]0*27;"), "&#x27;"),
    (re.compile(r"&#0*34;"), "&#034;"),
    (re.compile(r"&#[xX]0*22;"), "&#x22;"),
    (re.compile(r"&#0*60;"), "&#060;"),
    (re.compile(r"&#0*62;"), "&#062;"),
    (re.compile(r"&#0*38;"), "&#038;"),
    (re.compile(r"&#[xX]0*26;"), "&#x26;"),
)
_WP_ENTITIES: Final = {
    "&#039;": "'",
    "&#x27;": "'",
    "&quot;": '"',
    "&#034;": '"',
    "&#x22;": '"',
    "&lt;": "<",
    "&#060;": "<",
    "&gt;": ">",
    "&#062;": ">",
    "&amp;": "&",
    "&#038;": "&",
    "&#x26;": "&",
}
_WP_ENTITY: Final = re.compile("|".join(map(re.escape, _WP_ENTITIES)))


@dataclass(frozen=True, slots=True)
class WooCommerceVerifier:
    """Verifies WooCommerce webhook deliveries and answers the activation ping.

    Option ``hash_algorithm``: ``sha256`` (WooCommerce's default), ``sha1``, ``sha384`` or
    ``sha512``, for stores whose ``woocommerce_webhook_hash_algorithm`` filter changes it.
    """

    platform: ClassVar[str] = "woocommerce"
    acknowledgement: ClassVar[PlatformReply | None] = None
    hash_algorithm: HashAlgorithm = "sha256"

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], *, keys: KeyProvider | None = None
    ) -> Self:
        """Build the verifier from ``{"hash_algorithm": ...}``."""
        del keys  # no public keys
        reject_unknown(options, ("hash_algorithm",))
        return cls(
            hash_algorithm=choice_option(
                options, "hash_algorithm", choices=HASH_ALGORITHMS, default="sha256"
            )
        )

    def check_secret(self, secret: Secret) -> None:
        """Refuse an empty or non-UTF-8 webhook secret."""
        check_secret_text(secret)

    def handshake(self, request: InboundRequest, secrets: Sequence[Secret]) -> PlatformReply | None:
        """Answer the activation ping (unsigned ``webhook_id=<digits>``) with HTTP 200."""
        del secrets
        is_ping = (
            request.method == "POST"
            and not request.header(_SIGNATURE)
            and _PING_BODY.fullmatch(request.body) is not None
        )
        return PlatformReply(status=200) if is_ping else None

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        """Check the body HMAC against every secret; see the module docstring for the scheme."""
        del now  # WooCommerce signs no timestamp.
        signature = ascii_header(request, _SIGNATURE)
        if signature is None:
            raise MissingSignatureError(f"{_SIGNATURE} is missing (and this is not a ping)")
        keys = (wp_specialchars_decode(secret.value).encode() for secret in secrets)
        check_base64_hmac(_SIGNATURE, signature, request.body, keys, self.hash_algorithm)
        return Verified(
            request=request,
            platform=self.platform,
            delivery_id=request.header("x-wc-webhook-delivery-id") or body_digest_id(request.body),
            topic=request.header("x-wc-webhook-topic") or "",
            store_id=request.header("x-wc-webhook-source") or None,
            headers=tuple((name, value) for name in _FORWARDED if (value := request.header(name))),
        )


def wp_specialchars_decode(secret: str) -> str:
    """Return ``wp_specialchars_decode(secret, ENT_QUOTES)``, the key WooCommerce signs with."""
    for pattern, replacement in _WP_ZERO_PADDING:
        secret = pattern.sub(replacement, secret)
    return _WP_ENTITY.sub(lambda match: _WP_ENTITIES[match.group()], secret)
