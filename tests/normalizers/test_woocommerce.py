"""The WooCommerce normalizer: key fields typed out from the samples, and the edge cases.

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
from normalizers.woocommerce import normalize
from verifiers import Verified

Factory = Callable[..., Verified]
SITE = "http://example.com/"


@pytest.fixture
def order_body(sample_body: Callable[[str, str], bytes]) -> dict[str, Any]:
    """A fresh copy of the WooCommerce docs' order (the ``order.*`` body)."""
    body: dict[str, Any] = orjson.loads(sample_body("woocommerce", "order.created"))
    return body


def one(events: object) -> Any:
    """Return the data of the only event in ``events``."""
    assert isinstance(events, list)
    assert len(events) == 1
    return events[0].data


def run(make_delivery: Factory, body: dict[str, Any], topic: str) -> Any:
    """Normalize ``body`` under ``topic`` and return the one entity."""
    return one(normalize(make_delivery("woocommerce", orjson.dumps(body), topic, store_id=SITE)))


def test_order_key_fields(make_delivery: Factory, sample_body: Callable[[str, str], bytes]) -> None:
    """The docs order's ids, money, lines, customer, addresses, status and times map exactly."""
    raw = sample_body("woocommerce", "order.created")
    [event] = normalize(make_delivery("woocommerce", raw, "order.created", store_id=SITE))
    order = event.data
    assert isinstance(order, Order)
    assert event.type == "commerce.order.created.v1"
    assert (order.id, order.order_id, order.currency) == ("727", "727", "USD")
    assert order.totals is not None
    assert (order.totals.subtotal, order.totals.shipping, order.totals.tax) == (
        Decimal("18.00"),
        Decimal("10.00"),
        Decimal("1.35"),
    )
    assert (order.totals.discount, order.totals.total) == (Decimal("0.00"), Decimal("29.35"))
    assert order.total is not None
    assert (order.total.subtotal_ex_tax, order.total.shipping_ex_tax) == (
        Decimal("18.00"),
        Decimal("10.00"),
    )
    first, second = order.order_products
    assert (first.id, first.product_id, first.variant_id, first.sku) == ("315", "93", None, None)
    assert (first.quantity, first.price, first.subtotal, first.total, first.tax) == (
        Decimal(2),
        Decimal(3),
        Decimal("6.00"),
        Decimal("6.00"),
        Decimal("0.45"),
    )
    assert (second.id, second.product_id, second.variant_id, second.sku) == (
        "316",
        "22",
        "23",
        "Bar3",
    )
    assert (second.quantity, second.price, second.total, second.tax) == (
        Decimal(1),
        Decimal(12),
        Decimal("12.00"),
        Decimal("0.90"),
    )
    assert [(o.option_id, o.name, o.value) for o in second.options] == [
        ("2095", "pa_color", "black"),
        ("2096", "size", "M Test"),
    ]
    assert order.customer is not None
    assert (order.customer.id, order.customer.email, order.customer.phone) == (
        None,
        "john.doe@example.com",
        "(555) 555-5555",
    )
    for address in (order.billing_address, order.shipping_address):
        assert address is not None
        assert (address.first_name, address.last_name, address.company) == ("John", "Doe", None)
        assert (address.address1, address.city, address.postcode) == (
            "969 Market",
            "San Francisco",
            "94103",
        )
        assert (address.state_code, address.country_code) == ("CA", "US")
    assert order.billing_address is not None
    assert order.billing_address.email == "john.doe@example.com"
    assert order.status is not None
    assert order.status.id == "processing"
    assert order.payment_method is not None
    assert (order.payment_method.id, order.payment_method.name) == ("bacs", "Direct Bank Transfer")
    assert [(s.name, s.code, s.price) for s in order.shipping_methods] == [
        ("Flat Rate", "flat_rate", Decimal("10.00"))
    ]
    assert order.create_at == datetime(2017, 3, 22, 19, 28, 2, tzinfo=UTC)
    assert order.modified_at == datetime(2017, 3, 22, 19, 28, 8, tzinfo=UTC)
    assert order.finished_time is None
    assert [(f.id, f.key, f.value) for f in order.custom_fields] == [
        ("13106", "_download_permissions_granted", "yes")
    ]
    assert order.store_id == SITE
    assert order.additional_fields["date_created"] == "2017-03-22T16:28:02"


