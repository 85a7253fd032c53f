"""BigCommerce, Ecwid, TikTok Shop and Lazada: thin notifications become reference events.

Each test reads a golden sample's verbatim body and asserts the key fields one by one, so
the golden files are not the only check.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import orjson
import pytest

from normalizers import NORMALIZERS, MalformedPayloadError
from normalizers._dispatch import BodyEnvelope, Route, dispatch
from normalizers._thin import thin
from normalizers.schema import (
    AppLifecycle,
    CanonicalEvent,
    Cart,
    Customer,
    InventoryLevel,
    Order,
    Payment,
    PlatformEvent,
    Product,
    Refund,
    Return,
    Shipment,
)
from verifiers import Verified

Factory = Callable[..., Verified]
Body = Callable[[str, str], bytes]


def normalize(
    platform: str, raw: bytes, make_delivery: Factory, topic: str = ""
) -> list[CanonicalEvent]:
    """Run the platform's normalizer over a body, as the verifier hands it on."""
    return list(NORMALIZERS[platform](make_delivery(platform, raw, topic)))


def test_bigcommerce_order_created_is_a_reference(
    make_delivery: Factory, sample_body: Body
) -> None:
    """store/order/created: an Order reference with the id, store and event time of the body."""
    [event] = normalize(
        "bigcommerce", sample_body("bigcommerce", "store.order.created"), make_delivery
    )
    assert event.type == "commerce.order.created.v1"
    assert isinstance(event.data, Order)
    assert (event.data.id, event.data.hydrated) == ("250", False)
    assert event.storeid == "1025646"
    assert event.platformtopic == "store/order/created"
    assert event.time == datetime.fromtimestamp(1561479335, UTC)
    assert event.data.additional_fields["hash"] == "dd70c0976e06b67aaf671e73f49dcb79230ebf9d"


def test_bigcommerce_status_refund_transaction(make_delivery: Factory, sample_body: Body) -> None:
    """The order status, refund and transaction scopes carry their ids and states."""
    [status] = normalize(
        "bigcommerce", sample_body("bigcommerce", "store.order.statusUpdated"), make_delivery
    )
    assert isinstance(status.data, Order)
    assert status.data.status is not None
    assert status.data.status.id == "11"
    assert status.data.status.additional_fields == {"previous_status_id": 0}
    [refund] = normalize(
        "bigcommerce", sample_body("bigcommerce", "store.order.refund.created"), make_delivery
    )
    assert refund.type == "commerce.refund.created.v1"
    assert isinstance(refund.data, Refund)
    assert (refund.data.id, refund.data.order_id) == ("3", "250")
    [payment] = normalize(
        "bigcommerce", sample_body("bigcommerce", "store.order.transaction.created"), make_delivery
    )
    assert isinstance(payment.data, Payment)
    assert (payment.data.id, payment.data.order_id) == ("176342342", "250")
    assert (payment.data.status, payment.data.kind) == ("complete", "capture")


def test_bigcommerce_inventory_levels_and_deltas(make_delivery: Factory, sample_body: Body) -> None:
    """An absolute inventory value is the level; a channel stock change names the variant."""
    [level] = normalize(
        "bigcommerce", sample_body("bigcommerce", "store.sku.inventory.updated"), make_delivery
    )
    assert level.type == "commerce.inventory.updated.v1"
    assert isinstance(level.data, InventoryLevel)
    assert (level.data.id, level.data.product_id, level.data.variant_id) == ("461", "206", "509")
    assert (level.data.method, level.data.available, level.data.adjustment) == (
        "absolute",
        Decimal(5),
        None,
    )
    assert level.topic == "inventory"
    body = orjson.loads(sample_body("bigcommerce", "store.product.inventory.updated"))
    body["data"]["inventory"] = {"product_id": 167, "method": "relative", "value": -2}
    [delta] = normalize("bigcommerce", orjson.dumps(body), make_delivery)
    assert isinstance(delta.data, InventoryLevel)
    assert (delta.data.available, delta.data.adjustment) == (None, Decimal(-2))
    [stock] = normalize(
        "bigcommerce",
        sample_body("bigcommerce", "store.channel.ANY.inventory.product.stock_changed"),
        make_delivery,
    )
    assert isinstance(stock.data, InventoryLevel)
    assert (stock.data.id, stock.data.product_id, stock.data.location_id) == ("127", "113", "2")


