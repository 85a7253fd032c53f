"""JSON Schemas of the canonical events and the AsyncAPI 3 document of relay's topics.

Pure functions of the models: ``event_schema`` describes one event type (the CloudEvents
envelope with ``type`` fixed and ``data`` its entity, as ``CanonicalEvent.to_json`` writes
it: money as strings, times in UTC, null attributes left out); ``asyncapi_document``
describes every topic relay publishes (``<prefix>.raw``, ``<prefix>.dlq`` and one per
entity), its key and its messages. ``relay schema export DIR`` writes both.
"""

from __future__ import annotations

from typing import Any

from normalizers.schema.entities import ENTITIES, EVENT_TYPES
from normalizers.schema.envelope import SCHEMA_VERSION, CanonicalEvent

__all__ = ["DLQ_RECORD_SCHEMA", "JSON_SCHEMA_DIALECT", "asyncapi_document", "event_schema"]

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The dialect pydantic writes (``$defs``, ``const``)."""

_LOCAL_REFS = "#/$defs/{model}"
_COMPONENT_REFS = "#/components/schemas/{model}"

DLQ_RECORD_SCHEMA: dict[str, Any] = {
    "title": "NormalizationFailure",
    "description": "A verified delivery that could not be normalized; its body is on the raw "
    "topic under the same key.",
    "type": "object",
    "required": ["reason", "error", "sourceid", "platform", "deliveryid", "receivedat"],
    "properties": {
        "reason": {
            "type": "string",
            "enum": ["malformed_payload", "normalization_failed", "normalizer_error"],
        },
        "error": {"type": "string", "description": "The exception class name."},
        "detail": {"type": "string", "maxLength": 500, "description": "What did not fit."},
        "sourceid": {"type": "string"},
        "platform": {"type": "string"},
        "platformtopic": {"type": "string"},
        "deliveryid": {"type": "string"},
        "receivedat": {"type": "string", "format": "date-time"},
        "raw_topic": {"type": "string"},
    },
}
"""The value of a ``<prefix>.dlq`` record (``relay.records.RecordBuilder.dlq``)."""


def _event(type_: str, ref_template: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the schema of event ``type_`` and the definitions it refers to."""
    entity = EVENT_TYPES[type_]
    envelope = CanonicalEvent.model_json_schema(mode="serialization", ref_template=ref_template)
    defs: dict[str, Any] = envelope.pop("$defs", {})
    defs.pop("Entity", None)
    data = entity.model_json_schema(mode="serialization", ref_template=ref_template)
    defs.update(data.pop("$defs", {}))
    defs[entity.__name__] = data
    envelope["title"] = type_
    summary = (entity.__doc__ or "").split("\n", 1)[0]
    envelope["description"] = f"A CloudEvent carrying {entity.__name__} data: {summary}"
    properties = envelope["properties"]
    properties["type"] = {"const": type_, "title": "Type", "type": "string"}
    properties["data"] = {"$ref": ref_template.format(model=entity.__name__)}
    return envelope, defs


def event_schema(type_: str) -> dict[str, Any]:
    """Return the standalone JSON Schema (2020-12) of one canonical event type.

    Raises:
        KeyError: ``type_`` is not one of ``EVENT_TYPES``.
    """
    schema, defs = _event(type_, _LOCAL_REFS)
    return {"$schema": JSON_SCHEMA_DIALECT, **schema, "$defs": dict(sorted(defs.items()))}


def _key(description: str) -> dict[str, Any]:
    return {"kafka": {"key": {"type": "string", "description": description}}}


def asyncapi_document(prefix: str = "commerce") -> dict[str, Any]:
    """Return the AsyncAPI 3.0.0 document of every topic relay publishes under ``prefix``."""
    schemas: dict[str, Any] = {"NormalizationFailure": DLQ_RECORD_SCHEMA}
    messages: dict[str, Any] = {
        "RawDelivery": {
            "name": "RawDelivery",
            "title": "A verified delivery, byte for byte",
            "contentType": "application/octet-stream",
            "payload": {"type": "string", "description": "The exact request body."},
            "bindings": _key("{source_id}:{delivery_id}"),
        },
        "NormalizationFailure": {
            "name": "NormalizationFailure",
            "contentType": "application/json",
            "payload": {"$ref": "#/components/schemas/NormalizationFailure"},
            "bindings": _key("{source_id}:{delivery_id}"),
        },
    }
    channels: dict[str, Any] = {
        "raw": {
            "address": f"{prefix}.raw",
            "description": "Every verified delivery; headers carry relay-* metadata.",
            "messages": {"RawDelivery": {"$ref": "#/components/messages/RawDelivery"}},
        },
        "dlq": {
            "address": f"{prefix}.dlq",
            "description": "Verified deliveries that could not be normalized, with the reason.",
            "messages": {
                "NormalizationFailure": {"$ref": "#/components/messages/NormalizationFailure"}
            },
        },
    }
    for entity in ENTITIES.values():
        channel: dict[str, Any] = {}
        for action in entity.actions:
            type_ = f"commerce.{entity.entity_type}.{action}.{SCHEMA_VERSION}"
            schema, defs = _event(type_, _COMPONENT_REFS)
            schemas.update(defs)
            schemas[type_] = schema
            messages[type_] = {
                "name": type_,
                "title": type_,
                "contentType": "application/cloudevents+json",
                "payload": {"$ref": f"#/components/schemas/{type_}"},
                "bindings": _key("{source_id}:{entity_id} (the event's partitionkey)"),
            }
            channel[type_] = {"$ref": f"#/components/messages/{type_}"}
        channels[entity.topic] = {
            "address": f"{prefix}.{entity.topic}",
            "description": f"Canonical {entity.__name__} events (CloudEvents 1.0).",
            "messages": channel,
        }
    operations = {
        f"publish-{name}": {
            "action": "send",
            "channel": {"$ref": f"#/channels/{name}"},
            "messages": [
                {"$ref": f"#/channels/{name}/messages/{message}"} for message in channel["messages"]
            ],
        }
        for name, channel in channels.items()
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "relay commerce events",
            "version": SCHEMA_VERSION,
            "description": "Canonical commerce events relay publishes to Kafka: one topic "
            "per entity, the raw deliveries and the normalization DLQ. Keys are UTF-8 "
            "strings; all events of one entity of one source share a key (a partition).",
        },
        "defaultContentType": "application/cloudevents+json",
        "channels": channels,
        "operations": operations,
        "components": {"schemas": dict(sorted(schemas.items())), "messages": messages},
    }
