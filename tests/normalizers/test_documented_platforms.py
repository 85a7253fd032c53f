"""Platforms without public samples, normalized from their documented payloads.

The bodies here are built from each platform's documentation (field names and shapes as
documented, values invented), as the modules' docstrings say; they are test data, not
captured deliveries.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson
import pytest

from normalizers import NORMALIZERS, CanonicalEvent, MalformedPayloadError
from normalizers.schema import AppLifecycle, Order, Payment, PlatformEvent, Refund, Shipment
from verifiers import Verified

Factory = Callable[..., Verified]


def normalize(platform: str, body: Any, make_delivery: Factory) -> list[CanonicalEvent]:
    """Run the platform's normalizer over a JSON body, with no topic header."""
    return list(NORMALIZERS[platform](make_delivery(platform, orjson.dumps(body))))


def adyen_item(code: str, success: str = "true", **extra: Any) -> dict[str, Any]:
    """One NotificationRequestItem as Adyen documents it."""
    item = {
        "amount": {"currency": "EUR", "value": 1010},
        "eventCode": code,
        "eventDate": "2021-07-17T13:42:40+01:00",
        "merchantAccountCode": "Acme",
        "merchantReference": "order-1",
        "paymentMethod": "visa",
        "pspReference": f"PSP-{code}",
        "reason": "012345:1111:03/2030",
        "success": success,
        **extra,
    }
    return {"NotificationRequestItem": item}


def test_adyen_items_become_payments_and_refunds(make_delivery: Factory) -> None:
    """Each item is its own event: amount in euros, reference, status, its own topic."""
    body = {
        "live": "false",
        "notificationItems": [
            adyen_item("AUTHORISATION"),
            adyen_item("REFUND", originalReference="PSP-AUTHORISATION"),
            adyen_item("CANCELLATION"),
        ],
    }
    auth, refund, cancel = normalize("adyen", body, make_delivery)
    assert (auth.type, auth.platformtopic) == ("commerce.payment.succeeded.v1", "AUTHORISATION")
    assert isinstance(auth.data, Payment)
    assert (auth.data.amount, auth.data.currency, auth.data.order_id) == (
        Decimal("10.10"),
        "EUR",
        "order-1",
    )
    assert (auth.data.status, auth.data.error) == ("success", None)
    assert auth.data.additional_fields["reason"] == "012345:1111:03/2030"
    assert auth.data.create_at == datetime(2021, 7, 17, 12, 42, 40, tzinfo=UTC)
    assert refund.type == "commerce.refund.created.v1"
    assert isinstance(refund.data, Refund)
    assert (refund.data.total, refund.data.payment_id) == (Decimal("10.10"), "PSP-AUTHORISATION")
    assert cancel.type == "commerce.payment.cancelled.v1"


def test_adyen_failures(make_delivery: Factory) -> None:
    """A refused authorisation fails with its reason; a failed refund is an update."""
    refused = adyen_item("AUTHORISATION", "false", reason="Refused")
    refused["NotificationRequestItem"].pop("amount")
    body = {"notificationItems": [refused, adyen_item("REFUND_FAILED"), adyen_item("CAPTURE")]}
    failed, refund, capture = normalize("adyen", body, make_delivery)
    assert failed.type == "commerce.payment.failed.v1"
    assert isinstance(failed.data, Payment)
    assert (failed.data.error, failed.data.amount) == ("Refused", None)
    assert refund.type == "commerce.refund.updated.v1"
    assert isinstance(refund.data, Refund)
    assert refund.data.status == "failed"
    assert capture.type == "commerce.payment.succeeded.v1"
    quiet = adyen_item("AUTHORISATION")
    quiet["NotificationRequestItem"].pop("reason")
    [plain] = normalize("adyen", {"notificationItems": [quiet]}, make_delivery)
    assert "reason" not in plain.data.additional_fields


@pytest.mark.parametrize(
    "body",
    [
        {"notificationItems": [adyen_item("AUTHORISATION"), adyen_item("CHARGEBACK")]},
        {"notificationItems": []},
        {"live": "true"},
    ],
)
def test_adyen_unmapped_items_keep_the_whole_body(make_delivery: Factory, body: Any) -> None:
    """Any item relay does not map (or none at all): one PlatformEvent with the whole body."""
    [event] = normalize("adyen", body, make_delivery)
    assert isinstance(event.data, PlatformEvent)
    assert event.data.body == body


