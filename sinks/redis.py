"""The ``redis`` sink: XADD each event to a stream per topic or per type, bounded by MAXLEN.

Idempotent on the event id: one Lua script sets a marker key ``<dedup_prefix>:<event id>``
(``SET NX EX dedup_ttl_seconds``) and adds the entry only if the marker was new, atomically,
so a redelivered event within the TTL is not added twice. Entry fields: ``id``, ``type``,
``event`` (the structured CloudEvent JSON). ``MAXLEN ~`` trims the oldest entries. A batch
of events (distinct keys) runs the script once per event in one pipeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from sinks._base import SinkContext
from sinks._common import SecretRef, SinkSettings
from sinks._errors import DeliveryError
from sinks.event import SinkEvent

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.commands.core import AsyncScript

__all__ = ["RedisSink", "RedisSinkConfig"]

_XADD_ONCE = """
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then
  return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*',
                    'id', ARGV[3], 'type', ARGV[4], 'event', ARGV[5])
end
return false
"""


class RedisSinkConfig(SinkSettings):
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

    def _call(self, event: SinkEvent) -> tuple[list[Any], list[Any]]:
        """The script's keys and arguments for ``event``."""
        config = self._config
        keys: list[Any] = [self.stream(event), f"{config.dedup_prefix}:{event.id}"]
        args: list[Any] = [
            config.dedup_ttl_seconds,
            config.maxlen,
            event.id,
            event.type,
            event.body,
        ]
        return keys, args

    async def deliver(self, event: SinkEvent) -> None:
        """XADD ``event`` unless it was added before."""
        (error,) = await self.deliver_batch([event])
        if error is not None:
            raise error

    async def deliver_batch(self, events: Sequence[SinkEvent]) -> Sequence[Exception | None]:
        """Run the script for each of ``events`` in one pipeline (one round trip)."""
        from redis.exceptions import ConnectionError as RedisConnectionError  # noqa: PLC0415
        from redis.exceptions import RedisError, ResponseError  # noqa: PLC0415
        from redis.exceptions import TimeoutError as RedisTimeoutError  # noqa: PLC0415

        script, client = self._script, self._redis
        if script is None or client is None:
            raise RuntimeError("redis sink not started")
        try:
            async with client.pipeline(transaction=False) as pipe:
                for event in events:
                    keys, args = self._call(event)
                    await script(keys=keys, args=args, client=pipe)
                replies = await pipe.execute(raise_on_error=False)
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            error = DeliveryError("redis_connection", exc.__class__.__name__, retriable=True)
            return [error] * len(events)
        except RedisError as exc:
            return [DeliveryError("redis_error", exc.__class__.__name__, retriable=True)] * len(
                events
            )
        results: list[Exception | None] = []
        for reply in replies:
            if isinstance(reply, ResponseError):
                results.append(DeliveryError("redis_rejected", str(reply)[:200], retriable=False))
            elif isinstance(reply, RedisError):
                results.append(
                    DeliveryError("redis_error", reply.__class__.__name__, retriable=True)
                )
            else:
                results.append(None)
        return results

    async def aclose(self) -> None:
        """Disconnect."""
        client, self._redis = self._redis, None
        if client is not None:
            await client.aclose()
