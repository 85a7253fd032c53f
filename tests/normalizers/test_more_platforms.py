"""Commerce Layer, Lemon Squeezy, Adobe Commerce and Shippo, field by field.

Bodies are the golden samples (Shippo: its verbatim Track object, tests/normalizers/shippo/,
inside the envelope its webhook docs describe).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import orjson
import pytest

from normalizers import NORMALIZERS, CanonicalEvent, MalformedPayloadError
from normalizers.schema import Customer, Order, PlatformEvent, Product, Shipment
from verifiers import Verified

Factory = Callable[..., Verified]
Body = Callable[[str, str], bytes]
TRACK = orjson.loads((Path(__file__).parent / "shippo" / "rest.track.json").read_bytes())


def normalize(
    platform: str, raw: bytes, make_delivery: Factory, topic: str = ""
) -> list[CanonicalEvent]:
    """Run the platform's normalizer over a body under an optional topic header."""
    return list(NORMALIZERS[platform](make_delivery(platform, raw, topic)))


def test_commercelayer_order_and_customer(make_delivery: Factory, sample_body: Body) -> None:
    """orders.create: number, statuses, email, cents as dollars; customers.create: email, status."""
    raw = sample_body("commercelayer", "orders.create")
    [event] = normalize("commercelayer", raw, make_delivery, "orders.create")
    order = event.data
    assert isinstance(order, Order)
    assert (order.id, order.order_id, order.currency) == ("PlalhWGrAb", "35310566", "USD")
    assert order.status is not None
    assert (order.status.id, order.status.financial_status) == ("draft", "unpaid")
    assert order.customer is not None
    assert order.customer.email == "mark@mail.com"
    assert order.totals is not None
    assert str(order.totals.total) == "0.00"
    assert order.create_at == datetime(2023, 3, 17, 10, 27, 9, 819000, UTC)
    assert order.additional_fields["data"]["attributes"]["formatted_total_amount"] == "$0.00"
    body = orjson.loads(raw)
    body["data"]["attributes"].update(total_amount_cents=1010, customer_email=None)
    [paid] = normalize("commercelayer", orjson.dumps(body), make_delivery, "orders.fulfill")
    assert isinstance(paid.data, Order)
    assert paid.type == "commerce.order.fulfilled.v1"
    assert paid.data.totals is not None
    assert str(paid.data.totals.total) == "10.10"
    assert paid.data.customer is None
    raw = sample_body("commercelayer", "customers.create")
    [customer] = normalize("commercelayer", raw, make_delivery, "customers.create")
    assert isinstance(customer.data, Customer)
    assert (customer.data.email, customer.data.status) == ("creted.cus@mail.com", "prospect")
    [sku] = normalize("commercelayer", b'{"data": {"id": "s"}}', make_delivery, "skus.create")
    assert isinstance(sku.data, PlatformEvent)


def test_lemonsqueezy_order(make_delivery: Factory, sample_body: Body) -> None:
    """order_created: totals in dollars, the line with price, the email and receipt link."""
    raw = sample_body("lemonsqueezy", "order_created")
    [event] = normalize("lemonsqueezy", raw, make_delivery)  # topic from meta.event_name
    assert event.platformtopic == "order_created"
    order = event.data
    assert isinstance(order, Order)
    assert order.totals is not None
    assert (order.totals.subtotal, order.totals.total, order.currency) == (
        Decimal("58.99"),
        Decimal("58.99"),
        "USD",
    )
    [line] = order.order_products
    assert (line.name, line.quantity, line.price) == ("Product One", 1, Decimal("9.99"))
    assert order.customer is not None
    assert order.customer.email == "dan@lemonsqueezy.com"
    assert order.order_details_url is not None
    assert order.order_details_url.startswith("https://app.lemonsqueezy.com/my-orders/")
    assert order.status is not None
    assert order.status.financial_status == "paid"
    body = orjson.loads(raw)
    del body["data"]["attributes"]["first_order_item"], body["data"]["attributes"]["urls"]
    [refunded] = normalize("lemonsqueezy", orjson.dumps(body), make_delivery, "order_refunded")
    assert refunded.type == "commerce.order.refunded.v1"
    assert isinstance(refunded.data, Order)
    assert (refunded.data.order_products, refunded.data.order_details_url) == ([], None)


