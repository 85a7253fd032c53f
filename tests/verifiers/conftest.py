"""Fixtures for the verifier tests: a fixed clock and a request builder.

Both are session-scoped and pure, so Hypothesis tests may use them too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime

import pytest

from verifiers import InboundRequest

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def build_request(
    headers: Mapping[str, str],
    body: bytes,
    *,
    method: str = "POST",
    received_at: datetime = NOW,
) -> InboundRequest:
    """Return a request to ``/webhooks/src`` with ``headers`` (names lower-cased) and ``body``."""
    return InboundRequest(
        method=method,
        path="/webhooks/src",
        query="",
        headers={name.lower(): value for name, value in headers.items()},
        body=body,
        source_id="src",
        received_at=received_at,
    )


@pytest.fixture(scope="session")
def now() -> datetime:
    """The injected clock of every verifier test."""
    return NOW


@pytest.fixture(scope="session")
def make_request() -> Callable[..., InboundRequest]:
    """The request builder."""
    return build_request