def test_completed_order_has_a_finished_time(
    make_delivery: Factory, sample_body: Callable[[str, str], bytes]
) -> None:
    """order.updated's completed order is finished at date_completed_gmt."""
    raw = sample_body("woocommerce", "order.updated")
    order = one(normalize(make_delivery("woocommerce", raw, "order.updated")))
    assert order.status.id == "completed"
    assert order.finished_time == datetime(2017, 3, 22, 19, 30, 35, tzinfo=UTC)


def test_order_total_10_10_stays_10_10(make_delivery: Factory, order_body: dict[str, Any]) -> None:
    """A total sent as "10.10" stays exactly "10.10", never 10.1."""
    order_body["total"] = "10.10"
    [event] = normalize(make_delivery("woocommerce", orjson.dumps(order_body), "order.updated"))
    assert str(event.data.totals.total) == "10.10"
    assert orjson.loads(event.to_json())["data"]["totals"]["total"] == "10.10"
    assert b'"total":"10.10"' in event.data_json()


def test_product_key_fields(
    make_delivery: Factory, sample_body: Callable[[str, str], bytes]
) -> None:
    """The captured product's name, prices, status, category and times map exactly."""
    raw = sample_body("woocommerce", "product.created")
    product = one(normalize(make_delivery("woocommerce", raw, "product.created")))
    assert isinstance(product, Product)
    assert (product.id, product.name, product.type, product.status) == (
        "18",
        "Perpemint",
        "simple",
        "publish",
    )
    assert (product.price, product.compare_at_price) == (Decimal(150), Decimal(200))
    assert product.currency is None
    assert product.sku is None
    assert product.url == "http://localhost/wordpress/product/perpemint/"
    assert [(c.id, c.name, c.slug) for c in product.categories] == [
        ("15", "Uncategorized", "uncategorized")
    ]
    assert product.create_at == datetime(2023, 3, 26, 9, 29, 39, tzinfo=UTC)
    assert product.additional_fields["sale_price"] == "150"


def test_variable_product_options_and_images(
    make_delivery: Factory, sample_body: Callable[[str, str], bytes]
) -> None:
    """The docs' variable product: attributes become options, images and categories map."""
    raw = sample_body("woocommerce", "product.created.docs_variable")
    product = one(normalize(make_delivery("woocommerce", raw, "product.created")))
    assert [(o.id, o.name, o.values) for o in product.options] == [
        ("6", "Color", ["Black", "Green"]),
        (None, "Size", ["S", "M"]),
    ]
    assert product.price is None
    assert [image.id for image in product.images] == ["795", "796", "797", "798"]
    assert (
        product.images[0].url == "https://example.com/wp-content/uploads/2017/03/T_4_front-11.jpg"
    )
    assert [c.name for c in product.categories] == ["Clothing", "T-shirts"]


def test_customer_key_fields(
    make_delivery: Factory, sample_body: Callable[[str, str], bytes]
) -> None:
    """The docs customer's id, email, names, login, address book and times map exactly."""
    raw = sample_body("woocommerce", "customer.updated")
    customer = one(normalize(make_delivery("woocommerce", raw, "customer.updated")))
    assert isinstance(customer, Customer)
    assert (customer.id, customer.email, customer.login) == (
        "25",
        "john.doe@example.com",
        "john.doe",
    )
    assert (customer.first_name, customer.last_name) == ("James", "Doe")
    assert [(a.type, a.first_name, a.city, a.email) for a in customer.address_book] == [
        ("billing", "James", "San Francisco", "john.doe@example.com"),
        ("shipping", "James", "San Francisco", None),
    ]
    assert customer.create_at == datetime(2017, 3, 21, 19, 9, 28, tzinfo=UTC)
    assert customer.modified_at == datetime(2017, 3, 21, 19, 12, 28, tzinfo=UTC)
    assert customer.additional_fields["role"] == "customer"


