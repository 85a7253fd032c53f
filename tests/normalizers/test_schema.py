"""The canonical schema: JSON Schema export, invariants of the value types, entity lookup."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import orjson
import pytest
from pydantic import BaseModel, ValidationError

from normalizers import make_event, schema
from normalizers.schema import (
    ENTITIES,
    ENTITY_TOPICS,
    EVENT_TYPES,
    Address,
    AppLifecycle,
    CanonicalEvent,
    Cart,
    Customer,
    InventoryLevel,
    Order,
    OrderTotals,
    Payment,
    PlatformEvent,
    Product,
    Refund,
    Return,
    Shipment,
    entity_class,
    event_id,
)
from verifiers import Verified

MODELS = [
    getattr(schema, name)
    for name in schema.__all__
    if isinstance(getattr(schema, name), type) and issubclass(getattr(schema, name), BaseModel)
]


def test_all_names_every_entity() -> None:
    """The schema package exports every entity and names only what it defines (ruff sorts it)."""
    assert all(hasattr(schema, name) for name in schema.__all__)
    assert {cls.__name__ for cls in ENTITIES.values()} <= set(schema.__all__)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
@pytest.mark.parametrize("mode", ["validation", "serialization"])
def test_json_schema_exports(model: type[BaseModel], mode: str) -> None:
    """Every model exports a JSON Schema that serializes as JSON."""
    exported = model.model_json_schema(mode=mode)  # type: ignore[arg-type]  # a Literal
    assert orjson.loads(orjson.dumps(exported))["title"] == model.__name__


def test_money_is_a_string_in_the_serialization_schema() -> None:
    """Amounts are strings on the wire; currency codes carry the ISO 4217 pattern."""
    exported = OrderTotals.model_json_schema(mode="serialization")
    [amount, _null] = exported["properties"]["total"]["anyOf"]
    assert amount["type"] == "string"
    [code, _null] = exported["properties"]["currency"]["anyOf"]
    assert code["pattern"] == "^[A-Z]{3}$"


def test_times_are_held_in_utc() -> None:
    """An aware time converts to UTC and is written with Z; a naive time is refused."""
    eastern = timezone(timedelta(hours=-5))
    customer = Customer(id="1", create_at=datetime(2021, 12, 31, 19, tzinfo=eastern))
    assert customer.create_at == datetime(2022, 1, 1, tzinfo=UTC)
    assert customer.create_at is not None
    assert customer.create_at.tzinfo is UTC
    assert orjson.loads(customer.model_dump_json())["create_at"] == "2022-01-01T00:00:00Z"
    with pytest.raises(ValidationError):
        Customer(id="1", create_at=datetime(2022, 1, 1))  # noqa: DTZ001 - the naive time refused


@pytest.mark.parametrize("code", ["usd", "US", "USDD", "12A"])
def test_currency_must_be_an_iso_4217_code(code: str) -> None:
    """A currency that is not three upper-case letters is refused."""
    with pytest.raises(ValidationError):
        OrderTotals(currency=code)


def test_models_are_frozen_and_strict() -> None:
    """Models refuse unknown fields and mutation; extra data belongs in additional_fields."""
    with pytest.raises(ValidationError):
        Address(street="1 Main St")  # type: ignore[call-arg]  # the unknown field refused
    address = Address(city="Ottawa")
    with pytest.raises(ValidationError):
        address.city = "Toronto"  # type: ignore[misc]  # the mutation refused


def test_money_round_trips_exactly() -> None:
    """An amount written as "10.10" reads back as Decimal("10.10")."""
    totals = OrderTotals(total=Decimal("10.10"), currency="EUR")
    again = OrderTotals.model_validate_json(totals.model_dump_json())
    assert again == totals
    assert str(again.total) == "10.10"


def test_entities_and_their_topics() -> None:
    """Each entity is found by its type name and has its Kafka topic."""
    assert dict(ENTITIES) == {
        "app": AppLifecycle,
        "cart": Cart,
        "customer": Customer,
        "inventory": InventoryLevel,
        "order": Order,
        "payment": Payment,
        "platform_event": PlatformEvent,
        "product": Product,
        "refund": Refund,
        "return": Return,
        "shipment": Shipment,
    }
    assert ENTITY_TOPICS == (
        "app-events",
        "carts",
        "customers",
        "inventory",
        "orders",
        "payments",
        "platform-events",
        "products",
        "refunds",
        "returns",
        "shipments",
    )


def test_event_types_are_every_entity_action() -> None:
    """EVENT_TYPES holds each entity's versioned type per action, and only those."""
    assert EVENT_TYPES["commerce.order.created.v1"] is Order
    assert EVENT_TYPES["commerce.inventory.updated.v1"] is InventoryLevel
    assert EVENT_TYPES["commerce.app.uninstalled.v1"] is AppLifecycle
    assert EVENT_TYPES["commerce.cart.converted.v1"] is Cart
    assert "commerce.inventory.created.v1" not in EVENT_TYPES
    assert len(EVENT_TYPES) == sum(len(cls.actions) for cls in ENTITIES.values())
    for type_, cls in EVENT_TYPES.items():
        assert entity_class(type_) is cls


