"""``relay serve`` with ``server.workers: 2``: real processes on one socket, a real broker.

Which worker answered is read from the JSON log lines (each carries its ``worker`` number;
``server.access_log`` adds one line per request), never from the HTTP answer. Bounded in
count and time; every process is ended by its PID.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from _kafka import collect_header_values
from _load import Webhook, run_load, shopify_webhooks
from _relay_process import RelayProcess, relay_config
from prometheus_client.parser import text_string_to_metric_families

from relay.embedded import EmbeddedBroker
from relay.publisher import Record
from relay.spool import Spool, undrained_bytes

pytestmark = pytest.mark.integration

SECRET = "workers-shopify-secret"
ENV = {"T_SHOPIFY_SECRET": SECRET}


def _webhooks(n: int) -> list[Webhook]:
    return shopify_webhooks(SECRET, n)


@pytest.fixture
def broker() -> Iterator[EmbeddedBroker]:
    """A broker of this test's own, which it may freeze and thaw."""
    with EmbeddedBroker() as started:
        yield started
        started.resume()


def _two_workers(config: dict[str, Any]) -> dict[str, Any]:
    config.setdefault("server", {}).update({"workers": 2, "access_log": True})
    return config


def _lines(relay: RelayProcess) -> list[dict[str, Any]]:
    return [json.loads(line) for line in relay.log().splitlines() if line.startswith("{")]


def _wait_for(relay: RelayProcess, predicate: Any, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate(_lines(relay)):
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} within {timeout}s:\n{relay.log()[-4000:]}")


def _serving(lines: list[dict[str, Any]]) -> list[int]:
    return [line["worker"] for line in lines if line.get("event") == "worker serving"]


def _worker_pids(lines: list[dict[str, Any]]) -> dict[int, int]:
    """The latest PID of each worker number, from the supervisor's lines."""
    return {line["worker"]: line["pid"] for line in lines if line.get("event") == "worker started"}


def _answered_by(lines: list[dict[str, Any]], path: str) -> set[int]:
    """Workers whose access log shows a request to ``path``."""
    return {
        line["worker"]
        for line in lines
        if line.get("logger") == "uvicorn.access" and path in line.get("event", "")
    }