@pytest.mark.parametrize(
    ("topic", "entity_type"),
    [("order.deleted", Order), ("product.deleted", Product), ("customer.deleted", Customer)],
)
def test_deleted_is_a_reference(make_delivery: Factory, topic: str, entity_type: type) -> None:
    """A ``{"id": ...}`` deleted body (what WooCommerce sends) yields a not-hydrated reference."""
    [event] = normalize(make_delivery("woocommerce", b'{"id": 727}', topic))
    assert isinstance(event.data, entity_type)
    assert (event.data.id, event.data.hydrated, event.data.additional_fields) == ("727", False, {})
    assert event.type.endswith(".deleted.v1")


def test_delete_without_an_id_is_malformed(make_delivery: Factory) -> None:
    """A deleted body without its id raises MalformedPayloadError."""
    with pytest.raises(MalformedPayloadError, match=r"body\.id"):
        normalize(make_delivery("woocommerce", b"{}", "order.deleted"))


def test_restored_order_is_hydrated(make_delivery: Factory, order_body: dict[str, Any]) -> None:
    """order.restored carries the whole order and maps to commerce.order.restored.v1."""
    [event] = normalize(make_delivery("woocommerce", orjson.dumps(order_body), "order.restored"))
    assert event.type == "commerce.order.restored.v1"
    assert event.data.hydrated is True
    assert event.data.order_id == "727"


@pytest.mark.parametrize(
    ("topic", "body"),
    [
        ("coupon.created", {"id": 719, "code": "10off"}),
        ("action.woocommerce_add_to_cart", {"action": "woocommerce_add_to_cart", "arg": "abc"}),
    ],
)
def test_unmapped_topics_become_platform_events(
    make_delivery: Factory, topic: str, body: dict[str, Any]
) -> None:
    """Coupon and action topics yield one PlatformEvent carrying the topic and the body."""
    [event] = normalize(make_delivery("woocommerce", orjson.dumps(body), topic))
    assert isinstance(event.data, PlatformEvent)
    assert event.type == "commerce.platform_event.received.v1"
    assert (event.data.platform_topic, event.data.body) == (topic, body)


@pytest.mark.parametrize("raw", [b"webhook_id=9", b"[]", b""])
def test_body_that_is_not_a_json_object_is_malformed(make_delivery: Factory, raw: bytes) -> None:
    """A form-encoded ping, a JSON array or an empty body raises MalformedPayloadError."""
    with pytest.raises(MalformedPayloadError):
        normalize(make_delivery("woocommerce", raw, "order.created"))


def test_refunds_are_positive_amounts(make_delivery: Factory, order_body: dict[str, Any]) -> None:
    """Order refunds, listed with negative totals, become positive amounts and are summed."""
    order_body["refunds"] = [
        {"id": 726, "reason": "", "total": "-10.00"},
        {"id": 729, "reason": "damaged", "total": "-2.50"},
    ]
    order = run(make_delivery, order_body, "order.updated")
    assert [(r.id, r.total, r.comment, r.currency) for r in order.refunds] == [
        ("726", Decimal("10.00"), None, "USD"),
        ("729", Decimal("2.50"), "damaged", "USD"),
    ]
    assert order.status.refund_info.total_refunded == Decimal("12.50")


def test_refund_without_total(make_delivery: Factory, order_body: dict[str, Any]) -> None:
    """A refund listed without a total keeps its total unset."""
    order_body["refunds"] = [{"id": 726}]
    assert run(make_delivery, order_body, "order.updated").refunds[0].total is None


def test_registered_customer_and_coupons(
    make_delivery: Factory, order_body: dict[str, Any]
) -> None:
    """A customer_id names the buyer; coupon lines become discounts."""
    order_body["customer_id"] = 25
    order_body["coupon_lines"] = [
        {"id": 321, "code": "10off", "discount": "1.80", "discount_tax": "0.14", "meta_data": []}
    ]
    order_body["discount_total"] = "1.80"
    order = run(make_delivery, order_body, "order.updated")
    assert order.customer.id == "25"
    assert [(d.id, d.code, d.value, d.currency) for d in order.discounts] == [
        ("321", "10off", Decimal("1.80"), "USD")
    ]
    assert order.discounts[0].additional_fields == {"discount_tax": "0.14", "meta_data": []}


