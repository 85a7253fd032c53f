"""Reading platform JSON into canonical values, keeping whatever is not read.

A ``Fields`` wraps one JSON object of a parsed body. Each ``take_*`` method removes a key
and returns its value converted (an id to a string, an amount to a ``Decimal``, a time to
UTC); ``rest()`` returns the keys nobody took, verbatim, for ``additional_fields``. Call
``rest()`` last. A value of the wrong JSON type raises ``MalformedPayloadError`` naming
its path (``order.line_items[1].price``), never a ``TypeError``.

Bodies are parsed once, with orjson, which keeps integers up to 64 bits exact: a Shopify id
above 2**53 becomes its exact decimal string, never a float.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

import orjson
from pydantic import JsonValue

from normalizers._errors import MalformedPayloadError

__all__ = ["Fields", "JsonObject", "parse_json"]

JsonObject = dict[str, JsonValue]
MS_THRESHOLD = 10**11
"""A Unix time at or above this is in milliseconds (see ``Fields.take_unix_time``)."""


def parse_json(body: bytes) -> JsonValue:
    """Parse a body with orjson; raise ``MalformedPayloadError`` if it is not JSON."""
    try:
        value: JsonValue = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise MalformedPayloadError(f"body is not JSON: {exc}") from exc
    return value


class Fields:
    """One JSON object being mapped; ``path`` names it in error messages."""

    __slots__ = ("_data", "path")

    def __init__(self, data: JsonObject, path: str) -> None:
        self._data = data
        self.path = path

    @classmethod
    def of(cls, value: JsonValue, path: str) -> Fields:
        """Wrap ``value``, which must be a JSON object."""
        if not isinstance(value, dict):
            raise MalformedPayloadError(f"{path}: expected a JSON object")
        return cls(value, path)

    def _fail(self, key: str, expected: str) -> MalformedPayloadError:
        return MalformedPayloadError(f"{self.path}.{key}: expected {expected}")

    def peek(self, key: str) -> JsonValue:
        """Return the value of ``key`` without taking it (``None`` when absent)."""
        return self._data.get(key)

    def take(self, key: str) -> JsonValue:
        """Take ``key`` as it is (``None`` when absent)."""
        return self._data.pop(key, None)

    def rest(self) -> JsonObject:
        """Return the keys not taken, verbatim."""
        return self._data

    def take_text(self, key: str) -> str | None:
        """Take a string; an empty string, like ``null``, means no value."""
        value = self._data.pop(key, None)
        if value is None or isinstance(value, str):
            return value or None
        raise self._fail(key, "a string")

    def take_required_text(self, key: str) -> str:
        """Take a string that must be there."""
        value = self.take_text(key)
        if value is None:
            raise self._fail(key, "a non-empty string")
        return value

    def take_currency(self, key: str) -> str | None:
        """Take an ISO 4217 code, upper-cased (the model checks its shape)."""
        value = self.take_text(key)
        return None if value is None else value.upper()

    def take_strings(self, key: str) -> list[str]:
        """Take a list of strings (empty when absent or ``null``)."""
        value = self._data.pop(key, None)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(key, "a list of strings")
        strings: list[str] = []
        for item in value:
            if not isinstance(item, str):
                raise self._fail(key, "a list of strings")
            strings.append(item)
        return strings

    def take_id(self, key: str) -> str | None:
        """Take an id sent as an integer or a string, as a string; ``""`` means none."""
        value = self._data.pop(key, None)
        return None if value is None or value == "" else self._id(key, value)

    def take_required_id(self, key: str) -> str:
        """Take the id an entity cannot do without."""
        entity_id = self.peek_required_id(key)
        del self._data[key]
        return entity_id

    def peek_required_id(self, key: str) -> str:
        """Return the id under ``key`` as a string, leaving it in place."""
        value = self._data.get(key)
        if value is None:
            raise self._fail(key, "an id")
        return self._id(key, value)

    def _id(self, key: str, value: JsonValue) -> str:
        if isinstance(value, str) and value:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        raise self._fail(key, "an integer or string id")

    def take_int(self, key: str) -> int | None:
        """Take an integer."""
        value = self._data.pop(key, None)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise self._fail(key, "an integer")

    def take_bool(self, key: str) -> bool | None:
        """Take a boolean."""
        value = self._data.pop(key, None)
        if value is None or isinstance(value, bool):
            return value
        raise self._fail(key, "a boolean")

    def take_decimal(self, key: str) -> Decimal | None:
        """Take an amount or a quantity (see ``to_decimal``); ``""`` means no value."""
        return to_decimal(self._data.pop(key, None), self.path, key)

    def take_time(self, key: str, *, naive_is_utc: bool = False) -> datetime | None:
        """Take an RFC 3339 / ISO 8601 time, converted to UTC.

        A time without an offset is rejected, unless ``naive_is_utc`` says the platform
        documents the field as UTC (WooCommerce's ``*_gmt`` fields).
        """
        value = self._data.pop(key, None)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self._fail(key, "a time string")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError as exc:
            raise self._fail(key, "an ISO 8601 time") from exc
        if parsed.tzinfo is None:
            if not naive_is_utc:
                raise self._fail(key, "a time with a UTC offset")
            return parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)

    def take_unix_time(self, key: str) -> datetime | None:
        """Take a Unix time in seconds, or in milliseconds when above ``MS_THRESHOLD``.

        Lazada documents both units in the same field across its examples; no second-unit
        time reaches the threshold before the year 5138.
        """
        value = self._data.pop(key, None)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._fail(key, "a Unix time")
        seconds = value / 1000 if abs(value) >= MS_THRESHOLD else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise self._fail(key, "a Unix time in range") from exc

    def take_object(self, key: str) -> Fields | None:
        """Take a nested object (``None`` when absent or ``null``)."""
        value = self._data.pop(key, None)
        return None if value is None else Fields.of(value, f"{self.path}.{key}")

    def take_objects(self, key: str) -> list[Fields]:
        """Take a list of objects (empty when absent or ``null``)."""
        return self.objects(key, self._data.pop(key, None))

    def objects(self, key: str, value: JsonValue) -> list[Fields]:
        """Wrap ``value``, found under ``key``, as a list of objects."""
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(key, "a list")
        return [Fields.of(item, f"{self.path}.{key}[{i}]") for i, item in enumerate(value)]


def to_decimal(value: JsonValue, path: str, key: str) -> Decimal | None:
    """Convert an amount sent as a decimal string or a JSON number to a ``Decimal``.

    Strings keep their exact digits ("10.10" stays "10.10"). A JSON number with a fraction
    arrives as a float (no JSON parser hands out its text); its shortest repr is used,
    which is exact up to 15 significant digits but loses trailing zeros (10.10 -> "10.1").
    Platforms that send money as numbers (WooCommerce's line ``price``) send such values.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise MalformedPayloadError(f"{path}.{key}: expected a decimal amount")
    try:
        amount = Decimal(value if isinstance(value, str) else repr(value))
    except InvalidOperation as exc:
        raise MalformedPayloadError(f"{path}.{key}: expected a decimal amount") from exc
    if not amount.is_finite():
        raise MalformedPayloadError(f"{path}.{key}: expected a finite amount")
    return amount
