"""Builders of reference entities from thin notifications (an id, perhaps a status).

Platforms such as BigCommerce, Ecwid, TikTok Shop and Lazada send a small object naming
what changed; the full entity must be fetched from their API. The builders here read that
object at ``path`` (``("data",)``) and return a reference (``hydrated=False``) with the
id, whatever status or link the notification carries, and the rest of the body verbatim in
``additional_fields``.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import JsonValue

from normalizers._dispatch import Builder
from normalizers._fields import Fields
from normalizers.schema import Entity
from verifiers import Verified

__all__ = ["nested", "optional", "outside", "thin"]


def nested(fields: Fields, path: Sequence[str]) -> Fields:
    """Return the object at ``path`` inside ``fields``, left in place (``rest()`` keeps it)."""
    for key in path:
        fields = Fields.of(fields.peek(key), f"{fields.path}.{key}")
    return fields


def outside(fields: Fields, key: str) -> dict[str, JsonValue]:
    """Return what ``fields`` holds besides ``key``: the envelope around a list of items.

    A notification that yields one entity per item of a list keeps, in each entity's
    ``additional_fields``, the envelope, the item's own leftovers, but not its siblings.
    """
    return {name: value for name, value in fields.rest().items() if name != key}


def optional(fields: Fields, key: str) -> Fields | None:
    """Return the object under ``key`` left in place, or ``None`` when absent or ``null``."""
    value = fields.peek(key)
    return None if value is None else Fields.of(value, f"{fields.path}.{key}")


def thin(
    entity_type: type[Entity],
    id_key: str,
    path: Sequence[str] = ("data",),
    **links: str,
) -> Builder:
    """Return a builder of a reference ``entity_type`` from the notification at ``path``.

    ``id_key`` holds the entity id; each ``links`` item maps an entity field to the key
    that holds it (``order_id="orderId"``), read as an id, or as text for ``status``.
    """

    def build(fields: Fields, _delivery: Verified) -> Entity:
        data = nested(fields, path)
        values: dict[str, str | None] = {
            name: data.take_text(key) if name == "status" else data.take_id(key)
            for name, key in links.items()
        }
        entity_id = data.take_required_id(id_key)
        return entity_type(id=entity_id, hydrated=False, additional_fields=fields.rest(), **values)

    return build
