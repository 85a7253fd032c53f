"""Building blocks shared by every canonical entity."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    InstanceOf,
    JsonValue,
    PlainSerializer,
    SkipValidation,
    StringConstraints,
)

__all__ = [
    "CanonicalModel",
    "Component",
    "CurrencyCode",
    "Entity",
    "JsonObject",
    "Money",
    "ParsedJson",
    "Quantity",
    "UtcDatetime",
]


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


Money = Annotated[
    Decimal,
    PlainSerializer(str, return_type=str, when_used="always"),
    Field(description='A decimal amount as a string (never a float), e.g. "10.10".'),
]
"""A money amount: kept as the exact decimal the platform sent, serialized as a string."""

Quantity = Annotated[
    Decimal,
    PlainSerializer(str, return_type=str, when_used="always"),
    Field(description='A decimal quantity as a string, e.g. "2" (some platforms sell by weight).'),
]
"""A quantity: a decimal, since some platforms sell fractional units; serialized as a string."""

CurrencyCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{3}$"),
    Field(description="ISO 4217 alphabetic currency code of the amounts beside it, e.g. USD."),
]
"""The ISO 4217 code of the money amounts in the same object."""

UtcDatetime = Annotated[
    AwareDatetime,
    AfterValidator(_to_utc),
    Field(description="An RFC 3339 timestamp in UTC, e.g. 2022-01-01T00:00:00Z."),
]
"""A point in time: offset-aware on input, always held (and written) in UTC."""


JsonObject = Annotated[
    InstanceOf[dict[str, Any]],
    Field(description="Fields the platform sent that the model has no place for, verbatim."),
]
"""Verbatim JSON from a platform body. Not re-validated: it comes straight from the JSON
parser, and checking it value by value cost more than half of normalizing a large order.
Not even copied: ``InstanceOf`` keeps the parsed dict itself (a ``dict[str, Any]`` field
copies it key by key, ~8 us for a Shopify order's top level); from JSON it is parsed as
a ``dict[str, Any]``."""

ParsedJson = Annotated[JsonValue, SkipValidation()]
"""Any JSON value, as the JSON parser returned it (a whole body, a custom field's value).

Not re-validated either: checking a 7 KB body value by value as ``JsonValue`` costs
~140 us, and the parser only ever returns JSON values. Its JSON Schema is ``JsonValue``'s
(with a title).
"""


class CanonicalModel(BaseModel):
    """Base of every canonical model: immutable, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_timedelta="iso8601")


class Component(CanonicalModel):
    """A value nested inside an entity (an address, a line item, a price).

    Like an entity, it keeps what the platform sent for it that has no field here in
    ``additional_fields``, verbatim, so nothing nested is dropped either.
    """

    additional_fields: JsonObject = Field(default_factory=dict)


class Entity(CanonicalModel):
    """A commerce entity carried as an event's ``data``.

    ``entity_type`` names it in event types (``commerce.<entity_type>.<action>.v1``) and
    ``topic`` is its Kafka topic suffix (``commerce.<topic>``); ``actions`` are the verbs
    its events may carry, so every event type is known in advance (schema export).
    ``hydrated`` is false for a reference event built from a thin notification that
    carries little more than the id.
    Whatever the platform sent that has no field here goes to ``additional_fields``.
    """

    entity_type: ClassVar[str]
    topic: ClassVar[str]
    actions: ClassVar[tuple[str, ...]]
    """The verbs of its event types; ``make_event`` refuses any other."""

    id: str = Field(description="The platform's id of the entity, as a string.")
    hydrated: bool = True
    additional_fields: JsonObject = Field(default_factory=dict)
