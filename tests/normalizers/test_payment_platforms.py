"""Square, Stripe and PayPal: payments, refunds, customers, orders and carts, field by field.

Each test reads a golden sample's verbatim body (or a documented variation of it) and
asserts the amounts, currencies, ids, statuses and times explicitly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import orjson
import pytest

from normalizers import NORMALIZERS, CanonicalEvent, MalformedPayloadError
from normalizers._money import from_minor_units
from normalizers.schema import (
    Cart,
    Customer,
    InventoryLevel,
    Order,
    Payment,
    PlatformEvent,
    Product,
    Refund,
    Shipment,
)
from verifiers import Verified

Factory = Callable[..., Verified]
Body = Callable[[str, str], bytes]


def normalize(platform: str, raw: bytes, make_delivery: Factory) -> list[CanonicalEvent]:
    """Run the platform's normalizer over a body with no topic header (it is in the body)."""
    return list(NORMALIZERS[platform](make_delivery(platform, raw)))


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [(1234, "USD", "12.34"), (500, "jpy", "500"), (1234, "KWD", "1.234"), (-5, "EUR", "-0.05")],
)
def test_minor_units_follow_iso_4217_exponents(amount: int, currency: str, expected: str) -> None:
    """Cents become exact decimals with the currency's number of decimals."""
    assert str(from_minor_units(amount, currency)) == expected


def test_square_payment(make_delivery: Factory, sample_body: Body) -> None:
    """payment.updated: the total in dollars, the order, status, method and times."""
    [event] = normalize("square", sample_body("square", "payment.updated"), make_delivery)
    assert event.type == "commerce.payment.updated.v1"
    assert event.topic == "payments"
    payment = event.data
    assert isinstance(payment, Payment)
    assert (payment.id, payment.order_id) == (
        "hYy9pRFVxpDsO1FB05SunFWUe9JZY",
        "03O3USaPaAaFnI6kkwB1JxGgBsUZY",
    )
    assert (payment.amount, payment.currency, payment.status) == (
        Decimal("1.00"),
        "USD",
        "COMPLETED",
    )
    assert payment.method == "CARD"
    assert payment.create_at == datetime(2020, 11, 22, 21, 16, 51, 86000, UTC)
    assert event.storeid == "6SSW7HV8K2ST5"
    assert event.time == datetime(2020, 2, 6, 21, 27, 34, 308000, UTC)
    assert payment.additional_fields["receipt_number"] == "hYy9"
    assert payment.additional_fields["event"]["event_id"] == "6a8f5f28-54a1-4eb0-a98a-3111513fd4fc"


def test_square_refund_customer_inventory(make_delivery: Factory, sample_body: Body) -> None:
    """refund.created, customer.created (email, names, address) and inventory counts."""
    [refund] = normalize("square", sample_body("square", "refund.created"), make_delivery)
    assert isinstance(refund.data, Refund)
    assert (refund.data.total, refund.data.currency, refund.data.status) == (
        Decimal("10.00"),
        "USD",
        "PENDING",
    )
    assert (refund.data.order_id, refund.data.payment_id) == (
        "haOyDuHiqtAXMk0d8pDKXpL7Jg4F",
        "KkAkhdMsgzn59SM8A89WgKwekxLZY",
    )
    [customer] = normalize("square", sample_body("square", "customer.created"), make_delivery)
    assert isinstance(customer.data, Customer)
    assert customer.data.email == "jenkins+smorly@squareup.com"
    assert (customer.data.first_name, customer.data.last_name) == ("Jenkins", "Smorly")
    assert customer.data.phone == "+12126668929"
    address = customer.data.default_address
    assert address is not None
    assert (address.address1, address.city, address.state, address.postcode) == (
        "1018 40th Street",
        "Oakland",
        "CA",
        "94608",
    )
    [deleted] = normalize("square", sample_body("square", "customer.deleted"), make_delivery)
    assert deleted.type == "commerce.customer.deleted.v1"
    [level] = normalize("square", sample_body("square", "inventory.count.updated"), make_delivery)
    assert isinstance(level.data, InventoryLevel)
    assert (level.data.id, level.data.location_id, level.data.available) == (
        "FGQ5JJWT2PYTHF35CKZ2DSKP",
        "YYQR03DGCTXA4",
        Decimal(10),
    )
    body = orjson.loads(sample_body("square", "inventory.count.updated"))
    body["data"]["object"]["inventory_counts"][0].update(state="SOLD", catalog_object_type="ITEM")
    [sold] = normalize("square", orjson.dumps(body), make_delivery)
    assert isinstance(sold.data, InventoryLevel)
    assert (sold.data.available, sold.data.variant_id) == (None, None)
    assert sold.data.additional_fields["quantity"] == "10"


