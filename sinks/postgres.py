"""The ``postgres`` sink: an append-only events table and an optional latest-state table.

``events_table`` holds one row per event id (``INSERT ... ON CONFLICT (event_id) DO NOTHING``):
redelivery is harmless. ``latest_table`` (optional) holds one row per (source id, entity type,
entity id), upserted only when the incoming event is newer by (``time``, ``receivedat``), so an
older or replayed event never overwrites a newer one. Concurrent deliveries are written in
one transaction per batch; when a batch fails for a reason other than the connection, its
events are written one by one so that only the bad one fails.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, StringConstraints

from sinks._base import SinkContext
from sinks._batch import GroupCommit
from sinks._common import SecretRef, SinkSettings
from sinks._errors import DeliveryError
from sinks.event import SinkEvent

if TYPE_CHECKING:
    import psycopg

__all__ = ["PostgresSink", "PostgresSinkConfig"]

_EVENTS_DDL = (
    "CREATE TABLE IF NOT EXISTS {} (event_id text PRIMARY KEY, type text NOT NULL,"
    " sourceid text NOT NULL, platform text NOT NULL, subject text NOT NULL,"
    " time timestamptz NOT NULL, receivedat timestamptz NOT NULL, event jsonb NOT NULL,"
    " topic text NOT NULL, kafka_partition int NOT NULL, kafka_offset bigint NOT NULL,"
    " inserted_at timestamptz NOT NULL DEFAULT clock_timestamp())"
)
_LATEST_DDL = (
    "CREATE TABLE IF NOT EXISTS {} (sourceid text NOT NULL, entity_type text NOT NULL,"
    " entity_id text NOT NULL, event_id text NOT NULL, type text NOT NULL,"
    " time timestamptz NOT NULL, receivedat timestamptz NOT NULL, event jsonb NOT NULL,"
    " updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),"
    " PRIMARY KEY (sourceid, entity_type, entity_id))"
)
_INSERT = (
    "INSERT INTO {} (event_id, type, sourceid, platform, subject, time, receivedat,"
    " event, topic, kafka_partition, kafka_offset)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (event_id) DO NOTHING"
)
_UPSERT = (
    "INSERT INTO {} AS latest (sourceid, entity_type, entity_id, event_id, type, time,"
    " receivedat, event) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (sourceid, entity_type, entity_id) DO UPDATE SET"
    " event_id = EXCLUDED.event_id, type = EXCLUDED.type, time = EXCLUDED.time,"
    " receivedat = EXCLUDED.receivedat, event = EXCLUDED.event, updated_at = clock_timestamp()"
    " WHERE (latest.time, latest.receivedat) < (EXCLUDED.time, EXCLUDED.receivedat)"
)

TableName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")]


def _connection_error(exc: Exception) -> DeliveryError:
    return DeliveryError("postgres_connection", exc.__class__.__name__, retriable=True)


def _rejected(exc: Exception) -> DeliveryError:
    return DeliveryError("postgres_rejected", exc.__class__.__name__, retriable=False)


class PostgresSinkConfig(SinkSettings):
    """Write events to PostgreSQL."""

    type: Literal["postgres"] = "postgres"
    dsn: str = Field(description="libpq connection string without the password.")
    password: SecretRef | None = None
    events_table: TableName = "relay_events"
    latest_table: TableName | None = Field(default=None, description="Per-entity latest state.")
    create_tables: bool = True
    max_batch: int = Field(default=200, ge=1)


class PostgresSink:
    """Delivers events to PostgreSQL with psycopg 3 (async), batched."""

    def __init__(self, config: PostgresSinkConfig, context: SinkContext) -> None:
        self._config = config
        self._password = context.secret_value(config.name, "password", config.password)
        self._conn: psycopg.AsyncConnection[Any] | None = None
        self._lock = asyncio.Lock()
        self._batches: GroupCommit[SinkEvent] = GroupCommit(self._write, max_batch=config.max_batch)

    async def _connection(self) -> psycopg.AsyncConnection[Any]:
        import psycopg  # noqa: PLC0415 (the client library loads only when this sink runs)

        if self._conn is None or self._conn.closed:
            try:
                self._conn = await psycopg.AsyncConnection.connect(
                    self._config.dsn, connect_timeout=5, password=self._password
                )
            except psycopg.OperationalError as exc:
                raise DeliveryError(
                    "postgres_connect", exc.__class__.__name__, retriable=True
                ) from None
        return self._conn

    async def start(self) -> None:
        """Connect and create the tables (with ``create_tables``)."""
        from psycopg import sql  # noqa: PLC0415 (loaded only when this sink runs)

        conn = await self._connection()
        if not self._config.create_tables:
            return
        async with conn.transaction():
            await conn.execute(
                sql.SQL(_EVENTS_DDL).format(sql.Identifier(self._config.events_table))
            )
            if self._config.latest_table:
                table = sql.Identifier(self._config.latest_table)
                await conn.execute(sql.SQL(_LATEST_DDL).format(table))

    async def deliver(self, event: SinkEvent) -> None:
        """Return once ``event`` is committed (possibly together with others)."""
        await self._batches.submit(event)

    async def _write(self, events: Sequence[SinkEvent]) -> Sequence[BaseException | None]:
        import psycopg  # noqa: PLC0415 (loaded only when this sink runs)

        async with self._lock:
            try:
                await self._insert(events)
            except DeliveryError as exc:
                return [exc] * len(events)
            except psycopg.OperationalError as exc:
                await self._reset()
                return [
                    DeliveryError("postgres_connection", exc.__class__.__name__, retriable=True)
                ] * len(events)
            except psycopg.Error as exc:
                if len(events) == 1:
                    return [
                        DeliveryError("postgres_rejected", exc.__class__.__name__, retriable=False)
                    ]
            else:
                return [None] * len(events)
            results: list[BaseException | None] = []
            for event in events:  # isolate the event the database refuses
                try:
                    await self._insert([event])
                    results.append(None)
                except psycopg.OperationalError as exc:
                    await self._reset()
                    results.append(
                        DeliveryError("postgres_connection", exc.__class__.__name__, retriable=True)
                    )
                except psycopg.Error as exc:
                    results.append(
                        DeliveryError("postgres_rejected", exc.__class__.__name__, retriable=False)
                    )
            return results

    async def _insert(self, events: Sequence[SinkEvent]) -> None:
        from psycopg import sql  # noqa: PLC0415 (loaded only when this sink runs)
        from psycopg.types.json import Jsonb  # noqa: PLC0415

        conn = await self._connection()
        rows = [
            (
                e.id,
                e.type,
                e.sourceid,
                e.platform,
                e.subject,
                e.time,
                e.receivedat,
                Jsonb(e.document),
                e.topic,
                e.partition,
                e.offset,
            )
            for e in events
        ]
        async with conn.transaction(), conn.cursor() as cur:
            table = sql.Identifier(self._config.events_table)
            await cur.executemany(sql.SQL(_INSERT).format(table), rows)
            if self._config.latest_table:
                latest = [
                    (
                        e.sourceid,
                        e.entity_type,
                        e.entity_id,
                        e.id,
                        e.type,
                        e.time,
                        e.receivedat,
                        Jsonb(e.document),
                    )
                    for e in events
                ]
                table = sql.Identifier(self._config.latest_table)
                await cur.executemany(sql.SQL(_UPSERT).format(table), latest)

    async def _reset(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.closed:
            await conn.close()

    async def aclose(self) -> None:
        """Finish the batch being written and disconnect."""
        await self._batches.aclose()
        await self._reset()
