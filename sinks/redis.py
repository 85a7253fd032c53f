"""The ``redis`` sink: XADD each event to a stream per topic or per type, bounded by MAXLEN.

Idempotent on the event id: one Lua script sets a marker key ``<dedup_prefix>:<event id>``
(``SET NX EX dedup_ttl_seconds``) and adds the entry only if the marker was new, atomically,
so a redelivered event within the TTL is not added twice. Entry fields: ``id``, ``type``,
``event`` (the structured CloudEvent JSON). ``MAXLEN ~`` trims the oldest entries. A batch
of events goes in one script call that adds them in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from sinks._base import SinkContext
from sinks._common import BatchedSinkSettings, SecretRef
from sinks._errors import DeliveryError
from sinks.event import SinkEvent

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.commands.core import AsyncScript

__all__ = ["RedisSink", "RedisSinkConfig"]

_XADD_ONCE = """
for i = 1, #KEYS / 2 do
  local marked = redis.pcall('SET', KEYS[2 * i], '1', 'NX', 'EX', ARGV[1])
  if type(marked) == 'table' and marked.err then return {i - 1, marked.err} end
  if marked then
    local added = redis.pcall('XADD', KEYS[2 * i - 1], 'MAXLEN', '~', ARGV[2], '*',
                              'id', ARGV[3 * i], 'type', ARGV[3 * i + 1],
                              'event', ARGV[3 * i + 2])
    if type(added) == 'table' and added.err then
      redis.call('DEL', KEYS[2 * i])
      return {i - 1, added.err}
    end
  end
end
return {#KEYS / 2}
"""
"""Adds the events of ``KEYS`` (stream, marker pairs) and ``ARGV`` in order; stops at an error.

Returns ``{events done}``, or ``{events done, error}`` for the event that failed (its marker is
removed, so a later attempt adds it).
"""
_NOT_ATTEMPTED = DeliveryError(
    "redis_error", "not attempted after an earlier event was refused", retriable=True
)
_CHUNK = 500
"""Events per script call (the server runs a call without interruption)."""


class RedisSinkConfig(BatchedSinkSettings):
    """Append events to Redis streams."""

    type: Literal["redis"] = "redis"
    url: str = Field(default="redis://127.0.0.1:6379/0", description="Without the password.")
    password: SecretRef | None = None
    stream_prefix: str = Field(default="relay", min_length=1)
    stream_by: Literal["topic", "type"] = Field(
        default="topic", description="Stream `<prefix>:<topic>` or `<prefix>:<event type>`."
    )
    maxlen: int = Field(default=100_000, ge=1)
    dedup_ttl_seconds: int = Field(default=7 * 86400, ge=1)
    timeout_seconds: float = Field(default=5.0, gt=0)

    @property
    def dedup_prefix(self) -> str:
        """The prefix of the idempotency marker keys."""
        return f"{self.stream_prefix}:seen"


class RedisSink:
    """Delivers events to Redis streams (redis.asyncio)."""

    def __init__(self, config: RedisSinkConfig, context: SinkContext) -> None:
        self._config = config
        self._password = context.secret_value(config.name, "password", config.password)
        self._redis: Redis | None = None
        self._script: AsyncScript | None = None

    async def start(self) -> None:
        """Create the client (it connects on first use)."""
        from redis.asyncio import Redis  # noqa: PLC0415 (loaded only when this sink runs)

        config = self._config
        self._redis = Redis.from_url(
            config.url,
            password=self._password,
            socket_timeout=config.timeout_seconds,
            socket_connect_timeout=config.timeout_seconds,
            retry_on_timeout=False,
        )
        self._script = self._redis.register_script(_XADD_ONCE)

    def stream(self, event: SinkEvent) -> str:
        """The stream ``event`` goes to."""
        part = event.topic if self._config.stream_by == "topic" else event.type
        return f"{self._config.stream_prefix}:{part}"

    async def deliver(self, event: SinkEvent) -> None:
        """XADD ``event`` unless it was added before."""
        (error,) = await self.deliver_batch([event])
        if error is not None:
            raise error

    async def deliver_batch(self, events: Sequence[SinkEvent]) -> Sequence[Exception | None]:
        """Add ``events`` in order, one script call (one round trip) per ``_CHUNK`` of them.

        At the first event the server refuses, the call stops: that event is rejected, the
        ones after it are reported not attempted (retriable), so no key gets ahead of itself.
        """
        results: list[Exception | None] = []
        for start in range(0, len(events), _CHUNK):
            chunk = events[start : start + _CHUNK]
            results += await self._add(chunk)
            if any(result is not None for result in results):
                break
        results += [_NOT_ATTEMPTED] * (len(events) - len(results))
        return results

    async def _add(self, events: Sequence[SinkEvent]) -> list[Exception | None]:
        from redis.exceptions import ConnectionError as RedisConnectionError  # noqa: PLC0415
        from redis.exceptions import RedisError, ResponseError  # noqa: PLC0415
        from redis.exceptions import TimeoutError as RedisTimeoutError  # noqa: PLC0415

        script = self._script
        if script is None:
            raise RuntimeError("redis sink not started")
        config = self._config
        keys: list[Any] = []
        args: list[Any] = [config.dedup_ttl_seconds, config.maxlen]
        for event in events:
            keys += (self.stream(event), f"{config.dedup_prefix}:{event.id}")
            args += (event.id, event.type, event.body)
        try:
            reply = await script(keys=keys, args=args)
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            lost = DeliveryError("redis_connection", exc.__class__.__name__, retriable=True)
            return [lost] * len(events)
        except ResponseError as exc:
            return [DeliveryError("redis_rejected", str(exc)[:200], retriable=False)] * len(events)
        except RedisError as exc:
            failed = DeliveryError("redis_error", exc.__class__.__name__, retriable=True)
            return [failed] * len(events)
        done = int(reply[0])
        results: list[Exception | None] = [None] * done
        if done < len(events):
            message = reply[1].decode(errors="replace") if len(reply) > 1 else "refused"
            results.append(DeliveryError("redis_rejected", message[:200], retriable=False))
        return results

    async def aclose(self) -> None:
        """Disconnect."""
        client, self._redis = self._redis, None
        if client is not None:
            await client.aclose()
