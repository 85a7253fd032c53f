"""Money sent as an integer of minor units (cents), as Stripe, Square and others send it.

The exponent comes from ISO 4217: most currencies have two decimals; the ones below have
zero or three. Stripe's list of zero-decimal currencies
(https://docs.stripe.com/currencies#zero-decimal) and Square's ``Money`` docs
(https://developer.squareup.com/reference/square/objects/Money) follow the same table.
"""

from __future__ import annotations

from decimal import Decimal

from normalizers._errors import MalformedPayloadError
from normalizers._fields import Fields

__all__ = ["MINOR_UNIT_EXPONENTS", "from_minor_units", "take_minor_money"]

_ZERO = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE = "BHD IQD JOD KWD LYD OMR TND"
MINOR_UNIT_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(_ZERO.split(" "), 0),
    **dict.fromkeys(_THREE.split(" "), 3),
}
"""ISO 4217 currencies whose minor unit is not a hundredth."""


def from_minor_units(amount: int, currency: str) -> Decimal:
    """Return ``amount`` minor units of ``currency`` as an exact decimal (1234 USD -> 12.34)."""
    exponent = MINOR_UNIT_EXPONENTS.get(currency.upper(), 2)
    return Decimal(amount).scaleb(-exponent)


def take_minor_money(fields: Fields, key: str, currency: str | None) -> Decimal | None:
    """Take an integer amount of minor units; ``None`` when absent.

    Raises:
        MalformedPayloadError: the amount is not an integer, or there is no currency to
            read it in.
    """
    amount = fields.take_int(key)
    if amount is None:
        return None
    if currency is None:
        raise MalformedPayloadError(f"{fields.path}.{key}: an amount without a currency")
    return from_minor_units(amount, currency)