def _counter(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


def _start(relay: RelayProcess) -> None:
    relay.start()
    _wait_for(relay, lambda lines: sorted(_serving(lines)) == [0, 1], "both workers serving")


def test_both_workers_answer_and_every_scrape_counts_all_of_them(
    kafka_bootstrap: str, tmp_path: Path, topic_prefix: str
) -> None:
    """Webhooks reach both workers; /metrics, whichever worker answers, sums both."""
    relay = RelayProcess(tmp_path, _two_workers(relay_config(kafka_bootstrap, topic_prefix)), ENV)
    _start(relay)
    sent = 0
    try:
        for _ in range(10):  # new connections each round; the kernel picks the worker
            result = run_load([relay.base_url], _webhooks(100), concurrency=16)
            assert result.counts() == {200: 100}
            sent += 100
            if _answered_by(_lines(relay), "/webhooks/shop") == {0, 1}:
                break
        scrapes = [httpx.get(f"{relay.base_url}/metrics").text for _ in range(20)]
        lines = _lines(relay)
    finally:
        relay.stop()
    assert _answered_by(lines, "/webhooks/shop") == {0, 1}
    assert _answered_by(lines, "/metrics") == {0, 1}, "each worker should have answered a scrape"
    name = "relay_webhooks_received_total"
    labels = {"platform": "shopify", "source": "shop", "outcome": "accepted"}
    assert {_counter(text, name, **labels) for text in scrapes} == {sent}
    assert {_counter(text, "relay_worker_restarts_total") for text in scrapes} == {0}
    assert all(_counter(text, "process_cpu_seconds_total") > 0 for text in scrapes)
    assert "each worker deduplicates on its own" in relay.log()


def test_sigterm_drains_every_worker_and_exits_0(
    kafka_bootstrap: str, kafka_is_embedded: bool, tmp_path: Path, topic_prefix: str
) -> None:
    """SIGTERM to the supervisor mid-load: both workers drain, exit 0, every 2xx in Kafka."""
    config = _two_workers(relay_config(kafka_bootstrap, topic_prefix))
    config["kafka"]["enable_idempotence"] = not kafka_is_embedded
    config["server"]["access_log"] = False
    relay = RelayProcess(tmp_path, config, ENV)
    _start(relay)

    def terminate() -> None:
        assert relay.process is not None
        relay.process.send_signal(signal.SIGTERM)

    try:
        result = run_load([relay.base_url], _webhooks(3000), at={1000: terminate})
        code = relay.wait(60)
    finally:
        relay.stop()
    found = collect_header_values(
        kafka_bootstrap,
        f"{topic_prefix}.raw",
        "relay-delivery-id",
        expected=result.acknowledged(),
        timeout=60,
    )
    lines = _lines(relay)
    flushed = {
        line.get("worker") for line in lines if line["event"] == "producer flushed and closed"
    }
    stopped = [line for line in lines if line["event"] == "worker stopped"]
    assert code == 0
    assert flushed == {0, 1}
    assert sorted(line["worker"] for line in stopped) == [0, 1]
    assert all(line["exit_code"] == 0 for line in stopped)
    assert len(result.acknowledged()) >= 1000
    assert result.acknowledged() <= set(found)
    assert not [o for _, o in result.outcomes if isinstance(o, int) and o >= 500]


def test_a_killed_worker_is_restarted_and_drains_its_own_spool(
    broker: EmbeddedBroker, tmp_path: Path, topic_prefix: str
) -> None:
    """Broker frozen, worker 1 SIGKILLed while spooling: it comes back, drains, serves again."""
    spool = tmp_path / "spool"
    config = _two_workers(relay_config(broker.bootstrap_servers, topic_prefix, spool))
    config["server"]["access_log"] = False
    relay = RelayProcess(tmp_path, config, ENV)
    _start(relay)
    first = _worker_pids(_lines(relay))

    def kill_worker_1() -> None:
        os.kill(first[1], signal.SIGKILL)

    try:
        result = run_load(
            [relay.base_url], _webhooks(1500), at={300: broker.pause, 900: kill_worker_1}
        )
        broker.resume()
        _wait_for(relay, lambda lines: _serving(lines).count(1) == 2, "worker 1 serving again", 90)
        after = run_load([relay.base_url], _webhooks(200), concurrency=16)
        found = collect_header_values(
            broker.bootstrap_servers,
            f"{topic_prefix}.raw",
            "relay-delivery-id",
            expected=result.acknowledged() | after.acknowledged(),
            timeout=90,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(
            undrained_bytes(spool / f"worker-{n}") for n in (0, 1)
        ):
            time.sleep(0.2)
        metrics = httpx.get(f"{relay.base_url}/metrics").text
        lines = _lines(relay)
        code = relay.terminate(60)
    finally:
        broker.resume()
        relay.stop()
    second = _worker_pids(lines)
    died = [line for line in lines if line["event"] == "worker died; restarting it"]
    assert [(line["worker"], line["pid"], line["exit_code"]) for line in died] == [
        (1, first[1], -signal.SIGKILL)
    ]
    assert second[0] == first[0], "worker 0 kept serving"
    assert second[1] != first[1]
    assert result.counts()[202] > 100, "the workers should have been spooling"
    assert len(after.acknowledged()) == 200, after.counts()  # 200, or 202 behind the backlog
    assert result.acknowledged() | after.acknowledged() <= set(found)
    assert sorted(p.name for p in spool.iterdir()) == ["worker-0", "worker-1"]
    assert (spool / "worker-1" / "lock").read_text().strip() == str(second[1])
    assert undrained_bytes(spool / "worker-0") == undrained_bytes(spool / "worker-1") == 0
    assert _counter(metrics, "relay_worker_restarts_total") == 1
    assert _counter(metrics, "relay_spool_drained_total") >= result.counts()[202]
    assert code == 0


def _spool_left_by_an_earlier_run(path: Path, topic: str, ids: list[str]) -> None:
    """Write ``ids`` as undrained raw records into ``path``, as a stopped relay leaves them."""

    async def write() -> None:
        spool = Spool(path, max_bytes=1 << 24)
        await spool.open()
        for delivery in ids:
            headers = (("relay-delivery-id", delivery.encode()),)
            await spool.append([Record(topic, f"shop:{delivery}".encode(), b"{}", headers)])
        await spool.aclose()

    asyncio.run(write())


@pytest.mark.parametrize("workers", [1, 2])
def test_spools_left_by_another_worker_count_are_taken_over_and_drained(
    kafka_bootstrap: str, tmp_path: Path, topic_prefix: str, workers: int
) -> None:
    """Four workers' spools (and a single relay's) drain into the workers of this count."""
    spool = tmp_path / "spool"
    raw = f"{topic_prefix}.raw"
    left: dict[Path, list[str]] = {
        spool / f"worker-{n}": [f"w{n}-{i}" for i in range(30)] for n in range(4)
    }
    if workers > 1:
        left[spool] = [f"single-{i}" for i in range(30)]  # a single relay's spool is the root
    for path, ids in left.items():
        _spool_left_by_an_earlier_run(path, raw, ids)
    config = relay_config(kafka_bootstrap, topic_prefix, spool)
    config["server"] = {"workers": workers}
    relay = RelayProcess(tmp_path, config, ENV)
    relay.start()
    try:
        # drained first: a spooling relay is ready before Kafka is, and the raw topic (which
        # the read-back needs to exist) only once the producer has connected
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any(undrained_bytes(p) for p in left):
            time.sleep(0.2)
        # new webhooks after the drain: they also put batches behind the drained ones, which
        # Tansu's memory storage may hide behind an under-reported high watermark otherwise
        after = run_load([relay.base_url], _webhooks(50), concurrency=8)
        expected = {delivery for ids in left.values() for delivery in ids}
        found = collect_header_values(
            kafka_bootstrap,
            raw,
            "relay-delivery-id",
            expected=expected | after.acknowledged(),
            timeout=60,
        )
        lines = _lines(relay)
    finally:
        relay.stop()
    assert expected <= set(found)
    assert all(undrained_bytes(path) == 0 for path in left)
    took = {
        Path(line["directory"]): line.get("worker")
        for line in lines
        if line.get("event", "").startswith("took over the deliveries")
    }
    own = {spool / f"worker-{n}" for n in range(workers)} if workers > 1 else set()
    assert set(took) == set(left) - own
    if workers == 2:  # worker i of 2 takes worker-n with n % 2 == i; worker 0 the root
        assert took == {spool: 0, spool / "worker-2": 0, spool / "worker-3": 1}
    # right after the drain Kafka may be slower than spool.kafka_timeout_seconds: 202 (spooled,
    # then drained, and read back above) is as good an answer as 200
    assert sum(after.counts()[status] for status in (200, 202)) == 50, after.counts()
    assert after.acknowledged() <= set(found)
