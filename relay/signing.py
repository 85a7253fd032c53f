"""Signing test deliveries as each platform would, for ``relay sign`` and ``relay send-sample``.

These signers serve integration testing and the benchmark; the verifiers are proven against
the platforms' own SDKs and published vectors, never only against these.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from collections.abc import Callable
from datetime import datetime
from importlib import resources

from verifiers import Secret
from verifiers._standard_webhooks import sign_v1
from verifiers.woocommerce import wp_specialchars_decode

__all__ = ["SIGNERS", "sample_body", "sample_topics", "sign"]

Signer = Callable[[bytes, Secret, str, datetime], dict[str, str]]


def _b64_hmac(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.digest(key, message, hashlib.sha256)).decode()


def _shopify(body: bytes, secret: Secret, topic: str, now: datetime) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": _b64_hmac(secret.utf8(), body),
        "X-Shopify-Shop-Domain": "example.myshopify.com",
        "X-Shopify-API-Version": "2024-10",
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Triggered-At": now.isoformat().replace("+00:00", "Z"),
    }


def _woocommerce(body: bytes, secret: Secret, topic: str, now: datetime) -> dict[str, str]:
    del now
    resource, _, event = topic.partition(".")
    return {
        "Content-Type": "application/json",
        "X-WC-Webhook-Source": "https://example.com/",
        "X-WC-Webhook-Topic": topic,
        "X-WC-Webhook-Resource": resource,
        "X-WC-Webhook-Event": event,
        "X-WC-Webhook-Signature": _b64_hmac(wp_specialchars_decode(secret.value).encode(), body),
        "X-WC-Webhook-ID": "1",
        "X-WC-Webhook-Delivery-ID": uuid.uuid4().hex,
    }


def _standard(key: Callable[[Secret], bytes]) -> Signer:
    def sign(body: bytes, secret: Secret, topic: str, now: datetime) -> dict[str, str]:
        del topic
        msg_id = f"msg_{uuid.uuid4().hex}"
        timestamp = int(now.timestamp())
        return {
            "Content-Type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign_v1(key(secret), msg_id, timestamp, body),
        }

    return sign


def _whsec_key(secret: Secret) -> bytes:
    return base64.b64decode(secret.value.removeprefix("whsec_"))


SIGNERS: dict[str, Signer] = {
    "shopify": _shopify,
    "woocommerce": _woocommerce,
    "standard_webhooks": _standard(_whsec_key),
    "etsy": _standard(_whsec_key),
    "bigcommerce": _standard(Secret.utf8),
}
"""Platform slug -> a function returning the headers that platform would send."""


def sign(platform: str, body: bytes, secret: Secret, topic: str, now: datetime) -> dict[str, str]:
    """Return the headers ``platform`` would send with ``body``; ``KeyError`` if unsupported."""
    return SIGNERS[platform](body, secret, topic, now)


def sample_topics(platform: str) -> list[str]:
    """Return the platform topics relay ships a public sample payload for."""
    folder = resources.files("relay") / "samples" / platform
    if not folder.is_dir():
        return []
    names = (p.name for p in folder.iterdir() if p.name.endswith(".json"))
    return sorted(_topic_of(platform, name.removesuffix(".json")) for name in names)


def sample_body(platform: str, topic: str) -> bytes:
    """Return the shipped public sample body for ``platform`` and ``topic`` (verbatim)."""
    name = topic.replace("/", ".") + ".json"
    return (resources.files("relay") / "samples" / platform / name).read_bytes()


def _topic_of(platform: str, stem: str) -> str:
    return stem if platform == "woocommerce" else stem.replace(".", "/")