def test_square_thin_orders_and_fulfillments(make_delivery: Factory, sample_body: Body) -> None:
    """order.* are references with state and location; fulfillment updates are shipments."""
    [order] = normalize("square", sample_body("square", "order.created"), make_delivery)
    assert isinstance(order.data, Order)
    assert (order.data.id, order.data.hydrated) == ("eA3vssLHKJrv9H0IdJCM3gNqfdcZY", False)
    assert order.data.status is not None
    assert order.data.status.id == "OPEN"
    assert order.data.warehouses_ids == ["FPYCBCHYMXFK1"]
    [shipment] = normalize(
        "square", sample_body("square", "order.fulfillment.updated"), make_delivery
    )
    assert isinstance(shipment.data, Shipment)
    assert (shipment.data.id, shipment.data.order_id, shipment.data.status) == (
        "VWJ1N9leLqjSDLvF2hvYjD",
        "eA3vssLHKJrv9H0IdJCM3gNqfdcZY",
        "RESERVED",
    )
    [catalog] = normalize("square", sample_body("square", "catalog.version.updated"), make_delivery)
    assert isinstance(catalog.data, PlatformEvent)
    body = {"type": "order.updated", "data": {"object": {"order_updated": {"order_id": "o"}}}}
    [bare] = normalize("square", orjson.dumps(body), make_delivery)
    assert isinstance(bare.data, Order)
    assert bare.data.warehouses_ids == []
    body = {"type": "payment.created", "data": {"object": {"payment": {"id": "p"}}}}
    [unpriced] = normalize("square", orjson.dumps(body), make_delivery)
    assert isinstance(unpriced.data, Payment)
    assert (unpriced.data.amount, unpriced.data.currency) == (None, None)


def test_stripe_payment_intents(make_delivery: Factory, sample_body: Body) -> None:
    """Succeeded, failed and canceled intents: amounts in major units, status and error."""
    [ok] = normalize("stripe", sample_body("stripe", "payment_intent.succeeded"), make_delivery)
    assert ok.type == "commerce.payment.succeeded.v1"
    assert isinstance(ok.data, Payment)
    assert (ok.data.amount, ok.data.currency, ok.data.status) == (
        Decimal("46.20"),
        "EUR",
        "succeeded",
    )
    assert (ok.data.customer_id, ok.data.method) == ("cus_SOXv8CncjHqSEv", "card")
    assert ok.time == datetime.fromtimestamp(1748441984, UTC)
    assert ok.data.additional_fields["event"]["id"] == "evt_3RTkpYQ8iJWBZFaM1G1JtOIT"
    [failed] = normalize(
        "stripe", sample_body("stripe", "payment_intent.payment_failed"), make_delivery
    )
    assert failed.type == "commerce.payment.failed.v1"
    assert isinstance(failed.data, Payment)
    assert failed.data.amount == Decimal("118.80")
    assert failed.data.error is not None
    assert failed.data.error.startswith("This payment required an authentication")
    assert failed.data.additional_fields["last_payment_error"]["code"] == "authentication_required"
    [canceled] = normalize(
        "stripe", sample_body("stripe", "payment_intent.canceled"), make_delivery
    )
    assert canceled.type == "commerce.payment.cancelled.v1"


