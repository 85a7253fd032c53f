"""The contract every sink type passes against its real target (``class TestX(SinkContract)``).

A subclass provides the ``target`` fixture: a ``Target`` that gives the sink's config keys,
reads back what the real service holds, and can take the service away and bring it back.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, Protocol

import orjson
import pytest
from _kafka import read_topic
from _sink_harness import (
    FAST_RETRY,
    TOPIC,
    RunningSink,
    create_topics,
    events_for,
    make_event,
    produce,
    produce_raw,
    running,
    sink_config,
    wait_for,
)

from normalizers.schema import CanonicalEvent
from sinks import dlq_topic


class Target(Protocol):
    """The real service a sink delivers to, as the contract sees it."""

    async def prepare(self) -> dict[str, Any]:
        """Set up (unique names) and return the sink type's config keys."""
        ...

    async def received(self) -> list[dict[str, Any]]:
        """Every CloudEvent the target holds, in the target's order."""
        ...

    async def take_down(self) -> None:
        """Make the target unreachable."""
        ...

    async def bring_up(self) -> None:
        """Make it reachable again."""
        ...

    async def cleanup(self) -> None:
        """Remove what ``prepare`` created."""
        ...


def _ids(received: list[dict[str, Any]]) -> list[str]:
    return [e["id"] for e in received]


