"""The payment entity: one transaction (authorization, capture, sale, refund) of a gateway."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from normalizers.schema._model import CurrencyCode, Entity, Money, UtcDatetime

__all__ = ["Payment"]


class Payment(Entity):
    """A payment or transaction, modelled on the platforms' transaction objects.

    ``kind`` is what the transaction does (``authorization``, ``capture``, ``sale``,
    ``refund``) and ``status`` its outcome (``success``, ``COMPLETED``, ``failed``), both
    as the platform names them.
    """

    entity_type: ClassVar[str] = "payment"
    topic: ClassVar[str] = "payments"
    actions: ClassVar[tuple[str, ...]] = ("created", "updated", "succeeded", "failed", "cancelled")

    order_id: str | None = None
    customer_id: str | None = None
    kind: str | None = None
    status: str | None = None
    amount: Money | None = None
    currency: CurrencyCode | None = None
    gateway: str | None = Field(default=None, description="Gateway or processor, e.g. stripe.")
    method: str | None = Field(default=None, description="card, paypal, ... as the platform says.")
    error: str | None = Field(default=None, description="Why it failed, where it did.")
    create_at: UtcDatetime | None = None
    modified_at: UtcDatetime | None = None
