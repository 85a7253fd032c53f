"""The normalizer for platforms without a mapping of their own: one ``PlatformEvent`` each.

Registered for the platforms without a module of their own (``_registry``). The event
carries the whole parsed body and the platform topic, so consumers can act on it and
nothing is dropped. The topic is ``delivery.topic`` when the verifier
found one in a header; otherwise a body field names it: ``type`` in a Standard Webhooks
body (``{"type", "timestamp", "data"}``), ``event_type`` in a Mollie one, ...

This module is no platform: the registry test leaves it out of the module/slug match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from normalizers._dispatch import body_topic, platform_event
from normalizers._fields import parse_json
from normalizers.schema import CanonicalEvent
from verifiers import Verified

__all__ = ["GenericNormalizer"]


@dataclass(frozen=True, slots=True)
class GenericNormalizer:
    """Turns any JSON delivery into one ``PlatformEvent`` (action ``received``).

    ``topic_field`` names the body field that holds the event name (a dotted path when
    nested: ``metadata.topic``), used when ``delivery.topic`` is empty. A body that is
    not JSON raises ``MalformedPayloadError``.
    """

    topic_field: str | None = None

    def __call__(self, delivery: Verified) -> Sequence[CanonicalEvent]:
        """Normalize one delivery into one ``PlatformEvent``."""
        body = parse_json(delivery.request.body)
        return [platform_event(body_topic(delivery, body, self.topic_field), body)]
