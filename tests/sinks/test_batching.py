"""The runner's batches (``BatchSink``) against a real broker: order per key through failures."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest
from _sink_harness import (
    FAST_RETRY,
    TOPIC,
    create_topics,
    events_for,
    produce,
    running,
    sink_config,
    wait_for,
)

from sinks import DeliveryError, SinkEvent

pytestmark = pytest.mark.integration


class FlakyBatchSink:
    """Stand-in batching target (the runner is under test): refuses some first attempts."""

    def __init__(self, refuse: dict[tuple[str, int], int]) -> None:
        self.refuse = refuse  # (entity, seq) -> how many attempts to refuse
        self.stored: list[tuple[str, int]] = []
        self.batches: list[int] = []

    async def start(self) -> None: ...
    async def aclose(self) -> None: ...

    def _one(self, event: SinkEvent) -> Exception | None:
        entity = event.subject
        seq = int(event.document["data"]["additional_fields"]["seq"])
        if self.refuse.get((entity, seq), 0) > 0:
            self.refuse[entity, seq] -= 1
            return DeliveryError("flaky", "refused for the test", retriable=True)
        if (entity, seq) not in self.stored:  # redelivery of an id is harmless
            self.stored.append((entity, seq))
        return None

    async def deliver(self, event: SinkEvent) -> None:
        if (error := self._one(event)) is not None:
            raise error

    async def deliver_batch(self, events: Sequence[SinkEvent]) -> Sequence[Exception | None]:
        await asyncio.sleep(0.01)  # the target's pace: later records queue up meanwhile
        self.batches.append(len(events))
        results: list[Exception | None] = []
        failed: set[str] = set()
        for event in events:  # a key's events in order, stopping at its failed one
            if event.subject in failed:
                results.append(DeliveryError("flaky", "after a failed one", retriable=True))
                continue
            results.append(self._one(event))
            if results[-1] is not None:
                failed.add(event.subject)
        return results


def test_a_failed_event_in_a_batch_holds_its_key_and_not_the_others(
    kafka_bootstrap: str, topic_prefix: str, tmp_path: Path
) -> None:
    """Batches carry several events per key; a key's failed event is retried before its next."""
    events = events_for(keys=4, per_key=30)
    sink = FlakyBatchSink({("k1", 3): 2, ("k2", 0): 1, ("k2", 17): 3})
    config = sink_config(
        f"batch-{topic_prefix}",
        type="file",  # the config's keys; the stand-in sink replaces the file sink
        path=str(tmp_path / "unused.jsonl"),
        retry=FAST_RETRY,
        commit_interval_seconds=0.2,
        session_timeout_ms=1500,
    )

    async def scenario() -> None:
        await create_topics(kafka_bootstrap, [f"{topic_prefix}.{TOPIC}"])
        await produce(kafka_bootstrap, topic_prefix, events)
        async with running(kafka_bootstrap, topic_prefix, config, sink) as runner:

            async def all_stored() -> bool:
                return len(sink.stored) == len(events)

            await wait_for(all_stored, 30, "every event stored")
            assert runner.value("relay_sink_deliveries_total", outcome="delivered") == len(events)
            assert runner.value("relay_sink_deliveries_total", outcome="retried") >= 5

    asyncio.run(scenario())
    by_key: dict[str, list[int]] = {}
    for entity, seq in sink.stored:
        by_key.setdefault(entity, []).append(seq)
    assert by_key == {f"k{k}": list(range(30)) for k in range(4)}
    assert max(sink.batches) > 4  # several events of a key in one batch
