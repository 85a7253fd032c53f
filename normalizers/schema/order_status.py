"""Where an order stands: its status, the status history, and what was refunded."""

from __future__ import annotations

from pydantic import Field

from normalizers.schema._model import Component, CurrencyCode, Money, UtcDatetime

__all__ = ["OrderRefund", "OrderRefundInfo", "OrderStatus", "OrderStatusHistoryItem"]


class OrderStatusHistoryItem(Component):
    """One past status of the order, where the platform reports the history."""

    id: str | None = None
    name: str | None = None
    modified_at: UtcDatetime | None = None
    notify: bool | None = Field(default=None, description="Whether the customer was told.")
    comment: str | None = None


class OrderRefundInfo(Component):
    """What has been refunded on the order so far: the sum of its ``refunds``."""

    total_refunded: Money | None = None
    last_refund_at: UtcDatetime | None = None
    currency: CurrencyCode | None = None


class OrderStatus(Component):
    """The order's status (API2Cart's ``status``), with payment and fulfilment where separate.

    ``id`` is the platform's status code (WooCommerce ``processing``, or for Shopify
    ``open``/``closed``/``cancelled`` as its order list filter defines them).
    """

    id: str | None = None
    name: str | None = None
    financial_status: str | None = Field(default=None, description="Payment state, e.g. paid.")
    fulfillment_status: str | None = Field(default=None, description="e.g. partial.")
    history: list[OrderStatusHistoryItem] = Field(default_factory=list)
    refund_info: OrderRefundInfo | None = None


class OrderRefund(Component):
    """One refund on the order. ``total`` is the amount returned, as a positive number."""

    id: str | None = None
    total: Money | None = None
    create_at: UtcDatetime | None = None
    comment: str | None = None
    currency: CurrencyCode | None = None
