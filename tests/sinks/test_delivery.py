"""Unit tests of one record's delivery (stamina's test mode removes the backoff sleeps)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import stamina
import yaml
from _sink_harness import make_event
from click.testing import CliRunner

from relay.cli import main
from relay.records import RecordBuilder
from sinks import DeliveryError, SinkEvent, SinkGoneError, SinkMetrics
from sinks._common import RetrySettings
from sinks._delivery import Deliverer
from sinks._dlq import DeadLetter
from sinks.config import FilterSettings
from sinks.filters import EventFilter


class ScriptedSink:
    """Stand-in sink (unit test only): raises the scripted errors, then accepts."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.delivered: list[str] = []

    async def start(self) -> None: ...
    async def aclose(self) -> None: ...

    async def deliver(self, event: SinkEvent) -> None:
        if self.errors:
            raise self.errors.pop(0)
        self.delivered.append(event.id)


class CollectedLetters:
    """Stand-in dead-letter publisher (unit test only) that keeps the letters."""

    def __init__(self) -> None:
        self.letters: list[DeadLetter] = []

    async def publish(self, letter: DeadLetter) -> None:
        self.letters.append(letter)


class _Record:
    def __init__(self) -> None:
        (record,) = RecordBuilder("p").events([make_event("k", 0)])
        self.topic, self.partition, self.offset = record.topic, 0, 5
        self.key, self.value, self.headers = record.key, record.value, record.headers


@pytest.fixture(autouse=True)
def _no_backoff() -> Iterator[None]:
    """Stamina's test mode: no sleeps, at most 3 attempts."""
    with stamina.set_testing(True, attempts=3, cap=True):
        yield


def _run(sink: ScriptedSink, **filters: object) -> tuple[CollectedLetters, SinkMetrics]:
    letters, metrics = CollectedLetters(), SinkMetrics()
    deliverer = Deliverer(
        name="s",
        sink=sink,
        event_filter=EventFilter.from_config(FilterSettings(**filters)),  # type: ignore[arg-type]
        retry=RetrySettings(attempts=3),
        attempt_timeout=5,
        slots=asyncio.Semaphore(1),
        dead_letters=letters,  # type: ignore[arg-type]
        metrics=metrics,
    )
    asyncio.run(deliverer.handle(_Record(), 0.0))
    return letters, metrics


def _count(metrics: SinkMetrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, {"sink": "s", **labels}) or 0.0


def test_a_transient_failure_is_retried_then_delivered() -> None:
    """Two retriable failures, then success: 3 attempts, 2 retried, delivered, no letter."""
    sink = ScriptedSink(DeliveryError("x", "down", retriable=True), ConnectionResetError())
    letters, metrics = _run(sink)
    assert len(sink.delivered) == 1
    assert letters.letters == []
    assert _count(metrics, "relay_sink_attempts_total") == 3
    assert _count(metrics, "relay_sink_deliveries_total", outcome="retried") == 2
    assert _count(metrics, "relay_sink_deliveries_total", outcome="delivered") == 1


def test_exhausted_retries_dead_letter_with_the_attempts() -> None:
    """Retriable failures past the attempts cap become a dead letter saying 3 attempts."""
    sink = ScriptedSink(*(DeliveryError("http_503", "busy", retriable=True) for _ in range(5)))
    letters, metrics = _run(sink)
    (letter,) = letters.letters
    assert (letter.reason, letter.attempts, letter.offset) == ("http_503", 3, 5)
    assert _count(metrics, "relay_sink_dead_letters_total") == 1


def test_a_permanent_failure_is_not_retried() -> None:
    """A non-retriable error is dead-lettered after one attempt."""
    letters, metrics = _run(ScriptedSink(DeliveryError("http_400", "no", retriable=False)))
    assert [(x.reason, x.attempts) for x in letters.letters] == [("http_400", 1)]
    assert _count(metrics, "relay_sink_attempts_total") == 1


def test_an_unexpected_error_is_dead_lettered_by_class_name_only() -> None:
    """A bug in a sink is dead-lettered (reason unexpected_error), its message not copied."""
    letters, _ = _run(ScriptedSink(KeyError("secret-looking detail")))
    (letter,) = letters.letters
    assert (letter.reason, letter.error) == ("unexpected_error", "KeyError")


def test_gone_and_cancelled_propagate() -> None:
    """SinkGoneError stops the sink and CancelledError is never swallowed; no letter either way."""
    for error in (SinkGoneError("gone"), asyncio.CancelledError()):
        with pytest.raises(type(error)):
            _run(ScriptedSink(error))


def test_filtered_events_are_counted_not_delivered() -> None:
    """An event the filter rejects is counted as filtered and never reaches the sink."""
    sink = ScriptedSink()
    letters, metrics = _run(sink, platforms=["shopify"])
    assert sink.delivered == []
    assert letters.letters == []
    assert _count(metrics, "relay_sink_filtered_total") == 1


def test_check_config_resolves_sink_secrets(tmp_path: Path) -> None:
    """check-config names a sink's unset secret reference by its key."""
    config = tmp_path / "relay.yaml"
    sink = {
        "name": "db",
        "type": "postgres",
        "topics": ["orders"],
        "dsn": "host=x",
        "password": "env:T_UNSET_PG",
    }
    config.write_text(yaml.safe_dump({"sinks": [sink]}))
    result = CliRunner().invoke(main, ["check-config", str(config)])
    assert result.exit_code == 1
    assert "sinks[db].password: environment variable T_UNSET_PG is not set" in result.output
