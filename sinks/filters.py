"""``EventFilter``: a sink's filter settings compiled once, applied to every event."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

import jmespath
from jmespath.exceptions import JMESPathError
from jmespath.parser import ParsedResult

from sinks._common import FilterSettings
from sinks.event import SinkEvent

__all__ = ["EventFilter"]


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Decides whether a sink delivers an event (type glob, platform, source, expression)."""

    types: tuple[str, ...]
    platforms: frozenset[str]
    sources: frozenset[str]
    expression: ParsedResult | None

    @classmethod
    def from_config(cls, settings: FilterSettings) -> EventFilter:
        """Compile ``settings`` (the expression was validated with the config)."""
        return cls(
            types=tuple(settings.types),
            platforms=frozenset(settings.platforms),
            sources=frozenset(settings.sources),
            expression=jmespath.compile(settings.expression) if settings.expression else None,
        )

    def accepts(self, event: SinkEvent) -> bool:
        """Return whether ``event`` passes every configured condition."""
        if self.types and not any(fnmatchcase(event.type, glob) for glob in self.types):
            return False
        if self.platforms and event.platform not in self.platforms:
            return False
        if self.sources and event.sourceid not in self.sources:
            return False
        if self.expression is None:
            return True
        try:
            return bool(self.expression.search(event.document))
        except (JMESPathError, TypeError, ValueError):  # e.g. comparing mismatched types
            return False
