"""The registry of platform verifiers: one explicit line per platform slug."""

from __future__ import annotations

from collections.abc import Mapping

from verifiers._base import Verifier
from verifiers.bigcommerce import BigCommerceVerifier
from verifiers.etsy import EtsyVerifier
from verifiers.shopify import ShopifyVerifier
from verifiers.standard_webhooks import StandardWebhooksVerifier
from verifiers.woocommerce import WooCommerceVerifier

__all__ = ["VERIFIERS"]

VERIFIERS: Mapping[str, type[Verifier]] = {
    "bigcommerce": BigCommerceVerifier,
    "etsy": EtsyVerifier,
    "shopify": ShopifyVerifier,
    "standard_webhooks": StandardWebhooksVerifier,
    "woocommerce": WooCommerceVerifier,
}
