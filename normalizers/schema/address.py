"""A postal address, as found on orders (billing, shipping) and in customers' address books."""

from __future__ import annotations

from pydantic import Field

from normalizers.schema._model import Component

__all__ = ["Address"]


class Address(Component):
    """A postal address with the contact details that travel with it.

    Platforms send either names or codes for the region and the country, sometimes both;
    each goes to its own field and none is derived from the other.
    """

    id: str | None = Field(default=None, description="The platform's id of a stored address.")
    type: str | None = Field(default=None, description="Role in an address book: billing, ...")
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    postcode: str | None = None
    state: str | None = Field(default=None, description="Region name, e.g. Kentucky.")
    state_code: str | None = Field(default=None, description="Region code, e.g. KY.")
    country: str | None = Field(default=None, description="Country name, e.g. United States.")
    country_code: str | None = Field(default=None, description="ISO 3166-1 alpha-2, e.g. US.")
    phone: str | None = None
    email: str | None = None
    default: bool | None = Field(default=None, description="The customer's default address.")
