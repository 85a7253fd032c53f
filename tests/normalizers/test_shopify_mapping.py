"""The Shopify field mappings beyond the samples: lines, order details, refunds, products.

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

from normalizers.shopify import normalize
from verifiers import Verified

Factory = Callable[..., Verified]


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


def test_line_item_properties_taxes_and_discounts(
    make_delivery: Factory, order_body: dict[str, Any]
) -> None:
    """Properties become options (hidden ``_`` keys custom fields); tax lines and discounts sum."""
    line = order_body["line_items"][0]
    line["quantity"] = 3
    line["total_discount"] = "10.00"
    line["tax_lines"] = [{"price": "1.50", "title": "GST"}, {"price": "0.45", "title": "PST"}]
    line["properties"] = [
        {"name": "Engraving", "value": "Happy Birthday"},
        {"name": "_bundle_id", "value": "b-7"},
        {"name": "gift", "value": True},
    ]
    item = one(normalize(make_delivery("shopify", orjson.dumps(order_body), "orders/updated")))
    item = item.order_products[0]
    assert (item.subtotal, item.discount, item.total) == (
        Decimal("597.00"),
        Decimal("10.00"),
        Decimal("587.00"),
    )
    assert item.tax == Decimal("1.95")
    assert item.additional_fields["tax_lines"][0] == {"price": "1.50", "title": "GST"}
    assert [(o.name, o.value) for o in item.options] == [("Engraving", "Happy Birthday")]
    assert [(c.key, c.value) for c in item.custom_fields] == [("_bundle_id", "b-7"), ("gift", True)]


def test_line_without_price_or_discount_has_no_totals(
    make_delivery: Factory, order_body: dict[str, Any]
) -> None:
    """Without a price there is no subtotal; without a discount there is no total."""
    first, second = order_body["line_items"]
    del first["price"]
    del second["total_discount"]
    order = one(normalize(make_delivery("shopify", orjson.dumps(order_body), "orders/updated")))
    assert (order.order_products[0].subtotal, order.order_products[0].total) == (None, None)
    assert order.order_products[1].subtotal == Decimal("199.00")
    assert order.order_products[1].total is None


def test_order_level_codes_attributes_location_and_tax_mode(
    make_delivery: Factory, order_body: dict[str, Any]
) -> None:
    """Discount codes, note attributes, the location and tax-inclusive prices map as documented."""
    order_body["discount_codes"] = [{"code": "TENOFF", "amount": "10.00", "type": "fixed_amount"}]
    order_body["note_attributes"] = [{"name": "colour", "value": "green"}]
    order_body["location_id"] = 905684977
    order_body["taxes_included"] = True
    order_body["note"] = "Leave at the door"
    order_body["closed_at"] = "2022-01-02T10:00:00+01:00"
    order_body["cancelled_at"] = None
    order = one(normalize(make_delivery("shopify", orjson.dumps(order_body), "orders/updated")))
    assert [(d.code, d.value, d.type, d.currency) for d in order.discounts] == [
        ("TENOFF", Decimal("10.00"), "fixed_amount", "USD")
    ]
    assert [(f.key, f.value) for f in order.custom_fields] == [("colour", "green")]
    assert order.warehouses_ids == ["905684977"]
    assert order.comment == "Leave at the door"
    assert order.finished_time == datetime(2022, 1, 2, 9, tzinfo=UTC)
    assert order.status.id == "closed"
    assert order.total.subtotal_ex_tax is None
    assert order.total.shipping_ex_tax is None
    assert order.totals.subtotal == Decimal("398.00")


def test_open_order_without_shipping_set(
    make_delivery: Factory, order_body: dict[str, Any]
) -> None:
    """An order neither cancelled nor closed is open; a missing price set leaves shipping unset."""
    order_body["cancelled_at"] = None
    del order_body["total_shipping_price_set"]
    del order_body["payment_gateway_names"]
    order = one(normalize(make_delivery("shopify", orjson.dumps(order_body), "orders/create")))
    assert order.status.id == "open"
    assert order.totals.shipping is None
    assert order.payment_method is None


@pytest.mark.parametrize(
    ("email", "phone", "expected"),
    [
        ("guest@example.com", "+15555550100", ("guest@example.com", "+15555550100")),
        ("guest@example.com", None, ("guest@example.com", None)),
        (None, "+15555550100", None),
    ],
)
def test_guest_order_customer_from_the_order_contact(
    make_delivery: Factory,
    order_body: dict[str, Any],
    email: str | None,
    phone: str | None,
    expected: tuple[str, str | None] | None,
) -> None:
    """Without a customer object the buyer is the order's email (and phone); no email, none."""
    order_body["customer"] = None
    order_body["email"] = email
    order_body["phone"] = phone
    order = one(normalize(make_delivery("shopify", orjson.dumps(order_body), "orders/create")))
    if expected is None:
        assert order.customer is None
    else:
        assert order.customer is not None
        assert (order.customer.id, order.customer.email, order.customer.phone) == (None, *expected)
    assert order.additional_fields["email"] == email


