"""Merchant- or app-defined data attached to an entity (note attributes, meta data)."""

from __future__ import annotations

from pydantic import Field

from normalizers.schema._model import Component, ParsedJson

__all__ = ["CustomField"]


class CustomField(Component):
    """One key/value pair of custom data, in the platform's order.

    A list rather than a mapping: platforms allow a key more than once (WordPress meta
    data) and some give each pair an id of its own.
    """

    id: str | None = Field(default=None, description="The platform's id of this pair.")
    key: str
    value: ParsedJson = Field(
        default=None, description="The value exactly as the platform sent it."
    )
