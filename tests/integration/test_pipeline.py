"""End to end: a real `relay serve` process, a real broker, read back with confluent-kafka."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from _kafka import Message, read_topic
from _relay_process import RelayProcess

from relay.embedded import EmbeddedBroker
from relay.signing import sample_body, sign
from verifiers import Secret

pytestmark = pytest.mark.integration

SHOPIFY_SECRET = "integration-shopify-secret"
WOO_SECRET = "integration-woocommerce-secret"


def _config(bootstrap: str, prefix: str, embedded: bool, **kafka: Any) -> dict[str, Any]:
    return {
        "kafka": {
            "bootstrap_servers": bootstrap,
            "topic_prefix": prefix,
            "topic_partitions": 1,  # one partition: read-back order is publish order
            "enable_idempotence": not embedded,
            **kafka,
        },
        "sources": [
            {"id": "shop-a", "platform": "shopify", "secrets": ["env:T_SHOPIFY_SECRET"]},
            {"id": "woo-a", "platform": "woocommerce", "secrets": ["env:T_WOO_SECRET"]},
        ],
    }


_ENV = {"T_SHOPIFY_SECRET": SHOPIFY_SECRET, "T_WOO_SECRET": WOO_SECRET}


@pytest.fixture
def relay(
    tmp_path: Path, kafka_bootstrap: str, kafka_is_embedded: bool, topic_prefix: str
) -> Iterator[RelayProcess]:
    """A running relay on its own topic prefix."""
    process = RelayProcess(
        tmp_path, _config(kafka_bootstrap, topic_prefix, kafka_is_embedded), _ENV
    )
    process.start()
    yield process
    process.stop()


def _shopify_post(
    relay: RelayProcess, body: bytes, *, secret: str = SHOPIFY_SECRET
) -> tuple[httpx.Response, dict[str, str]]:
    headers = sign("shopify", body, Secret(secret), "orders/create", datetime.now(UTC))
    response = httpx.post(f"{relay.base_url}/webhooks/shop-a", content=body, headers=headers)
    return response, headers


def _with_delivery(delivery_id: str) -> Any:
    def done(messages: list[Message]) -> bool:
        return any(m.headers.get("relay-delivery-id") == delivery_id.encode() for m in messages)

    return done


def test_signed_shopify_order_reaches_raw_and_orders_topics(
    relay: RelayProcess, kafka_bootstrap: str, topic_prefix: str
) -> None:
    """A signed Shopify orders/create sample lands verbatim on .raw and as an event on .orders."""
    body = sample_body("shopify", "orders/create")
    response, headers = _shopify_post(relay, body)
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "accepted"}
    webhook_id = headers["X-Shopify-Webhook-Id"]

    raw = read_topic(kafka_bootstrap, f"{topic_prefix}.raw", until=_with_delivery(webhook_id))
    (record,) = [m for m in raw if m.headers["relay-delivery-id"] == webhook_id.encode()]
    assert record.value == body
    assert record.key == f"shop-a:{webhook_id}".encode()
    assert record.headers["relay-source-id"] == b"shop-a"
    assert record.headers["relay-platform"] == b"shopify"
    assert record.headers["relay-platform-topic"] == b"orders/create"
    assert record.headers["x-shopify-shop-domain"] == b"example.myshopify.com"
    assert record.headers["content-type"] == b"application/json"
    assert not any("hmac" in name for name in record.headers)

    orders = read_topic(kafka_bootstrap, f"{topic_prefix}.orders", until=bool)
    (message,) = orders
    assert message.key == b"shop-a:820982911946154500"
    assert message.headers["content-type"].startswith(b"application/cloudevents+json")
    event = orjson.loads(message.value or b"")
    assert event["specversion"] == "1.0"
    assert event["type"] == "commerce.order.created.v1"
    assert event["source"] == "/sources/shop-a"
    assert event["sourceid"] == "shop-a"
    assert event["platform"] == "shopify"
    assert event["platformtopic"] == "orders/create"
    assert event["deliveryid"] == webhook_id
    assert event["storeid"] == "example.myshopify.com"
    assert event["partitionkey"] == "shop-a:820982911946154500"
    assert event["time"].endswith("Z")
    data = event["data"]
    assert data["id"] == "820982911946154500"
    assert data["currency"] == "USD"
    assert data["customer"]["email"] == "john@example.com"
    assert [item["quantity"] for item in data["order_products"]] == ["1", "1"]


def test_forged_delivery_appears_nowhere(
    relay: RelayProcess, kafka_bootstrap: str, topic_prefix: str
) -> None:
    """A delivery signed with the wrong secret gets 401 and publishes nothing."""
    body = sample_body("shopify", "orders/create")
    forged, forged_headers = _shopify_post(relay, body, secret="not-the-secret")
    assert forged.status_code == 401
    assert forged.json() == {"error": "unauthorized"}
    sentinel, headers = _shopify_post(relay, body)
    assert sentinel.status_code == 200
    raw = read_topic(
        kafka_bootstrap,
        f"{topic_prefix}.raw",
        until=_with_delivery(headers["X-Shopify-Webhook-Id"]),
    )
    ids = [m.headers["relay-delivery-id"] for m in raw]
    assert ids == [headers["X-Shopify-Webhook-Id"].encode()]
    assert forged_headers["X-Shopify-Webhook-Id"].encode() not in ids
    orders = read_topic(kafka_bootstrap, f"{topic_prefix}.orders", until=bool)
    assert [orjson.loads(m.value or b"")["deliveryid"] for m in orders] == [
        headers["X-Shopify-Webhook-Id"]
    ]


def test_duplicate_delivery_is_published_once(
    relay: RelayProcess, kafka_bootstrap: str, topic_prefix: str
) -> None:
    """The same delivery posted twice is acknowledged twice and published once."""
    body = sample_body("shopify", "orders/create")
    headers = sign("shopify", body, Secret(SHOPIFY_SECRET), "orders/create", datetime.now(UTC))
    url = f"{relay.base_url}/webhooks/shop-a"
    first = httpx.post(url, content=body, headers=headers)
    second = httpx.post(url, content=body, headers=headers)
    assert (first.status_code, first.json()) == (200, {"status": "accepted"})
    assert (second.status_code, second.json()) == (200, {"status": "duplicate"})
    _, sentinel = _shopify_post(relay, body)
    raw = read_topic(
        kafka_bootstrap,
        f"{topic_prefix}.raw",
        until=_with_delivery(sentinel["X-Shopify-Webhook-Id"]),
    )
    ids = [m.headers["relay-delivery-id"].decode() for m in raw]
    assert ids == [headers["X-Shopify-Webhook-Id"], sentinel["X-Shopify-Webhook-Id"]]


def test_woocommerce_ping_is_answered_and_not_published(
    relay: RelayProcess, kafka_bootstrap: str, topic_prefix: str
) -> None:
    """WooCommerce's unsigned activation ping gets exactly 200 and publishes nothing."""
    ping = httpx.post(
        f"{relay.base_url}/webhooks/woo-a",
        content=b"webhook_id=42",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert ping.status_code == 200
    body = sample_body("woocommerce", "order.created")
    headers = sign("woocommerce", body, Secret(WOO_SECRET), "order.created", datetime.now(UTC))
    response = httpx.post(f"{relay.base_url}/webhooks/woo-a", content=body, headers=headers)
    assert response.status_code == 200, response.text
    raw = read_topic(
        kafka_bootstrap,
        f"{topic_prefix}.raw",
        until=_with_delivery(headers["X-WC-Webhook-Delivery-ID"]),
    )
    assert [m.value for m in raw] == [body]


def test_http_errors_for_bad_requests(relay: RelayProcess) -> None:
    """Unknown source 404, oversized body 413, unsigned delivery 401, GET 405."""
    assert httpx.post(f"{relay.base_url}/webhooks/nope", content=b"{}").status_code == 404
    huge = b"x" * (5 * 1024 * 1024 + 1)
    assert httpx.post(f"{relay.base_url}/webhooks/shop-a", content=huge).status_code == 413
    unsigned = httpx.post(f"{relay.base_url}/webhooks/shop-a", content=b"{}")
    assert unsigned.status_code == 401
    assert unsigned.json() == {"error": "unauthorized"}
    assert httpx.get(f"{relay.base_url}/webhooks/shop-a").status_code == 405
    assert httpx.get(f"{relay.base_url}/healthz").json() == {"status": "ok"}


def test_metrics_count_outcomes(relay: RelayProcess) -> None:
    """/metrics exposes the received-webhook counters by platform, source and outcome."""
    body = sample_body("shopify", "orders/create")
    assert _shopify_post(relay, body)[0].status_code == 200
    assert _shopify_post(relay, body, secret="wrong")[0].status_code == 401
    text = httpx.get(f"{relay.base_url}/metrics").text
    assert (
        'relay_webhooks_received_total{outcome="accepted",platform="shopify",source="shop-a"} 1.0'
        in text
    )
    assert (
        'relay_verification_failures_total{platform="shopify",reason="signature_mismatch",'
        'source="shop-a"} 1.0' in text
    )
    assert "relay_build_info{" in text
    assert "wrong" not in text


def test_broker_down_answers_503_and_sigterm_exits_zero(tmp_path: Path, topic_prefix: str) -> None:
    """With the broker frozen, a webhook gets 503 + Retry-After; SIGTERM then exits 0."""
    with EmbeddedBroker() as broker:
        config = _config(
            broker.bootstrap_servers, topic_prefix, embedded=True, publish_timeout_seconds=1.0
        )
        relay = RelayProcess(tmp_path, config, _ENV)
        relay.start()
        try:
            body = sample_body("shopify", "orders/create")
            assert _shopify_post(relay, body)[0].status_code == 200
            broker.pause()
            response, headers = _shopify_post(relay, body)
            assert response.status_code == 503
            assert response.headers["retry-after"] == "10"
            assert response.json() == {"error": "temporarily unavailable"}
            assert httpx.get(f"{relay.base_url}/readyz", timeout=5).status_code == 503
            broker.resume()
            retried = httpx.post(f"{relay.base_url}/webhooks/shop-a", content=body, headers=headers)
            assert retried.status_code == 200
            assert relay.terminate() == 0
        finally:
            broker.resume()
            relay.stop()
