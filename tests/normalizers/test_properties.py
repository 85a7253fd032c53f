"""Property: every event a normalizer produces round-trips through JSON and re-validates.

"Re-validates" twice: against the pydantic model, and against the event type's exported
JSON Schema (``relay schema export``), so the schema consumers use accepts every event.

Bodies are the golden samples with ids, amounts, currencies, times and quantities drawn by
Hypothesis, plus extra keys of arbitrary JSON (which must come back in additional_fields).
"""

from __future__ import annotations

import copy
import string
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson
from _schemas import event_validator
from hypothesis import given, settings
from hypothesis import strategies as st

from normalizers import NORMALIZERS
from normalizers.generic import GenericNormalizer
from normalizers.schema import CanonicalEvent, entity_class
from verifiers import Verified

SAMPLES = Path(__file__).parents[1] / "samples"
GENERIC = sorted(slug for slug, n in NORMALIZERS.items() if isinstance(n, GenericNormalizer))
TEXT = st.characters(exclude_categories=("Cs",))  # orjson refuses lone surrogates


def sample(platform: str, case: str) -> dict[str, Any]:
    """The parsed body of a golden sample."""
    body: dict[str, Any] = orjson.loads((SAMPLES / platform / case / "body.json").read_bytes())
    return body


SHOPIFY_ORDER = sample("shopify", "orders.create")
SHOPIFY_PRODUCT = sample("shopify", "products.create")
SHOPIFY_CUSTOMER = sample("shopify", "customers.create")
WOO_ORDER = sample("woocommerce", "order.created")
WOO_PRODUCT = sample("woocommerce", "product.created.docs_variable")
WOO_CUSTOMER = sample("woocommerce", "customer.created")

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(TEXT, max_size=12)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(TEXT, max_size=6), inner),
    max_leaves=10,
)
extra_keys = st.dictionaries(st.text(TEXT, max_size=8).map("x_{}".format), json_values, max_size=3)
ids = st.integers(1, 2**63 - 1) | st.text(string.ascii_letters + string.digits, min_size=1)
amounts = st.decimals(
    min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False
).map(str)
currencies = st.sampled_from(["USD", "EUR", "JPY", "cad"])
offsets = st.integers(-14 * 60 + 1, 14 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m)))
times = st.builds(
    lambda moment, offset: moment.replace(tzinfo=offset).isoformat(),
    st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1)),  # noqa: DTZ001 - the offset is drawn separately
    offsets,
)
gmt_times = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1)).map(  # noqa: DTZ001 - WooCommerce *_gmt times carry no offset
    lambda moment: moment.replace(microsecond=0).isoformat()
)


