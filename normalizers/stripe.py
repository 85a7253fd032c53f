"""Stripe events to canonical events.

A Stripe event is ``{"id", "object": "event", "type", "created", "account"?, "data":
{"object": {...}, "previous_attributes"?}}`` (https://docs.stripe.com/api/events/object).
The topic is the body's ``type``, the store the Connect ``account`` (when present), the
time ``created`` (Unix seconds). ``data.object`` is the whole API object; the rest of the
event (``previous_attributes``, ``request``, ...) stays in ``additional_fields["event"]``.
Topic to type:

| Stripe type | type (commerce.*.v1) | data |
|---|---|---|
| customer.created, customer.updated, customer.deleted | customer.* | Customer |
| payment_intent.created | payment.created | Payment |
| payment_intent.succeeded | payment.succeeded | Payment |
| payment_intent.payment_failed | payment.failed | Payment |
| payment_intent.canceled | payment.cancelled | Payment |
| payment_intent.processing, .requires_action, ... (2) | payment.updated | Payment |
| charge.succeeded, charge.captured | payment.succeeded | Payment (a charge) |
| charge.failed | payment.failed | Payment (a charge) |
| charge.refunded, charge.updated | payment.updated | Payment (a charge) |
| refund.created, charge.refund.created (1) | refund.created | Refund |
| refund.updated, charge.refund.updated | refund.updated | Refund |
| checkout.session.completed | cart.completed | Cart |
| checkout.session.expired | cart.abandoned | Cart |
| any other (invoice.*, subscription.*, ...) | platform_event.received | PlatformEvent |

(1) ``charge.refund.*`` is the older name of ``refund.*``. (2) and
``payment_intent.amount_capturable_updated``. Field mappings: ``_stripe_objects``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from normalizers import _stripe_objects as objects
from normalizers._dispatch import BodyEnvelope, Route, dispatch
from normalizers._fields import Fields
from normalizers._thin import nested
from normalizers.schema import CanonicalEvent, Cart, Customer, Entity, Payment, Refund
from verifiers import Verified

__all__ = ["ROUTES", "normalize"]

ENVELOPE = BodyEnvelope(topic="type", store="account", time="created")


def _object(build: Callable[[Fields], Entity]) -> Callable[[Fields, Verified], Entity]:
    """A builder of ``data.object``; the event around it goes to ``additional_fields.event``."""

    def build_object(fields: Fields, _delivery: Verified) -> Entity:
        data = nested(fields, ("data",))
        entity = build(Fields.of(data.take("object"), f"{data.path}.object"))
        extra = {**entity.additional_fields, "event": fields.rest()}
        return entity.model_copy(update={"additional_fields": extra})

    return build_object


_CUSTOMER = _object(objects.customer)
_INTENT = _object(objects.payment_intent)
_CHARGE = _object(objects.charge)
_REFUND = _object(objects.refund)
_SESSION = _object(objects.checkout_session)

ROUTES: Mapping[str, Route] = {
    "customer.created": Route(_CUSTOMER, "created", Customer),
    "customer.updated": Route(_CUSTOMER, "updated", Customer),
    "customer.deleted": Route(_CUSTOMER, "deleted", Customer),
    "payment_intent.created": Route(_INTENT, "created", Payment),
    "payment_intent.succeeded": Route(_INTENT, "succeeded", Payment),
    "payment_intent.payment_failed": Route(_INTENT, "failed", Payment),
    "payment_intent.canceled": Route(_INTENT, "cancelled", Payment),
    "payment_intent.processing": Route(_INTENT, "updated", Payment),
    "payment_intent.requires_action": Route(_INTENT, "updated", Payment),
    "payment_intent.amount_capturable_updated": Route(_INTENT, "updated", Payment),
    "charge.succeeded": Route(_CHARGE, "succeeded", Payment),
    "charge.captured": Route(_CHARGE, "succeeded", Payment),
    "charge.failed": Route(_CHARGE, "failed", Payment),
    "charge.refunded": Route(_CHARGE, "updated", Payment),
    "charge.updated": Route(_CHARGE, "updated", Payment),
    "refund.created": Route(_REFUND, "created", Refund),
    "refund.updated": Route(_REFUND, "updated", Refund),
    "charge.refund.created": Route(_REFUND, "created", Refund),
    "charge.refund.updated": Route(_REFUND, "updated", Refund),
    "checkout.session.completed": Route(_SESSION, "completed", Cart),
    "checkout.session.expired": Route(_SESSION, "abandoned", Cart),
}
"""Stripe event type -> entity builder and event action; see the module docstring."""


def normalize(delivery: Verified) -> Sequence[CanonicalEvent]:
    """Normalize one verified Stripe event into one canonical event."""
    return dispatch(delivery, ROUTES, envelope=ENVELOPE)
