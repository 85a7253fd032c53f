"""Fixtures for the normalizer tests: verified deliveries built directly, without a verifier."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from verifiers import InboundRequest, Verified, body_digest_id

RECEIVED_AT = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
PAYLOADS = Path(__file__).parents[1] / "samples"

DeliveryFactory = Callable[..., Verified]


def build_delivery(
    platform: str,
    body: bytes | object,
    topic: str = "",
    *,
    delivery_id: str | None = None,
    store_id: str | None = None,
    occurred_at: datetime | None = None,
    headers: Mapping[str, str] | None = None,
    source_id: str = "test-source",
) -> Verified:
    """Build what a verifier hands a normalizer; a non-bytes ``body`` is JSON-encoded."""
    raw = body if isinstance(body, bytes) else orjson.dumps(body)
    request = InboundRequest(
        method="POST",
        path=f"/webhooks/{source_id}",
        query="",
        headers=dict(headers or {}),
        body=raw,
        source_id=source_id,
        received_at=RECEIVED_AT,
    )
    return Verified(
        request=request,
        platform=platform,
        delivery_id=delivery_id or body_digest_id(raw),
        topic=topic,
        store_id=store_id,
        occurred_at=occurred_at,
    )


@pytest.fixture(scope="session")
def make_delivery() -> DeliveryFactory:
    """Build a ``Verified`` delivery: platform, body, topic, and keyword overrides."""
    return build_delivery


@pytest.fixture(scope="session")
def sample_body() -> Callable[[str, str], bytes]:
    """Return the verbatim body of a golden sample, ``(platform, case)``."""

    def read(platform: str, case: str) -> bytes:
        return (PAYLOADS / platform / case / "body.json").read_bytes()

    return read
