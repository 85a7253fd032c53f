"""The Shopify normalizer: key fields typed out from the samples, and the edge cases.

Bodies other than the verbatim samples are built here from a sample, with the change each
test needs; they are test data, not captured payloads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson
import pytest

from normalizers import MalformedPayloadError
from normalizers.schema import Customer, Order, PlatformEvent, Product
from normalizers.shopify import normalize
from verifiers import Verified

Factory = Callable[..., Verified]
SHOP = "shop.myshopify.com"


@pytest.fixture
def order_body(sample_body: Callable[[str, str], bytes]) -> dict[str, Any]:
    """A fresh copy of Shopify's 2024-10 sample order (the ``orders/*`` body)."""
    body: dict[str, Any] = orjson.loads(sample_body("shopify", "orders.create"))
    return body


def one(events: object) -> Any:
    """Return the data of the only event in ``events``."""
    assert isinstance(events, list)
    assert len(events) == 1
    return events[0].data


def test_order_key_fields(make_delivery: Factory, sample_body: Callable[[str, str], bytes]) -> None:
    """The sample order's ids, money, lines, customer, addresses, status and times map exactly."""
    delivery = make_delivery(
        "shopify", sample_body("shopify", "orders.create"), "orders/create", store_id=SHOP
    )
    [event] = normalize(delivery)
    order = event.data
    assert isinstance(order, Order)
    assert event.type == "commerce.order.created.v1"
    assert event.topic == "orders"
    assert order.id == "820982911946154500"
    assert order.order_id == "#9999"
    assert order.hydrated is True
    assert order.currency == "USD"
    assert order.totals is not None
    assert order.totals.subtotal == Decimal("398.00")
    assert order.totals.shipping == Decimal("10.00")
    assert order.totals.tax == Decimal("0.00")
    assert order.totals.discount == Decimal("20.00")
    assert order.totals.total == Decimal("388.00")
    assert order.total is not None
    assert order.total.subtotal_ex_tax == Decimal("398.00")
    assert order.total.total == Decimal("388.00")
    assert [(i.sku, i.quantity, i.price, i.total) for i in order.order_products] == [
        ("IPOD2008PINK", Decimal(1), Decimal("199.00"), Decimal("199.00")),
        ("IPOD2008PINK", Decimal(1), Decimal("199.00"), Decimal("199.00")),
    ]
    assert order.order_products[0].id == "866550311766439000"
    assert order.order_products[0].product_id == "632910392"
    assert order.order_products[0].variant_id == "808950810"
    assert order.customer is not None
    assert order.customer.id == "115310627314723950"
    assert order.customer.email == "john@example.com"
    for address in (order.shipping_address, order.billing_address):
        assert address is not None
        assert (address.first_name, address.last_name) == ("Steve", "Shipper")
        assert (address.address1, address.city, address.postcode) == (
            "123 Shipping Street",
            "Shippington",
            "40003",
        )
        assert (address.state_code, address.country_code) == ("KY", "US")
    assert order.status is not None
    assert (order.status.id, order.status.financial_status, order.status.fulfillment_status) == (
        "cancelled",
        "voided",
        "pending",
    )
    assert order.create_at == datetime(2022, 1, 1, tzinfo=UTC)
    assert order.modified_at == datetime(2022, 1, 1, tzinfo=UTC)
    assert order.shipping_methods[0].name == "Generic Shipping"
    assert order.shipping_methods[0].price == Decimal("10.00")
    assert order.payment_method is not None
    assert order.payment_method.name == "visa, bogus"
    assert order.store_id == SHOP
    assert (
        order.additional_fields["admin_graphql_api_id"] == "gid://shopify/Order/820982911946154508"
    )
    wire = orjson.loads(event.to_json())["data"]
    assert wire["totals"]["total"] == "388.00"
    assert wire["create_at"] == "2022-01-01T00:00:00Z"


