"""The http sink against a real local HTTP server (uvicorn), signatures checked by the reference."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import orjson
import pytest
import uvicorn
from _kafka import read_topic
from _sink_contract import SinkContract
from _sink_harness import events_for, make_event, produce, read_body, running, sink_config, wait_for
from standardwebhooks.webhooks import Webhook

from relay.embedded import free_port
from sinks import SinkGoneError, dlq_topic
from sinks._errors import DeliveryError
from sinks.http import check_address

pytestmark = pytest.mark.integration

SECRET = "whsec_" + base64.b64encode(b"sink-contract-test-key-32-bytes!").decode()


class HttpTarget:
    """A uvicorn server on 127.0.0.1 that verifies each delivery's Standard Webhooks signature."""

    def __init__(self) -> None:
        self.port = free_port()
        self.events: list[dict[str, Any]] = []
        self.answers: dict[str, list[int]] = {}  # event id -> statuses to answer first
        self.unverified = 0
        self.slow: dict[str, float] = {}  # partition key -> seconds to wait before answering
        self.concurrent = 0
        self.max_concurrent = 0
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        event = orjson.loads(body)
        self.concurrent += 1
        self.max_concurrent = max(self.max_concurrent, self.concurrent)
        try:
            await asyncio.sleep(self.slow.get(event["partitionkey"], 0.01))  # the target's pace
        finally:
            self.concurrent -= 1
        status = 200
        queued = self.answers.get(event["id"])
        if queued:
            status = queued.pop(0)
        else:
            try:
                Webhook(SECRET).verify(body, headers)
            except Exception:  # noqa: BLE001 (counted and asserted on)
                self.unverified += 1
            if headers.get("webhook-id") != event["id"]:
                self.unverified += 1
            self.events.append(event)
        extra = [(b"retry-after", b"0")] if status in {429, 503} else []
        await send({"type": "http.response.start", "status": status, "headers": extra})
        await send({"type": "http.response.body", "body": b""})

    async def prepare(self) -> dict[str, Any]:
        await self.bring_up()
        return {
            "url": f"http://127.0.0.1:{self.port}/hook",
            "secret": "env:T_SINK_WHSEC",
            "allow_private_networks": True,
            "timeout_seconds": 2,
        }

    async def received(self) -> list[dict[str, Any]]:
        assert self.unverified == 0
        return list(self.events)

    async def take_down(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
            self._server = None

    async def bring_up(self) -> None:
        if self._server is not None:
            return
        config = uvicorn.Config(
            self, host="127.0.0.1", port=self.port, log_level="error", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        await wait_for(lambda: _started(self._server), 10, "the HTTP server")

    async def cleanup(self) -> None:
        await self.take_down()


async def _started(server: uvicorn.Server | None) -> bool:
    return server is not None and server.started


class TestHttpSink(SinkContract):
    """The contract for ``type: http``."""

    sink_type = "http"

    @pytest.fixture
    def target(self, monkeypatch: pytest.MonkeyPatch) -> HttpTarget:
        """A fresh local server; the signing secret in the environment."""
        monkeypatch.setenv("T_SINK_WHSEC", SECRET)
        return HttpTarget()

    def test_answers_map_to_retry_dead_letter_and_stop(
        self, target: HttpTarget, kafka_bootstrap: str, topic_prefix: str
    ) -> None:
        """503 and 429 are retried; 400 and a redirect are dead-lettered at once; 410 stops."""

        async def body(keys: dict[str, Any]) -> None:
            flaky, bad, gone = make_event("a", 0), make_event("b", 0), make_event("c", 0)
            moved = make_event("d", 0)
            target.answers = {
                flaky.id: [503, 429],
                bad.id: [400],
                moved.id: [307],
                gone.id: [410] * 100,
            }
            await produce(kafka_bootstrap, topic_prefix, [flaky, bad, moved])
            async with running(kafka_bootstrap, topic_prefix, self._config(keys)) as sink:
                await wait_for(lambda: _has(target, flaky.id), 20, "the flaky event")
                await wait_for(
                    lambda: _is(sink.value("relay_sink_dead_letters_total"), 2), 10, "DLQ"
                )
                assert sink.value("relay_sink_deliveries_total", outcome="retried") == 2
                await produce(kafka_bootstrap, topic_prefix, [gone])
                assert sink.task is not None
                with pytest.raises(SinkGoneError, match="410"):
                    await asyncio.wait_for(sink.task, 20)
            letters = await asyncio.to_thread(
                read_topic,
                kafka_bootstrap,
                dlq_topic(topic_prefix, self.name),
                until=lambda messages: len(messages) >= 2,
            )
            found = {
                orjson.loads(m.value or b"")["id"]: (
                    m.headers["relay-dlq-reason"],
                    m.headers["relay-dlq-attempts"],
                )
                for m in letters
            }
            assert found == {bad.id: (b"http_400", b"1"), moved.id: (b"http_307", b"1")}
            assert [e["id"] for e in target.events] == [flaky.id]

        self._run(target, kafka_bootstrap, topic_prefix, body)

    def test_a_slow_key_neither_stalls_others_nor_loses_the_group(
        self, target: HttpTarget, kafka_bootstrap: str, topic_prefix: str
    ) -> None:
        """One key slower than the session timeout holds one slot; the others flow past it."""

        async def body(keys: dict[str, Any]) -> None:
            slow = make_event("slow", 0)
            target.slow = {slow.partitionkey: 4.0}  # > session_timeout_ms (1.5 s)
            others = events_for(keys=6, per_key=5)
            await produce(kafka_bootstrap, topic_prefix, [slow, *others])
            config = self._config(
                keys, max_in_flight=3, max_pending_per_partition=4, timeout_seconds=10
            )
            async with running(kafka_bootstrap, topic_prefix, config) as sink:
                await self._all_present(target, others, 30)
                assert slow.id not in {e["id"] for e in target.events}  # still in flight
                await self._all_present(target, [slow], 30)
                assert sink.runner.group_id == f"relay-sink-{self.name}"
            assert 1 < target.max_concurrent <= 3
            ids = [e["id"] for e in target.events]
            assert len(ids) == len(set(ids)) == len(others) + 1  # no rebalance, no redelivery

        self._run(target, kafka_bootstrap, topic_prefix, body)

    def test_private_addresses_are_refused_without_the_flag(
        self, target: HttpTarget, kafka_bootstrap: str, topic_prefix: str
    ) -> None:
        """A loopback target without allow_private_networks is dead-lettered, never called."""

        async def body(keys: dict[str, Any]) -> None:
            event = make_event("a", 0)
            await produce(kafka_bootstrap, topic_prefix, [event])
            config = self._config({**keys, "allow_private_networks": False})
            async with running(kafka_bootstrap, topic_prefix, config) as sink:
                await wait_for(
                    lambda: _is(sink.value("relay_sink_dead_letters_total"), 1), 20, "DLQ"
                )
            assert target.events == []

        self._run(target, kafka_bootstrap, topic_prefix, body)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.1",
        "169.254.169.254",
        "::1",
        "fd00::1",
        "::ffff:10.0.0.1",
        "0.0.0.0",  # noqa: S104 (an address under test, nothing binds)
        "224.0.0.1",
    ],
)
def test_check_address_refuses_internal_ranges(address: str) -> None:
    """Loopback, private, link-local (cloud metadata), unspecified and multicast are refused."""
    with pytest.raises(DeliveryError, match="non-public") as caught:
        check_address(address)
    assert caught.value.retriable is False


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
def test_check_address_allows_public_addresses(address: str) -> None:
    """Public unicast addresses pass."""
    check_address(address)


def test_an_ed25519_public_key_cannot_sign(monkeypatch: pytest.MonkeyPatch) -> None:
    """A whpk_ secret (a public key) is refused at start with the key named."""
    from relay.secrets import resolve_secret  # noqa: PLC0415
    from sinks import SinkConfigError, SinkContext  # noqa: PLC0415
    from sinks.http import HttpSink  # noqa: PLC0415

    monkeypatch.setenv("T_WHPK", "whpk_" + base64.b64encode(bytes(32)).decode())
    config = sink_config("h", type="http", url="https://example.com/", secret="env:T_WHPK")
    context = SinkContext(topic_prefix="p", kafka_options={}, resolve_secret=resolve_secret)
    with pytest.raises(SinkConfigError, match=r"sinks\[h\]\.secret"):
        HttpSink(config, context)  # type: ignore[arg-type]


async def _has(target: HttpTarget, event_id: str) -> bool:
    return any(e["id"] == event_id for e in target.events)


async def _is(value: float, expected: float) -> bool:
    return value == expected
