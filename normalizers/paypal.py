"""PayPal webhooks to canonical events.

A PayPal event is ``{"id", "event_type", "create_time", "resource_type", "resource": {...},
"summary", "links", ...}`` (https://developer.paypal.com/api/rest/webhooks/event-names/).
The topic is the body's ``event_type``, the time ``create_time``; ``resource`` is the whole
API object, the event around it stays in ``additional_fields["event"]``. Topic to type:

| PayPal event_type | type (commerce.*.v1) | data |
|---|---|---|
| CHECKOUT.ORDER.APPROVED | order.updated | Order |
| CHECKOUT.ORDER.COMPLETED | order.paid | Order |
| PAYMENT.SALE.COMPLETED | payment.succeeded | Payment (sale) |
| PAYMENT.CAPTURE.COMPLETED (1) | payment.succeeded | Payment (capture) |
| PAYMENT.CAPTURE.DENIED (1) | payment.failed | Payment (capture) |
| PAYMENTS.PAYMENT.CREATED | payment.created | Payment (v1 payment) |
| CATALOG.PRODUCT.CREATED, .UPDATED (1) | product.created, product.updated | Product |
| any other | platform_event.received | PlatformEvent |

(1) No public sample; mapped from the documented resource (a v2 capture has the same
``id``, ``status``, ``amount``, ``create_time`` as the sale; the product the same fields as
``CATALOG.PRODUCT.CREATED``). Field mappings: ``_paypal_objects``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial

from normalizers import _paypal_objects as objects
from normalizers._dispatch import BodyEnvelope, Route, dispatch
from normalizers._fields import Fields
from normalizers.schema import CanonicalEvent, Entity, Order, Payment, Product
from verifiers import Verified

__all__ = ["ROUTES", "normalize"]

ENVELOPE = BodyEnvelope(topic="event_type", time="create_time", iso_time=True)


def _resource(build: Callable[[Fields], Entity]) -> Callable[[Fields, Verified], Entity]:
    """A builder of ``resource``; the event around it goes to ``additional_fields.event``."""

    def build_resource(fields: Fields, _delivery: Verified) -> Entity:
        entity = build(Fields.of(fields.take("resource"), f"{fields.path}.resource"))
        extra = {**entity.additional_fields, "event": fields.rest()}
        return entity.model_copy(update={"additional_fields": extra})

    return build_resource


_ORDER = _resource(objects.checkout_order)
_PRODUCT = _resource(objects.product)

ROUTES: Mapping[str, Route] = {
    "CHECKOUT.ORDER.APPROVED": Route(_ORDER, "updated", Order),
    "CHECKOUT.ORDER.COMPLETED": Route(_ORDER, "paid", Order),
    "PAYMENT.SALE.COMPLETED": Route(
        _resource(partial(objects.payment, kind="sale")), "succeeded", Payment
    ),
    "PAYMENT.CAPTURE.COMPLETED": Route(
        _resource(partial(objects.payment, kind="capture")), "succeeded", Payment
    ),
    "PAYMENT.CAPTURE.DENIED": Route(
        _resource(partial(objects.payment, kind="capture")), "failed", Payment
    ),
    "PAYMENTS.PAYMENT.CREATED": Route(_resource(objects.payment_v1), "created", Payment),
    "CATALOG.PRODUCT.CREATED": Route(_PRODUCT, "created", Product),
    "CATALOG.PRODUCT.UPDATED": Route(_PRODUCT, "updated", Product),
}
"""PayPal event_type -> entity builder and event action; see the module docstring."""


def normalize(delivery: Verified) -> Sequence[CanonicalEvent]:
    """Normalize one verified PayPal event into one canonical event."""
    return dispatch(delivery, ROUTES, envelope=ENVELOPE)
