"""The postgres sink against the real PostgreSQL (db ``test``), outages through a TCP proxy."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from _sink_contract import SinkContract
from _sink_harness import ProxiedTarget, make_event, produce, running, wait_for

pytestmark = pytest.mark.integration

DSN = "host=127.0.0.1 port=5432 dbname=test user=postgres"


class PostgresTarget(ProxiedTarget):
    """Tables of this test's own, reached by the sink through a proxy that can go down."""

    def __init__(self, suffix: str) -> None:
        super().__init__("127.0.0.1", 5432)
        self.events_table = f"ev_{suffix}"
        self.latest_table = f"latest_{suffix}"

    async def prepare(self) -> dict[str, Any]:
        await self.proxy.up()
        return {
            "dsn": f"host=127.0.0.1 port={self.proxy.port} dbname=test user=postgres",
            "events_table": self.events_table,
            "latest_table": self.latest_table,
            "retry": {
                "attempts": 500,
                "timeout_seconds": 60,
                "wait_initial_seconds": 0.05,
                "wait_max_seconds": 0.3,
                "wait_jitter_seconds": 0.05,
            },
        }

    async def _query(self, sql: str) -> list[tuple[Any, ...]]:
        async with await psycopg.AsyncConnection.connect(DSN) as conn:
            try:
                return await (await conn.execute(sql)).fetchall()  # type: ignore[arg-type]
            except psycopg.errors.UndefinedTable:
                return []

    async def received(self) -> list[dict[str, Any]]:
        rows = await self._query(f"SELECT event FROM {self.events_table} ORDER BY inserted_at")  # noqa: S608
        return [row[0] for row in rows]

    async def latest(self) -> list[tuple[Any, ...]]:
        return await self._query(
            f"SELECT entity_id, event_id FROM {self.latest_table} ORDER BY entity_id"  # noqa: S608
        )

    async def cleanup(self) -> None:
        await self.proxy.down()
        async with await psycopg.AsyncConnection.connect(DSN, autocommit=True) as conn:
            await conn.execute(f"DROP TABLE IF EXISTS {self.events_table}, {self.latest_table}")  # type: ignore[arg-type]


class TestPostgresSink(SinkContract):
    """The contract for ``type: postgres``."""

    sink_type = "postgres"

    @pytest.fixture
    def target(self, topic_prefix: str) -> PostgresTarget:
        """Fresh table names."""
        return PostgresTarget(topic_prefix)

    def test_latest_state_never_goes_back(
        self, target: PostgresTarget, kafka_bootstrap: str, topic_prefix: str
    ) -> None:
        """The latest-state row keeps the newest event even when an older one arrives later."""

        async def body(keys: dict[str, Any]) -> None:
            newer = make_event("e1", 1)
            older = make_event("e1", 0).model_copy(update={"time": newer.time.replace(year=2020)})
            other = make_event("e2", 0)
            await produce(kafka_bootstrap, topic_prefix, [newer, older, other])
            async with running(kafka_bootstrap, topic_prefix, self._config(keys)):
                await self._all_present(target, [newer, older, other], 30)
            assert await target.latest() == [("e1", newer.id), ("e2", other.id)]

        self._run(target, kafka_bootstrap, topic_prefix, body)

    def test_a_refused_row_is_dead_lettered_alone(
        self, target: PostgresTarget, kafka_bootstrap: str, topic_prefix: str
    ) -> None:
        """An event the database refuses (invalid time) is dead-lettered; its batch still lands."""

        async def body(keys: dict[str, Any]) -> None:
            good = [make_event(f"g{n}", 0) for n in range(5)]
            bad = make_event("bad", 0)
            import orjson  # noqa: PLC0415
            from _sink_harness import produce_raw  # noqa: PLC0415

            from relay.records import RecordBuilder  # noqa: PLC0415

            (record,) = RecordBuilder(topic_prefix).events([bad])
            value = orjson.loads(record.value)
            value["time"] = "not a time"
            await produce_raw(kafka_bootstrap, [(record.topic, record.key, orjson.dumps(value))])
            await produce(kafka_bootstrap, topic_prefix, good)
            async with running(kafka_bootstrap, topic_prefix, self._config(keys)) as sink:
                await self._all_present(target, good, 30)
                await wait_for(
                    lambda: _is(sink.value("relay_sink_dead_letters_total"), 1), 10, "DLQ"
                )
            assert bad.id not in {e["id"] for e in await target.received()}

        self._run(target, kafka_bootstrap, topic_prefix, body)


async def _is(value: float, expected: float) -> bool:
    return value == expected