@pytest.mark.parametrize(("customer_id", "expected_id"), [(25, "25"), (0, None)])
def test_empty_billing_address(
    make_delivery: Factory,
    order_body: dict[str, Any],
    customer_id: int,
    expected_id: str | None,
) -> None:
    """An all-empty billing address is left out; the buyer is then only the customer id."""
    order_body["billing"] = dict.fromkeys(order_body["billing"], "")
    order_body["shipping"] = None
    order_body["customer_id"] = customer_id
    order = run(make_delivery, order_body, "order.updated")
    assert order.billing_address is None
    assert order.shipping_address is None
    if expected_id is None:
        assert order.customer is None
    else:
        assert order.customer.id == expected_id
        assert order.customer.email is None


def test_order_without_payment_method(make_delivery: Factory, order_body: dict[str, Any]) -> None:
    """No payment method code nor title leaves payment_method unset."""
    order_body["payment_method"] = ""
    order_body["payment_method_title"] = ""
    assert run(make_delivery, order_body, "order.updated").payment_method is None


def test_line_meta_data_hidden_keys_and_values(
    make_delivery: Factory, order_body: dict[str, Any]
) -> None:
    """Line meta with a hidden key or a non-string value is custom data, not an option."""
    order_body["line_items"][0]["meta_data"] = [
        {"id": 1, "key": "_reduced_stock", "value": "2"},
        {"id": 2, "key": "gift_wrap", "value": {"paper": "red"}},
        {"id": 3, "key": "engraving", "value": "Hi", "display_key": "Engraving"},
    ]
    item = run(make_delivery, order_body, "order.updated").order_products[0]
    assert [(o.option_id, o.name, o.value, o.additional_fields) for o in item.options] == [
        ("3", "engraving", "Hi", {"display_key": "Engraving"})
    ]
    assert [(c.id, c.key, c.value) for c in item.custom_fields] == [
        ("1", "_reduced_stock", "2"),
        ("2", "gift_wrap", {"paper": "red"}),
    ]


def test_meta_without_a_key_is_malformed(
    make_delivery: Factory, order_body: dict[str, Any]
) -> None:
    """A meta data entry without its key raises MalformedPayloadError naming it."""
    order_body["meta_data"] = [{"id": 1, "value": "yes"}]
    with pytest.raises(MalformedPayloadError, match=r"body\.meta_data\[0\]\.key"):
        run(make_delivery, order_body, "order.updated")


def test_variations_are_variant_references(
    make_delivery: Factory, sample_body: Callable[[str, str], bytes]
) -> None:
    """The ids in variations become variants with only an id; stock maps to quantity."""
    body: dict[str, Any] = orjson.loads(sample_body("woocommerce", "product.created.docs_variable"))
    body["variations"] = [800, 801]
    body["stock_quantity"] = 7
    body["tags"] = [{"id": 3, "name": "summer", "slug": "summer"}]
    product = run(make_delivery, body, "product.updated")
    assert [(v.id, v.price) for v in product.variants] == [("800", None), ("801", None)]
    assert product.quantity == Decimal(7)
    assert [(t.id, t.name) for t in product.tags] == [("3", "summer")]


@pytest.mark.parametrize("variations", [["800"], [True], {"800": 1}])
def test_variations_must_be_integer_ids(
    make_delivery: Factory, sample_body: Callable[[str, str], bytes], variations: object
) -> None:
    """A variations value that is not a list of integers raises MalformedPayloadError."""
    body: dict[str, Any] = orjson.loads(sample_body("woocommerce", "product.created"))
    body["variations"] = variations
    with pytest.raises(MalformedPayloadError, match=r"body\.variations"):
        run(make_delivery, body, "product.updated")


def test_product_without_variations_key(
    make_delivery: Factory, sample_body: Callable[[str, str], bytes]
) -> None:
    """A product body without variations has no variants."""
    body: dict[str, Any] = orjson.loads(sample_body("woocommerce", "product.created"))
    del body["variations"]
    assert run(make_delivery, body, "product.updated").variants == []