def test_bigcommerce_cart_shipment_customer_channel(
    make_delivery: Factory, sample_body: Body
) -> None:
    """Carts, shipments, customers and channel order scopes map to their entities."""
    [cart] = normalize(
        "bigcommerce", sample_body("bigcommerce", "store.cart.converted"), make_delivery
    )
    assert cart.type == "commerce.cart.converted.v1"
    assert isinstance(cart.data, Cart)
    assert (cart.data.id, cart.data.order_id) == ("d30016e2-23c0-4a90-884f-2e92ac135476", "252")
    [shipment] = normalize(
        "bigcommerce", sample_body("bigcommerce", "store.shipment.created"), make_delivery
    )
    assert isinstance(shipment.data, Shipment)
    assert (shipment.data.id, shipment.data.order_id) == ("12", "251")
    [customer] = normalize(
        "bigcommerce", sample_body("bigcommerce", "store.customer.created"), make_delivery
    )
    assert isinstance(customer.data, Customer)
    assert customer.data.id == "32"
    [channel] = normalize(
        "bigcommerce", sample_body("bigcommerce", "store.channel.1.order.updated"), make_delivery
    )
    assert channel.type == "commerce.order.updated.v1"
    assert channel.data.id == "127"
    assert channel.platformtopic == "store/channel/1/order/updated"
    [product] = normalize(
        "bigcommerce", sample_body("bigcommerce", "store.product.updated.docs_v2"), make_delivery
    )
    assert isinstance(product.data, Product)
    assert (product.data.id, product.data.hydrated, product.storeid) == ("205", False, "1025646")
    assert product.data.additional_fields["data"]["properties"] == [
        "warranty",
        "is_featured",
        "custom_fields",
    ]
    [message] = normalize(
        "bigcommerce", sample_body("bigcommerce", "store.order.message.created"), make_delivery
    )
    assert isinstance(message.data, PlatformEvent)


def test_ecwid_order_customer_product_app(make_delivery: Factory, sample_body: Body) -> None:
    """Ecwid: order statuses, the customer's email, product ids and the app uninstall."""
    [order] = normalize("ecwid", sample_body("ecwid", "order.updated"), make_delivery)
    assert order.type == "commerce.order.updated.v1"
    assert isinstance(order.data, Order)
    assert order.data.status is not None
    assert (order.data.status.financial_status, order.data.status.fulfillment_status) == (
        "PAID",
        "SHIPPED",
    )
    assert order.data.additional_fields["data"] == {
        "oldPaymentStatus": "PAID",
        "oldFulfillmentStatus": "PROCESSING",
    }
    assert (order.storeid, order.time) == ("1003", datetime.fromtimestamp(1234567, UTC))
    [deleted] = normalize("ecwid", sample_body("ecwid", "order.deleted"), make_delivery)
    assert deleted.type == "commerce.order.deleted.v1"
    assert isinstance(deleted.data, Order)
    assert (deleted.data.id, deleted.data.status) == ("102", None)
    [customer] = normalize("ecwid", sample_body("ecwid", "customer.created"), make_delivery)
    assert isinstance(customer.data, Customer)
    assert (customer.data.id, customer.data.email) == ("1663830", "user@example.com")
    [product] = normalize("ecwid", sample_body("ecwid", "product.updated"), make_delivery)
    assert isinstance(product.data, Product)
    assert (product.data.id, product.data.hydrated) == ("66722483", False)
    [cart] = normalize("ecwid", sample_body("ecwid", "unfinished_order.created"), make_delivery)
    assert isinstance(cart.data, Cart)
    [app] = normalize("ecwid", sample_body("ecwid", "application.uninstalled"), make_delivery)
    assert app.type == "commerce.app.uninstalled.v1"
    assert isinstance(app.data, AppLifecycle)
    assert (app.data.id, app.topic) == ("1003", "app-events")


def test_ecwid_customer_without_data_and_app_without_entity(make_delivery: Factory) -> None:
    """An Ecwid customer without ``data`` has no email; an uninstall falls back to the store."""
    body = {
        "eventId": "e",
        "eventCreated": 1,
        "storeId": 7,
        "entityId": 9,
        "eventType": "customer.updated",
    }
    [customer] = normalize("ecwid", orjson.dumps(body), make_delivery)
    assert isinstance(customer.data, Customer)
    assert customer.data.email is None
    body = {"eventId": "e", "storeId": 7, "eventType": "application.uninstalled"}
    [app] = normalize("ecwid", orjson.dumps(body), make_delivery)
    assert app.data.id == "7"
    [bare] = normalize(
        "ecwid", orjson.dumps({"eventType": "application.uninstalled"}), make_delivery
    )
    assert bare.data.id == bare.deliveryid


