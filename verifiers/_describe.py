"""Where a platform's delivery names its id, topic and store: headers or body fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from verifiers._base import Authenticity, InboundRequest, Verified, body_digest_id
from verifiers._json import json_object, json_text

__all__ = ["Description", "Locator", "locate"]

Locator = str | tuple[str, ...]
"""A header name (``str``), or a path of keys into the JSON body (``tuple``)."""


def locate(
    request: InboundRequest, body: Mapping[str, object], where: Sequence[Locator]
) -> str | None:
    """Return the first non-empty value found at ``where``, in order."""
    for locator in where:
        value = request.header(locator) if isinstance(locator, str) else json_text(body, *locator)
        if value:
            return value
    return None


@dataclass(frozen=True, slots=True)
class Description:
    """The locators of a platform's delivery id, topic and store id, and what to forward.

    A delivery without an id of its own is identified by a digest of its body.
    """

    delivery_id: tuple[Locator, ...] = ()
    topic: tuple[Locator, ...] = ()
    store_id: tuple[Locator, ...] = ()
    forwarded: tuple[str, ...] = ()
    """Headers copied onto the raw record when present; never a signature."""
    authenticity: Authenticity = "verified"

    def verified(
        self, request: InboundRequest, platform: str, signed_at: datetime | None = None
    ) -> Verified:
        """Return the ``Verified`` of ``request``, whose signature has been checked."""
        locators = (*self.delivery_id, *self.topic, *self.store_id)
        body = json_object(request.body) if any(isinstance(x, tuple) for x in locators) else {}
        return Verified(
            request=request,
            platform=platform,
            delivery_id=locate(request, body, self.delivery_id) or body_digest_id(request.body),
            topic=locate(request, body, self.topic) or "",
            store_id=locate(request, body, self.store_id),
            occurred_at=signed_at,
            authenticity=self.authenticity,
            headers=tuple((n, v) for n in self.forwarded if (v := request.header(n))),
        )