def test_easypost_tracker_events(make_delivery: Factory) -> None:
    """tracker.updated: the tracker's code, carrier, status, link and service."""
    tracker = {
        "id": "trk_1", "object": "Tracker", "tracking_code": "EZ1000000001", "status": "in_transit",
        "carrier": "USPS", "public_url": "https://track.easypost.com/djE6dHJrXzE",
        "carrier_detail": {"service": "First-Class Package Service"}, "shipment_id": "shp_1",
        "created_at": "2025-01-01T10:00:00Z", "updated_at": "2025-01-02T10:00:00Z",
    }  # fmt: skip
    body = {"object": "Event", "id": "evt_1", "description": "tracker.updated",
            "created_at": "2025-01-02T10:00:01Z", "result": tracker}  # fmt: skip
    [event] = normalize("easypost", body, make_delivery)
    assert event.type == "commerce.shipment.updated.v1"
    assert event.time == datetime(2025, 1, 2, 10, 0, 1, tzinfo=UTC)
    shipment = event.data
    assert isinstance(shipment, Shipment)
    assert (shipment.id, shipment.carrier, shipment.status) == ("trk_1", "USPS", "in_transit")
    assert shipment.tracking_numbers == ["EZ1000000001"]
    assert shipment.tracking_urls == ["https://track.easypost.com/djE6dHJrXzE"]
    assert shipment.service == "First-Class Package Service"
    assert shipment.additional_fields["shipment_id"] == "shp_1"
    assert shipment.additional_fields["event"]["id"] == "evt_1"
    body = {"description": "tracker.created", "result": {"id": "trk_2"}}
    [bare] = normalize("easypost", body, make_delivery)
    assert isinstance(bare.data, Shipment)
    assert (bare.data.tracking_numbers, bare.data.tracking_urls, bare.data.service) == (
        [],
        [],
        None,
    )


def test_aftership_tracking_update(make_delivery: Factory) -> None:
    """tracking_update: the tracking id, number, courier, tag, link and order."""
    msg = {
        "id": "t1", "tracking_number": "1Z999", "slug": "ups", "tag": "InTransit",
        "courier_tracking_link": "https://www.ups.com/track?tracknum=1Z999", "order_id": "1001",
        "created_at": "2025-01-01T10:00:00+00:00", "updated_at": "2025-01-02T10:00:00+00:00",
    }  # fmt: skip
    body = {"event": "tracking_update", "event_id": "e1", "msg": msg, "ts": 1735812000}
    [event] = normalize("aftership", body, make_delivery)
    assert event.type == "commerce.shipment.updated.v1"
    assert event.time == datetime.fromtimestamp(1735812000, UTC)
    assert isinstance(event.data, Shipment)
    assert (event.data.id, event.data.carrier, event.data.status, event.data.order_id) == (
        "t1",
        "ups",
        "InTransit",
        "1001",
    )
    assert event.data.tracking_urls == ["https://www.ups.com/track?tracknum=1Z999"]
    [bare] = normalize("aftership", {"event": "edd_revise", "msg": {"id": "t2"}}, make_delivery)
    assert isinstance(bare.data, Shipment)
    assert (bare.data.tracking_numbers, bare.data.tracking_urls) == ([], [])


def test_squarespace_notifications(make_delivery: Factory) -> None:
    """order.create and order.update are references; extension.uninstall names the site."""
    envelope = {"id": "n1", "websiteId": "site-1", "subscriptionId": "s1",
                "createdOn": "2025-01-01T10:00:00.123Z"}  # fmt: skip
    created = {**envelope, "topic": "order.create", "data": {"orderId": "ord-1"}}
    [order] = normalize("squarespace", created, make_delivery)
    assert (order.type, order.storeid) == ("commerce.order.created.v1", "site-1")
    assert isinstance(order.data, Order)
    assert (order.data.id, order.data.hydrated, order.data.status) == ("ord-1", False, None)
    updated = {
        **envelope,
        "topic": "order.update",
        "data": {"orderId": "ord-1", "update": "FULFILLED"},
    }
    [update] = normalize("squarespace", updated, make_delivery)
    assert isinstance(update.data, Order)
    assert update.data.status is not None
    assert update.data.status.fulfillment_status == "FULFILLED"
    [app] = normalize("squarespace", {**envelope, "topic": "extension.uninstall"}, make_delivery)
    assert app.type == "commerce.app.uninstalled.v1"
    assert isinstance(app.data, AppLifecycle)
    assert app.data.id == "site-1"
    [bare] = normalize("squarespace", {"topic": "extension.uninstall"}, make_delivery)
    assert bare.data.id == bare.deliveryid


