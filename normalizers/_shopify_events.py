"""Shopify's other webhook objects (refunds, fulfillments, checkouts, ...) to entities.

Refunds, returns, fulfillments, inventory levels, transactions, checkouts and the shop on
``app/uninstalled``.

Field by field (what is not listed stays in ``additional_fields``, verbatim):

| canonical | Shopify |
|---|---|
| Refund | id, order_id, note (reason), created_at; total = successful ``refund`` |
| | transactions; items = refund_line_items (line_item_id, quantity, subtotal, line_item) |
| Return | id, order.id, status, return_line_items (fulfillment line, quantity, return_reason) |
| Shipment | id, order_id, status (or shipment_status), tracking_company, service, |
| | tracking_numbers, tracking_urls, line_items, location_id, destination, times |
| Shipment (fulfillment event) | fulfillment_id (id), order_id, status, updated_at |
| InventoryLevel | inventory_item_id (id), location_id, available, updated_at |
| Payment | id, order_id, kind, status, amount, currency, gateway, message (error), created_at |
| Cart (checkout) | id, email, customer, currency, line_items, totals, addresses, |
| | abandoned_checkout_url, completed_at (status), created_at, updated_at |
| AppLifecycle | the shop: id, name, domain or myshopify_domain |
"""

from __future__ import annotations

from decimal import Decimal

from normalizers._fields import Fields
from normalizers._mapping import total_of
from normalizers._shopify_customer import address
from normalizers._shopify_order import address_of, line_item, order_customer, shop_money
from normalizers._thin import optional
from normalizers.schema import (
    AppLifecycle,
    Cart,
    InventoryLevel,
    OrderTotals,
    Payment,
    Refund,
    RefundItem,
    Return,
    Shipment,
    ShipmentItem,
)
from verifiers import Verified

__all__ = [
    "app_uninstalled",
    "checkout",
    "fulfillment",
    "fulfillment_event",
    "inventory_level",
    "refund",
    "return_request",
    "transaction",
]


def refund(fields: Fields, _delivery: Verified) -> Refund:
    """A refund: its successful refund transactions, the lines it refunds."""
    amounts: list[Decimal | None] = []
    currencies: set[str] = set()
    for money in fields.objects("transactions", fields.peek("transactions")):
        if money.peek("kind") == "refund" and money.peek("status") == "success":
            amounts.append(money.take_decimal("amount"))
            currencies.add(money.take_currency("currency") or "")
    currency = currencies.pop() if len(currencies) == 1 else None
    return Refund(
        id=fields.take_required_id("id"),
        order_id=fields.take_id("order_id"),
        reason=fields.take_text("note"),
        total=total_of(amounts) if amounts and currency else None,
        currency=currency or None,
        items=[_refund_line(line) for line in fields.take_objects("refund_line_items")],
        create_at=fields.take_time("created_at"),
        additional_fields=fields.rest(),
    )


def _refund_line(line: Fields) -> RefundItem:
    item = optional(line, "line_item")
    return RefundItem(
        order_item_id=line.take_id("line_item_id"),
        product_id=item.take_id("product_id") if item else None,
        variant_id=item.take_id("variant_id") if item else None,
        sku=item.take_text("sku") if item else None,
        quantity=line.take_decimal("quantity"),
        amount=shop_money(line, "subtotal_set"),
        additional_fields=line.rest(),
    )


def return_request(fields: Fields, _delivery: Verified) -> Return:
    """A return (``returns/request``): the lines asked back and why."""
    order = optional(fields, "order")
    items = []
    for line in fields.take_objects("return_line_items"):
        fulfilled = optional(line, "fulfillment_line_item")
        ordered = optional(fulfilled, "line_item") if fulfilled else None
        items.append(
            RefundItem(
                order_item_id=ordered.take_id("id") if ordered else None,
                quantity=line.take_decimal("quantity"),
                reason=line.take_text("return_reason"),
                additional_fields=line.rest(),
            )
        )
    return Return(
        id=fields.take_required_id("id"),
        order_id=order.take_id("id") if order else None,
        status=fields.take_text("status"),
        items=items,
        additional_fields=fields.rest(),
    )