def test_stripe_refund_customer_checkout(make_delivery: Factory, sample_body: Body) -> None:
    """A refund in dollars, a customer's email and address, a completed checkout's totals."""
    [refund] = normalize("stripe", sample_body("stripe", "charge.refund.updated"), make_delivery)
    assert refund.type == "commerce.refund.updated.v1"
    assert isinstance(refund.data, Refund)
    assert (refund.data.total, refund.data.currency, refund.data.status) == (
        Decimal("1.00"),
        "USD",
        "succeeded",
    )
    assert refund.data.payment_id == "pi_3RWYCFQ8iJWBZFaM1p1gEVdI"
    [customer] = normalize("stripe", sample_body("stripe", "customer.updated"), make_delivery)
    assert isinstance(customer.data, Customer)
    assert (customer.data.email, customer.data.currency) == ("hook@me.com", "USD")
    assert customer.data.default_address is not None
    assert customer.data.default_address.country_code == "CM"
    assert customer.data.additional_fields["event"]["data"]["previous_attributes"] == {
        "currency": None
    }
    [session] = normalize(
        "stripe", sample_body("stripe", "checkout.session.completed"), make_delivery
    )
    assert session.type == "commerce.cart.completed.v1"
    assert isinstance(session.data, Cart)
    assert session.data.customer is not None
    assert session.data.customer.email == "hook@me.com"
    assert session.data.totals is not None
    assert (session.data.totals.total, session.data.totals.currency) == (Decimal("0.00"), "USD")


def test_stripe_charges_and_shipping(make_delivery: Factory, sample_body: Body) -> None:
    """A charge event around the verbatim charge object; a customer's shipping address."""
    charge = orjson.loads(sample_body("stripe", "payment_intent.succeeded"))
    charge.update(type="charge.failed", data={"object": {
        "id": "ch_1", "object": "charge", "amount": 500, "currency": "jpy", "status": "failed",
        "failure_message": "Your card was declined.", "created": 1351497305,
    }})  # fmt: skip
    [event] = normalize("stripe", orjson.dumps(charge), make_delivery)
    assert event.type == "commerce.payment.failed.v1"
    assert isinstance(event.data, Payment)
    assert (event.data.amount, event.data.currency, event.data.kind) == (
        Decimal(500),
        "JPY",
        "charge",
    )
    assert event.data.error == "Your card was declined."
    customer = orjson.loads(sample_body("stripe", "customer.created"))
    customer["data"]["object"]["shipping"] = {
        "name": "Martin",
        "phone": "+1",
        "address": {"line1": "1 Main", "city": "Ottawa", "country": "CA"},
    }
    customer["data"]["object"]["address"] = None
    [created] = normalize("stripe", orjson.dumps(customer), make_delivery)
    assert isinstance(created.data, Customer)
    assert created.data.default_address is None
    [shipping] = created.data.address_book
    assert (shipping.type, shipping.address1, shipping.phone) == ("shipping", "1 Main", "+1")
    assert shipping.additional_fields == {"name": "Martin"}
    customer["data"]["object"]["shipping"] = {"name": "Martin"}
    [bare] = normalize("stripe", orjson.dumps(customer), make_delivery)
    assert isinstance(bare.data, Customer)
    assert bare.data.address_book[0].address1 is None
    session = orjson.loads(sample_body("stripe", "checkout.session.completed"))
    del session["data"]["object"]["customer_details"], session["data"]["object"]["total_details"]
    session["data"]["object"]["customer_email"] = "a@b.c"
    [cart] = normalize("stripe", orjson.dumps(session), make_delivery)
    assert isinstance(cart.data, Cart)
    assert cart.data.customer is not None
    assert cart.data.customer.email == "a@b.c"


def test_stripe_amount_without_currency_is_malformed(make_delivery: Factory) -> None:
    """An amount in minor units cannot be read without its currency."""
    body = {"type": "refund.created", "created": 1, "data": {"object": {"id": "re_1", "amount": 5}}}
    with pytest.raises(MalformedPayloadError, match=r"data\.object\.amount"):
        normalize("stripe", orjson.dumps(body), make_delivery)


def test_paypal_checkout_order(make_delivery: Factory, sample_body: Body) -> None:
    """CHECKOUT.ORDER.COMPLETED: total, currency, payer email and name, shipping address."""
    [event] = normalize("paypal", sample_body("paypal", "CHECKOUT.ORDER.COMPLETED"), make_delivery)
    assert event.type == "commerce.order.paid.v1"
    order = event.data
    assert isinstance(order, Order)
    assert order.totals is not None
    assert (order.totals.total, order.currency) == (Decimal("100.00"), "USD")
    assert str(order.totals.total) == "100.00"
    assert order.customer is not None
    assert (order.customer.email, order.customer.first_name, order.customer.last_name) == (
        "buyer@example.com",
        "John",
        "Doe",
    )
    assert order.shipping_address is not None
    assert (order.shipping_address.city, order.shipping_address.state_code) == ("San Jose", "CA")
    assert order.status is not None
    assert order.status.id == "COMPLETED"
    assert order.create_at == datetime(2018, 4, 1, 21, 18, 49, tzinfo=UTC)
    [approved] = normalize(
        "paypal", sample_body("paypal", "CHECKOUT.ORDER.APPROVED"), make_delivery
    )
    assert approved.type == "commerce.order.updated.v1"


