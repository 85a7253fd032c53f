"""JSON:API documents (Commerce Layer, Lemon Squeezy): ``{"data": {"id", "type", "attributes"}}``.

The builders read ``data.id`` and ``data.attributes`` in place; relationships, links, meta
and whatever the builder does not take stay where they are in ``additional_fields``.
"""

from __future__ import annotations

from collections.abc import Callable

from normalizers._fields import Fields
from normalizers._thin import nested
from normalizers.schema import Entity
from verifiers import Verified

__all__ = ["resource"]


def resource(
    build: Callable[[str, Fields], Entity],
) -> Callable[[Fields, Verified], Entity]:
    """Return a builder calling ``build(data.id, data.attributes)``; the document is kept."""

    def build_resource(fields: Fields, _delivery: Verified) -> Entity:
        data = nested(fields, ("data",))
        entity_id = data.take_required_id("id")
        entity = build(entity_id, nested(data, ("attributes",)))
        return entity.model_copy(
            update={"additional_fields": {**entity.additional_fields, **fields.rest()}}
        )

    return build_resource