def test_product_key_fields(
    make_delivery: Factory, sample_body: Callable[[str, str], bytes]
) -> None:
    """The sample product's name, variants with prices and stock, and tags map exactly."""
    delivery = make_delivery(
        "shopify", sample_body("shopify", "products.create"), "products/create"
    )
    product = one(normalize(delivery))
    assert isinstance(product, Product)
    assert product.id == "788032119674292900"
    assert (product.name, product.brand, product.status) == ("Example T-Shirt", "Acme", "active")
    assert product.description == "An example T-Shirt"
    assert [(v.sku, v.name, v.price, v.compare_at_price, v.quantity) for v in product.variants] == [
        ("example-shirt-s", "Small", Decimal("19.99"), Decimal("24.99"), Decimal(75)),
        ("example-shirt-m", "Medium", Decimal("19.99"), Decimal("24.99"), Decimal(50)),
    ]
    assert product.variants[0].options[0].value == "Small"
    assert product.quantity == Decimal(125)
    assert [tag.name for tag in product.tags] == ["example", "mens", "t-shirt"]
    assert product.create_at is None
    assert product.modified_at == datetime(2022, 1, 1, tzinfo=UTC)
    assert product.variants[1].modified_at == datetime(2022, 1, 1, tzinfo=UTC)


def test_customer_key_fields(
    make_delivery: Factory, sample_body: Callable[[str, str], bytes]
) -> None:
    """The sample customer's id, email, names, state, spend and times map exactly."""
    delivery = make_delivery(
        "shopify", sample_body("shopify", "customers.create"), "customers/create"
    )
    customer = one(normalize(delivery))
    assert isinstance(customer, Customer)
    assert customer.id == "706405506930370000"
    assert customer.email == "bob@biller.com"
    assert (customer.first_name, customer.last_name) == ("Bob", "Biller")
    assert customer.status == "disabled"
    assert (customer.orders_count, customer.total_spent, customer.currency) == (
        0,
        Decimal("0.00"),
        "USD",
    )
    assert customer.create_at == datetime(2022, 1, 1, tzinfo=UTC)
    assert customer.additional_fields["note"] == "This customer loves ice cream"


def test_order_id_above_2_53_survives_exactly(
    make_delivery: Factory, order_body: dict[str, Any]
) -> None:
    """Ids above 2**53 come out as their exact digits, in the entity, subject and key."""
    order_body["id"] = 820982911946154508
    order_body["customer"]["id"] = 115310627314723954
    order_body["line_items"][0]["id"] = 866550311766439020
    raw = orjson.dumps(order_body)
    assert b'"id":820982911946154508' in raw
    [event] = normalize(make_delivery("shopify", raw, "orders/create"))
    assert event.data.id == "820982911946154508"
    assert event.subject == "820982911946154508"
    assert event.partitionkey.endswith(":820982911946154508")
    wire = orjson.loads(event.to_json())
    assert wire["data"]["customer"]["id"] == "115310627314723954"
    assert wire["data"]["order_products"][0]["id"] == "866550311766439020"


def test_big_id_in_raw_text_of_a_delete(make_delivery: Factory) -> None:
    """A delete body's big integer id, as raw JSON text, becomes the exact string."""
    [event] = normalize(make_delivery("shopify", b'{"id": 820982911946154508}', "orders/delete"))
    assert event.data.id == "820982911946154508"


@pytest.mark.parametrize(
    ("topic", "entity_type"),
    [("orders/delete", Order), ("products/delete", Product), ("customers/delete", Customer)],
)
def test_delete_with_only_an_id_is_a_reference(
    make_delivery: Factory, topic: str, entity_type: type
) -> None:
    """A delete body with only an id yields a not-hydrated reference of the right entity."""
    [event] = normalize(make_delivery("shopify", b'{"id": 788032119674292900}', topic))
    assert isinstance(event.data, entity_type)
    assert event.data.id == "788032119674292900"
    assert event.data.hydrated is False
    assert event.data.additional_fields == {}
    assert event.type.endswith(".deleted.v1")


def test_delete_keeps_the_rest_of_the_body(
    make_delivery: Factory, sample_body: Callable[[str, str], bytes]
) -> None:
    """customers/delete sends a few more keys: the reference keeps them verbatim."""
    delivery = make_delivery(
        "shopify", sample_body("shopify", "customers.delete"), "customers/delete"
    )
    customer = one(normalize(delivery))
    assert customer.hydrated is False
    assert customer.email is None
    assert customer.additional_fields["admin_graphql_api_id"] == (
        "gid://shopify/Customer/706405506930370084"
    )
    assert customer.additional_fields["addresses"] == []


def test_order_edit_is_a_reference_to_its_order(
    make_delivery: Factory, sample_body: Callable[[str, str], bytes]
) -> None:
    """orders/edited points at the order by order_edit.order_id and keeps the edit whole."""
    raw = sample_body("shopify", "orders.edited")
    [event] = normalize(make_delivery("shopify", raw, "orders/edited"))
    assert event.type == "commerce.order.edited.v1"
    assert event.data.id == "820982911946154500"
    assert event.data.hydrated is False
    assert event.data.additional_fields == orjson.loads(raw)


