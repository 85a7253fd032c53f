"""A chosen option value: a variant's "Size: Small", a line item's engraving text."""

from __future__ import annotations

from pydantic import Field

from normalizers.schema._model import Component

__all__ = ["SelectedOption"]


class SelectedOption(Component):
    """One option and the value chosen for it."""

    option_id: str | None = Field(default=None, description="The platform's id of the option.")
    name: str | None = Field(default=None, description="The option's name, e.g. Size.")
    value: str | None = Field(default=None, description="The chosen value, e.g. Small.")
