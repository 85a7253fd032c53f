"""`relay sink run --all` as a real process, `replay` and `dlq-redrive` against the real broker."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
import uvicorn
import yaml
from _sink_harness import FAST_RETRY, TOPIC, create_topics, events_for, produce, read_body
from click.testing import CliRunner

from relay.cli import main
from relay.config import Settings
from relay.embedded import free_port
from relay.errors import ConfigError
from relay.sinking import parse_start, redrive_sink, replay_sink
from sinks import SinkMetrics

pytestmark = pytest.mark.integration

FAST = {"session_timeout_ms": 1500, "commit_interval_seconds": 0.2, "retry": FAST_RETRY}


def _lines(path: Path) -> list[dict[str, Any]]:
    """The complete lines of a file a sink may be writing (bytes after the last newline wait)."""
    if not path.exists():
        return []
    complete, _, _ = path.read_bytes().rpartition(b"\n")
    return [orjson.loads(line) for line in complete.splitlines()]


def _settings(bootstrap: str, prefix: str, sinks: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "kafka": {"bootstrap_servers": bootstrap, "topic_prefix": prefix, "topic_partitions": 3},
        "sinks": sinks,
    }


def test_sink_run_all_delivers_and_stops_cleanly_on_sigterm(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str
) -> None:
    """Two file sinks in one `relay sink run --all` process both get every event; SIGTERM -> 0."""
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    sinks = [
        {"name": "a", "type": "file", "topics": [TOPIC], "path": str(a), **FAST},
        {"name": "b", "type": "file", "topics": [TOPIC], "path": str(b), **FAST},
    ]
    config = tmp_path / "relay.yaml"
    config.write_text(yaml.safe_dump(_settings(kafka_bootstrap, topic_prefix, sinks)))
    events = events_for(4, 5)
    asyncio.run(create_topics(kafka_bootstrap, [f"{topic_prefix}.{TOPIC}"]))
    asyncio.run(produce(kafka_bootstrap, topic_prefix, events))
    log = (tmp_path / "sink.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "relay", "sink", "run", "--all", "--config", str(config)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (len(_lines(a)) >= 20 and len(_lines(b)) >= 20):
            time.sleep(0.1)
        assert {e["id"] for e in _lines(a)} == {e.id for e in events}
        assert {e["id"] for e in _lines(b)} == {e.id for e in events}
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        log.close()


def test_sink_run_needs_a_name_or_all() -> None:
    """`relay sink run` without NAME and --all (or with both) is a usage error."""
    result = CliRunner().invoke(main, ["sink", "run"])
    assert result.exit_code == 2
    assert "give a sink NAME or --all" in result.output


def test_replay_from_an_offset_and_from_a_time(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str
) -> None:
    """Replay from offset 0 re-delivers everything; from a future time, nothing; then it exits."""
    out = tmp_path / "replay.jsonl"
    settings = Settings(
        **_settings(
            kafka_bootstrap,
            topic_prefix,
            [{"name": "r", "type": "file", "topics": [TOPIC], "path": str(out), **FAST}],
        )
    )
    events = events_for(3, 3)

    async def scenario() -> None:
        await create_topics(kafka_bootstrap, [f"{topic_prefix}.{TOPIC}"])
        await produce(kafka_bootstrap, topic_prefix, events)
        assert await replay_sink(settings, settings.sinks[0], 0, metrics=SinkMetrics()) == 0
        assert sorted(e["id"] for e in _lines(out)) == sorted(e.id for e in events)
        later = datetime.now(UTC) + timedelta(hours=1)
        assert (
            await asyncio.wait_for(
                replay_sink(settings, settings.sinks[0], later, metrics=SinkMetrics()), 30
            )
            == 0
        )
        assert len(_lines(out)) == len(events)

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), ("2026-01-02T03:04:05Z", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))],
)
def test_parse_start_reads_offsets_and_times(value: str, expected: object) -> None:
    """--from takes an offset or an RFC 3339 time with an offset."""
    assert parse_start(value) == expected


@pytest.mark.parametrize("value", ["yesterday", "2026-01-02T03:04:05"])
def test_parse_start_refuses_the_rest(value: str) -> None:
    """Anything else (or a time without a UTC offset) is a clear error naming --from."""
    with pytest.raises(ConfigError, match="--from"):
        parse_start(value)


class _Endpoint:
    """A local HTTP endpoint answering 400 until ``healthy``; keeps what it accepted."""

    def __init__(self) -> None:
        self.healthy = False
        self.accepted: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive)
        if self.healthy:
            self.accepted.append(orjson.loads(body)["id"])
        status = 200 if self.healthy else 400
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def test_dlq_redrive_sends_dead_letters_through_the_sink_again(
    kafka_bootstrap: str, topic_prefix: str
) -> None:
    """Events dead-lettered by a refusing endpoint are delivered by dlq-redrive once it accepts."""
    port = free_port()
    endpoint = _Endpoint()
    sink = {
        "name": "h",
        "type": "http",
        "topics": [TOPIC],
        "url": f"http://127.0.0.1:{port}/",
        "allow_private_networks": True,
        **FAST,
    }
    settings = Settings(**_settings(kafka_bootstrap, topic_prefix, [sink]))
    events = events_for(2, 2)

    async def scenario() -> None:
        server = uvicorn.Server(
            uvicorn.Config(endpoint, host="127.0.0.1", port=port, log_level="error", lifespan="off")
        )
        serving = asyncio.create_task(server.serve())
        try:
            await create_topics(kafka_bootstrap, [f"{topic_prefix}.{TOPIC}"])
            await produce(kafka_bootstrap, topic_prefix, events)
            assert (
                await replay_sink(settings, settings.sinks[0], 0, metrics=(first := SinkMetrics()))
                == 0
            )
            assert (
                first.registry.get_sample_value("relay_sink_dead_letters_total", {"sink": "h"}) == 4
            )
            endpoint.healthy = True
            again = SinkMetrics()
            assert await redrive_sink(settings, settings.sinks[0], metrics=again) == 0
            assert sorted(endpoint.accepted) == sorted(e.id for e in events)
            assert (
                again.registry.get_sample_value(
                    "relay_sink_deliveries_total", {"sink": "h", "outcome": "delivered"}
                )
                == 4
            )
            assert await redrive_sink(settings, settings.sinks[0], metrics=SinkMetrics()) == 0
            assert len(endpoint.accepted) == 4  # the redrive group remembers what it sent
        finally:
            server.should_exit = True
            await serving

    asyncio.run(scenario())


def test_a_killed_sink_process_loses_nothing(
    tmp_path: Path, kafka_bootstrap: str, topic_prefix: str
) -> None:
    """SIGKILL mid-stream (no graceful stop), then a restart: every event id is in the file."""
    out = tmp_path / "out.jsonl"
    sinks = [
        {
            "name": "k",
            "type": "file",
            "topics": [TOPIC],
            "path": str(out),
            "max_in_flight": 4,
            **FAST,
        }
    ]
    config = tmp_path / "relay.yaml"
    config.write_text(yaml.safe_dump(_settings(kafka_bootstrap, topic_prefix, sinks)))
    events = events_for(150, 20)  # enough that a kill lands mid-stream
    asyncio.run(create_topics(kafka_bootstrap, [f"{topic_prefix}.{TOPIC}"]))
    asyncio.run(produce(kafka_bootstrap, topic_prefix, events))
    command = [sys.executable, "-m", "relay", "sink", "run", "k", "--config", str(config)]
    at_kill = 0
    for kill_after in (50, None):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            goal = kill_after or len(events)
            while time.monotonic() < deadline and len({e["id"] for e in _lines(out)}) < goal:
                time.sleep(0.01)
            if kill_after is not None:
                process.kill()  # SIGKILL: nothing is flushed or committed on the way out
                process.wait(10)
                at_kill = len({e["id"] for e in _lines(out)})
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(30)
    ids = [e["id"] for e in _lines(out)]
    assert 50 <= at_kill < len(events)  # killed mid-stream
    assert set(ids) == {e.id for e in events}
    assert len(ids) - len(set(ids)) < len(events)  # re-delivered at most what was uncommitted