def test_tiktok_order_status_and_cancellation(make_delivery: Factory, sample_body: Body) -> None:
    """TikTok type 1 and 11: the order id and the status, the shop and the update time."""
    [order] = normalize(
        "tiktok_shop", sample_body("tiktok_shop", "1.order-status-change"), make_delivery
    )
    assert order.platformtopic == "1"
    assert isinstance(order.data, Order)
    assert order.data.id == "576486316948490001"
    assert order.data.status is not None
    assert order.data.status.id == "UNPAID"
    assert order.data.modified_at == datetime.fromtimestamp(1644412885, UTC)
    assert order.storeid == "7494049642642441621"
    [cancel] = normalize(
        "tiktok_shop", sample_body("tiktok_shop", "11.cancellation-status-change"), make_delivery
    )
    assert isinstance(cancel.data, Order)
    assert cancel.data.status is not None
    assert cancel.data.status.id == "CANCELLATION_REQUEST_PENDING"


def test_tiktok_packages_inventory_products_deauthorization(
    make_delivery: Factory, sample_body: Body
) -> None:
    """Type 4 and 24 yield one event per item; 5, 16 products; 6 the app's deauthorization."""
    [package] = normalize(
        "tiktok_shop", sample_body("tiktok_shop", "4.package-update"), make_delivery
    )
    assert isinstance(package.data, Shipment)
    assert (package.data.id, package.data.order_id) == ("123456", None)
    assert package.data.additional_fields["order_id_list"] == ["152523", "532123"]
    body = orjson.loads(sample_body("tiktok_shop", "4.package-update"))
    body["data"]["package_list"].append({"package_id": "789", "order_id_list": ["1"]})
    first, second = normalize("tiktok_shop", orjson.dumps(body), make_delivery)
    assert (first.data.id, second.data.id, second.data.order_id) == ("123456", "789", "1")
    assert first.id != second.id
    [level] = normalize(
        "tiktok_shop", sample_body("tiktok_shop", "24.fbt-inventory-update"), make_delivery
    )
    assert isinstance(level.data, InventoryLevel)
    assert (level.data.id, level.data.product_id, level.data.location_id) == (
        "123513234",
        "732357708734418520388",
        "73823232239293999999",
    )
    assert (level.data.on_hand, level.data.reserved, level.data.available) == (7, 5, 2)
    [status] = normalize(
        "tiktok_shop", sample_body("tiktok_shop", "5.product-status-change"), make_delivery
    )
    assert isinstance(status.data, Product)
    assert (status.data.id, status.data.status) == (
        "576486316948490000",
        "PRODUCT_FIRST_PASS_REVIEW",
    )
    [created] = normalize(
        "tiktok_shop", sample_body("tiktok_shop", "16.product-creation"), make_delivery
    )
    assert created.type == "commerce.product.created.v1"
    [app] = normalize(
        "tiktok_shop", sample_body("tiktok_shop", "6.seller-deauthorization"), make_delivery
    )
    assert app.type == "commerce.app.deauthorized.v1"
    assert isinstance(app.data, AppLifecycle)
    assert app.data.id == "7494049642642441621"
    assert app.data.message == "Shop_id {xxx} is deauthorized from your APP by merchant."


def test_tiktok_edge_cases(make_delivery: Factory) -> None:
    """A warehouse without details, a deauthorization without a shop, an unknown type."""
    body = {
        "type": 24,
        "data": {"sku_id": "1", "fbt_warehouse_inventory": [{"fbt_warehouse_id": "w"}]},
    }
    [level] = normalize("tiktok_shop", orjson.dumps(body), make_delivery)
    assert isinstance(level.data, InventoryLevel)
    assert level.data.on_hand is None
    [app] = normalize("tiktok_shop", orjson.dumps({"type": 6, "data": {}}), make_delivery)
    assert app.data.id == app.deliveryid
    [other] = normalize("tiktok_shop", orjson.dumps({"type": 99, "data": {}}), make_delivery)
    assert isinstance(other.data, PlatformEvent)
    assert other.platformtopic == "99"