def fulfillment(fields: Fields, _delivery: Verified) -> Shipment:
    """A fulfillment (``fulfillments/create``, ``fulfillments/update``)."""
    destination = fields.take_object("destination")
    return Shipment(
        id=fields.take_required_id("id"),
        order_id=fields.take_id("order_id"),
        status=fields.take_text("shipment_status") or fields.take_text("status"),
        carrier=fields.take_text("tracking_company"),
        service=fields.take_text("service"),
        tracking_numbers=fields.take_strings("tracking_numbers"),
        tracking_urls=fields.take_strings("tracking_urls"),
        items=[_shipped(line) for line in fields.take_objects("line_items")],
        location_id=fields.take_id("location_id"),
        shipping_address=address(destination) if destination else None,
        create_at=fields.take_time("created_at"),
        modified_at=fields.take_time("updated_at"),
        additional_fields=fields.rest(),
    )


def _shipped(line: Fields) -> ShipmentItem:
    return ShipmentItem(
        order_item_id=line.take_id("id"),
        product_id=line.take_id("product_id"),
        variant_id=line.take_id("variant_id"),
        sku=line.take_text("sku"),
        name=line.take_text("name"),
        quantity=line.take_decimal("quantity"),
        additional_fields=line.rest(),
    )


def fulfillment_event(fields: Fields, _delivery: Verified) -> Shipment:
    """A tracking event of a fulfillment: the fulfillment (a reference) with its new status."""
    return Shipment(
        id=fields.take_required_id("fulfillment_id"),
        order_id=fields.take_id("order_id"),
        status=fields.take_text("status"),
        modified_at=fields.take_time("updated_at"),
        hydrated=False,
        additional_fields=fields.rest(),
    )


def inventory_level(fields: Fields, _delivery: Verified) -> InventoryLevel:
    """An inventory level (``inventory_levels/update``): one item at one location."""
    return InventoryLevel(
        id=fields.take_required_id("inventory_item_id"),
        location_id=fields.take_id("location_id"),
        available=fields.take_decimal("available"),
        modified_at=fields.take_time("updated_at"),
        additional_fields=fields.rest(),
    )


def transaction(fields: Fields, _delivery: Verified) -> Payment:
    """An order transaction (``order_transactions/create``)."""
    return Payment(
        id=fields.take_required_id("id"),
        order_id=fields.take_id("order_id"),
        kind=fields.take_text("kind"),
        status=fields.take_text("status"),
        amount=fields.take_decimal("amount"),
        currency=fields.take_currency("currency"),
        gateway=fields.take_text("gateway"),
        error=fields.take_text("message") if fields.peek("status") != "success" else None,
        create_at=fields.take_time("created_at"),
        additional_fields=fields.rest(),
    )


def checkout(fields: Fields, _delivery: Verified) -> Cart:
    """A checkout (``checkouts/*``): an abandoned cart until it is completed."""
    currency = fields.take_currency("currency")
    completed = fields.peek("completed_at") is not None
    return Cart(
        id=fields.take_required_id("id"),
        status="completed" if completed else "open",
        customer=order_customer(fields),
        currency=currency,
        items=[line_item(line, currency) for line in fields.take_objects("line_items")],
        totals=OrderTotals(
            subtotal=fields.take_decimal("total_line_items_price"),
            tax=fields.take_decimal("total_tax"),
            discount=fields.take_decimal("total_discounts"),
            total=fields.take_decimal("total_price"),
            currency=currency,
        ),
        shipping_address=address_of(fields, "shipping_address"),
        billing_address=address_of(fields, "billing_address"),
        recovery_url=fields.take_text("abandoned_checkout_url"),
        create_at=fields.take_time("created_at"),
        modified_at=fields.take_time("updated_at"),
        additional_fields=fields.rest(),
    )


def app_uninstalled(fields: Fields, delivery: Verified) -> AppLifecycle:
    """``app/uninstalled``: the body is the shop that removed the app."""
    domain = fields.take_text("domain") or fields.take_text("myshopify_domain")
    return AppLifecycle(
        id=fields.take_id("id") or delivery.store_id or delivery.delivery_id,
        store_name=fields.take_text("name"),
        domain=domain or delivery.store_id,
        additional_fields=fields.rest(),
    )
