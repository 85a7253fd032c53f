"""A real relay's log output: JSON lines with delivery context; no secret, signature or body."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
import pytest
from _relay_process import RelayProcess

from relay.signing import sample_body, sign
from verifiers import Secret

pytestmark = pytest.mark.integration

SECRET = "logs-shopify-secret-value"
FORGED_SECRET = "logs-forged-secret-value"
CLIENT = "203.0.113.7"  # TEST-NET-3: the client a proxy in front of relay names


@pytest.fixture(scope="module")
def run(
    tmp_path_factory: pytest.TempPathFactory, kafka_bootstrap: str, kafka_is_embedded: bool
) -> tuple[list[dict[str, Any]], str, dict[str, dict[str, str]]]:
    """Log lines, raw log text and the headers sent, after valid, forged and malformed traffic."""
    tmp = tmp_path_factory.mktemp("logs")
    config = {
        "log_level": "DEBUG",
        "server": {"access_log": True},
        "kafka": {
            "bootstrap_servers": kafka_bootstrap,
            "topic_prefix": f"logs{tmp.name[-6:].replace('-', '')}",
            "topic_partitions": 1,
            "enable_idempotence": not kafka_is_embedded,
        },
        "sources": [{"id": "shop-l", "platform": "shopify", "secrets": ["env:L_SHOPIFY_SECRET"]}],
    }
    relay = RelayProcess(tmp, config, {"L_SHOPIFY_SECRET": SECRET})
    relay.start()
    url = f"{relay.base_url}/webhooks/shop-l"
    body = sample_body("shopify", "orders/create")
    sent: dict[str, dict[str, str]] = {}
    try:
        for case, content, secret, status in (
            ("valid", body, SECRET, 200),
            ("forged", body, FORGED_SECRET, 401),
            ("malformed", b'{"id": "not-an-order", "email": "mallory@example.com"', SECRET, 200),
        ):
            headers = sign("shopify", content, Secret(secret), "orders/create", datetime.now(UTC))
            headers["X-Forwarded-For"] = CLIENT  # from 127.0.0.1, a proxy trusted by default
            assert httpx.post(url, content=content, headers=headers).status_code == status
            sent[case] = headers
        assert relay.terminate() == 0
    finally:
        relay.stop()
    text = relay.log()
    return [orjson.loads(line) for line in text.splitlines() if line.strip()], text, sent


def _about(lines: list[dict[str, Any]], event: str) -> list[dict[str, Any]]:
    return [line for line in lines if line["event"].startswith(event)]


def test_every_line_is_a_json_object_with_level_logger_and_time(
    run: tuple[list[dict[str, Any]], str, dict[str, dict[str, str]]],
) -> None:
    """The whole output parses as JSON lines, each with level, logger and an RFC 3339 time."""
    lines, _, _ = run
    assert len(lines) >= 6
    for line in lines:
        assert {"event", "level", "logger", "time"} <= set(line), line
        assert line["time"].endswith("Z")


def test_lines_about_a_delivery_carry_source_platform_and_delivery_id(
    run: tuple[list[dict[str, Any]], str, dict[str, dict[str, str]]],
) -> None:
    """Published, DLQ and access lines name the delivery; rejected ones its source and platform."""
    lines, _, sent = run
    valid_id = sent["valid"]["X-Shopify-Webhook-Id"]
    malformed_id = sent["malformed"]["X-Shopify-Webhook-Id"]
    delivery_lines = [
        line
        for line in lines
        if line["logger"] == "relay.webhooks" or "/webhooks/" in line["event"]
    ]
    assert len(delivery_lines) >= 6
    for line in delivery_lines:
        assert (line["source"], line["platform"]) == ("shop-l", "shopify"), line
    published = _about(lines, "delivery published")
    assert {line["delivery_id"] for line in published} == {valid_id, malformed_id}
    assert all(line["records"] >= 2 for line in published)
    (dlq,) = _about(lines, "normalization failed")
    assert (dlq["delivery_id"], dlq["reason"]) == (malformed_id, "malformed_payload")
    (rejected,) = _about(lines, "delivery rejected")
    assert rejected["reason"] == "signature_mismatch"
    assert "delivery_id" not in rejected  # unproven until the signature verifies
    access = [line for line in lines if line["logger"] == "uvicorn.access"]
    assert {line.get("delivery_id") for line in access} == {valid_id, malformed_id, None}
    webhooks = [line for line in access if "/webhooks/" in line["event"]]
    assert len(webhooks) == 3
    assert all(line["event"].startswith(f"{CLIENT}:") for line in webhooks), webhooks


def test_no_secret_signature_or_body_in_the_logs(
    run: tuple[list[dict[str, Any]], str, dict[str, dict[str, str]]],
) -> None:
    """Neither secret, nor either signature sent, nor any part of a body appears in the output."""
    _, text, sent = run
    assert SECRET not in text
    assert FORGED_SECRET not in text
    for headers in sent.values():
        assert headers["X-Shopify-Hmac-Sha256"] not in text
    for fragment in ("john@example.com", "mallory@example.com", "not-an-order", "line_items"):
        assert fragment not in text
