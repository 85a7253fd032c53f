"""Reading platform JSON: each reader converts its type or names the path that is wrong."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from normalizers import MalformedPayloadError
from normalizers._fields import Fields, parse_json, to_decimal


def fields(**values: object) -> Fields:
    """A ``Fields`` over ``values``, named ``obj``."""
    return Fields.of(dict(values), "obj")  # type: ignore[arg-type]  # test values are JSON


def test_parse_json_keeps_big_integers_exact() -> None:
    """Integers above 2**53 parse exactly (orjson)."""
    assert parse_json(b'{"id": 820982911946154508}') == {"id": 820982911946154508}


@pytest.mark.parametrize(
    ("reader", "value", "expected"),
    [
        ("take_text", "a", "a"),
        ("take_text", "", None),
        ("take_text", None, None),
        ("take_id", 820982911946154508, "820982911946154508"),
        ("take_id", "gid-1", "gid-1"),
        ("take_id", "", None),
        ("take_id", 0, "0"),
        ("take_int", 3, 3),
        ("take_bool", False, False),
        ("take_decimal", "10.10", Decimal("10.10")),
        ("take_decimal", 12, Decimal(12)),
        ("take_decimal", 0.1, Decimal("0.1")),
        ("take_decimal", "", None),
        ("take_currency", "eur", "EUR"),
        ("take_currency", None, None),
        ("take_strings", ["a", "b"], ["a", "b"]),
        ("take_strings", None, []),
    ],
)
def test_readers_convert(reader: str, value: object, expected: object) -> None:
    """Each reader returns the canonical value and takes the key."""
    obj = fields(key=value, other=1)
    assert getattr(obj, reader)("key") == expected
    assert obj.rest() == {"other": 1}


@pytest.mark.parametrize(
    ("reader", "value"),
    [
        ("take_text", 1),
        ("take_required_text", None),
        ("take_required_text", ""),
        ("take_id", 1.5),
        ("take_id", False),
        ("take_id", []),
        ("take_required_id", None),
        ("take_required_id", ""),
        ("take_int", "3"),
        ("take_int", True),
        ("take_bool", "true"),
        ("take_decimal", True),
        ("take_decimal", [1]),
        ("take_decimal", "1,00"),
        ("take_decimal", "Infinity"),
        ("take_decimal", "sNaN"),
        ("take_strings", "a"),
        ("take_strings", ["a", 1]),
        ("take_time", 1700000000),
        ("take_time", "2021-13-01T00:00:00Z"),
        ("take_time", "2021-12-31T19:00:00"),
        ("take_object", "x"),
        ("take_objects", {"a": 1}),
        ("take_objects", [1]),
    ],
)
def test_readers_reject_the_wrong_type(reader: str, value: object) -> None:
    """A value of the wrong JSON type raises MalformedPayloadError naming ``obj.key``."""
    with pytest.raises(MalformedPayloadError, match=r"^obj\.key"):
        getattr(fields(key=value), reader)("key")


def test_times_are_converted_to_utc() -> None:
    """A time with an offset converts to UTC; a naive time only where it is documented UTC."""
    obj = fields(a="2021-12-31T19:00:00-05:00", b="2017-03-22T19:28:02", c=None)
    assert obj.take_time("a") == datetime(2022, 1, 1, tzinfo=UTC)
    assert obj.take_time("b", naive_is_utc=True) == datetime(2017, 3, 22, 19, 28, 2, tzinfo=UTC)
    assert obj.take_time("c") is None
    assert obj.rest() == {}


def test_nested_objects_name_their_path() -> None:
    """Nested objects and list items carry their path into errors."""
    obj = fields(lines=[{"qty": 1}, {"qty": "x"}], inner={"n": "y"}, none=None)
    first, second = obj.take_objects("lines")
    assert first.take_int("qty") == 1
    with pytest.raises(MalformedPayloadError, match=r"obj\.lines\[1\]\.qty"):
        second.take_int("qty")
    inner = obj.take_object("inner")
    assert inner is not None
    with pytest.raises(MalformedPayloadError, match=r"obj\.inner\.n"):
        inner.take_int("n")
    assert obj.take_object("none") is None
    assert obj.take_objects("none") == []


def test_peek_leaves_the_key() -> None:
    """``peek`` and ``peek_required_id`` read without taking."""
    obj = fields(id=7)
    assert obj.peek("id") == 7
    assert obj.peek_required_id("id") == "7"
    assert obj.rest() == {"id": 7}


def test_of_requires_an_object() -> None:
    """Only a JSON object can be mapped."""
    with pytest.raises(MalformedPayloadError, match=r"^body: expected a JSON object"):
        Fields.of([1], "body")


def test_to_decimal_keeps_the_digits_of_a_string() -> None:
    """A decimal string keeps its exact digits, trailing zeros included."""
    assert str(to_decimal("10.10", "p", "k")) == "10.10"
    assert str(to_decimal("-0.00", "p", "k")) == "-0.00"
    assert to_decimal(None, "p", "k") is None