def test_refunds_sum_their_successful_refund_transactions(
    make_delivery: Factory, order_body: dict[str, Any]
) -> None:
    """A refund's total is its successful refund transactions; refund_info sums the refunds."""

    def transaction(amount: str, kind: str = "refund", status: str = "success") -> dict[str, Any]:
        return {"amount": amount, "kind": kind, "status": status, "currency": "USD"}

    order_body["refunds"] = [
        {
            "id": 509562969,
            "created_at": "2022-01-03T10:00:00-05:00",
            "note": "it broke during shipping",
            "transactions": [transaction("209.00"), transaction("5.00", status="failure")],
        },
        {
            "id": 509562970,
            "created_at": "2022-01-04T10:00:00-05:00",
            "transactions": [transaction("10.50"), transaction("1.00", kind="sale")],
        },
    ]
    order = one(normalize(make_delivery("shopify", orjson.dumps(order_body), "orders/updated")))
    assert [(r.id, r.total, r.currency, r.comment) for r in order.refunds] == [
        ("509562969", Decimal("209.00"), "USD", "it broke during shipping"),
        ("509562970", Decimal("10.50"), "USD", None),
    ]
    assert order.refunds[0].additional_fields["transactions"][1]["status"] == "failure"
    info = order.status.refund_info
    assert info is not None
    assert info.total_refunded == Decimal("219.50")
    assert info.last_refund_at == datetime(2022, 1, 4, 15, tzinfo=UTC)
    assert info.currency == "USD"


def test_refund_without_transactions_has_no_total(
    make_delivery: Factory, order_body: dict[str, Any]
) -> None:
    """A refund with no successful refund transaction has no total, nor has the summary."""
    order_body["refunds"] = [{"id": 1, "transactions": []}]
    order = one(normalize(make_delivery("shopify", orjson.dumps(order_body), "orders/updated")))
    assert order.refunds[0].total is None
    assert order.status.refund_info.total_refunded is None
    assert order.status.refund_info.last_refund_at is None


def test_product_options_name_the_variant_options(
    make_delivery: Factory, sample_body: Callable[[str, str], bytes]
) -> None:
    """Variant option1..3 take the names of the product's options, in order; images map."""
    body: dict[str, Any] = orjson.loads(sample_body("shopify", "products.create"))
    body["options"] = [{"id": 594680422, "name": "Size", "position": 1, "values": ["Small"]}]
    body["variants"][0]["option2"] = "Blue"
    body["images"] = [{"id": 850703190, "src": "https://cdn.example/a.png", "position": 1}]
    product = one(normalize(make_delivery("shopify", orjson.dumps(body), "products/update")))
    assert [(o.name, o.values) for o in product.options] == [("Size", ["Small"])]
    assert [(o.name, o.value) for o in product.variants[0].options] == [
        ("Size", "Small"),
        (None, "Blue"),
    ]
    assert [(i.id, i.url, i.position) for i in product.images] == [
        ("850703190", "https://cdn.example/a.png", 1)
    ]


def test_product_stock_is_unknown_if_a_variant_has_none(
    make_delivery: Factory, sample_body: Callable[[str, str], bytes]
) -> None:
    """The product quantity is the variants' sum only when each variant reports stock."""
    body: dict[str, Any] = orjson.loads(sample_body("shopify", "products.create"))
    del body["variants"][1]["inventory_quantity"]
    body["tags"] = None
    product = one(normalize(make_delivery("shopify", orjson.dumps(body), "products/update")))
    assert product.quantity is None
    assert product.tags == []


def test_customer_addresses(make_delivery: Factory) -> None:
    """A customer's addresses and default address map, the default flagged."""
    address = {
        "id": 207119551,
        "address1": "Chestnut Street 92",
        "city": "Louisville",
        "province": "Kentucky",
        "province_code": "KY",
        "zip": "40202",
        "country_code": "US",
        "default": True,
    }
    body = {"id": 207119551, "addresses": [dict(address)], "default_address": dict(address)}
    customer = one(normalize(make_delivery("shopify", orjson.dumps(body), "customers/update")))
    assert customer.default_address is not None
    assert customer.default_address.default is True
    assert customer.address_book[0].postcode == "40202"
    assert customer.address_book[0].state == "Kentucky"