def test_paypal_payments_and_product(make_delivery: Factory, sample_body: Body) -> None:
    """A sale, a v1 payment and a catalog product map their amounts, states and fields."""
    [sale] = normalize("paypal", sample_body("paypal", "PAYMENT.SALE.COMPLETED"), make_delivery)
    assert isinstance(sale.data, Payment)
    assert (sale.data.amount, sale.data.currency, sale.data.status, sale.data.kind) == (
        Decimal("0.48"),
        "USD",
        "completed",
        "sale",
    )
    assert sale.data.order_id == "PAY-1PA12106FU478450MKRETS4A"
    [created] = normalize(
        "paypal", sample_body("paypal", "PAYMENTS.PAYMENT.CREATED"), make_delivery
    )
    assert isinstance(created.data, Payment)
    assert (created.data.amount, created.data.currency, created.data.method) == (
        Decimal("4.13"),
        "EUR",
        "paypal",
    )
    [product] = normalize("paypal", sample_body("paypal", "CATALOG.PRODUCT.CREATED"), make_delivery)
    assert isinstance(product.data, Product)
    assert (product.data.name, product.data.type) == ("Video Streaming Service", "SERVICE")
    assert [term.name for term in product.data.categories] == ["SAAS"]
    assert product.data.images[0].url == "https://example.com/streaming.jpg"


def test_paypal_sparse_resources(make_delivery: Factory) -> None:
    """Resources without payer, units, amount, transactions, category or image still map."""
    for event_type in ("CHECKOUT.ORDER.APPROVED", "PAYMENT.CAPTURE.DENIED"):
        body = {"event_type": event_type, "resource": {"id": "X", "status": "S"}}
        [event] = normalize("paypal", orjson.dumps(body), make_delivery)
        assert event.data.id == "X"
    body = {"event_type": "CHECKOUT.ORDER.APPROVED", "resource": {
        "id": "O", "payer": {"email_address": "a@b.c"}, "purchase_units": [{}],
    }}  # fmt: skip
    [order] = normalize("paypal", orjson.dumps(body), make_delivery)
    assert isinstance(order.data, Order)
    assert order.data.customer is not None
    assert (order.data.customer.email, order.data.customer.first_name) == ("a@b.c", None)
    for event_type in ("PAYMENTS.PAYMENT.CREATED", "CATALOG.PRODUCT.UPDATED"):
        body = {"event_type": event_type, "resource": {"id": "Y"}}
        [event] = normalize("paypal", orjson.dumps(body), make_delivery)
        assert event.data.id == "Y"


STRIPE_PARTS = Path(__file__).parent / "stripe"


@pytest.mark.parametrize(
    ("name", "topic", "amount", "type_"),
    [
        ("charge.succeeded.data_only", "charge.succeeded", "5.00", "commerce.payment.succeeded.v1"),
        ("charge.refunded.data_only", "charge.refunded", "15.00", "commerce.payment.updated.v1"),
    ],
)
def test_stripe_charge_events_around_verbatim_data(
    make_delivery: Factory, name: str, topic: str, amount: str, type_: str
) -> None:
    """A verbatim charge ``data`` member (pay-rails fixture) inside the documented event."""
    data = orjson.loads((STRIPE_PARTS / f"{name}.json").read_bytes())
    body = {"id": "evt_1", "object": "event", "type": topic, "created": 1351497305, "data": data}
    [event] = normalize("stripe", orjson.dumps(body), make_delivery)
    assert event.type == type_
    assert isinstance(event.data, Payment)
    assert (str(event.data.amount), event.data.currency, event.data.status) == (
        amount,
        "USD",
        "succeeded",
    )
    assert (event.data.id, event.data.customer_id) == ("ch_chargeid", "cus_0dUMWLtzCTagWs")
    assert event.data.create_at == datetime.fromtimestamp(1351497305, UTC)
    refunded = event.data.additional_fields["amount_refunded"]
    assert refunded == (500 if topic == "charge.refunded" else 0)
