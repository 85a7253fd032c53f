"""Shopify's order (REST Admin API shape, as its ``orders/*`` webhooks send it) to ``Order``.

Field by field (what is not listed stays in ``additional_fields``, verbatim):

| canonical | Shopify |
|---|---|
| id | id |
| order_id | name (``#1001``: the number merchant and customer see) |
| customer | customer (id, email, names, phone); for a guest: the order's email, phone |
| create_at, modified_at | created_at, updated_at |
| finished_time | closed_at |
| currency | currency (the shop currency of every amount below) |
| billing_address, shipping_address | same names |
| payment_method.name | payment_gateway_names joined with ``", "`` (the list stays too) |
| shipping_methods | shipping_lines (title, code, price; tax = sum of tax_lines) |
| status.id | cancelled if cancelled_at, else closed if closed_at, else open |
| status.financial_status, status.fulfillment_status | same names |
| totals.subtotal | total_line_items_price |
| totals.shipping | total_shipping_price_set.shop_money.amount |
| totals.tax, totals.discount, totals.total | total_tax, total_discounts, total_price |
| total.*_ex_tax | the same subtotal and shipping, when taxes_included is false |
| discounts | discount_codes (code, amount, type) |
| order_products | line_items (see below) |
| comment | note |
| warehouses_ids | location_id |
| refunds | refunds: total = sum of successful ``refund`` transactions in one currency |
| order_details_url | order_status_url |
| custom_fields | note_attributes |

A line item: ``price`` is per unit; ``subtotal`` = price x quantity; ``discount`` =
total_discount; ``total`` = subtotal - discount; ``tax`` = sum of its tax_lines;
``variant_name`` = variant_title; properties -> ``options`` (keys starting with ``_``,
hidden by Shopify, -> ``custom_fields``).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import JsonValue

from normalizers._errors import MalformedPayloadError
from normalizers._fields import Fields, to_decimal
from normalizers._mapping import custom_fields, options_and_custom_fields, refund_info, total_of
from normalizers._shopify_customer import address
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

__all__ = ["address_of", "line_item", "order", "order_customer", "shop_money"]


def order(fields: Fields, delivery: Verified) -> Order:
    """Map a Shopify order object."""
    currency = fields.take_currency("currency")
    status_id = (
        "cancelled"
        if fields.peek("cancelled_at") is not None
        else "closed"
        if fields.peek("closed_at") is not None
        else "open"
    )
    refunds = [_refund(refund) for refund in fields.take_objects("refunds")]
    items = [line_item(item, currency) for item in fields.take_objects("line_items")]
    subtotal = fields.take_decimal("total_line_items_price")
    shipping = shop_money(fields, "total_shipping_price_set")
    tax = fields.take_decimal("total_tax")
    discount = fields.take_decimal("total_discounts")
    total = fields.take_decimal("total_price")
    ex_tax = fields.peek("taxes_included") is False
    location_id = fields.take_id("location_id")
    return Order(
        id=fields.take_required_id("id"),
        order_id=fields.take_text("name"),
        customer=order_customer(fields),
        create_at=fields.take_time("created_at"),
        modified_at=fields.take_time("updated_at"),
        finished_time=fields.take_time("closed_at"),
        currency=currency,
        shipping_address=address_of(fields, "shipping_address"),
        billing_address=address_of(fields, "billing_address"),
        payment_method=_payment_method(fields),
        shipping_methods=[
            _shipping_line(x, currency) for x in fields.take_objects("shipping_lines")
        ],
        status=OrderStatus(
            id=status_id,
            financial_status=fields.take_text("financial_status"),
            fulfillment_status=fields.take_text("fulfillment_status"),
            refund_info=refund_info(refunds),
        ),
        totals=OrderTotals(
            subtotal=subtotal,
            shipping=shipping,
            tax=tax,
            discount=discount,
            total=total,
            currency=currency,
        ),
        total=OrderTotal(
            subtotal_ex_tax=subtotal if ex_tax else None,
            shipping_ex_tax=shipping if ex_tax else None,
            total_discount=discount,
            total_tax=tax,
            total=total,
            currency=currency,
        ),
        discounts=[_discount(code, currency) for code in fields.take_objects("discount_codes")],
        order_products=items,
        comment=fields.take_text("note"),
        store_id=delivery.store_id,
        warehouses_ids=[] if location_id is None else [location_id],
        refunds=refunds,
        order_details_url=fields.take_text("order_status_url"),
        custom_fields=custom_fields(fields.take_objects("note_attributes"), "name"),
        additional_fields=fields.rest(),
    )


def address_of(fields: Fields, key: str) -> Address | None:
    value = fields.take_object(key)
    return None if value is None else address(value)


def order_customer(fields: Fields) -> OrderCustomer | None:
    customer = fields.take_object("customer")
    if customer is None:
        email, phone = fields.peek("email"), fields.peek("phone")
        if isinstance(email, str) and email:
            return OrderCustomer(email=email, phone=phone if isinstance(phone, str) else None)
        return None
    return OrderCustomer(
        id=customer.take_id("id"),
        email=customer.take_text("email"),
        first_name=customer.take_text("first_name"),
        last_name=customer.take_text("last_name"),
        phone=customer.take_text("phone"),
        additional_fields=customer.rest(),
    )


def _payment_method(fields: Fields) -> PaymentMethod | None:
    names = fields.peek("payment_gateway_names")
    if not isinstance(names, list) or not names:
        return None
    if not all(isinstance(name, str) for name in names):
        raise MalformedPayloadError("body.payment_gateway_names: expected a list of strings")
    return PaymentMethod(name=", ".join(str(name) for name in names))


def line_item(item: Fields, currency: str | None) -> OrderItem:
    price = item.take_decimal("price")
    quantity = item.take_decimal("quantity")
    subtotal = None if price is None or quantity is None else price * quantity
    discount = item.take_decimal("total_discount")
    options, custom = options_and_custom_fields(item.take_objects("properties"), "name")
    return OrderItem(
        id=item.take_id("id"),
        product_id=item.take_id("product_id"),
        variant_id=item.take_id("variant_id"),
        sku=item.take_text("sku"),
        name=item.take_text("name"),
        variant_name=item.take_text("variant_title"),
        quantity=quantity,
        price=price,
        subtotal=subtotal,
        discount=discount,
        tax=_tax_of(item),
        total=None if subtotal is None or discount is None else subtotal - discount,
        currency=currency,
        options=options,
        custom_fields=custom,
        additional_fields=item.rest(),
    )


def _shipping_line(line: Fields, currency: str | None) -> ShippingMethod:
    return ShippingMethod(
        id=line.take_id("id"),
        name=line.take_text("title"),
        code=line.take_text("code"),
        price=line.take_decimal("price"),
        tax=_tax_of(line),
        currency=currency,
        additional_fields=line.rest(),
    )


def _discount(code: Fields, currency: str | None) -> Discount:
    return Discount(
        code=code.take_text("code"),
        value=code.take_decimal("amount"),
        type=code.take_text("type"),
        currency=currency,
        additional_fields=code.rest(),
    )


def _refund(refund: Fields) -> OrderRefund:
    amounts: list[Decimal | None] = []
    currencies: set[JsonValue] = set()
    for transaction in refund.objects("transactions", refund.peek("transactions")):
        if transaction.peek("kind") == "refund" and transaction.peek("status") == "success":
            amounts.append(to_decimal(transaction.peek("amount"), transaction.path, "amount"))
            currencies.add(transaction.peek("currency"))
    currency = currencies.pop() if len(currencies) == 1 else None
    return OrderRefund(
        id=refund.take_id("id"),
        total=total_of(amounts) if isinstance(currency, str) else None,
        create_at=refund.take_time("created_at"),
        comment=refund.take_text("note"),
        currency=currency.upper() if isinstance(currency, str) else None,
        additional_fields=refund.rest(),
    )


def _tax_of(line: Fields) -> Decimal | None:
    """Sum a line's ``tax_lines`` prices, leaving the lines in place."""
    tax_lines = line.objects("tax_lines", line.peek("tax_lines"))
    return total_of(to_decimal(tax.peek("price"), tax.path, "price") for tax in tax_lines)


def shop_money(fields: Fields, key: str) -> Decimal | None:
    """Read ``<key>.shop_money.amount`` (the shop-currency amount of a price set)."""
    money_set = fields.peek(key)
    if money_set is None:
        return None
    shop_money = Fields.of(money_set, f"{fields.path}.{key}").peek("shop_money")
    return to_decimal(
        Fields.of(shop_money, f"{fields.path}.{key}.shop_money").peek("amount"),
        f"{fields.path}.{key}.shop_money",
        "amount",
    )
