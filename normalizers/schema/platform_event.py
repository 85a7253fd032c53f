"""The generic event: a verified delivery that no canonical entity describes (yet)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from normalizers.schema._model import Entity, ParsedJson

__all__ = ["PlatformEvent"]


class PlatformEvent(Entity):
    """Any delivery relay does not map to an entity, carried whole so none is ever dropped.

    ``id`` is the delivery id, so a platform's retry of the same delivery yields the same
    event id. Its type is ``commerce.platform_event.received.v1`` whatever the platform's
    topic; consumers route on ``platform_topic``.
    """

    entity_type: ClassVar[str] = "platform_event"
    topic: ClassVar[str] = "platform-events"
    actions: ClassVar[tuple[str, ...]] = ("received",)

    platform_topic: str = Field(description="The platform's own event name, e.g. app/uninstalled.")
    body: ParsedJson = Field(default=None, description="The parsed JSON body, verbatim.")