def test_make_event_refuses_an_action_the_entity_lacks(
    make_delivery: Callable[..., Verified],
) -> None:
    """A normalizer table naming an unknown action fails loudly, never emits an unknown type."""
    delivery = make_delivery("shopify", b"{}", "orders/create")
    with pytest.raises(ValueError, match="'shipped' is not an action of 'order'"):
        make_event(delivery, Order(id="1"), "shipped")


@pytest.mark.parametrize(
    "headers", [{}, {"traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01"}]
)
@pytest.mark.parametrize("store_id", [None, "shop"])
def test_make_event_builds_what_validation_would(
    make_delivery: Callable[..., Verified], headers: dict[str, str], store_id: str | None
) -> None:
    """The unvalidated envelope equals the validated one, field for field and in order."""
    delivery = make_delivery(
        "shopify",
        b"{}",
        "orders/create",
        headers=headers,
        store_id=store_id,
        occurred_at=datetime(2025, 1, 1, 8, tzinfo=timezone(timedelta(hours=-4))),
    )
    event = make_event(delivery, Order(id="1"), "created")
    defaults = ("specversion", "datacontenttype")
    validated = CanonicalEvent.model_validate(
        {name: value for name, value in event.__dict__.items() if name not in defaults}
    )
    assert event == validated
    assert list(event.__dict__) == list(CanonicalEvent.model_fields)
    assert event.model_fields_set == validated.model_fields_set
    assert event.time == datetime(2025, 1, 1, 12, tzinfo=UTC)
    assert event.time.tzinfo is UTC
    assert event.to_json() == validated.model_dump_json(exclude_none=True).encode()


@pytest.mark.parametrize("name", ["", "s\x1fd\x1fcommerce.order.created.v1\x1f1", "é" * 70])
def test_event_id_is_a_uuid5(name: str) -> None:
    """Event ids are RFC 4122 UUIDv5 of the joined names in relay's namespace."""
    parts = (name, "d", "t", "e")
    expected = uuid.uuid5(schema.envelope.EVENT_ID_NAMESPACE, "\x1f".join(parts))
    assert event_id(*parts) == str(expected)


@pytest.mark.parametrize(
    ("event_type", "entity_type"),
    [
        ("commerce.order.partially_fulfilled.v1", Order),
        ("commerce.product.deleted.v1", Product),
        ("commerce.platform_event.received.v1", PlatformEvent),
    ],
)
def test_entity_class_of_an_event_type(event_type: str, entity_type: type) -> None:
    """``entity_class`` maps a canonical event type to the class of its data."""
    assert entity_class(event_type) is entity_type


@pytest.mark.parametrize(
    "event_type",
    [
        "commerce.order.created.v2",
        "commerce.basket.created.v1",
        "order.created",
        "x.order.created.v1",
    ],
)
def test_entity_class_refuses_other_types(event_type: str) -> None:
    """A type of another version, entity or shape raises KeyError."""
    with pytest.raises(KeyError):
        entity_class(event_type)


def test_event_envelope_helpers() -> None:
    """An event's topic is its entity's; data_json is the entity without null fields."""
    now = datetime(2025, 1, 1, tzinfo=UTC)
    event = CanonicalEvent(
        id="e1",
        source="/sources/s",
        type="commerce.order.created.v1",
        subject="1",
        time=now,
        platform="shopify",
        sourceid="s",
        platformtopic="orders/create",
        deliveryid="d",
        receivedat=now,
        partitionkey="s:1",
        data=Order(id="1", comment=None),
    )
    assert event.topic == "orders"
    assert orjson.loads(event.data_json())["id"] == "1"
    assert "comment" not in orjson.loads(event.data_json())
    assert "storeid" not in orjson.loads(event.to_json())
