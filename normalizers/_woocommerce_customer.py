"""WooCommerce's customer and address objects to ``Customer`` and ``Address``.

| canonical | WooCommerce (REST API v3) |
|---|---|
| email, first_name, last_name | same names |
| login | username |
| create_at, modified_at | date_created_gmt, date_modified_gmt (UTC, without an offset) |
| address_book | billing and shipping, ``type`` set to that name; empty ones left out |
| custom_fields | meta_data |
| address address1, address2 | address_1, address_2 |
| address state_code, country_code | state, country (WooCommerce sends codes) |

The site-local ``date_created``/``date_modified`` stay in ``additional_fields``: they are
the only trace of the site's time zone.
"""

from __future__ import annotations

from normalizers._fields import Fields
from normalizers._mapping import custom_fields
from normalizers.schema import Address, Customer
from verifiers import Verified

__all__ = ["address", "customer", "optional_ref"]

_ADDRESS_VALUES = tuple(
    name for name in Address.model_fields if name not in {"type", "additional_fields"}
)
"""The fields of an address that say something; all unset means no address was given."""


def customer(fields: Fields, _delivery: Verified) -> Customer:
    """Map a WooCommerce customer object."""
    return Customer(
        id=fields.take_required_id("id"),
        email=fields.take_text("email"),
        first_name=fields.take_text("first_name"),
        last_name=fields.take_text("last_name"),
        login=fields.take_text("username"),
        create_at=fields.take_time("date_created_gmt", naive_is_utc=True),
        modified_at=fields.take_time("date_modified_gmt", naive_is_utc=True),
        address_book=[
            entry
            for entry in (address(fields, "billing"), address(fields, "shipping"))
            if entry is not None
        ],
        custom_fields=custom_fields(fields.take_objects("meta_data"), "key"),
        additional_fields=fields.rest(),
    )


def address(fields: Fields, key: str, *, typed: bool = True) -> Address | None:
    """Take the address under ``key`` (``billing``/``shipping``); ``None`` if it is empty.

    ``typed`` sets ``type`` to ``key``, for an address book.
    """
    value = fields.take_object(key)
    if value is None:
        return None
    mapped = Address(
        type=key if typed else None,
        first_name=value.take_text("first_name"),
        last_name=value.take_text("last_name"),
        company=value.take_text("company"),
        address1=value.take_text("address_1"),
        address2=value.take_text("address_2"),
        city=value.take_text("city"),
        state_code=value.take_text("state"),
        postcode=value.take_text("postcode"),
        country_code=value.take_text("country"),
        email=value.take_text("email"),
        phone=value.take_text("phone"),
        additional_fields=value.rest(),
    )
    empty = not mapped.additional_fields and all(
        getattr(mapped, name) is None for name in _ADDRESS_VALUES
    )
    return None if empty else mapped


def optional_ref(fields: Fields, key: str) -> str | None:
    """Take an id where WooCommerce writes ``0`` for "none" (a guest, no variation)."""
    ref = fields.take_id(key)
    return None if ref == "0" else ref
