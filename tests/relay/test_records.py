"""Kafka records of a delivery: raw, canonical (structured and binary CloudEvents), DLQ."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from normalizers import make_event
from normalizers.schema import PlatformEvent
from relay.records import RecordBuilder
from verifiers import InboundRequest, Verified

NOW = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


def _delivery() -> Verified:
    request = InboundRequest(
        method="POST",
        path="/webhooks/s1",
        query="",
        headers={"content-type": "application/json", "traceparent": "00-abc-def-01"},
        body=b'{"a": 1}',
        source_id="s1",
        received_at=NOW,
    )
    return Verified(
        request=request,
        platform="shopify",
        delivery_id="d1",
        topic="app/uninstalled",
        store_id="shop.example",
        headers=(("x-shopify-topic", "app/uninstalled"),),
    )


def test_raw_record_keeps_body_and_forwards_headers() -> None:
    """The raw record is the exact body, keyed by source and delivery, with relay metadata."""
    record = RecordBuilder("p").raw(_delivery())
    headers = dict(record.headers)
    assert (record.topic, record.key, record.value) == ("p.raw", b"s1:d1", b'{"a": 1}')
    assert headers["x-shopify-topic"] == b"app/uninstalled"
    assert headers["relay-received-at"] == b"2026-03-04T05:06:07+00:00"
    assert headers["relay-authenticity"] == b"verified"
    assert headers["content-type"] == b"application/json"


def test_binary_mode_puts_attributes_in_ce_headers() -> None:
    """Binary CloudEvents: data as the value, every attribute as a ce_ header."""
    delivery = _delivery()
    entity = PlatformEvent(id="d1", platform_topic="app/uninstalled", body={"a": 1})
    (record,) = RecordBuilder("p", "binary").events([make_event(delivery, entity, "received")])
    headers = dict(record.headers)
    assert record.topic == "p.platform-events"
    assert record.key == b"s1:d1"
    assert orjson.loads(record.value)["body"] == {"a": 1}
    assert headers["content-type"] == b"application/json"
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_type"] == b"commerce.platform_event.received.v1"
    assert headers["ce_source"] == b"/sources/s1"
    assert headers["ce_traceparent"] == b"00-abc-def-01"
    assert headers["ce_storeid"] == b"shop.example"
    assert headers["ce_time"] == b"2026-03-04T05:06:07+00:00"


def test_structured_mode_is_the_json_envelope() -> None:
    """Structured CloudEvents: the whole envelope is the value."""
    delivery = _delivery()
    entity = PlatformEvent(id="d1", platform_topic="app/uninstalled", body=None)
    (record,) = RecordBuilder("p").events([make_event(delivery, entity, "received")])
    event = orjson.loads(record.value)
    assert dict(record.headers)["content-type"].startswith(b"application/cloudevents+json")
    assert event["id"] == make_event(delivery, entity, "received").id
    assert event["traceparent"] == "00-abc-def-01"
    assert event["time"] == "2026-03-04T05:06:07Z"


def test_topics_lists_every_published_topic() -> None:
    """The builder names raw, dlq and each entity topic under the prefix."""
    assert RecordBuilder("p").topics(["orders"]) == ["p.raw", "p.dlq", "p.orders"]