def test_shopee_pushes(make_delivery: Factory) -> None:
    """Code 3: the order's new status; code 4: its package and tracking number."""
    data = {"ordersn": "220810ABC", "status": "READY_TO_SHIP", "update_time": 1660123127}
    status = {"code": 3, "shop_id": 600001, "timestamp": 1660123127, "data": data}
    [order] = normalize("shopee", status, make_delivery)
    assert (order.platformtopic, order.storeid) == ("3", "600001")
    assert isinstance(order.data, Order)
    assert order.data.status is not None
    assert (order.data.id, order.data.status.id) == ("220810ABC", "READY_TO_SHIP")
    data = {"ordersn": "220810ABC", "package_number": "OFG1", "tracking_no": "TW1"}
    tracking = {"code": 4, "shop_id": 600001, "data": data}
    [package] = normalize("shopee", tracking, make_delivery)
    assert isinstance(package.data, Shipment)
    assert (package.data.id, package.data.order_id, package.data.tracking_numbers) == (
        "OFG1",
        "220810ABC",
        ["TW1"],
    )
    [bare] = normalize("shopee", {"code": 4, "data": {"ordersn": "X"}}, make_delivery)
    assert isinstance(bare.data, Shipment)
    assert (bare.data.id, bare.data.tracking_numbers) == ("X", [])


@pytest.mark.parametrize(
    ("form", "type_", "entity"),
    [
        (b"id=tr_5B8cwPMGnU6qLbRvo7qEZo", "commerce.payment.updated.v1", Payment),
        (b"id=ord_pbjz8x", "commerce.order.updated.v1", Order),
        (b"id=re_4qqhO89gsT", "commerce.refund.updated.v1", Refund),
    ],
)
def test_mollie_classic_webhook_is_a_reference(
    make_delivery: Factory, form: bytes, type_: str, entity: type
) -> None:
    """Mollie's classic form ``id=...`` (its docs' example) references the object by prefix."""
    [event] = NORMALIZERS["mollie"](make_delivery("mollie", form))
    assert event.type == type_
    assert isinstance(event.data, entity)
    assert (event.data.id, event.data.hydrated) == (form.decode()[3:], False)


def test_mollie_classic_edge_cases(make_delivery: Factory) -> None:
    """Another prefix is a PlatformEvent; a body that is no id form is malformed."""
    [other] = NORMALIZERS["mollie"](make_delivery("mollie", b"id=sub_8JfGzs6v3K"))
    assert isinstance(other.data, PlatformEvent)
    assert other.data.body == {"id": "sub_8JfGzs6v3K"}
    for bad in (b"id=a&id=b", b"id=tr_1&x=2", b"nothing", b"id=\xff"):
        with pytest.raises(MalformedPayloadError):
            NORMALIZERS["mollie"](make_delivery("mollie", bad))


def test_mollie_next_gen_events(make_delivery: Factory) -> None:
    """A next-gen payment.paid with its embedded payment; one without is a reference."""
    entity = {"resource": "payment", "id": "tr_5B8cwPMGnU6qLbRvo7qEZo",
              "amount": {"currency": "EUR", "value": "10.10"}, "status": "paid",
              "method": "creditcard", "createdAt": "2024-03-20T09:13:37+00:00"}  # fmt: skip
    body = {"resource": "event", "id": "event_1", "type": "payment.paid",
            "entityId": entity["id"], "createdAt": "2024-03-20T09:14:00+00:00",
            "_embedded": {"entity": entity}}  # fmt: skip
    [paid] = normalize("mollie", body, make_delivery)
    assert (paid.type, paid.platformtopic) == ("commerce.payment.succeeded.v1", "payment.paid")
    assert isinstance(paid.data, Payment)
    assert (str(paid.data.amount), paid.data.currency, paid.data.status) == ("10.10", "EUR", "paid")
    assert paid.data.method == "creditcard"
    assert paid.time == datetime(2024, 3, 20, 9, 14, tzinfo=UTC)
    del body["_embedded"]
    body["type"] = "payment.expired"
    [expired] = normalize("mollie", body, make_delivery)
    assert expired.type == "commerce.payment.cancelled.v1"
    assert (expired.data.id, expired.data.hydrated) == ("tr_5B8cwPMGnU6qLbRvo7qEZo", False)
    body["_embedded"] = {"entity": {"id": "tr_2"}}
    [bare] = normalize("mollie", body, make_delivery)
    assert isinstance(bare.data, Payment)
    assert (bare.data.amount, bare.data.currency) == (None, None)
    [link] = normalize("mollie", {"type": "payment-link.paid", "entityId": "pl_1"}, make_delivery)
    assert isinstance(link.data, PlatformEvent)
