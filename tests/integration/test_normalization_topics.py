"""End to end: the new entity topics and the normalization DLQ, through a real `relay serve`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson
import pytest
from _kafka import read_topic
from _relay_process import RelayProcess

from relay.signing import sign
from verifiers import Secret

pytestmark = pytest.mark.integration

SECRET = "integration-normalization-secret"
SAMPLES = Path(__file__).parents[1] / "samples" / "shopify"


@pytest.fixture
def relay(
    tmp_path: Path, kafka_bootstrap: str, kafka_is_embedded: bool, topic_prefix: str
) -> Iterator[RelayProcess]:
    """A running relay with one Shopify source, on its own topic prefix."""
    config = {
        "kafka": {
            "bootstrap_servers": kafka_bootstrap,
            "topic_prefix": topic_prefix,
            "topic_partitions": 1,
            "enable_idempotence": not kafka_is_embedded,
        },
        "sources": [{"id": "shop-n", "platform": "shopify", "secrets": ["env:T_SECRET"]}],
    }
    process = RelayProcess(tmp_path, config, {"T_SECRET": SECRET})
    process.start()
    yield process
    process.stop()


def _post(relay: RelayProcess, body: bytes, topic: str) -> httpx.Response:
    headers = sign("shopify", body, Secret(SECRET), topic, datetime.now(UTC))
    return httpx.post(f"{relay.base_url}/webhooks/shop-n", content=body, headers=headers)


def test_refund_lands_on_refunds_and_a_misfit_body_on_the_dlq(
    relay: RelayProcess, kafka_bootstrap: str, topic_prefix: str
) -> None:
    """refunds/create reaches .refunds; a body that does not fit is acknowledged and on .dlq."""
    refund = (SAMPLES / "refunds.create" / "body.json").read_bytes()
    assert _post(relay, refund, "refunds/create").status_code == 200
    [message] = read_topic(kafka_bootstrap, f"{topic_prefix}.refunds", until=bool)
    event = orjson.loads(message.value or b"")
    assert event["type"] == "commerce.refund.created.v1"
    assert message.key == b"shop-n:890088186047892400"
    assert event["data"]["items"][0]["amount"] == "199.00"

    misfit = b'{"id": 1, "line_items": "not a list"}'
    response = _post(relay, misfit, "orders/create")
    assert response.status_code == 200, response.text
    [failure] = read_topic(kafka_bootstrap, f"{topic_prefix}.dlq", until=bool)
    record = orjson.loads(failure.value or b"")
    assert record["reason"] == "malformed_payload"
    assert "body.line_items" in record["detail"]
    assert failure.headers["relay-error-reason"] == b"malformed_payload"
    raw = read_topic(kafka_bootstrap, f"{topic_prefix}.raw", until=lambda ms: len(ms) >= 2)
    assert misfit in [m.value for m in raw]
