"""A bounded load generator for fault tests: signed webhooks at a relay on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from relay.signing import sample_body, sign
from verifiers import Secret


@dataclass(frozen=True)
class Webhook:
    """One request to send: its delivery id, path, body and headers."""

    delivery_id: str
    path: str
    body: bytes
    headers: dict[str, str]


def shopify_webhooks(secret: str, n: int) -> list[Webhook]:
    """``n`` signed Shopify orders/create deliveries to source ``shop``, each with its own id."""
    body = sample_body("shopify", "orders/create")
    now = datetime.now(UTC)
    hooks = []
    for _ in range(n):
        headers = sign("shopify", body, Secret(secret), "orders/create", now)
        hooks.append(Webhook(headers["X-Shopify-Webhook-Id"], "/webhooks/shop", body, headers))
    return hooks


@dataclass
class LoadResult:
    """What each delivery got back: a status code, or the name of a transport error."""

    outcomes: list[tuple[str, int | str]] = field(default_factory=list)
    seconds: float = 0.0

    def acknowledged(self) -> set[str]:
        """Delivery ids answered 2xx (at least once)."""
        return {d for d, o in self.outcomes if isinstance(o, int) and 200 <= o < 300}

    def counts(self) -> Counter[int | str]:
        """How many requests got each outcome."""
        return Counter(o for _, o in self.outcomes)


def run_load(
    base_urls: Sequence[str],
    webhooks: Sequence[Webhook],
    *,
    concurrency: int = 64,
    at: dict[int, Callable[[], None]] | None = None,
    timeout: float = 15.0,
    budget: float = 120.0,
) -> LoadResult:
    """Send ``webhooks`` (round-robin over ``base_urls``) with ``concurrency`` workers.

    ``at`` maps a count of finished requests to an action run once that many are done
    (pause the broker, kill the relay, ...). Bounded: stops after ``budget`` seconds.
    """
    actions = dict(at or {})
    result = LoadResult()

    async def main() -> None:
        queue: asyncio.Queue[tuple[int, Webhook]] = asyncio.Queue()
        for item in enumerate(webhooks):
            queue.put_nowait(item)
        # Idle connections expire here before uvicorn's 5 s keep-alive closes them: a request
        # sent on a connection the server is closing fails with ReadError (a race, not relay).
        limits = httpx.Limits(
            max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=2.0
        )
        deadline = time.monotonic() + budget
        async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:

            async def worker() -> None:
                while not queue.empty() and time.monotonic() < deadline:
                    index, hook = queue.get_nowait()
                    url = base_urls[index % len(base_urls)] + hook.path
                    try:
                        response = await client.post(url, content=hook.body, headers=hook.headers)
                        outcome: int | str = response.status_code
                    except httpx.HTTPError as exc:
                        outcome = exc.__class__.__name__
                    result.outcomes.append((hook.delivery_id, outcome))
                    done = len(result.outcomes)
                    action = actions.pop(done, None)
                    if action is not None:
                        await asyncio.to_thread(action)

            await asyncio.gather(*(worker() for _ in range(concurrency)))

    started = time.monotonic()
    asyncio.run(main())
    result.seconds = time.monotonic() - started
    return result
