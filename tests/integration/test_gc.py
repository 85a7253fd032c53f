"""The ``gc`` settings in a real ``relay serve``: seen in its log and in python_gc_* metrics."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from _relay_process import RelayProcess, relay_config
from prometheus_client.parser import text_string_to_metric_families

from relay.signing import sample_body, sign
from verifiers import Secret

pytestmark = pytest.mark.integration

SECRET = "gc-shopify-secret"
WEBHOOKS = 192
AT_ONCE = 64


def _gen0_collections(relay: RelayProcess) -> float:
    text = httpx.get(f"{relay.base_url}/metrics").text
    for family in text_string_to_metric_families(text):
        if family.name == "python_gc_collections":
            return next(s.value for s in family.samples if s.labels == {"generation": "0"})
    raise AssertionError("python_gc_collections_total is not served")


def _gc_log_line(relay: RelayProcess) -> dict[str, Any]:
    lines = [json.loads(line) for line in relay.log().splitlines() if line.startswith("{")]
    return next(line for line in lines if line.get("event") == "garbage collector set")


def _collections_over_webhooks(relay: RelayProcess, run: str) -> float:
    """gen0 collections while ``WEBHOOKS`` Shopify orders are accepted, ``AT_ONCE`` at a time."""
    body = sample_body("shopify", "orders/create")
    before = _gen0_collections(relay)

    async def post_all() -> list[dict[str, str]]:
        limits = httpx.Limits(max_connections=AT_ONCE)
        # no pool timeout: most of the requests wait their turn for one of the connections
        timeout = httpx.Timeout(30.0, pool=None)
        async with httpx.AsyncClient(
            base_url=relay.base_url, limits=limits, timeout=timeout
        ) as client:

            async def post(n: int) -> dict[str, str]:
                headers = sign("shopify", body, Secret(SECRET), "orders/create", datetime.now(UTC))
                headers["X-Shopify-Webhook-Id"] = f"{run}-{n}"
                reply = await client.post("/webhooks/shop", content=body, headers=headers)
                return dict(reply.json())

            return await asyncio.gather(*(post(n) for n in range(WEBHOOKS)))

    replies = asyncio.run(post_all())
    assert replies == [{"status": "accepted"}] * WEBHOOKS
    return _gen0_collections(relay) - before


@pytest.mark.parametrize(
    ("gc_settings", "thresholds", "frozen"),
    [
        ({}, [20_000, 10, 10], True),
        ({"thresholds": None, "freeze": False}, [700, 10, 10], False),
    ],
    ids=["defaults", "python"],
)
def test_the_gc_settings_reach_the_serving_process(
    tmp_path: Path,
    kafka_bootstrap: str,
    gc_settings: dict[str, Any],
    thresholds: list[int],
    frozen: bool,
) -> None:
    """The defaults keep gen0 collections off the webhook path; Python's own run per webhook."""
    config = relay_config(kafka_bootstrap, f"gc{tmp_path.name[-6:]}", gc=gc_settings)
    relay = RelayProcess(tmp_path, config, {"T_SHOPIFY_SECRET": SECRET})
    relay.start()
    try:
        line = _gc_log_line(relay)
        collections = _collections_over_webhooks(relay, tmp_path.name)
    finally:
        relay.stop()
    assert line["thresholds"] == thresholds
    assert (line["frozen_objects"] > 10_000) is frozen
    # Only what is in flight at once sets off gen0 (what a webhook allocates is freed by
    # reference counting): 64 orders in flight stay well under 20,000 tracked objects, while
    # Python's 700 is passed whenever a few are (10 collections in runs here).
    if frozen:
        assert collections <= 1
    else:
        assert collections >= 3
