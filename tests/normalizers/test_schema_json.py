"""Writing canonical models as JSON: orjson's bytes are pydantic's, and written once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from normalizers.schema import CanonicalEvent, CustomField, Entity, Order, OrderTotals
from normalizers.schema._json import dumps

NOW = datetime(2025, 1, 1, 12, 30, 5, 123456, tzinfo=UTC)


def event_of(data: Entity) -> CanonicalEvent:
    """Wrap ``data`` into an envelope with every optional attribute but one set."""
    return CanonicalEvent(
        id="e1",
        source="/sources/s",
        type="commerce.order.created.v1",
        subject=data.id,
        time=NOW,
        platform="shopify",
        sourceid="s",
        storeid="shop",
        platformtopic="orders/create",
        deliveryid="d",
        receivedat=NOW.astimezone(timezone(timedelta(hours=-5, minutes=-30))),
        partitionkey=f"s:{data.id}",
        data=data,
    )


def test_dumps_writes_what_pydantic_writes() -> None:
    """Nested models, decimals, times, nulls and verbatim JSON come out byte for byte alike."""
    order = Order(
        id="1",
        create_at=NOW,
        totals=OrderTotals(total=Decimal("10.10"), tax=Decimal("1E+2"), currency="USD"),
        custom_fields=[CustomField(key="k", value={"a": [1, 2.5, None, "é\n"]})],
        additional_fields={"x": None, "y": {"z": [True, 1e16, Decimal("2.50")]}},
    )
    event = event_of(order)
    assert dumps(order) == order.model_dump_json(exclude_none=True).encode()
    assert dumps(event) == event.model_dump_json(exclude_none=True).encode()
    assert event.to_json() == event.model_dump_json(exclude_none=True).encode()
    assert event.data_json() == order.model_dump_json(exclude_none=True).encode()


def test_dumps_falls_back_to_pydantic() -> None:
    """A value orjson refuses (an integer beyond 64 bits, bytes) is written by pydantic instead."""
    order = Order(id="1", additional_fields={"big": 2**70, "amount": Decimal("1.5")})
    assert dumps(order) == order.model_dump_json(exclude_none=True).encode()
    assert b'"big":1180591620717411303424' in dumps(order)
    raw = Order(id="1", additional_fields={"raw": b"x"})
    assert dumps(raw) == raw.model_dump_json(exclude_none=True).encode()
    assert b'"raw":"x"' in dumps(raw)


def test_event_serializes_once() -> None:
    """to_json and data_json keep their bytes; a copy of the event serializes its own."""
    event = event_of(Order(id="1"))
    assert event.to_json() is event.to_json()
    assert event.data_json() is event.data_json()
    assert event.to_json().endswith(b',"data":' + event.data_json() + b"}")
    spliced = event_of(Order(id="1"))
    assert spliced.data_json() == event.data_json()
    assert spliced.to_json() == event.to_json()
    copied = event.model_copy(update={"traceparent": "00-" + "1" * 32 + "-" + "2" * 16 + "-01"})
    assert b"traceparent" in copied.to_json()
    assert b"traceparent" not in event.to_json()
    assert copied == event.model_copy(update={"traceparent": copied.traceparent})