def test_order_edit_without_the_edit_is_malformed(make_delivery: Factory) -> None:
    """An orders/edited body without an order_edit object raises MalformedPayloadError."""
    with pytest.raises(MalformedPayloadError, match=r"body\.order_edit"):
        normalize(make_delivery("shopify", b'{"id": 1}', "orders/edited"))


def test_unknown_topic_becomes_a_platform_event(
    make_delivery: Factory, sample_body: Callable[[str, str], bytes]
) -> None:
    """A topic without a mapping yields one PlatformEvent carrying the topic and whole body."""
    raw = sample_body("shopify", "draft_orders.create")
    [event] = normalize(make_delivery("shopify", raw, "draft_orders/create", delivery_id="d-1"))
    assert isinstance(event.data, PlatformEvent)
    assert event.type == "commerce.platform_event.received.v1"
    assert event.topic == "platform-events"
    assert event.data.platform_topic == "draft_orders/create"
    assert event.data.id == "d-1"
    assert event.data.body == orjson.loads(raw)


@pytest.mark.parametrize("raw", [b"", b"not json", b"{", b"[1, 2]", b'"order"', b"null"])
@pytest.mark.parametrize("topic", ["orders/create", "app/uninstalled"])
def test_body_that_is_not_a_json_object_is_malformed(
    make_delivery: Factory, raw: bytes, topic: str
) -> None:
    """A body that is not JSON, or not a JSON object, raises MalformedPayloadError on any topic."""
    with pytest.raises(MalformedPayloadError):
        normalize(make_delivery("shopify", raw, topic))


def test_event_ids_are_deterministic(make_delivery: Factory, order_body: dict[str, Any]) -> None:
    """The same delivery yields the same event id; another delivery id, another event id."""
    raw = orjson.dumps(order_body)
    first = normalize(make_delivery("shopify", raw, "orders/paid", delivery_id="a"))
    again = normalize(make_delivery("shopify", raw, "orders/paid", delivery_id="a"))
    other = normalize(make_delivery("shopify", raw, "orders/paid", delivery_id="b"))
    elsewhere = normalize(
        make_delivery("shopify", raw, "orders/paid", delivery_id="a", source_id="other")
    )
    assert [e.id for e in first] == [e.id for e in again]
    assert first == again
    assert first[0].id != other[0].id
    assert first[0].id != elsewhere[0].id


@pytest.mark.parametrize(
    ("key", "value", "where"),
    [
        ("note", 5, "body.note"),
        ("created_at", "yesterday", "body.created_at"),
        ("created_at", "2021-12-31T19:00:00", "body.created_at"),
        ("total_price", "lots", "body.total_price"),
        ("total_price", "NaN", "body.total_price"),
        ("line_items", {"id": 1}, "body.line_items"),
        ("customer", [], "body.customer"),
        ("payment_gateway_names", ["visa", 1], "body.payment_gateway_names"),
        ("total_shipping_price_set", "10.00", "body.total_shipping_price_set"),
        ("total_shipping_price_set", {"shop_money": None}, "shop_money"),
        ("id", 1.5, "body.id"),
        ("id", True, "body.id"),
    ],
)
def test_field_of_the_wrong_type_is_malformed(
    make_delivery: Factory, order_body: dict[str, Any], key: str, value: object, where: str
) -> None:
    """A mapped field of the wrong JSON type raises MalformedPayloadError naming its path."""
    order_body[key] = value
    with pytest.raises(MalformedPayloadError, match=where):
        normalize(make_delivery("shopify", orjson.dumps(order_body), "orders/create"))


def test_invalid_currency_is_malformed_without_echoing_values(
    make_delivery: Factory, order_body: dict[str, Any]
) -> None:
    """A currency that is no ISO 4217 code fails validation; the message names fields only."""
    order_body["currency"] = "dollars"
    with pytest.raises(MalformedPayloadError, match="currency") as caught:
        normalize(make_delivery("shopify", orjson.dumps(order_body), "orders/create"))
    assert "DOLLARS" not in str(caught.value)


def test_lowercase_currency_is_upper_cased(
    make_delivery: Factory, order_body: dict[str, Any]
) -> None:
    """A lower-case currency code is accepted and written upper-case."""
    order_body["currency"] = "cad"
    order = one(normalize(make_delivery("shopify", orjson.dumps(order_body), "orders/create")))
    assert order.currency == "CAD"
    assert order.totals.currency == "CAD"
