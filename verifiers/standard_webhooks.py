"""Standard Webhooks, unbranded: any sender following the specification (Svix-style senders).

Specification: https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md

Rests on [code] and [doc] (relay's ``signatures.md`` 3.32): the scheme itself lives in
``verifiers._standard_webhooks``. Secrets are ``whsec_<base64>`` (``v1`` HMAC-SHA256) or
``whpk_<base64>`` (``v1a`` Ed25519 public key); option ``tolerance_seconds`` (default 300).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from verifiers._standard_webhooks import StandardWebhooksScheme

__all__ = ["StandardWebhooksVerifier"]


@dataclass(frozen=True, slots=True)
class StandardWebhooksVerifier(StandardWebhooksScheme):
    """Verifies Standard Webhooks deliveries with ``whsec_``/``whpk_`` secrets."""

    platform: ClassVar[str] = "standard_webhooks"
