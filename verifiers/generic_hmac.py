"""Generic HMAC: any sender that signs with an HMAC, described entirely by the source's options.

For platforms relay has no module for (OpenCart and PrestaShop modules, Flipkart, Temu,
in-house systems) and for GitHub-style senders. Documentation: relay's
``docs/platforms.md`` and ``docs/configuration.md`` (the options below).

Rests on the construction itself (RFC 2104 HMAC via ``hmac``/``hashlib``, constant-time
``hmac.compare_digest`` on bytes); the published GitHub test triple (relay's ``signatures.md``
3.33, vector ``github-1``) is verified with ``header: x-hub-signature-256``, ``prefix: sha256=``.

Options: ``header`` (required), ``algorithm`` (``sha256``; ``sha1``, ``sha384``, ``sha512``),
``encoding`` (``hex``; ``hex_any_case``, ``base64``, ``hex_or_base64``), ``key_encoding``
(``utf8``; ``nfkd``, ``hex``, ``base64``), ``prefix`` (``""``), ``signed`` (template, default
``{body}``; tokens in ``verifiers._signed_bytes``), ``url`` (fills ``{url}``), ``repeated``
(several comma-separated signatures, ``false``), ``timestamp_header`` and
``tolerance_seconds`` (a signed Unix-seconds header and its window, both ways),
``delivery_id_header``, ``topic_header``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Final, Self

from verifiers._base import (
    InboundRequest,
    NoHandshake,
    PlatformReply,
    Secret,
    Verified,
    body_digest_id,
)
from verifiers._hmac import HASH_ALGORITHMS
from verifiers._hmac_scheme import KEY_ENCODINGS, OUTPUT_ENCODINGS, HmacScheme
from verifiers._keys import KeyProvider
from verifiers._options import (
    bool_option,
    choice_option,
    int_option,
    prefix_option,
    reject_unknown,
    required_str_option,
    str_option,
    url_option,
)
from verifiers._signed_bytes import compile_template
from verifiers._timestamps import DEFAULT_TOLERANCE_SECONDS, MAX_TOLERANCE_SECONDS

__all__ = ["GenericHmacVerifier", "scheme_from_options"]

_OPTIONS: Final = (
    "header",
    "algorithm",
    "encoding",
    "key_encoding",
    "prefix",
    "signed",
    "url",
    "repeated",
    "timestamp_header",
    "tolerance_seconds",
    "delivery_id_header",
    "topic_header",
)


def scheme_from_options(options: Mapping[str, object]) -> HmacScheme:
    """Read an ``HmacScheme`` from the generic options.

    Raises:
        VerifierConfigError: keyed by the offending option.
    """
    url = url_option(options, "url", "the URL the sender signs") if "url" in options else None
    timestamp_header = str_option(options, "timestamp_header")
    return HmacScheme(
        header=required_str_option(options, "header", "the header holding the signature").lower(),
        algorithm=choice_option(options, "algorithm", choices=HASH_ALGORITHMS, default="sha256"),
        encoding=choice_option(options, "encoding", choices=OUTPUT_ENCODINGS, default="hex"),
        key_encoding=choice_option(options, "key_encoding", choices=KEY_ENCODINGS, default="utf8"),
        prefix=prefix_option(options),
        template=compile_template(
            str_option(options, "signed", default="{body}"), url=url, key="options.signed"
        ),
        repeated=bool_option(options, "repeated", default=False),
        timestamp_header=timestamp_header.lower() if timestamp_header else None,
        tolerance_seconds=int_option(
            options,
            "tolerance_seconds",
            default=DEFAULT_TOLERANCE_SECONDS,
            minimum=1,
            maximum=MAX_TOLERANCE_SECONDS,
        ),
    )


@dataclass(frozen=True, slots=True)
class GenericHmacVerifier(NoHandshake):
    """Verifies deliveries signed as the source's options describe."""

    platform: ClassVar[str] = "generic_hmac"
    acknowledgement: ClassVar[PlatformReply | None] = None

    scheme: HmacScheme
    delivery_id_header: str | None = None
    topic_header: str | None = None

    @classmethod
    def from_options(
        cls, options: Mapping[str, object], *, keys: KeyProvider | None = None
    ) -> Self:
        """Build the verifier; option ``header`` is required, the rest have defaults."""
        del keys  # HMAC needs no public keys.
        reject_unknown(options, _OPTIONS)
        delivery_id_header = str_option(options, "delivery_id_header")
        topic_header = str_option(options, "topic_header")
        return cls(
            scheme=scheme_from_options(options),
            delivery_id_header=delivery_id_header.lower() if delivery_id_header else None,
            topic_header=topic_header.lower() if topic_header else None,
        )

    def check_secret(self, secret: Secret) -> None:
        """Raise ``VerifierConfigError`` when ``secret`` is not a key in ``key_encoding``."""
        self.scheme.check_secret(secret)

    def verify(
        self, request: InboundRequest, secrets: Sequence[Secret], *, now: datetime
    ) -> Verified:
        """Check the configured scheme; the delivery id is the configured header or a digest."""
        signed_at = self.scheme.check(request, secrets, now=now)
        delivery_id = request.header(self.delivery_id_header) if self.delivery_id_header else None
        topic = request.header(self.topic_header) if self.topic_header else None
        return Verified(
            request=request,
            platform=self.platform,
            delivery_id=delivery_id or body_digest_id(request.body),
            topic=topic or "",
            occurred_at=signed_at,
        )