class SinkContract:
    """Delivery guarantees every sink type shares, proven against the real service."""

    sink_type: ClassVar[str]
    supports_outage: ClassVar[bool] = True
    name = "contract"  # replaced per test by ``_setup`` (one consumer group per test)

    def _config(self, keys: dict[str, Any], **overrides: Any) -> Any:
        settings = {
            "type": self.sink_type,
            "retry": FAST_RETRY,
            "commit_interval_seconds": 0.2,
            "max_in_flight": 8,
            "session_timeout_ms": 1500,  # Tansu completes a join after half of it
            **keys,
            **overrides,
        }
        return sink_config(self.name, **settings)

    async def _setup(self, target: Target, bootstrap: str, prefix: str) -> dict[str, Any]:
        self.name = f"c-{prefix}"
        await create_topics(bootstrap, [f"{prefix}.{TOPIC}"])
        return await target.prepare()

    def _run(
        self,
        target: Target,
        bootstrap: str,
        prefix: str,
        body: Callable[[dict[str, Any]], Awaitable[None]],
    ) -> None:
        """Run ``body(config keys)`` against a prepared target; clean up whatever happens."""

        async def scenario() -> None:
            keys = await self._setup(target, bootstrap, prefix)
            try:
                await body(keys)
            finally:
                await target.bring_up()
                await target.cleanup()

        asyncio.run(scenario())

    def _needs_outage(self) -> None:
        if not self.supports_outage:
            pytest.skip(f"{self.sink_type}: outage not simulated for this target (see its class)")

    async def _retried(self, sink: RunningSink, count: int) -> None:
        await wait_for(
            lambda: _true(sink.value("relay_sink_deliveries_total", outcome="retried") >= count),
            30,
            f"{count} retries",
        )

    async def _all_present(
        self, target: Target, events: list[CanonicalEvent], seconds: float
    ) -> list[dict[str, Any]]:
        wanted = {e.id for e in events}

        async def present() -> bool:
            return wanted <= set(_ids(await target.received()))

        await wait_for(present, seconds, f"{len(wanted)} events at the target")
        return await target.received()

    def test_delivers_in_key_order(
        self, target: Target, kafka_bootstrap: str, topic_prefix: str
    ) -> None:
        """Every event arrives once, and the events of one key arrive in their order."""

        async def body(keys: dict[str, Any]) -> None:
            events = events_for(keys=5, per_key=8)
            await produce(kafka_bootstrap, topic_prefix, events)
            async with running(kafka_bootstrap, topic_prefix, self._config(keys)) as sink:
                received = await self._all_present(target, events, 30)
                await wait_for(
                    lambda: _true(
                        sink.value("relay_sink_lag", topic=f"{topic_prefix}.{TOPIC}") == 0
                    ),
                    10,
                    "lag 0",
                )
                assert sink.value("relay_sink_deliveries_total", outcome="delivered") == len(events)
            assert Counter(_ids(received)) == Counter(e.id for e in events)
            by_key: dict[str, list[int]] = {}
            for event in received:
                by_key.setdefault(event["partitionkey"], []).append(
                    event["data"]["additional_fields"]["seq"]
                )
            assert by_key == {f"shop-a:k{k}": list(range(8)) for k in range(5)}

        self._run(target, kafka_bootstrap, topic_prefix, body)

    def test_retries_a_transient_failure_then_delivers(
        self, target: Target, kafka_bootstrap: str, topic_prefix: str
    ) -> None:
        """While the target is briefly unreachable the sink retries, then delivers everything."""
        self._needs_outage()

        async def body(keys: dict[str, Any]) -> None:
            async with running(kafka_bootstrap, topic_prefix, self._config(keys)) as sink:
                warm_up = [make_event("warm-up", 0)]
                await produce(kafka_bootstrap, topic_prefix, warm_up)
                await self._all_present(target, warm_up, 30)  # connected
                await target.take_down()
                events = events_for(keys=3, per_key=2)
                await produce(kafka_bootstrap, topic_prefix, events)
                await self._retried(sink, 2)
                await target.bring_up()
                await self._all_present(target, events, 30)
                assert sink.value("relay_sink_dead_letters_total") == 0
                assert sink.value("relay_sink_attempts_total") > len(events)

        self._run(target, kafka_bootstrap, topic_prefix, body)

    def test_dead_letters_a_permanent_failure_with_its_headers(
        self, target: Target, kafka_bootstrap: str, topic_prefix: str
    ) -> None:
        """A record no retry can fix goes to the sink DLQ with reason, attempts and origin."""

        async def body(keys: dict[str, Any]) -> None:
            first, last = make_event("k1", 0), make_event("k1", 1)
            await produce(kafka_bootstrap, topic_prefix, [first])
            topic = f"{topic_prefix}.{TOPIC}"
            await produce_raw(kafka_bootstrap, [(topic, b"shop-a:k1", b"{not json")])
            await produce(kafka_bootstrap, topic_prefix, [last])
            async with running(kafka_bootstrap, topic_prefix, self._config(keys)) as sink:
                await self._all_present(target, [first, last], 30)
                await wait_for(
                    lambda: _true(sink.value("relay_sink_dead_letters_total") == 1), 10, "DLQ"
                )
            letters = await asyncio.to_thread(
                read_topic, kafka_bootstrap, dlq_topic(topic_prefix, self.name), until=bool
            )
            (letter,) = letters
            assert letter.value == b"{not json"
            assert letter.key == b"shop-a:k1"
            headers = letter.headers
            assert headers["relay-dlq-sink"] == self.name.encode()
            assert headers["relay-dlq-reason"] == b"undecodable"
            assert headers["relay-dlq-attempts"] == b"0"
            assert headers["relay-dlq-original-topic"] == topic.encode()
            assert int(headers["relay-dlq-original-offset"]) == 1
            assert headers["relay-dlq-original-partition"].isdigit()
            assert [e["id"] for e in await target.received()] == [first.id, last.id]

        self._run(target, kafka_bootstrap, topic_prefix, body)

    def test_survives_an_outage_with_nothing_lost(
        self, target: Target, kafka_bootstrap: str, topic_prefix: str
    ) -> None:
        """Events produced before, during and after an outage all arrive; none dead-lettered."""
        self._needs_outage()

        async def body(keys: dict[str, Any]) -> None:
            before, during, after = events_for(4, 3), events_for(4, 3), events_for(4, 3)
            async with running(kafka_bootstrap, topic_prefix, self._config(keys)) as sink:
                await produce(kafka_bootstrap, topic_prefix, before)
                await self._all_present(target, before, 30)
                await target.take_down()
                await produce(kafka_bootstrap, topic_prefix, during)
                await self._retried(sink, 8)
                await target.bring_up()
                await produce(kafka_bootstrap, topic_prefix, after)
                received = await self._all_present(target, before + during + after, 60)
                assert sink.value("relay_sink_dead_letters_total") == 0
            assert {e.id for e in before + during + after} <= set(_ids(received))

        self._run(target, kafka_bootstrap, topic_prefix, body)

    def test_restart_mid_stream_loses_nothing(
        self, target: Target, kafka_bootstrap: str, topic_prefix: str
    ) -> None:
        """A sink cancelled mid-stream and started again delivers every event (at least once)."""

        async def body(keys: dict[str, Any]) -> None:
            events = events_for(keys=10, per_key=10)
            await produce(kafka_bootstrap, topic_prefix, events)
            config = self._config(keys)
            async with running(kafka_bootstrap, topic_prefix, config) as first:
                await wait_for(lambda: _more(target, 20), 30, "some deliveries")
                assert first.task is not None
                first.task.cancel()  # a hard stop: CancelledError must propagate
                with pytest.raises(asyncio.CancelledError):
                    await first.task
            async with running(kafka_bootstrap, topic_prefix, config):
                received = await self._all_present(target, events, 60)
            counts = Counter(_ids(received))
            assert set(counts) == {e.id for e in events}
            duplicates = sum(n - 1 for n in counts.values())
            assert duplicates <= config.max_in_flight + len(events) // 2

        self._run(target, kafka_bootstrap, topic_prefix, body)


async def _true(value: bool) -> bool:
    return value


async def _more(target: Target, count: int) -> bool:
    return len(await target.received()) >= count


def received_from_json_lines(lines: list[bytes]) -> list[dict[str, Any]]:
    """Parse JSON lines (file-like targets)."""
    return [orjson.loads(line) for line in lines if line.strip()]
