"""Shippo webhooks to canonical shipment events.

A Shippo webhook is ``{"event": "track_updated", "test": bool, "data": {...}}``
(https://docs.goshippo.com/docs/tracking/webhooks). The topic is the body's ``event``.
Topic to type:

| Shippo event | type (commerce.*.v1) | data |
|---|---|---|
| track_updated | shipment.updated | Shipment from the Track object (1) |
| transaction_created, transaction_updated | shipment.created, .updated | Shipment (2) |
| any other (batch_*, ...) | platform_event.received | PlatformEvent |

(1) id = tracking_number, carrier, servicelevel.name (service), tracking_status.status
(status) and status_date (modified_at), address_to (shipping_address: city, state, zip,
country). The public sample is the Track object itself (``rest.track.json``); the test
wraps it in the documented envelope. (2) No public sample; from the documented
Transaction object (a purchased label): object_id (id), tracking_number,
tracking_url_provider, tracking_status or status, object_created, object_updated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from normalizers._dispatch import BodyEnvelope, Route, dispatch
from normalizers._fields import Fields
from normalizers._thin import nested, optional
from normalizers.schema import Address, CanonicalEvent, Shipment
from verifiers import Verified

__all__ = ["ROUTES", "normalize"]

ENVELOPE = BodyEnvelope(topic="event")


def _track(fields: Fields, _delivery: Verified) -> Shipment:
    track = nested(fields, ("data",))
    number = track.take_required_text("tracking_number")
    status = optional(track, "tracking_status")
    service = optional(track, "servicelevel")
    to = track.take_object("address_to")
    return Shipment(
        id=number,
        carrier=track.take_text("carrier"),
        service=service.take_text("name") if service else None,
        status=status.take_text("status") if status else None,
        tracking_numbers=[number],
        modified_at=status.take_time("status_date") if status else None,
        shipping_address=Address(
            city=to.take_text("city"),
            state=to.take_text("state"),
            postcode=to.take_text("zip"),
            country_code=to.take_text("country"),
            additional_fields=to.rest(),
        )
        if to
        else None,
        additional_fields=fields.rest(),
    )


def _transaction(fields: Fields, _delivery: Verified) -> Shipment:
    label = nested(fields, ("data",))
    number = label.take_text("tracking_number")
    url = label.take_text("tracking_url_provider")
    status = label.peek("tracking_status")
    return Shipment(
        id=label.take_required_id("object_id"),
        status=label.take_text("tracking_status")
        if isinstance(status, str)
        else label.take_text("status"),
        tracking_numbers=[number] if number else [],
        tracking_urls=[url] if url else [],
        create_at=label.take_time("object_created"),
        modified_at=label.take_time("object_updated"),
        additional_fields=fields.rest(),
    )


ROUTES: Mapping[str, Route] = {
    "track_updated": Route(_track, "updated", Shipment),
    "transaction_created": Route(_transaction, "created", Shipment),
    "transaction_updated": Route(_transaction, "updated", Shipment),
}
"""Shippo event -> entity builder and event action; see the module docstring."""


def normalize(delivery: Verified) -> Sequence[CanonicalEvent]:
    """Normalize one verified Shippo webhook into one canonical shipment event."""
    return dispatch(delivery, ROUTES, envelope=ENVELOPE)