def test_adobe_commerce_product_events(make_delivery: Factory, sample_body: Body) -> None:
    """A product save CloudEvent: sku, name, price, stock, UTC times; the full payload's id."""
    raw = sample_body("adobe_commerce", "cloudevent.observer.catalog_product_save_commit_after")
    [event] = normalize("adobe_commerce", raw, make_delivery)
    assert event.type == "commerce.product.updated.v1"
    product = event.data
    assert isinstance(product, Product)
    assert (product.id, product.sku, product.name) == ("eventtest1", "eventtest1", "eventtest r")
    assert (product.price, product.quantity) == (Decimal("32444.000000"), Decimal(65))
    assert product.modified_at == datetime(2025, 7, 17, 15, 48, 41, tzinfo=UTC)
    assert event.time == datetime(2025, 7, 17, 15, 48, 42, 436000, UTC)
    full = orjson.loads(sample_body("adobe_commerce", "observer.catalog_product_save_after"))
    envelope = {"type": "com.adobe.commerce.observer.catalog_product_delete_commit_after"}
    [deleted] = normalize("adobe_commerce", orjson.dumps(envelope | full["event"]), make_delivery)
    assert deleted.type == "commerce.product.deleted.v1"
    assert isinstance(deleted.data, Product)
    assert (deleted.data.id, deleted.data.sku, deleted.data.type) == ("3", "test2", "simple")
    assert [term.id for term in deleted.data.categories] == ["4"]
    [wrapped] = normalize("adobe_commerce", raw.replace(b"stock_data", b"stock"), make_delivery)
    assert isinstance(wrapped.data, Product)
    assert wrapped.data.quantity is None
    invoice = sample_body("adobe_commerce", "observer.sales_order_invoice_save_after")
    [unmapped] = normalize("adobe_commerce", invoice, make_delivery)
    assert isinstance(unmapped.data, PlatformEvent)


def test_adobe_commerce_order_from_the_documented_model(make_delivery: Factory) -> None:
    """sales_order_place_after maps the documented order model fields (no public sample)."""
    value = {
        "entity_id": "12", "increment_id": "000000012", "state": "new", "status": "pending",
        "order_currency_code": "usd", "grand_total": "10.10", "subtotal": "8.00",
        "customer_email": "a@example.com", "customer_firstname": "Ann",
        "created_at": "2025-01-02 03:04:05",
    }  # fmt: skip
    body = {"type": "com.adobe.commerce.observer.sales_order_place_after", "data": {"value": value}}
    [event] = normalize("adobe_commerce", orjson.dumps(body), make_delivery)
    assert event.type == "commerce.order.created.v1"
    order = event.data
    assert isinstance(order, Order)
    assert (order.id, order.order_id, order.currency) == ("12", "000000012", "USD")
    assert order.totals is not None
    assert str(order.totals.total) == "10.10"
    assert order.status is not None
    assert (order.status.id, order.status.name) == ("pending", "new")
    assert order.create_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_adobe_commerce_product_without_any_id_is_malformed(make_delivery: Factory) -> None:
    """A product payload with neither entity_id nor sku cannot be an entity."""
    body = {"type": "observer.catalog_product_save_after", "data": {"value": {"name": "x"}}}
    with pytest.raises(MalformedPayloadError, match=r"data\.value\.entity_id"):
        normalize("adobe_commerce", orjson.dumps(body), make_delivery)


def test_shippo_track_updated(make_delivery: Factory) -> None:
    """track_updated: tracking number, carrier, service, status and its date, destination."""
    body = {"event": "track_updated", "test": True, "data": TRACK}
    [event] = normalize("shippo", orjson.dumps(body), make_delivery)
    assert event.type == "commerce.shipment.updated.v1"
    shipment = event.data
    assert isinstance(shipment, Shipment)
    assert shipment.id == "9205590164917337534322"
    assert shipment.tracking_numbers == ["9205590164917337534322"]
    assert (shipment.carrier, shipment.service, shipment.status) == (
        "usps",
        "Priority Mail",
        "DELIVERED",
    )
    assert shipment.modified_at == datetime(2016, 12, 8, 15, 19, tzinfo=UTC)
    assert shipment.shipping_address is not None
    assert (shipment.shipping_address.city, shipment.shipping_address.postcode) == (
        "Berkeley",
        "94705",
    )
    bare = {"event": "track_updated", "data": {"tracking_number": "1"}}
    [sparse] = normalize("shippo", orjson.dumps(bare), make_delivery)
    assert isinstance(sparse.data, Shipment)
    assert (sparse.data.status, sparse.data.service, sparse.data.shipping_address) == (
        None,
        None,
        None,
    )


def test_shippo_transactions(make_delivery: Factory) -> None:
    """transaction_created: the label's id, tracking number and link, status, times."""
    label = {
        "object_id": "70ae8117ee1749e393f249d5b77c45e0", "status": "SUCCESS",
        "tracking_number": "9499907123456123456781", "tracking_status": None,
        "tracking_url_provider": "https://tools.usps.com/go/TrackConfirmAction_input?x=1",
        "object_created": "2025-01-01T10:00:00Z", "object_updated": "2025-01-01T10:00:05Z",
    }  # fmt: skip
    body = {"event": "transaction_created", "data": label}
    [event] = normalize("shippo", orjson.dumps(body), make_delivery)
    assert event.type == "commerce.shipment.created.v1"
    assert isinstance(event.data, Shipment)
    assert (event.data.id, event.data.status) == ("70ae8117ee1749e393f249d5b77c45e0", "SUCCESS")
    assert event.data.tracking_urls == [label["tracking_url_provider"]]
    label.update(tracking_status="TRANSIT", tracking_number=None, tracking_url_provider=None)
    body = {"event": "transaction_updated", "data": label}
    [update] = normalize("shippo", orjson.dumps(body), make_delivery)
    assert isinstance(update.data, Shipment)
    assert (update.data.status, update.data.tracking_numbers) == ("TRANSIT", [])
