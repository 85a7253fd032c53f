"""The ``postgres`` sink: an append-only events table and an optional latest-state table.

``events_table`` holds one row per event id (``INSERT ... ON CONFLICT (event_id) DO NOTHING``):
redelivery is harmless. ``latest_table`` (optional) holds one row per (source id, entity type,
entity id), upserted only when the incoming event is newer by (``time``, ``receivedat``), so an
older or replayed event never overwrites a newer one. Concurrent deliveries are written in
one transaction per batch, one multi-row ``INSERT ... SELECT FROM unnest(...)`` per table
(the JSON goes as text, parsed by the server); when a batch fails for a reason other than the
connection, its events are written one by one so that only the bad one fails.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, StringConstraints

from sinks._base import SinkContext
from sinks._common import BatchedSinkSettings, SecretRef
from sinks._errors import DeliveryError
from sinks.event import SinkEvent

if TYPE_CHECKING:
    import psycopg
    from psycopg import sql

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
    " SELECT * FROM unnest(%b::text[], %b::text[], %b::text[], %b::text[], %b::text[],"
    " %b::text[]::timestamptz[], %b::text[]::timestamptz[], %b::text[]::jsonb[], %b::text[],"
    " %b::int[], %b::bigint[])"
    " ON CONFLICT (event_id) DO NOTHING"
)
_UPSERT = (
    "INSERT INTO {} AS latest (sourceid, entity_type, entity_id, event_id, type, time,"
    " receivedat, event)"
    " SELECT DISTINCT ON (sourceid, entity_type, entity_id) * FROM unnest(%b::text[],"
    " %b::text[], %b::text[], %b::text[], %b::text[], %b::text[]::timestamptz[],"
    " %b::text[]::timestamptz[], %b::text[]::jsonb[])"
    " AS batch (sourceid, entity_type, entity_id, event_id, type, time, receivedat, event)"
    " ORDER BY sourceid, entity_type, entity_id, time DESC, receivedat DESC"
    " ON CONFLICT (sourceid, entity_type, entity_id) DO UPDATE SET"
    " event_id = EXCLUDED.event_id, type = EXCLUDED.type, time = EXCLUDED.time,"
    " receivedat = EXCLUDED.receivedat, event = EXCLUDED.event, updated_at = clock_timestamp()"
    " WHERE (latest.time, latest.receivedat) < (EXCLUDED.time, EXCLUDED.receivedat)"
)


def _by_key(events: Sequence[SinkEvent]) -> list[list[int]]:
    """The indexes of ``events`` grouped by Kafka partition and key, in order."""
    groups: dict[tuple[int, bytes | None], list[int]] = {}
    for index, event in enumerate(events):
        groups.setdefault((event.partition, event.key), []).append(index)
    return list(groups.values())


TableName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")]


def _connection_error(exc: Exception) -> DeliveryError:
    return DeliveryError("postgres_connection", exc.__class__.__name__, retriable=True)


def _rejected(exc: Exception) -> DeliveryError:
    return DeliveryError("postgres_rejected", exc.__class__.__name__, retriable=False)


class PostgresSinkConfig(BatchedSinkSettings):
    """Write events to PostgreSQL."""

    type: Literal["postgres"] = "postgres"
    dsn: str = Field(description="libpq connection string without the password.")
    password: SecretRef | None = None
    events_table: TableName = "relay_events"
    latest_table: TableName | None = Field(default=None, description="Per-entity latest state.")
    create_tables: bool = True
    max_batch: int = Field(default=250, ge=1, description="Events per transaction.")
    connections: int = Field(
        default=4, ge=1, le=64, description="Connections writing transactions in parallel."
    )


class PostgresSink:
    """Delivers events to PostgreSQL with psycopg 3 (async), batched."""

    def __init__(self, config: PostgresSinkConfig, context: SinkContext) -> None:
        self._config = config
        self._password = context.secret_value(config.name, "password", config.password)
        self._conns: list[psycopg.AsyncConnection[Any] | None] = [None] * config.connections
        self._free: asyncio.Queue[int] = asyncio.Queue()
        for index in range(config.connections):
            self._free.put_nowait(index)
        self._insert_sql: sql.Composed | None = None
        self._upsert_sql: sql.Composed | None = None

    @contextlib.asynccontextmanager
    async def _slot(self) -> AsyncIterator[int]:
        """One of the ``connections`` for the block (waits for a free one)."""
        index = await self._free.get()
        try:
            yield index
        finally:
            self._free.put_nowait(index)

    async def _connection(self, index: int) -> psycopg.AsyncConnection[Any]:
        import psycopg  # noqa: PLC0415 (the client library loads only when this sink runs)

        conn = self._conns[index]
        if conn is None or conn.closed:
            try:
                conn = self._conns[index] = await psycopg.AsyncConnection.connect(
                    self._config.dsn, connect_timeout=5, password=self._password
                )
            except psycopg.OperationalError as exc:
                raise DeliveryError(
                    "postgres_connect", exc.__class__.__name__, retriable=True
                ) from None
        return conn

    async def start(self) -> None:
        """Connect and create the tables (with ``create_tables``)."""
        from psycopg import sql  # noqa: PLC0415 (loaded only when this sink runs)

        config = self._config
        self._insert_sql = sql.SQL(_INSERT).format(sql.Identifier(config.events_table))
        if config.latest_table:
            self._upsert_sql = sql.SQL(_UPSERT).format(sql.Identifier(config.latest_table))
        async with self._slot() as index:
            conn = await self._connection(index)
            if config.create_tables:
                await self._create_tables(conn)

    async def _create_tables(self, conn: psycopg.AsyncConnection[Any]) -> None:
        from psycopg import sql  # noqa: PLC0415 (loaded only when this sink runs)

        config = self._config
        async with conn.transaction():
            await conn.execute(sql.SQL(_EVENTS_DDL).format(sql.Identifier(config.events_table)))
            if config.latest_table:
                table = sql.Identifier(config.latest_table)
                await conn.execute(sql.SQL(_LATEST_DDL).format(table))

    async def deliver(self, event: SinkEvent) -> None:
        """Return once ``event`` is committed."""
        (error,) = await self._write([event])
        if error is not None:
            raise error

    async def deliver_batch(self, events: Sequence[SinkEvent]) -> Sequence[Exception | None]:
        """Write ``events`` in parallel transactions of about ``max_batch``; one result each.

        The events of one key go into one transaction, in their order, so parallel
        transactions never reorder a key.
        """
        chunks: list[list[int]] = [[]]
        for group in _by_key(events):
            if chunks[-1] and len(chunks[-1]) + len(group) > self._config.max_batch:
                chunks.append([])
            chunks[-1].extend(group)
        written = await asyncio.gather(*(self._write([events[i] for i in c]) for c in chunks))
        results: list[Exception | None] = [None] * len(events)
        for chunk, errors in zip(chunks, written, strict=True):
            for index, error in zip(chunk, errors, strict=True):
                results[index] = error
        return results

    async def _write(self, events: Sequence[SinkEvent]) -> list[Exception | None]:
        import psycopg  # noqa: PLC0415 (loaded only when this sink runs)

        async with self._slot() as index:
            try:
                await self._insert(index, events)
            except DeliveryError as exc:
                return [exc] * len(events)
            except psycopg.OperationalError as exc:
                await self._reset(index)
                return [_connection_error(exc)] * len(events)
            except psycopg.Error as exc:
                if len(events) == 1:
                    return [_rejected(exc)]
            else:
                return [None] * len(events)
            results: list[Exception | None] = []
            waiting: dict[tuple[int, bytes | None], Exception] = {}
            for event in events:  # isolate the event the database refuses
                if (failure := waiting.get((event.partition, event.key))) is not None:
                    results.append(failure)  # after its key's failed one: retried after it
                    continue
                try:
                    await self._insert(index, [event])
                    results.append(None)
                except psycopg.OperationalError as exc:
                    await self._reset(index)
                    lost = _connection_error(exc)
                    results.append(lost)
                    waiting[event.partition, event.key] = lost
                except psycopg.Error as exc:
                    results.append(_rejected(exc))
            return results

    async def _insert(self, index: int, events: Sequence[SinkEvent]) -> None:
        """One multi-row statement per table, in one transaction (the event as JSON text)."""
        if self._insert_sql is None:
            raise RuntimeError("postgres sink not started")
        conn = await self._connection(index)
        documents = [e.body.decode() for e in events]
        times = [e.time for e in events]
        received = [e.receivedat for e in events]
        ids = [e.id for e in events]
        types = [e.type for e in events]
        sources = [e.sourceid for e in events]
        async with conn.transaction():
            await conn.execute(
                self._insert_sql,
                (
                    ids,
                    types,
                    sources,
                    [e.platform for e in events],
                    [e.subject for e in events],
                    times,
                    received,
                    documents,
                    [e.topic for e in events],
                    [e.partition for e in events],
                    [e.offset for e in events],
                ),
            )
            if self._upsert_sql is not None:
                await conn.execute(
                    self._upsert_sql,
                    (
                        sources,
                        [e.entity_type for e in events],
                        [e.entity_id for e in events],
                        ids,
                        types,
                        times,
                        received,
                        documents,
                    ),
                )

    async def _reset(self, index: int) -> None:
        conn, self._conns[index] = self._conns[index], None
        if conn is not None and not conn.closed:
            await conn.close()

    async def aclose(self) -> None:
        """Disconnect (the runner has waited for the batches being written)."""
        for index in range(len(self._conns)):
            await self._reset(index)
