"""The exported JSON Schemas and AsyncAPI document: valid, complete, and true to the events.

The AsyncAPI 3.0.0 schema is the official one, vendored from the npm package
@asyncapi/specs (see tests/normalizers/asyncapi/source.txt), so no network is needed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from _schemas import asyncapi_validator, event_validator

from normalizers.schema import ENTITIES, ENTITY_TOPICS, EVENT_TYPES
from normalizers.schema.export import asyncapi_document, event_schema

SAMPLES = Path(__file__).parents[1] / "samples"


def test_asyncapi_document_validates_against_the_official_schema() -> None:
    """The AsyncAPI document has no error under the AsyncAPI 3.0.0 JSON Schema."""
    errors = list(asyncapi_validator().iter_errors(asyncapi_document()))
    assert errors == []


@pytest.mark.parametrize(
    "breaks",
    [
        lambda doc: doc["operations"]["publish-orders"].update(action="publish"),  # 2.x verb
        lambda doc: doc.update(asyncapi="2.6.0"),
        lambda doc: doc["channels"]["orders"].update(address=7),
        lambda doc: doc["info"].pop("version"),
    ],
)
def test_the_official_schema_catches_a_broken_document(breaks: Callable[[Any], None]) -> None:
    """The check can fail: a document broken in one place has errors."""
    doc = copy.deepcopy(asyncapi_document())
    breaks(doc)
    assert list(asyncapi_validator().iter_errors(doc))


def test_asyncapi_lists_every_topic_key_and_message() -> None:
    """One channel per entity topic plus raw and dlq, each message an event type with a key."""
    doc = asyncapi_document(prefix="shop1")
    channels = doc["channels"]
    assert set(channels) == {"raw", "dlq", *ENTITY_TOPICS}
    assert channels["orders"]["address"] == "shop1.orders"
    assert channels["app-events"]["address"] == "shop1.app-events"
    listed = {name for channel in channels.values() for name in channel["messages"]}
    assert listed == {"RawDelivery", "NormalizationFailure", *EVENT_TYPES}
    messages = doc["components"]["messages"]
    order = messages["commerce.order.created.v1"]
    assert order["bindings"]["kafka"]["key"]["type"] == "string"
    assert order["payload"] == {"$ref": "#/components/schemas/commerce.order.created.v1"}
    assert set(doc["operations"]) == {f"publish-{name}" for name in channels}
    assert all(op["action"] == "send" for op in doc["operations"].values())
    for ref in _refs(doc):
        assert _resolve(doc, ref) is not None, ref


def _refs(value: object) -> list[str]:
    """Every ``$ref`` in a JSON value."""
    if isinstance(value, dict):
        found = [value["$ref"]] if isinstance(value.get("$ref"), str) else []
        return found + [ref for item in value.values() for ref in _refs(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in _refs(item)]
    return []


def _resolve(doc: dict[str, Any], ref: str) -> object:
    """Follow a local JSON pointer (``#/components/schemas/Order``)."""
    node: Any = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node.get(part) if isinstance(node, dict) else None
    return node


@pytest.mark.parametrize("type_", sorted(EVENT_TYPES))
def test_every_event_type_has_a_valid_json_schema(type_: str) -> None:
    """Each event type's schema is valid 2020-12, fixes its type and refers to its entity."""
    schema = event_schema(type_)
    event_validator(type_)
    assert schema["properties"]["type"]["const"] == type_
    entity = EVENT_TYPES[type_].__name__
    assert schema["properties"]["data"] == {"$ref": f"#/$defs/{entity}"}
    assert entity in schema["$defs"]
    assert "Entity" not in schema["$defs"]


def test_an_event_schema_refuses_what_the_model_refuses() -> None:
    """A float amount, a wrong type and an unknown data field fail the order schema."""
    validator = event_validator("commerce.order.created.v1")
    event = orjson.loads((SAMPLES / "shopify" / "orders.create" / "expected.json").read_bytes())[0]
    assert list(validator.iter_errors(event)) == []
    for path, value in [
        (("data", "totals", "total"), 10.1),
        (("type",), "commerce.order.updated.v1"),
        (("data", "colour"), "red"),
    ]:
        broken = copy.deepcopy(event)
        node = broken
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        assert list(validator.iter_errors(broken)), path


def test_every_entity_has_its_types() -> None:
    """Every entity's actions are event types of the export."""
    for entity in ENTITIES.values():
        for action in entity.actions:
            assert f"commerce.{entity.entity_type}.{action}.v1" in EVENT_TYPES


CASES = sorted(path for path in SAMPLES.glob("*/*") if path.is_dir())


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.parent.name}/{case.name}")
def test_golden_events_validate_against_their_schema(case: Path) -> None:
    """Every expected event of every sample is valid under its event type's JSON Schema."""
    for event in orjson.loads((case / "expected.json").read_bytes()):
        errors = list(event_validator(event["type"]).iter_errors(event))
        assert errors == [], [error.message for error in errors]
