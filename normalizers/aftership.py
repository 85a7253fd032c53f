"""AfterShip tracking webhooks to canonical shipment events.

No public sample: mapped from AfterShip's documented webhook
(https://www.aftership.com/docs/tracking/webhook/webhook-specifications): ``{"event":
"tracking_update", "event_id", "is_tracking_first_tag", "msg": {<tracking>}, "ts"}``. The
topic is the body's ``event``, the time ``ts`` (Unix seconds). Topic to type:

| AfterShip event | type (commerce.*.v1) | data |
|---|---|---|
| tracking_update, edd_revise, tracking_pending_time | shipment.updated | Shipment (the tracking) |
| any other | platform_event.received | PlatformEvent |

Tracking: id, tracking_number, slug (carrier), tag (status), courier_tracking_link
(tracking_urls), order_id, created_at, updated_at; subtag, checkpoints and the rest stay
in ``additional_fields``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from normalizers._dispatch import BodyEnvelope, Route, dispatch
from normalizers._fields import Fields
from normalizers._thin import nested
from normalizers.schema import CanonicalEvent, Shipment
from verifiers import Verified

__all__ = ["ROUTES", "normalize"]

ENVELOPE = BodyEnvelope(topic="event", time="ts")


def _tracking(fields: Fields, _delivery: Verified) -> Shipment:
    tracking = nested(fields, ("msg",))
    number = tracking.take_text("tracking_number")
    link = tracking.take_text("courier_tracking_link")
    return Shipment(
        id=tracking.take_required_id("id"),
        order_id=tracking.take_id("order_id"),
        status=tracking.take_text("tag"),
        carrier=tracking.take_text("slug"),
        tracking_numbers=[number] if number else [],
        tracking_urls=[link] if link else [],
        create_at=tracking.take_time("created_at"),
        modified_at=tracking.take_time("updated_at"),
        additional_fields=fields.rest(),
    )


ROUTES: Mapping[str, Route] = {
    "tracking_update": Route(_tracking, "updated", Shipment),
    "edd_revise": Route(_tracking, "updated", Shipment),
    "tracking_pending_time": Route(_tracking, "updated", Shipment),
}
"""AfterShip event -> entity builder and event action; see the module docstring."""


def normalize(delivery: Verified) -> Sequence[CanonicalEvent]:
    """Normalize one verified AfterShip webhook into one canonical event."""
    return dispatch(delivery, ROUTES, envelope=ENVELOPE)
