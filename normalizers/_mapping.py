"""Mapping steps more than one platform needs: sums, refund summaries, key/value pairs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from normalizers._fields import Fields
from normalizers.schema import CustomField, OrderRefund, OrderRefundInfo, SelectedOption

__all__ = ["custom_fields", "options_and_custom_fields", "refund_info", "total_of"]


def total_of(amounts: Iterable[Decimal | None]) -> Decimal | None:
    """Sum amounts exactly; ``None`` when there are none or any of them is unknown."""
    total: Decimal | None = None
    for amount in amounts:
        if amount is None:
            return None
        total = amount if total is None else total + amount
    return total


def refund_info(refunds: Sequence[OrderRefund]) -> OrderRefundInfo | None:
    """Summarize an order's refunds; the total only when they share one currency."""
    if not refunds:
        return None
    currencies = {refund.currency for refund in refunds}
    currency = currencies.pop() if len(currencies) == 1 else None
    times = [refund.create_at for refund in refunds if refund.create_at is not None]
    return OrderRefundInfo(
        total_refunded=total_of(refund.total for refund in refunds) if currency else None,
        last_refund_at=max(times, default=None),
        currency=currency,
    )


def options_and_custom_fields(
    pairs: Iterable[Fields], key_name: str
) -> tuple[list[SelectedOption], list[CustomField]]:
    """Split a line's key/value pairs into chosen options and custom data.

    A pair is an option when its value is a string and its key does not start with ``_``
    (both Shopify line item properties and WordPress meta data hide keys that do); any
    other pair is custom data. The pair's own id, where it has one, is kept.
    """
    options: list[SelectedOption] = []
    custom: list[CustomField] = []
    for pair in pairs:
        pair_id = pair.take_id("id")
        key = pair.take_required_text(key_name)
        value = pair.peek("value")
        if isinstance(value, str) and not key.startswith("_"):
            pair.take("value")
            options.append(
                SelectedOption(
                    option_id=pair_id, name=key, value=value, additional_fields=pair.rest()
                )
            )
        else:
            custom.append(
                CustomField(
                    id=pair_id, key=key, value=pair.take("value"), additional_fields=pair.rest()
                )
            )
    return options, custom


def custom_fields(pairs: Iterable[Fields], key_name: str) -> list[CustomField]:
    """Map key/value pairs (WordPress meta data, Shopify note attributes) to custom fields."""
    return [
        CustomField(
            id=pair.take_id("id"),
            key=pair.take_required_text(key_name),
            value=pair.take("value"),
            additional_fields=pair.rest(),
        )
        for pair in pairs
    ]
