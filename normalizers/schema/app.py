"""The app lifecycle entity: the store installed, uninstalled or deauthorized the app."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from normalizers.schema._model import Entity, UtcDatetime

__all__ = ["AppLifecycle"]


class AppLifecycle(Entity):
    """A change of the app's standing with a store. ``id`` is the store's (shop's) id.

    After ``uninstalled`` or ``deauthorized`` relay's source stops receiving deliveries and
    the credentials it holds for that store are void.
    """

    entity_type: ClassVar[str] = "app"
    topic: ClassVar[str] = "app-events"
    actions: ClassVar[tuple[str, ...]] = ("installed", "uninstalled", "deauthorized")

    store_name: str | None = None
    domain: str | None = Field(default=None, description="The store's domain, where known.")
    message: str | None = Field(default=None, description="The platform's note, if any.")
    create_at: UtcDatetime | None = None
