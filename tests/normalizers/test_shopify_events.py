"""Shopify refunds, returns, fulfillments, inventory, transactions, checkouts and uninstalls.

Each test reads a golden sample's verbatim body and asserts its key fields explicitly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import orjson

from normalizers import NORMALIZERS, CanonicalEvent
from normalizers.schema import AppLifecycle, Cart, InventoryLevel, Payment, Refund, Return, Shipment
from verifiers import Verified

Factory = Callable[..., Verified]
Body = Callable[[str, str], bytes]
NEW_YEAR = datetime(2022, 1, 1, tzinfo=UTC)  # Shopify's samples: 2021-12-31T19:00:00-05:00


def normalize(raw: bytes, topic: str, make_delivery: Factory, **kw: str) -> list[CanonicalEvent]:
    """Run the Shopify normalizer over a body under a topic header."""
    return list(NORMALIZERS["shopify"](make_delivery("shopify", raw, topic, **kw)))


def test_refund_with_lines_and_transactions(make_delivery: Factory, sample_body: Body) -> None:
    """refunds/create: order, note, refunded lines with quantity and amount; total: transactions."""
    [event] = normalize(sample_body("shopify", "refunds.create"), "refunds/create", make_delivery)
    assert event.type == "commerce.refund.created.v1"
    assert event.topic == "refunds"
    refund = event.data
    assert isinstance(refund, Refund)
    assert (refund.order_id, refund.reason, refund.create_at) == (
        "820982911946154500",
        "Things were damaged",
        NEW_YEAR,
    )
    assert [(i.order_item_id, i.quantity, i.amount, i.sku) for i in refund.items] == [
        ("866550311766439000", 1, Decimal("199.00"), "IPOD2008PINK"),
        ("141249953214522980", 1, Decimal("199.00"), "IPOD2008PINK"),
    ]
    assert refund.items[0].variant_id == "808950810"
    assert (refund.total, refund.currency) == (None, None)  # the sample has no transactions
    body = orjson.loads(sample_body("shopify", "refunds.create"))
    body["transactions"] = [
        {"kind": "refund", "status": "success", "amount": "10.10", "currency": "usd"},
        {"kind": "refund", "status": "failure", "amount": "99.00", "currency": "USD"},
        {"kind": "refund", "status": "success", "amount": "0.90", "currency": "USD"},
    ]
    [paid] = normalize(orjson.dumps(body), "refunds/create", make_delivery)
    assert isinstance(paid.data, Refund)
    assert (str(paid.data.total), paid.data.currency) == ("11.00", "USD")
    body["refund_line_items"] = [{"line_item_id": 1, "quantity": 2}]
    [bare] = normalize(orjson.dumps(body), "refunds/create", make_delivery)
    assert isinstance(bare.data, Refund)
    assert (bare.data.items[0].sku, bare.data.items[0].amount) == (None, None)


def test_return_request(make_delivery: Factory, sample_body: Body) -> None:
    """returns/request: the order, status and each line with its quantity and reason."""
    [event] = normalize(sample_body("shopify", "returns.request"), "returns/request", make_delivery)
    assert event.type == "commerce.return.requested.v1"
    assert isinstance(event.data, Return)
    assert (event.data.id, event.data.order_id, event.data.status) == (
        "123134564567890",
        "4783296544821",
        "requested",
    )
    assert [(i.order_item_id, i.quantity, i.reason) for i in event.data.items] == [
        ("4176556606960", 1, "size_too_small"),
        ("7014063798651", 1, "size_too_large"),
    ]
    body = {"id": 1, "return_line_items": [{"quantity": 1}, {"fulfillment_line_item": {}}]}
    [bare] = normalize(orjson.dumps(body), "returns/request", make_delivery)
    assert isinstance(bare.data, Return)
    assert [i.order_item_id for i in bare.data.items] == [None, None]
    assert bare.data.order_id is None


def test_fulfillment_carrier_tracking_items_address(
    make_delivery: Factory, sample_body: Body
) -> None:
    """fulfillments/create: carrier, tracking numbers and URLs, the shipped line, destination."""
    [event] = normalize(
        sample_body("shopify", "fulfillments.create"), "fulfillments/create", make_delivery
    )
    assert event.type == "commerce.shipment.created.v1"
    shipment = event.data
    assert isinstance(shipment, Shipment)
    assert (shipment.id, shipment.order_id, shipment.status, shipment.carrier) == (
        "123456",
        "820982911946154500",
        "pending",
        "UPS",
    )
    assert shipment.tracking_numbers == ["1z827wk74630"]
    assert shipment.tracking_urls[0].startswith("https://www.ups.com/WebTracking")
    assert [(i.order_item_id, i.sku, i.quantity) for i in shipment.items] == [
        ("866550311766439000", "IPOD2008PINK", 1),
        ("141249953214522980", "IPOD2008PINK", 1),
    ]
    assert shipment.shipping_address is not None
    assert (shipment.shipping_address.city, shipment.shipping_address.state_code) == (
        "Shippington",
        "KY",
    )
    body = orjson.loads(sample_body("shopify", "fulfillments.update"))
    body.update(shipment_status="delivered", destination=None)
    [update] = normalize(orjson.dumps(body), "fulfillments/update", make_delivery)
    assert isinstance(update.data, Shipment)
    assert (update.type, update.data.status, update.data.shipping_address) == (
        "commerce.shipment.updated.v1",
        "delivered",
        None,
    )
    [tracked] = normalize(
        sample_body("shopify", "fulfillment_events.create"),
        "fulfillment_events/create",
        make_delivery,
    )
    assert isinstance(tracked.data, Shipment)
    assert (tracked.data.id, tracked.data.status, tracked.data.hydrated) == (
        "123456",
        "in_transit",
        False,
    )


def test_inventory_level_and_transaction(make_delivery: Factory, sample_body: Body) -> None:
    """inventory_levels/update: item and location; order_transactions/create: amount and kind."""
    body = orjson.loads(sample_body("shopify", "inventory_levels.update"))
    [level] = normalize(orjson.dumps(body), "inventory_levels/update", make_delivery)
    assert isinstance(level.data, InventoryLevel)
    assert (level.data.id, level.data.location_id, level.data.available) == (
        "271878346596884000",
        "24826418",
        None,
    )
    body["available"] = 7
    [stocked] = normalize(orjson.dumps(body), "inventory_levels/update", make_delivery)
    assert isinstance(stocked.data, InventoryLevel)
    assert stocked.data.available == 7
    raw = sample_body("shopify", "order_transactions.create")
    [event] = normalize(raw, "order_transactions/create", make_delivery)
    assert isinstance(event.data, Payment)
    payment = event.data
    assert (payment.amount, payment.currency, payment.kind, payment.status) == (
        Decimal("403.00"),
        "USD",
        "authorization",
        "success",
    )
    assert (payment.order_id, payment.gateway, payment.error) == (
        "820982911946154500",
        "visa",
        None,
    )
    failed = orjson.loads(raw) | {"status": "failure", "message": "Card declined"}
    [declined] = normalize(orjson.dumps(failed), "order_transactions/create", make_delivery)
    assert isinstance(declined.data, Payment)
    assert declined.data.error == "Card declined"


def test_checkout_is_a_cart(make_delivery: Factory, sample_body: Body) -> None:
    """checkouts/create: lines with quantities and prices, totals, email, both addresses."""
    [event] = normalize(
        sample_body("shopify", "checkouts.create"), "checkouts/create", make_delivery
    )
    assert event.type == "commerce.cart.created.v1"
    cart = event.data
    assert isinstance(cart, Cart)
    assert (cart.status, cart.currency) == ("open", "USD")
    assert cart.totals is not None
    assert (cart.totals.subtotal, cart.totals.total) == (Decimal("398.00"), Decimal("421.88"))
    assert [(line.sku, line.quantity, line.price) for line in cart.items] == [
        ("IPOD2008PINK", 1, Decimal("199.00")),
        ("IPOD2008PINK", 1, Decimal("199.00")),
    ]
    assert cart.customer is not None
    assert cart.customer.email == "john@example.com"
    assert cart.billing_address is not None
    assert cart.shipping_address is not None
    assert cart.recovery_url is not None
    assert cart.create_at == NEW_YEAR
    body = orjson.loads(sample_body("shopify", "checkouts.update"))
    body["completed_at"] = "2022-01-02T00:00:00Z"
    [done] = normalize(orjson.dumps(body), "checkouts/update", make_delivery)
    assert isinstance(done.data, Cart)
    assert done.data.status == "completed"


def test_app_uninstalled_names_the_shop(make_delivery: Factory, sample_body: Body) -> None:
    """app/uninstalled: the shop's id and name, its domain from the shop header when null."""
    raw = sample_body("shopify", "app.uninstalled")
    [event] = normalize(raw, "app/uninstalled", make_delivery, store_id="shop.myshopify.com")
    assert event.type == "commerce.app.uninstalled.v1"
    assert event.topic == "app-events"
    assert isinstance(event.data, AppLifecycle)
    assert (event.data.id, event.data.store_name, event.data.domain) == (
        "548380009",
        "Super Toys",
        "shop.myshopify.com",
    )
    [bare] = normalize(b"{}", "app/uninstalled", make_delivery, delivery_id="d-9")
    assert (bare.data.id, bare.subject) == ("d-9", "d-9")
