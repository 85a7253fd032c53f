"""Walmart Marketplace webhooks: HMAC event notifications, or signed seller-performance webhooks.

Documentation: https://developer.walmart.com/us-marketplace/reference/createsubscription and
https://developer.walmart.com/us-marketplace/docs/security-and-authenticity

Rests on [doc] (relay's ``signatures.md`` 3.14). Option ``scheme``:

- ``notifications`` (default): a subscription with ``authMethod: HMAC`` sends, in the header
  it names (``authHeaderName``, option ``header``, default ``authorization``), "HMACSHA256 of
  the complete response, using the clientSecret as the key"; the **output encoding is
  UNCONFIRMED**, so hex and base64 are both accepted. (``BASIC_AUTH`` subscriptions use
  relay's ``basic_auth`` platform, ``OAUTH`` ones ``static_token`` with a Bearer prefix.)
- ``seller_performance``: ``WM_SEC.SIGNATURE = base64(HMAC-SHA256(secret, METHOD, PATH?QUERY,
  WM_SEC.TIMESTAMP and hex(SHA256(body)) joined by newlines))`` with ``WM_SEC.TIMESTAMP`` in
  epoch seconds inside ``tolerance_seconds`` (default 300) both ways. The path is the path
  relay receives; behind a path-rewriting proxy this is UNCONFIRMED to match what Walmart signs.

Walmart expects 200 and tries three times in all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, Final

from verifiers._describe import Description
from verifiers._hmac_platform import HmacPlatform
from verifiers._hmac_scheme import HmacScheme
from verifiers._options import choice_option, int_option, str_option
from verifiers._timestamps import DEFAULT_TOLERANCE_SECONDS, MAX_TOLERANCE_SECONDS

__all__ = ["WalmartVerifier"]

_TIMESTAMP: Final = "wm_sec.timestamp"
_SELLER_PERFORMANCE: Final = (
    "method",
    b"\n",
    "path_query",
    b"\n",
    f"header:{_TIMESTAMP}",
    b"\n",
    "body_sha256",
)


@dataclass(frozen=True, slots=True)
class WalmartVerifier(HmacPlatform):
    """Verifies Walmart deliveries; options ``scheme``, ``header``, ``tolerance_seconds``."""

    platform: ClassVar[str] = "walmart"
    options: ClassVar[tuple[str, ...]] = ("scheme", "header", "tolerance_seconds")
    description: ClassVar[Description] = Description(
        delivery_id=(("eventId",), ("event_id",)),
        topic=(("eventType",), ("event_type",)),
        forwarded=("wm_sec.key_id",),
    )

    @classmethod
    def build_scheme(cls, options: Mapping[str, object]) -> HmacScheme:
        """The ``notifications`` or ``seller_performance`` scheme."""
        scheme = choice_option(
            options,
            "scheme",
            choices=("notifications", "seller_performance"),
            default="notifications",
        )
        tolerance = int_option(
            options,
            "tolerance_seconds",
            default=DEFAULT_TOLERANCE_SECONDS,
            minimum=1,
            maximum=MAX_TOLERANCE_SECONDS,
        )
        if scheme == "seller_performance":
            return HmacScheme(
                header="wm_sec.signature",
                encoding="base64",
                template=_SELLER_PERFORMANCE,
                timestamp_header=_TIMESTAMP,
                tolerance_seconds=tolerance,
            )
        header = str_option(options, "header", default="authorization").lower()
        return HmacScheme(header=header, encoding="hex_or_base64")
