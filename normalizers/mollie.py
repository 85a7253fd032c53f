"""Mollie webhooks to canonical payment, order and refund events.

No public sample: mapped from Mollie's documentation. Two kinds of delivery arrive:

- Classic webhooks (https://docs.mollie.com/reference/webhooks) post the form
  ``id=tr_5B8cwPMGnU6qLbRvo7qEZo`` and nothing else: fetch the object for its status. They
  become references by the id's prefix: ``tr_`` a Payment, ``ord_`` an Order, ``re_`` a
  Refund (``commerce.<entity>.updated.v1``); another prefix, a PlatformEvent of ``{"id"}``.
- Next-gen webhooks (https://docs.mollie.com/reference/webhooks-new) post a JSON event
  ``{"resource": "event", "id", "type": "payment.paid", "entityId", "createdAt",
  "_embedded": {"entity": {...}}}``; the topic is its ``type``, the time ``createdAt``.

| next-gen type | type (commerce.*.v1) | data |
|---|---|---|
| payment.paid | payment.succeeded | Payment |
| payment.failed | payment.failed | Payment |
| payment.canceled, payment.expired | payment.cancelled | Payment |
| payment.authorized, payment.pending | payment.updated | Payment |
| any other | platform_event.received | PlatformEvent |

The Payment is the embedded entity when the event carries it (id, amount ``{"currency",
"value"}`` with value a decimal string, status, method, createdAt), else a reference with
``entityId``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import parse_qs

from normalizers._base import make_event
from normalizers._dispatch import BodyEnvelope, Route, dispatch, platform_event
from normalizers._errors import MalformedPayloadError
from normalizers._fields import Fields
from normalizers._thin import optional
from normalizers.schema import CanonicalEvent, Entity, Order, Payment, Refund
from verifiers import Verified

__all__ = ["ROUTES", "normalize"]

ENVELOPE = BodyEnvelope(topic="type", time="createdAt", iso_time=True)
_PREFIXES: Mapping[str, type[Entity]] = {"tr_": Payment, "ord_": Order, "re_": Refund}


def _payment(fields: Fields, _delivery: Verified) -> Payment:
    embedded = optional(fields, "_embedded")
    entity = embedded.take_object("entity") if embedded else None
    if entity is None:
        return Payment(
            id=fields.take_required_id("entityId"), hydrated=False, additional_fields=fields.rest()
        )
    amount = entity.take_object("amount")
    return Payment(
        id=entity.take_required_id("id"),
        status=entity.take_text("status"),
        amount=amount.take_decimal("value") if amount else None,
        currency=amount.take_currency("currency") if amount else None,
        gateway="mollie",
        method=entity.take_text("method"),
        create_at=entity.take_time("createdAt"),
        additional_fields={**entity.rest(), "event": fields.rest()},
    )


ROUTES: Mapping[str, Route] = {
    "payment.paid": Route(_payment, "succeeded", Payment),
    "payment.failed": Route(_payment, "failed", Payment),
    "payment.canceled": Route(_payment, "cancelled", Payment),
    "payment.expired": Route(_payment, "cancelled", Payment),
    "payment.authorized": Route(_payment, "updated", Payment),
    "payment.pending": Route(_payment, "updated", Payment),
}
"""Mollie next-gen event type -> entity builder and event action; see the module docstring."""


def _classic(delivery: Verified) -> list[CanonicalEvent]:
    """A classic ``id=...`` form: a reference to the object the id names."""
    try:
        form = parse_qs(delivery.request.body.decode("ascii"), strict_parsing=True)
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedPayloadError("body is neither JSON nor an id=... form") from exc
    ids = form.get("id", [])
    if len(ids) != 1 or set(form) != {"id"}:
        raise MalformedPayloadError("body: expected exactly one id=... field")
    [object_id] = ids
    entity = next((cls for prefix, cls in _PREFIXES.items() if object_id.startswith(prefix)), None)
    if entity is None:
        return [platform_event(delivery, {"id": object_id})]
    return [make_event(delivery, entity(id=object_id, hydrated=False), "updated")]


def normalize(delivery: Verified) -> Sequence[CanonicalEvent]:
    """Normalize one verified Mollie delivery (a classic form or a next-gen event)."""
    if delivery.request.body.lstrip()[:1] in {b"{", b"["}:
        return dispatch(delivery, ROUTES, envelope=ENVELOPE)
    return _classic(delivery)
