"""A per-source token bucket for the opt-in rate limit (429 + Retry-After)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

__all__ = ["TokenBucket"]


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` saved up; one token per request.

    In-process: with several replicas each enforces its own share, so set ``rate`` per
    replica. (A dozen lines of arithmetic; a library would add a dependency for no gain.)
    """

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._updated = clock()

    def take(self) -> bool:
        """Spend a token if one is available."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
        self._updated = now
        if self._tokens >= 1:
            self._tokens -= 1
            return True
        return False

    def retry_after(self) -> int:
        """Whole seconds until a token is available again (at least 1)."""
        return max(1, math.ceil((1 - self._tokens) / self.rate))
