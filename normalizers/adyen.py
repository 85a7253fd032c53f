"""Adyen standard webhooks to canonical payment and refund events.

No public sample: mapped from Adyen's documented notification (https://docs.adyen.com/
development-resources/webhooks/webhook-types; the ``NotificationRequestItem`` of its API
libraries). A delivery is ``{"live": "false", "notificationItems": [{"NotificationRequestItem":
{...}}]}`` and may hold several items, each its own event: its ``eventCode`` is that event's
platform topic. Amounts are minor units (``{"currency", "value"}``); ``success`` is the
string ``"true"`` or ``"false"``. Event code to type:

| eventCode | type (commerce.*.v1) | data |
|---|---|---|
| AUTHORISATION, CAPTURE | payment.succeeded, or payment.failed when success is false | Payment |
| CAPTURE_FAILED | payment.failed | Payment |
| CANCELLATION, TECHNICAL_CANCEL | payment.cancelled | Payment |
| REFUND | refund.created, or refund.updated (status failed) when success is false | Refund |
| REFUND_FAILED | refund.updated (status failed) | Refund |
| any other (CHARGEBACK, REPORT_AVAILABLE, ...) | platform_event.received | PlatformEvent (1) |

Payment: pspReference (id), merchantReference (order_id), eventCode (kind), success
(status ``success`` or ``failed``), amount, paymentMethod (method), reason (error when
failed), eventDate. Refund: pspReference (id), originalReference (payment_id),
merchantReference (order_id), amount, reason, eventDate. (1) One PlatformEvent carrying the
whole body when any item is not mapped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal

from normalizers._base import make_event
from normalizers._dispatch import fitting, platform_event
from normalizers._fields import Fields, parse_json
from normalizers._money import take_minor_money
from normalizers._thin import nested
from normalizers.schema import CanonicalEvent, Entity, Payment, Refund
from verifiers import Verified

__all__ = ["normalize"]

_PAYMENTS = {"AUTHORISATION", "CAPTURE", "CAPTURE_FAILED", "CANCELLATION", "TECHNICAL_CANCEL"}
_REFUNDS = {"REFUND", "REFUND_FAILED"}


def _amount(item: Fields) -> tuple[Decimal | None, str | None]:
    amount = item.take_object("amount")
    if amount is None:
        return None, None
    currency = amount.take_currency("currency")
    return take_minor_money(amount, "value", currency), currency


def _entity(code: str, item: Fields) -> tuple[Entity, str]:
    """The entity and action of one mapped item."""
    ok = item.take_text("success") == "true" and not code.endswith("_FAILED")
    value, currency = _amount(item)
    reason = item.take_text("reason")
    entity_id = item.take_required_id("pspReference")
    order_id = item.take_text("merchantReference")
    status = "success" if ok else "failed"
    create_at = item.take_time("eventDate")
    if code in _REFUNDS:
        refund = Refund(
            id=entity_id,
            order_id=order_id,
            payment_id=item.take_text("originalReference"),
            status=status,
            total=value,
            currency=currency,
            reason=reason,
            create_at=create_at,
            additional_fields=item.rest(),
        )
        return refund, "created" if ok else "updated"
    payment = Payment(
        id=entity_id,
        order_id=order_id,
        kind=code.lower(),
        status=status,
        amount=value,
        currency=currency,
        gateway="adyen",
        method=item.take_text("paymentMethod"),
        error=None if ok else reason,
        create_at=create_at,
        additional_fields={**item.rest(), "reason": reason} if ok and reason else item.rest(),
    )
    if code in {"CANCELLATION", "TECHNICAL_CANCEL"}:
        return payment, "cancelled"
    return payment, "succeeded" if ok else "failed"


def normalize(delivery: Verified) -> Sequence[CanonicalEvent]:
    """Normalize one verified Adyen delivery: one event per notification item."""
    body = parse_json(delivery.request.body)
    fields = Fields.of(body, "body")
    items = [
        nested(wrapper, ("NotificationRequestItem",))
        for wrapper in fields.objects("notificationItems", fields.peek("notificationItems"))
    ]
    codes = [item.peek("eventCode") for item in items]
    if not items or any(code not in _PAYMENTS | _REFUNDS for code in codes):
        return [platform_event(delivery, body)]
    events: list[CanonicalEvent] = []
    for item, code in zip(items, codes, strict=True):
        with fitting():
            entity, action = _entity(str(code), item)
        events.append(make_event(dataclasses.replace(delivery, topic=str(code)), entity, action))
    return events
