"""Signed Unix timestamps and the tolerance window around the injected clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Final

from verifiers._errors import MalformedSignatureError, TimestampOutOfToleranceError

__all__ = ["DEFAULT_TOLERANCE_SECONDS", "MAX_TOLERANCE_SECONDS", "check_window", "unix_seconds"]

DEFAULT_TOLERANCE_SECONDS: Final = 300
MAX_TOLERANCE_SECONDS: Final = 86_400
_DIGITS: Final = re.compile(r"[0-9]{1,12}")


def unix_seconds(value: str, *, what: str) -> int:
    """Return ``value`` read as integer Unix seconds.

    Raises:
        MalformedSignatureError: ``value`` is not 1 to 12 decimal digits.
    """
    if _DIGITS.fullmatch(value) is None:
        raise MalformedSignatureError(f"{what} is not integer Unix seconds")
    return int(value)


def check_window(signed: int, now: datetime, tolerance_seconds: int, *, what: str) -> datetime:
    """Return the signed time, which must lie within ``tolerance_seconds`` of ``now``, either way.

    Raises:
        TimestampOutOfToleranceError: too old, or too far in the future.
    """
    if abs(now.timestamp() - signed) > tolerance_seconds:
        raise TimestampOutOfToleranceError(f"{what} is outside the tolerance")
    return datetime.fromtimestamp(signed, UTC)
