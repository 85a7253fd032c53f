"""Stripe's API objects (Customer, PaymentIntent, Charge, Refund, Checkout Session) to entities.

Amounts are integers of minor units in the object's ``currency`` (lower-case ISO 4217);
times are Unix seconds. What is not listed stays in ``additional_fields``.

| canonical | Stripe |
|---|---|
| Customer | id, email, phone, created, currency, address (default_address), |
| | shipping (address_book) |
| Payment (PaymentIntent) | id, customer, status, amount_received once succeeded else amount, |
| | currency, payment_method_types joined with ", " (method), last_payment_error.message |
| | (error), created |
| Payment (Charge) | id, customer, status, amount, currency, failure_message (error), created |
| Refund | id, payment_intent or charge (payment_id), status, reason, amount, currency, created |
| Cart (Checkout Session) | id, status, customer and customer_details (email, phone), currency, |
| | amount_subtotal, amount_total, total_details (tax, shipping, discount), created |
"""

from __future__ import annotations

from normalizers._fields import Fields
from normalizers._money import take_minor_money
from normalizers._thin import optional
from normalizers.schema import (
    Address,
    Cart,
    Customer,
    OrderCustomer,
    OrderTotals,
    Payment,
    Refund,
)

__all__ = ["charge", "checkout_session", "customer", "payment_intent", "refund"]


def _address(fields: Fields, kind: str | None = None) -> Address:
    return Address(
        type=kind,
        address1=fields.take_text("line1"),
        address2=fields.take_text("line2"),
        city=fields.take_text("city"),
        postcode=fields.take_text("postal_code"),
        state=fields.take_text("state"),
        country_code=fields.take_text("country"),
        additional_fields=fields.rest(),
    )


def _shipping(fields: Fields | None) -> Address | None:
    """A ``shipping`` object: ``{"name", "phone", "address": {...}}``."""
    if fields is None:
        return None
    phone = fields.take_text("phone")
    address = _address(fields.take_object("address") or Fields({}, fields.path), "shipping")
    extra = {**address.additional_fields, **fields.rest()}
    return address.model_copy(update={"phone": phone, "additional_fields": extra})


def customer(fields: Fields) -> Customer:
    """Map a Stripe Customer."""
    currency = fields.take_currency("currency")
    shipping = _shipping(fields.take_object("shipping"))
    address = fields.take_object("address")
    return Customer(
        id=fields.take_required_id("id"),
        email=fields.take_text("email"),
        phone=fields.take_text("phone"),
        create_at=fields.take_unix_time("created"),
        currency=currency,
        default_address=_address(address) if address else None,
        address_book=[shipping] if shipping else [],
        additional_fields=fields.rest(),
    )


def payment_intent(fields: Fields) -> Payment:
    """Map a Stripe PaymentIntent."""
    currency = fields.take_currency("currency")
    succeeded = fields.peek("status") == "succeeded"
    amount = take_minor_money(fields, "amount_received" if succeeded else "amount", currency)
    methods = fields.take_strings("payment_method_types")
    error = optional(fields, "last_payment_error")
    return Payment(
        id=fields.take_required_id("id"),
        customer_id=fields.take_id("customer"),
        kind="payment_intent",
        status=fields.take_text("status"),
        amount=amount,
        currency=currency,
        gateway="stripe",
        method=", ".join(methods) or None,
        error=error.take_text("message") if error else None,
        create_at=fields.take_unix_time("created"),
        additional_fields=fields.rest(),
    )


def charge(fields: Fields) -> Payment:
    """Map a Stripe Charge."""
    currency = fields.take_currency("currency")
    return Payment(
        id=fields.take_required_id("id"),
        customer_id=fields.take_id("customer"),
        kind="charge",
        status=fields.take_text("status"),
        amount=take_minor_money(fields, "amount", currency),
        currency=currency,
        gateway="stripe",
        error=fields.take_text("failure_message"),
        create_at=fields.take_unix_time("created"),
        additional_fields=fields.rest(),
    )


def refund(fields: Fields) -> Refund:
    """Map a Stripe Refund."""
    currency = fields.take_currency("currency")
    payment = fields.peek("payment_intent") or fields.peek("charge")
    return Refund(
        id=fields.take_required_id("id"),
        payment_id=payment if isinstance(payment, str) else None,
        status=fields.take_text("status"),
        reason=fields.take_text("reason"),
        total=take_minor_money(fields, "amount", currency),
        currency=currency,
        create_at=fields.take_unix_time("created"),
        additional_fields=fields.rest(),
    )


def checkout_session(fields: Fields) -> Cart:
    """Map a Stripe Checkout Session."""
    currency = fields.take_currency("currency")
    details = fields.take_object("customer_details") or Fields(
        {}, f"{fields.path}.customer_details"
    )
    totals = fields.take_object("total_details") or Fields({}, f"{fields.path}.total_details")
    return Cart(
        id=fields.take_required_id("id"),
        status=fields.take_text("status"),
        customer=OrderCustomer(
            id=fields.take_id("customer"),
            email=details.take_text("email") or fields.take_text("customer_email"),
            phone=details.take_text("phone"),
            additional_fields=details.rest(),
        ),
        currency=currency,
        totals=OrderTotals(
            subtotal=take_minor_money(fields, "amount_subtotal", currency),
            tax=take_minor_money(totals, "amount_tax", currency),
            shipping=take_minor_money(totals, "amount_shipping", currency),
            discount=take_minor_money(totals, "amount_discount", currency),
            total=take_minor_money(fields, "amount_total", currency),
            currency=currency,
            additional_fields=totals.rest(),
        ),
        recovery_url=fields.take_text("url"),
        create_at=fields.take_unix_time("created"),
        additional_fields=fields.rest(),
    )
