"""The generic normalizer: any delivery as one PlatformEvent, its topic from a header or body."""

from __future__ import annotations

from collections.abc import Callable

import orjson
import pytest

from normalizers import NORMALIZERS, MalformedPayloadError
from normalizers.generic import GenericNormalizer
from normalizers.schema import PlatformEvent
from verifiers import Verified

Factory = Callable[..., Verified]

# Shaped as the Standard Webhooks spec describes a payload; test data, not a captured one.
STANDARD_BODY = {
    "type": "invoice.paid",
    "timestamp": "2022-11-03T20:26:10.344522Z",
    "data": {"id": "inv_1", "amount": "10.10"},
}


def test_standard_webhooks_topic_comes_from_the_body_type(make_delivery: Factory) -> None:
    """With no topic header, a Standard Webhooks body's ``type`` is the platform topic."""
    delivery = make_delivery("standard_webhooks", orjson.dumps(STANDARD_BODY), delivery_id="m1")
    [event] = NORMALIZERS["standard_webhooks"](delivery)
    assert isinstance(event.data, PlatformEvent)
    assert event.type == "commerce.platform_event.received.v1"
    assert event.data.platform_topic == "invoice.paid"
    assert event.platformtopic == "invoice.paid"
    assert event.data.body == STANDARD_BODY
    assert (event.data.id, event.deliveryid) == ("m1", "m1")


def test_an_integer_event_code_becomes_the_topic(make_delivery: Factory) -> None:
    """A numeric event code in the topic field (a push ``code``) becomes its decimal string."""
    body = {"code": 3, "shop_id": 1, "data": {"ordersn": "2201"}}
    [event] = GenericNormalizer(topic_field="code")(make_delivery("shopee", orjson.dumps(body)))
    assert isinstance(event.data, PlatformEvent)
    assert event.data.platform_topic == "3"
    assert event.data.body == body


def test_a_topic_from_the_verifier_wins(make_delivery: Factory) -> None:
    """A topic the verifier found in a header is kept over the body's field."""
    delivery = make_delivery("standard_webhooks", orjson.dumps(STANDARD_BODY), "from.header")
    [event] = NORMALIZERS["standard_webhooks"](delivery)
    assert event.data.platform_topic == "from.header"
    assert event.platformtopic == "from.header"


@pytest.mark.parametrize(
    ("normalizer", "body"),
    [
        (GenericNormalizer(), {"type": "ignored.without.topic_field"}),
        (GenericNormalizer(topic_field="type"), {"type": True}),
        (GenericNormalizer(topic_field="type"), {"type": 4.5}),
        (GenericNormalizer(topic_field="type"), ["type", "a list"]),
        (GenericNormalizer(topic_field="type"), None),
    ],
)
def test_no_topic_anywhere_leaves_it_empty(
    make_delivery: Factory, normalizer: GenericNormalizer, body: object
) -> None:
    """Without a header topic or a string/integer topic field the topic is empty; JSON is kept."""
    [event] = normalizer(make_delivery("etsy", orjson.dumps(body)))
    assert event.data.platform_topic == ""
    assert event.data.body == body


@pytest.mark.parametrize("raw", [b"", b"receipt_id=1", b"{"])
def test_body_that_is_not_json_is_malformed(make_delivery: Factory, raw: bytes) -> None:
    """A body that is not JSON raises MalformedPayloadError."""
    with pytest.raises(MalformedPayloadError, match="not JSON"):
        NORMALIZERS["etsy"](make_delivery("etsy", raw, "receipt.created"))


def test_same_delivery_same_event_id(make_delivery: Factory) -> None:
    """A retried delivery yields the same event id; another delivery id, another event id."""
    raw = orjson.dumps(STANDARD_BODY)
    normalize = NORMALIZERS["standard_webhooks"]
    first = normalize(make_delivery("standard_webhooks", raw, delivery_id="msg_1"))
    again = normalize(make_delivery("standard_webhooks", raw, delivery_id="msg_1"))
    other = normalize(make_delivery("standard_webhooks", raw, delivery_id="msg_2"))
    assert first[0].id == again[0].id
    assert first[0].id != other[0].id


def test_a_nested_topic_field_is_a_dotted_path(make_delivery: Factory) -> None:
    """EBay names its topic in ``metadata.topic``; a missing step leaves the topic empty."""
    body = {"metadata": {"topic": "MARKETPLACE_ACCOUNT_DELETION"}, "notification": {}}
    [event] = NORMALIZERS["ebay"](make_delivery("ebay", orjson.dumps(body)))
    assert event.platformtopic == "MARKETPLACE_ACCOUNT_DELETION"
    [bare] = NORMALIZERS["ebay"](make_delivery("ebay", orjson.dumps({"metadata": "x"})))
    assert bare.platformtopic == ""