def test_lazada_pushes(make_delivery: Factory, sample_body: Body) -> None:
    """Lazada: orders, products, stock, reverse orders and fulfilment packages by message type."""
    [order] = normalize(
        "lazada", sample_body("lazada", "trade_order.msg_type_0.example1"), make_delivery
    )
    assert isinstance(order.data, Order)
    assert order.data.id == "260422900198363"
    assert order.data.status is not None
    assert order.data.status.id == "unpaid"
    assert order.time == datetime(2020, 10, 27, 2, 47, 39, 530000, UTC)  # milliseconds
    assert order.storeid == "1234567"
    [stock] = normalize(
        "lazada", sample_body("lazada", "shallow_stock.msg_type_6.example1"), make_delivery
    )
    assert isinstance(stock.data, InventoryLevel)
    assert (stock.data.id, stock.data.sku, stock.data.available, stock.data.reserved) == (
        "1173310888",
        "test-Lazada-sku",
        Decimal(5),
        Decimal(5),
    )
    [reverse] = normalize(
        "lazada", sample_body("lazada", "reverse_order.msg_type_10.example1"), make_delivery
    )
    assert reverse.type == "commerce.return.updated.v1"
    assert isinstance(reverse.data, Return)
    assert (reverse.data.id, reverse.data.order_id, reverse.data.status) == (
        "658960600102006",
        "416557324702006",
        "RTM_INIT",
    )
    [package] = normalize(
        "lazada",
        sample_body("lazada", "fulfillment_order_update.msg_type_14.example1"),
        make_delivery,
    )
    assert isinstance(package.data, Shipment)
    assert (package.data.id, package.data.order_id, package.data.status) == (
        "FP018711048499663",
        "57244869716603",
        "DELIVERED",
    )
    assert package.time == datetime.fromtimestamp(1627441249, UTC)  # seconds
    [deleted] = normalize(
        "lazada", sample_body("lazada", "product_update.msg_type_5.example2"), make_delivery
    )
    assert deleted.type == "commerce.product.deleted.v1"
    assert deleted.data.id == "1807508328"


@pytest.mark.parametrize(
    ("platform", "body", "where"),
    [
        (
            "bigcommerce",
            {"scope": "store/order/created", "data": {"type": "order"}},
            "body.data.id",
        ),
        ("bigcommerce", {"scope": "store/order/created", "data": []}, "body.data"),
        ("lazada", {"message_type": 0, "timestamp": "soon", "data": {}}, "body.timestamp"),
        ("lazada", {"message_type": 0, "timestamp": 1e300, "data": {}}, "body.timestamp"),
        ("tiktok_shop", {"type": 4, "data": {"package_list": {}}}, "body.data.package_list"),
        ("ecwid", {"eventType": "order.created", "entityId": True}, "body.entityId"),
    ],
)
def test_thin_bodies_that_do_not_fit_are_malformed(
    make_delivery: Factory, platform: str, body: object, where: str
) -> None:
    """A thin body missing its id or of a wrong type raises MalformedPayloadError with the path."""
    with pytest.raises(MalformedPayloadError, match=where.replace(".", r"\.")):
        normalize(platform, orjson.dumps(body), make_delivery)


def test_a_header_topic_and_store_win_over_the_body(
    make_delivery: Factory, sample_body: Body
) -> None:
    """What a verifier found in headers is kept; the body only fills what is missing."""
    raw = sample_body("bigcommerce", "store.product.created")
    delivery = make_delivery("bigcommerce", raw, "store/product/updated", store_id="hdr")
    [event] = NORMALIZERS["bigcommerce"](delivery)
    assert (event.type, event.storeid) == ("commerce.product.updated.v1", "hdr")


def test_an_envelope_without_time_or_store_leaves_them_unset(make_delivery: Factory) -> None:
    """A BodyEnvelope naming only the topic routes by it and sets no store or time."""
    routes = {"made": Route(thin(Product, "id", ()), "created", Product)}
    delivery = make_delivery("generic_hmac", orjson.dumps({"kind": "made", "id": 5}))
    [event] = dispatch(delivery, routes, envelope=BodyEnvelope(topic="kind"))
    assert (event.type, event.data.id, event.storeid) == ("commerce.product.created.v1", "5", None)
    assert event.time == event.receivedat


def test_a_route_whose_builder_returns_another_entity_is_a_bug(make_delivery: Factory) -> None:
    """A table declaring one entity while its builder returns another fails loudly."""
    routes = {"made": Route(thin(Product, "id", ()), "created", Order)}
    delivery = make_delivery("generic_hmac", orjson.dumps({"id": 5}), "made")
    with pytest.raises(TypeError, match="built a Product, not Order"):
        dispatch(delivery, routes)
    assert routes["made"].event_type == "commerce.order.created.v1"


def test_a_list_notification_without_items_is_a_platform_event(make_delivery: Factory) -> None:
    """A package update listing no package yields the whole body as one PlatformEvent."""
    body = {"type": 4, "shop_id": "1", "data": {"package_list": []}}
    [event] = normalize("tiktok_shop", orjson.dumps(body), make_delivery)
    assert isinstance(event.data, PlatformEvent)
    assert event.data.body == body
