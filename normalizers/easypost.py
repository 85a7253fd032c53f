"""EasyPost webhooks to canonical shipment events.

No public sample: mapped from EasyPost's documented Event and Tracker objects
(https://docs.easypost.com/docs/events, https://docs.easypost.com/docs/trackers). A webhook
is an Event ``{"object": "Event", "id", "description": "tracker.updated", "created_at",
"result": {...}, "previous_attributes"}``. The topic is the body's ``description``, the
time ``created_at``. Topic to type:

| EasyPost description | type (commerce.*.v1) | data |
|---|---|---|
| tracker.created | shipment.created | Shipment (the Tracker) |
| tracker.updated | shipment.updated | Shipment (the Tracker) |
| any other (batch.*, refund.successful, ...) | platform_event.received | PlatformEvent |

Tracker: id, tracking_code (tracking_numbers), carrier, status, public_url (tracking_urls),
carrier_detail.service, created_at, updated_at; shipment_id and the rest stay in
``additional_fields``; the Event around it in ``additional_fields.event``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from normalizers._dispatch import BodyEnvelope, Route, dispatch
from normalizers._fields import Fields
from normalizers._thin import optional
from normalizers.schema import CanonicalEvent, Shipment
from verifiers import Verified

__all__ = ["ROUTES", "normalize"]

ENVELOPE = BodyEnvelope(topic="description", time="created_at", iso_time=True)


def _tracker(fields: Fields, _delivery: Verified) -> Shipment:
    tracker = Fields.of(fields.take("result"), f"{fields.path}.result")
    code = tracker.take_text("tracking_code")
    url = tracker.take_text("public_url")
    detail = optional(tracker, "carrier_detail")
    return Shipment(
        id=tracker.take_required_id("id"),
        status=tracker.take_text("status"),
        carrier=tracker.take_text("carrier"),
        service=detail.take_text("service") if detail else None,
        tracking_numbers=[code] if code else [],
        tracking_urls=[url] if url else [],
        create_at=tracker.take_time("created_at"),
        modified_at=tracker.take_time("updated_at"),
        additional_fields={**tracker.rest(), "event": fields.rest()},
    )


ROUTES: Mapping[str, Route] = {
    "tracker.created": Route(_tracker, "created", Shipment),
    "tracker.updated": Route(_tracker, "updated", Shipment),
}
"""EasyPost event description -> entity builder and event action; see the module docstring."""


def normalize(delivery: Verified) -> Sequence[CanonicalEvent]:
    """Normalize one verified EasyPost Event into one canonical event."""
    return dispatch(delivery, ROUTES, envelope=ENVELOPE)
