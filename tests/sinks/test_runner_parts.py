"""Unit tests of the runner parts: offsets, filters, decoding, retry decisions, DLQ headers."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

import orjson
import pytest
from _sink_harness import make_event
from pydantic import ValidationError

from normalizers.schema import CanonicalEvent
from relay.records import RecordBuilder
from sinks import DeliveryError, SinkEvent, SinkGoneError, UndecodableEventError, decode_record
from sinks._batch import GroupCommit
from sinks._delivery import retry_decision
from sinks._dlq import DeadLetter
from sinks._offsets import PartitionOffsets
from sinks.config import FilterSettings
from sinks.filters import EventFilter


def _decoded(
    mode: str = "structured", event: CanonicalEvent | None = None, **extra: object
) -> SinkEvent:
    event = event or make_event("k1", 3, **extra)
    (record,) = RecordBuilder("p", mode).events([event])  # type: ignore[arg-type]
    return decode_record(
        topic=record.topic,
        partition=2,
        offset=7,
        key=record.key,
        value=record.value,
        headers=record.headers,
    )


def test_commit_point_never_passes_an_unfinished_offset() -> None:
    """Offsets finished out of order commit only their finished prefix."""
    offsets = PartitionOffsets()
    for n in (10, 11, 12, 13):
        offsets.add(n)
    offsets.finish(12)
    assert offsets.advance() is None
    offsets.finish(10)
    assert offsets.advance() == 11
    assert offsets.low() == 11
    offsets.finish(11)
    offsets.finish(13)
    assert offsets.advance() == 14
    assert len(offsets) == 0
    assert offsets.low() is None
    assert offsets.committed == 14


def test_structured_and_binary_records_decode_to_the_same_event() -> None:
    """Both CloudEvents content modes give the same attributes and structured body."""
    original = make_event("k1", 3)
    structured, binary = _decoded("structured", original), _decoded("binary", original)
    for event in (structured, binary):
        assert event.type == "commerce.platform_event.received.v1"
        assert event.entity_type == "platform_event"
        assert event.entity_id == "k1"
        assert (event.partition, event.offset) == (2, 7)
        assert orjson.loads(event.body)["data"]["additional_fields"]["seq"] == 3
    assert structured.id == binary.id == original.id
    assert structured.time == original.time.isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (b"{nope", "not JSON"),
        (b"[1]", "not a JSON object"),
        (b'{"id": "x"}', "missing CloudEvent attributes"),
    ],
)
def test_records_that_are_not_events_are_undecodable(value: bytes, message: str) -> None:
    """Garbage, non-objects and objects without the envelope raise a permanent error."""
    with pytest.raises(UndecodableEventError, match=message) as caught:
        decode_record(topic="t", partition=0, offset=0, key=None, value=value, headers=())
    assert caught.value.retriable is False
    assert caught.value.reason == "undecodable"


def test_filter_checks_type_glob_platform_source_and_expression() -> None:
    """Each condition can reject; all together accept; a type error in the expression rejects."""
    event = _decoded(currency="EUR")
    accepts = lambda **kw: EventFilter.from_config(FilterSettings(**kw)).accepts(event)  # noqa: E731
    assert accepts()
    assert accepts(
        types=["commerce.platform_event.*"], platforms=["standard_webhooks"], sources=["shop-a"]
    )
    assert not accepts(types=["commerce.order.*"])
    assert not accepts(platforms=["shopify"])
    assert not accepts(sources=["shop-b"])
    assert accepts(expression="data.additional_fields.currency == 'EUR'")
    assert not accepts(expression="data.additional_fields.currency == 'USD'")
    assert not accepts(expression="data.additional_fields.currency > `1`")


def test_a_bad_expression_is_a_config_error() -> None:
    """An expression that does not compile is refused when the config is loaded."""
    with pytest.raises(ValidationError, match="not a valid JMESPath expression"):
        FilterSettings(expression="data.[")


def test_retry_decision_follows_retriable_and_retry_after() -> None:
    """Retriable errors retry (Retry-After capped), permanent and gone do not, I/O errors do."""
    assert retry_decision(DeliveryError("x", "y", retriable=True), 30) is True
    assert retry_decision(DeliveryError("x", "y", retriable=True, retry_after=5), 30) == 5
    assert retry_decision(DeliveryError("x", "y", retriable=True, retry_after=500), 30) == 30
    assert retry_decision(DeliveryError("x", "y", retriable=False), 30) is False
    assert retry_decision(SinkGoneError("gone"), 30) is False
    assert retry_decision(ConnectionResetError(), 30) is True
    assert retry_decision(TimeoutError(), 30) is True
    assert retry_decision(KeyError("bug"), 30) is False


def test_dead_letter_headers_keep_the_first_origin() -> None:
    """A letter names its origin; a redriven letter that fails again keeps the first one."""
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    first = DeadLetter(
        "p.orders", 1, 42, b"k", b"v", [("content-type", b"x")], "http_400", "E: no", 1
    )
    headers = dict(first.record_headers("s", now))
    assert headers["content-type"] == b"x"
    assert headers["relay-dlq-original-offset"] == b"42"
    assert headers["relay-dlq-at"] == b"2026-01-02T03:04:05Z"
    again = DeadLetter("p.sink-dlq.s", 0, 3, b"k", b"v", list(headers.items()), "http_500", "E", 10)
    second = again.record_headers("s", now)
    assert len([n for n, _ in second if n == "relay-dlq-reason"]) == 1
    assert dict(second)["relay-dlq-original-topic"] == b"p.orders"
    assert dict(second)["relay-dlq-reason"] == b"http_500"


def test_group_commit_batches_concurrent_items_and_reports_each_error() -> None:
    """Concurrent submits share one write; each waiter gets its own item's error."""
    batches: list[list[int]] = []

    async def write(items: Sequence[int]) -> Sequence[BaseException | None]:
        batches.append(list(items))
        return [ValueError(n) if n == 3 else None for n in items]

    async def scenario() -> list[BaseException | None]:
        commit: GroupCommit[int] = GroupCommit(write, max_batch=10)
        results = await asyncio.gather(
            *(commit.submit(n) for n in range(5)), return_exceptions=True
        )
        await commit.aclose()
        return list(results)

    results = asyncio.run(scenario())
    assert batches == [[0, 1, 2, 3, 4]]
    assert [type(r).__name__ for r in results] == ["NoneType"] * 3 + ["ValueError", "NoneType"]