@st.composite
def shopify_bodies(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A Shopify order, product or customer body under one of its topics."""
    kind = draw(st.sampled_from(["order", "product", "customer"]))
    if kind == "order":
        body = copy.deepcopy(SHOPIFY_ORDER)
        body["currency"] = draw(currencies)
        for key in ("total_price", "total_tax", "total_discounts", "total_line_items_price"):
            body[key] = draw(st.none() | amounts)
        body["created_at"] = draw(st.none() | times)
        body["note"] = draw(st.none() | st.text(TEXT))
        for line in body["line_items"]:
            line["id"] = draw(ids)
            line["price"] = draw(amounts)
            line["quantity"] = draw(st.integers(0, 10**6))
        topic = draw(st.sampled_from(["orders/create", "orders/updated", "orders/paid"]))
    elif kind == "product":
        body = copy.deepcopy(SHOPIFY_PRODUCT)
        body["title"] = draw(st.text(TEXT))
        for variant in body["variants"]:
            variant["price"] = draw(amounts)
            variant["inventory_quantity"] = draw(st.integers(-(10**6), 10**6))
            variant["updated_at"] = draw(times)
        topic = draw(st.sampled_from(["products/create", "products/update"]))
    else:
        body = copy.deepcopy(SHOPIFY_CUSTOMER)
        body["email"] = draw(st.none() | st.text(TEXT))
        body["total_spent"] = draw(amounts)
        topic = draw(st.sampled_from(["customers/create", "customers/update"]))
    body["id"] = draw(ids)
    body.update(draw(extra_keys))
    return draw(
        st.sampled_from([topic, topic.split("/")[0] + "/delete", "draft_orders/create"])
    ), body


@st.composite
def woocommerce_bodies(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A WooCommerce order, product or customer body under one of its topics."""
    kind = draw(st.sampled_from(["order", "product", "customer"]))
    if kind == "order":
        body = copy.deepcopy(WOO_ORDER)
        body["currency"] = draw(currencies)
        body["total"] = draw(amounts)
        body["customer_id"] = draw(st.integers(0, 2**31))
        body["date_created_gmt"] = draw(gmt_times)
        for line in body["line_items"]:
            line["subtotal"] = draw(amounts)
            line["total"] = draw(amounts)
            line["price"] = draw(st.integers(0, 10**6) | st.floats(0, 10**6))
            line["quantity"] = draw(st.integers(1, 1000))
        body["refunds"] = [{"id": draw(ids), "reason": "", "total": draw(amounts)}]
    elif kind == "product":
        body = copy.deepcopy(WOO_PRODUCT)
        body["price"] = draw(st.just("") | amounts)
        body["variations"] = draw(st.lists(st.integers(1, 2**31), max_size=3))
    else:
        body = copy.deepcopy(WOO_CUSTOMER)
        body["email"] = draw(st.text(TEXT))
    body["id"] = draw(ids)
    body.update(draw(extra_keys))
    events = ["created", "updated", "deleted"] + (["restored"] if kind != "customer" else [])
    return f"{kind}.{draw(st.sampled_from(events))}", body


def assert_round_trips(events: Sequence[CanonicalEvent]) -> None:
    """Each event's JSON re-validates into an equal event that writes the same bytes."""
    assert events
    for event in events:
        wire = event.to_json()
        parsed = orjson.loads(wire)
        assert list(event_validator(parsed["type"]).iter_errors(parsed)) == []
        model = entity_class(parsed["type"])
        assert type(event.data) is model
        data = model.model_validate_json(orjson.dumps(parsed["data"]))
        assert data == event.data
        assert data.model_dump_json(exclude_none=True).encode() == event.data_json()
        again = CanonicalEvent.model_validate({**parsed, "data": data})
        assert again == event
        assert again.to_json() == wire


@settings(max_examples=150, deadline=None)
@given(case=shopify_bodies(), delivery_id=st.text(TEXT, min_size=1))
def test_shopify_events_round_trip(
    make_delivery: Callable[..., Verified], case: tuple[str, dict[str, Any]], delivery_id: str
) -> None:
    """Shopify events re-validate from their JSON, extra body keys kept verbatim."""
    topic, body = case
    events = NORMALIZERS["shopify"](
        make_delivery("shopify", orjson.dumps(body), topic, delivery_id=delivery_id)
    )
    assert_round_trips(events)
    extras = {key: value for key, value in body.items() if key.startswith("x_")}
    data = events[0].data
    kept = data.body if topic == "draft_orders/create" else data.additional_fields
    assert {key: kept[key] for key in extras} == extras
    if topic != "draft_orders/create":
        assert data.id == str(body["id"])
    if topic.startswith("orders/") and topic != "orders/delete":
        wire = orjson.loads(events[0].to_json())["data"]
        assert wire["totals"].get("total") == body["total_price"]
        assert [line["price"] for line in wire["order_products"]] == [
            line["price"] for line in body["line_items"]
        ]


@settings(max_examples=150, deadline=None)
@given(case=woocommerce_bodies())
def test_woocommerce_events_round_trip(
    make_delivery: Callable[..., Verified], case: tuple[str, dict[str, Any]]
) -> None:
    """WooCommerce events re-validate from their JSON, extra body keys kept verbatim."""
    topic, body = case
    events = NORMALIZERS["woocommerce"](make_delivery("woocommerce", orjson.dumps(body), topic))
    assert_round_trips(events)
    extras = {key: value for key, value in body.items() if key.startswith("x_")}
    assert {key: events[0].data.additional_fields[key] for key in extras} == extras
    assert events[0].data.id == str(body["id"])
    if topic in {"order.created", "order.updated", "order.restored"}:
        wire = orjson.loads(events[0].to_json())["data"]
        assert wire["totals"]["total"] == body["total"]


@settings(max_examples=100, deadline=None)
@given(body=json_values, platform=st.sampled_from(GENERIC))
def test_generic_events_round_trip(
    make_delivery: Callable[..., Verified], body: object, platform: str
) -> None:
    """Any JSON body becomes a PlatformEvent that re-validates and keeps the body equal."""
    events = NORMALIZERS[platform](make_delivery(platform, orjson.dumps(body)))
    assert_round_trips(events)
    assert events[0].data.body == body
