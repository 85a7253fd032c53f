"""WooCommerce's order (REST API v3 shape, as ``order.*`` webhooks send it) to ``Order``.

| canonical | WooCommerce (REST API v3) |
|---|---|
| id, order_id | id, number |
| customer | customer_id (``0``, a guest, -> unset) with the billing email, names, phone |
| create_at, modified_at | date_created_gmt, date_modified_gmt (UTC, without an offset) |
| finished_time | date_completed_gmt |
| currency | currency |
| billing_address, shipping_address | billing, shipping |
| payment_method | payment_method -> ``id``, payment_method_title -> ``name`` |
| shipping_methods | shipping_lines (method_title, method_id, total, total_tax) |
| status.id | status (pending, processing, on-hold, completed, ...) |
| totals.subtotal | the sum of the lines' subtotal (WooCommerce sends no order subtotal) |
| totals.shipping | shipping_total |
| totals.tax, totals.discount, totals.total | total_tax, discount_total, total |
| total.*_ex_tax | the same subtotal and shipping |
| discounts | coupon_lines (code, discount) |
| order_products | line_items (see below) |
| comment | customer_note |
| refunds | refunds (reason; total, sent negative, as a positive amount) |
| custom_fields | meta_data |

A line item: ``price`` per unit; subtotal, total by their names; total_tax -> ``tax``;
``discount`` = subtotal - total; variation_id -> ``variant_id`` (``0`` -> unset); meta_data
-> ``options`` (keys starting with ``_``, hidden by WordPress, -> ``custom_fields``).

WooCommerce keeps line, shipping and discount amounts without tax, so the ``*_ex_tax``
totals are always set. A line's ``price`` is a JSON number (see ``_fields.to_decimal``).
"""

from __future__ import annotations

from normalizers._fields import Fields
from normalizers._mapping import custom_fields, options_and_custom_fields, refund_info, total_of
from normalizers._woocommerce_customer import address, optional_ref
from normalizers.schema import (
    Address,
    Discount,
    Order,
    OrderCustomer,
    OrderItem,
    OrderRefund,
    OrderStatus,
    OrderTotal,
    OrderTotals,
    PaymentMethod,
    ShippingMethod,
)
from verifiers import Verified

__all__ = ["order"]


def order(fields: Fields, delivery: Verified) -> Order:
    """Map a WooCommerce order object."""
    currency = fields.take_currency("currency")
    billing = address(fields, "billing", typed=False)
    customer_id = optional_ref(fields, "customer_id")
    refunds = [_refund(refund, currency) for refund in fields.take_objects("refunds")]
    items = [_line_item(item, currency) for item in fields.take_objects("line_items")]
    subtotal = total_of(item.subtotal for item in items)
    shipping = fields.take_decimal("shipping_total")
    tax = fields.take_decimal("total_tax")
    discount = fields.take_decimal("discount_total")
    total = fields.take_decimal("total")
    method_id = fields.take_text("payment_method")
    method_name = fields.take_text("payment_method_title")
    return Order(
        id=fields.take_required_id("id"),
        order_id=fields.take_text("number"),
        customer=_customer(customer_id, billing),
        create_at=fields.take_time("date_created_gmt", naive_is_utc=True),
        modified_at=fields.take_time("date_modified_gmt", naive_is_utc=True),
        finished_time=fields.take_time("date_completed_gmt", naive_is_utc=True),
        currency=currency,
        shipping_address=address(fields, "shipping", typed=False),
        billing_address=billing,
        payment_method=(
            None
            if method_id is None and method_name is None
            else PaymentMethod(id=method_id, name=method_name)
        ),
        shipping_methods=[
            _shipping_line(x, currency) for x in fields.take_objects("shipping_lines")
        ],
        status=OrderStatus(id=fields.take_text("status"), refund_info=refund_info(refunds)),
        totals=OrderTotals(
            subtotal=subtotal,
            shipping=shipping,
            tax=tax,
            discount=discount,
            total=total,
            currency=currency,
        ),
        total=OrderTotal(
            subtotal_ex_tax=subtotal,
            shipping_ex_tax=shipping,
            total_discount=discount,
            total_tax=tax,
            total=total,
            currency=currency,
        ),
        discounts=[_coupon(coupon, currency) for coupon in fields.take_objects("coupon_lines")],
        order_products=items,
        comment=fields.take_text("customer_note"),
        store_id=delivery.store_id,
        refunds=refunds,
        custom_fields=custom_fields(fields.take_objects("meta_data"), "key"),
        additional_fields=fields.rest(),
    )


def _customer(customer_id: str | None, billing: Address | None) -> OrderCustomer | None:
    if billing is None:
        return None if customer_id is None else OrderCustomer(id=customer_id)
    return OrderCustomer(
        id=customer_id,
        email=billing.email,
        first_name=billing.first_name,
        last_name=billing.last_name,
        phone=billing.phone,
    )


def _line_item(item: Fields, currency: str | None) -> OrderItem:
    subtotal = item.take_decimal("subtotal")
    total = item.take_decimal("total")
    options, custom = options_and_custom_fields(item.take_objects("meta_data"), "key")
    return OrderItem(
        id=item.take_id("id"),
        product_id=optional_ref(item, "product_id"),
        variant_id=optional_ref(item, "variation_id"),
        sku=item.take_text("sku"),
        name=item.take_text("name"),
        quantity=item.take_decimal("quantity"),
        price=item.take_decimal("price"),
        subtotal=subtotal,
        discount=None if subtotal is None or total is None else subtotal - total,
        tax=item.take_decimal("total_tax"),
        total=total,
        currency=currency,
        options=options,
        custom_fields=custom,
        additional_fields=item.rest(),
    )


def _shipping_line(line: Fields, currency: str | None) -> ShippingMethod:
    return ShippingMethod(
        id=line.take_id("id"),
        name=line.take_text("method_title"),
        code=line.take_text("method_id"),
        price=line.take_decimal("total"),
        tax=line.take_decimal("total_tax"),
        currency=currency,
        additional_fields=line.rest(),
    )


def _coupon(coupon: Fields, currency: str | None) -> Discount:
    return Discount(
        id=coupon.take_id("id"),
        code=coupon.take_text("code"),
        value=coupon.take_decimal("discount"),
        currency=currency,
        additional_fields=coupon.rest(),
    )


def _refund(refund: Fields, currency: str | None) -> OrderRefund:
    total = refund.take_decimal("total")
    return OrderRefund(
        id=refund.take_id("id"),
        total=None if total is None else abs(total),
        comment=refund.take_text("reason"),
        currency=currency,
        additional_fields=refund.rest(),
    )
